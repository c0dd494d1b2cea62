//! Her bleeding log and her stage (clinical-rules.md sections 6 and 8).

use crate::api::kit::date_range;
use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use keel_app::cycle::StageView;
use keel_core::ValidationErrors;
use keel_core::stage::BleedingDay;
use keel_core::validate::parse_date;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, ToSchema)]
pub struct BleedingList {
    /// Days of the log, oldest first.
    pub days: Vec<BleedingDay>,
}

/// Days of her bleeding log between two dates, both included.
#[utoipa::path(
    get, path = "/api/v1/bleeding", tag = "cycle",
    params(
        ("from" = Option<String>, Query, format = Date, description = "First day (default: 30 days before `to`)"),
        ("to" = Option<String>, Query, format = Date, description = "Last day (default: today)"),
    ),
    responses((status = 200, body = BleedingList), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn list_bleeding(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<BleedingList>, ApiError> {
    let (from, to) = date_range(&state, &query)?;
    let log = state.store.bleeding_log(auth.user).await?;
    Ok(Json(BleedingList {
        days: log.range(from..=to).map(|(_, d)| *d).collect(),
    }))
}

fn path_date(date: &str) -> Result<chrono::NaiveDate, ApiError> {
    parse_date(date)
        .ok_or_else(|| ValidationErrors::single("date", "must be a date written YYYY-MM-DD").into())
}

/// Records one day of the log, replacing what that day held. "none" is a day known to be
/// without bleeding.
#[utoipa::path(
    put, path = "/api/v1/bleeding/{date}", tag = "cycle",
    params(("date" = String, Path, format = Date, description = "The day (YYYY-MM-DD), not after today")),
    request_body(content = keel_app::schema::BleedingBody, content_type = "application/json"),
    responses(
        (status = 200, body = BleedingDay),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_bleeding(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Path(date): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<BleedingDay>, ApiError> {
    let date = path_date(&date)?;
    let day =
        keel_app::cycle::record_day(&state.store, auth.user, date, &body, state.today()).await?;
    Ok(Json(day))
}

/// Removes one day from the log.
#[utoipa::path(
    delete, path = "/api/v1/bleeding/{date}", tag = "cycle",
    params(("date" = String, Path, format = Date, description = "The day (YYYY-MM-DD)")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "Nothing logged that day", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_bleeding(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Path(date): Path<String>,
) -> Result<Response, ApiError> {
    let date = path_date(&date)?;
    let n = state
        .store
        .delete_bleeding(auth.user, date, date, state.today())
        .await?;
    if n == 0 {
        return Err(ApiError::NotFound(format!("Nothing is logged on {date}.")));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Records a past period in one go: every day from start to end with the flow.
#[utoipa::path(
    post, path = "/api/v1/bleeding/periods", tag = "cycle",
    request_body(content = keel_app::schema::PeriodBody, content_type = "application/json"),
    responses(
        (status = 201, body = BleedingList),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_period(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let days =
        keel_app::cycle::record_period(&state.store, auth.user, &body, state.today()).await?;
    Ok((StatusCode::CREATED, Json(BleedingList { days })).into_response())
}

/// Her stage today (STRAW+10, section 6) from her stored log and context, with its reason,
/// the cycles it rests on and the bleeding findings of section 8.
#[utoipa::path(
    get, path = "/api/v1/stage", tag = "cycle",
    params(("date" = Option<String>, Query, format = Date, description = "The day to judge (default: today)")),
    responses((status = 200, body = StageView), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_stage(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<StageView>, ApiError> {
    let mut errors = ValidationErrors::new();
    let date = crate::api::kit::date_param(&query, "date", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let today = state.today();
    let date = date.unwrap_or(today);
    if date > today {
        return Err(ValidationErrors::single("date", "must not be after today").into());
    }
    Ok(Json(
        keel_app::cycle::stage_view(&state.store, auth.user, date).await?,
    ))
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_bleeding))
        .routes(routes!(put_bleeding, delete_bleeding))
        .routes(routes!(post_period))
        .routes(routes!(get_stage))
}
