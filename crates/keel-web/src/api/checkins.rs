//! Check-ins, the plan for a day, and triage on its own.

use crate::api::kit::{date_range, json_bytes, json_response};
use crate::cache::View;
use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use keel_app::schema::{CheckInBody, TriageBody};
use keel_app::views::{self, CheckInList, CheckInRecord, PlanView};
use keel_core::triage::{self, TriageInput, TriageResult};
use keel_core::validate::parse_date;
use keel_core::{CheckIn, ValidationErrors};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let check_in = CheckIn::parse(&body, state.today())?;
    let saved = state.record_check_in(auth.user, &check_in).await?;
    let status = if saved.replaced {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(CheckInRecord::from_saved(saved))).into_response())
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
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let (from, to) = date_range(&state, &query)?;
    let body = state
        .views
        .get_or_load(
            (auth.user, auth.revision),
            View::CheckInsJson(from, to),
            |b: &Bytes| b.len() as u64,
            || async {
                let rows = state.store.check_ins(auth.user, from, to).await?;
                let list = CheckInList {
                    check_ins: rows.into_iter().map(CheckInRecord::from_stored).collect(),
                };
                Ok::<_, ApiError>(json_bytes(&list))
            },
        )
        .await?;
    Ok(json_response(Bytes::clone(&body)))
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
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Path(date): Path<String>,
) -> Result<Response, ApiError> {
    let date = parse_date(&date)
        .ok_or_else(|| ValidationErrors::single("date", "must be a date written YYYY-MM-DD"))?;
    let body = state
        .views
        .get_or_load(
            (auth.user, auth.revision),
            View::PlanJson(date),
            |b: &Option<Bytes>| b.as_ref().map_or(0, |b| b.len() as u64),
            || async {
                let view = views::plan_for(&state.store, &state.library, auth.user, date).await?;
                Ok::<_, ApiError>(view.as_ref().map(json_bytes))
            },
        )
        .await?;
    match body.as_ref() {
        Some(body) => Ok(json_response(body.clone())),
        None => Err(ApiError::NotFound(format!(
            "There is no check-in for {date} yet. Check in first to get a plan."
        ))),
    }
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

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_check_in, list_check_ins))
        .routes(routes!(get_plan))
        .routes(routes!(post_triage))
}
