//! The versioned JSON API under `/api/v1`, and its OpenAPI document.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use keel_core::bone::{self, BoneAssessment, BoneInput};
use keel_core::triage::{self, TriageInput, TriageResult};
use keel_core::{CheckIn, ValidationErrors};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::schema::{BoneBody, CheckInBody, TriageBody};
use crate::views::{CheckInList, CheckInRecord, PlanView};
use crate::{AppState, user_for};

/// Longest span one history request may cover.
pub const MAX_RANGE_DAYS: i64 = 3660;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keel API",
        version = "1",
        description = "Check-ins, red-flag triage and the daily plan. Keel informs and never diagnoses."
    ),
    paths(post_check_in, list_check_ins, get_plan, post_triage, healthz),
    components(schemas(
        Problem,
        CheckInRecord,
        CheckInList,
        PlanView,
        Health,
        CheckInBody,
        TriageBody
    ))
)]
pub struct ApiDoc;

/// Saves a check-in. The same date again replaces the earlier one (200 instead of 201).
#[utoipa::path(
    post, path = "/api/v1/checkins", tag = "check-ins",
    request_body(content = CheckInBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Saved as a new check-in", body = CheckInRecord),
        (status = 200, description = "Replaced the check-in for that date", body = CheckInRecord),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_check_in(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let check_in = CheckIn::parse(&body, state.today())?;
    let saved = state.store.record_check_in(user_for(), &check_in).await?;
    let status = if saved.replaced {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(CheckInRecord::from_saved(&saved))).into_response())
}

/// Check-ins between two dates, both included, oldest first.
#[utoipa::path(
    get, path = "/api/v1/checkins", tag = "check-ins",
    params(
        ("from" = Option<String>, Query, format = Date, description = "First day (default: 30 days before `to`)"),
        ("to" = Option<String>, Query, format = Date, description = "Last day (default: today)"),
    ),
    responses(
        (status = 200, body = CheckInList),
        (status = 422, description = "A bad date or range", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_check_ins(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<CheckInList>, ApiError> {
    let mut errors = ValidationErrors::new();
    let mut date_param = |name: &str| match query.get(name).map(String::as_str) {
        None | Some("") => None,
        Some(s) => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .filter(|_| s.len() == 10);
            if d.is_none() {
                errors.add(name, "must be a date written YYYY-MM-DD");
            }
            d
        }
    };
    let to = date_param("to");
    let from = date_param("from");
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let to = to.unwrap_or_else(|| state.today());
    let from = from.unwrap_or(to - Duration::days(30));
    if from > to {
        return Err(ValidationErrors::single("from", "must not be after to").into());
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(ValidationErrors::single(
            "from",
            format!("the range may cover at most {MAX_RANGE_DAYS} days"),
        )
        .into());
    }
    let rows = state.store.check_ins(user_for(), from, to).await?;
    Ok(Json(CheckInList {
        check_ins: rows.iter().map(CheckInRecord::from_stored).collect(),
    }))
}

/// The plan for a day with a check-in: day type, reason, safety findings first, then items.
#[utoipa::path(
    get, path = "/api/v1/plan/{date}", tag = "plan",
    params(("date" = String, Path, format = Date, description = "The day (YYYY-MM-DD)")),
    responses(
        (status = 200, body = PlanView),
        (status = 404, description = "No check-in for that date yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a date", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_plan(
    State(state): State<AppState>,
    Path(date): Path<String>,
) -> Result<Json<PlanView>, ApiError> {
    let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .ok()
        .filter(|_| date.len() == 10)
        .ok_or_else(|| ValidationErrors::single("date", "must be a date written YYYY-MM-DD"))?;
    let stored = state
        .store
        .check_in(user_for(), date)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "There is no check-in for {date} yet. Check in first to get a plan."
            ))
        })?;
    Ok(Json(PlanView::build(
        &state.library,
        &stored,
        &state.plan_context(),
    )))
}

/// Stateless red-flag triage (clinical-rules.md section 1): nothing is stored.
#[utoipa::path(
    post, path = "/api/v1/triage", tag = "safety",
    request_body(content = TriageBody, content_type = "application/json"),
    responses(
        (status = 200, body = TriageResult),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_triage(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<TriageResult>, ApiError> {
    let input = TriageInput::parse(&body, state.today())?;
    Ok(Json(triage::evaluate(&input)))
}

/// Stateless bone-health assessment (clinical-rules.md section 2): nothing is stored.
#[utoipa::path(
    post, path = "/api/v1/bone/assess", tag = "bone",
    request_body(content = BoneBody, content_type = "application/json"),
    responses(
        (status = 200, body = BoneAssessment),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_bone_assess(JsonBody(body): JsonBody) -> Result<Json<BoneAssessment>, ApiError> {
    let input = BoneInput::parse(&body)?;
    Ok(Json(bone::assess(&input)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub database: String,
}

/// Process up and database reachable.
#[utoipa::path(
    get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health))
)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok".into(),
                database: "ok".into(),
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable".into(),
                    database: "unreachable".into(),
                }),
            )
        }
    }
}

pub async fn openapi_json() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("There is nothing at this address.".into())
}
