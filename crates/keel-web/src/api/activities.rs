//! What she did: logged exercises, levels, the week against its targets, the sessions
//! calendar, and her exercise preferences.

use crate::api::kit::{date_param, date_range};
use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use keel_app::schema::{ActivityBody, PreferencesBody};
use keel_app::views::{self};
use keel_core::ValidationErrors;
use keel_core::activity::{Activity, FamilyLevel, WeekSummary};
use keel_core::preferences::Preferences;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Logs an exercise done: actual dose, pain during (0-10) and effort (0-10).
#[utoipa::path(
    post, path = "/api/v1/activities", tag = "plan",
    request_body(content = ActivityBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Logged", body = Activity),
        (status = 200, description = "Replaced the entry for that exercise and date", body = Activity),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_activity(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (activity, replaced) = keel_app::activities::log_activity(
        &state.store,
        &state.library,
        auth.user,
        &body,
        state.today(),
    )
    .await?;
    Ok((
        if replaced {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(activity),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityList {
    pub activities: Vec<Activity>,
}

/// Logged exercises between two dates, both included.
#[utoipa::path(
    get, path = "/api/v1/activities", tag = "plan",
    params(
        ("from" = Option<String>, Query, format = Date, description = "First day (default: 30 days before `to`)"),
        ("to" = Option<String>, Query, format = Date, description = "Last day (default: today)"),
    ),
    responses((status = 200, body = ActivityList), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn list_activities(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<ActivityList>, ApiError> {
    let (from, to) = date_range(&state, &query)?;
    Ok(Json(ActivityList {
        activities: state.store.activities(auth.user, from, to).await?,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LevelList {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub levels: Vec<FamilyLevel>,
}

/// Each exercise family's level on a date, with the reason (the progression rule).
#[utoipa::path(
    get, path = "/api/v1/levels", tag = "plan",
    params(("date" = Option<String>, Query, format = Date, description = "The day (default: today)")),
    responses((status = 200, body = LevelList), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_levels(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<LevelList>, ApiError> {
    let mut errors = ValidationErrors::new();
    let date = date_param(&query, "date", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let date = date.unwrap_or_else(|| state.today());
    let levels = views::levels_on(&state.store, &state.library, auth.user, date).await?;
    Ok(Json(LevelList { date, levels }))
}

/// The week (Monday to Sunday) holding a date, against the weekly activity targets.
#[utoipa::path(
    get, path = "/api/v1/week", tag = "plan",
    params(("date" = Option<String>, Query, format = Date, description = "A day in the week (default: today)")),
    responses((status = 200, body = WeekSummary), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_week(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<WeekSummary>, ApiError> {
    let mut errors = ValidationErrors::new();
    let date = date_param(&query, "date", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let date = date.unwrap_or_else(|| state.today());
    Ok(Json(views::week_for(&state.store, auth.user, date).await?))
}

/// The next seven days' sessions as iCalendar (RFC 5545), one all-day event a day with a
/// stable UID. Days without a check-in are planned as steady days.
#[utoipa::path(
    get, path = "/api/v1/calendar.ics", tag = "plan",
    responses((status = 200, description = "An iCalendar file", content_type = "text/calendar", body = String))
)]
pub async fn get_calendar(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let ics =
        views::sessions_calendar(&state.store, &state.library, auth.user, state.today()).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"keel-sessions.ics\"",
            ),
        ],
        ics,
    )
        .into_response())
}

/// Her plan preferences: exercises to leave out and equipment she lacks.
#[utoipa::path(get, path = "/api/v1/preferences", tag = "plan", responses((status = 200, body = PreferencesBody)))]
pub async fn get_preferences(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        state
            .store
            .preferences(auth.user, &state.library)
            .await?
            .to_json(),
    ))
}

/// Replaces her plan preferences.
#[utoipa::path(
    put, path = "/api/v1/preferences", tag = "plan",
    request_body(content = PreferencesBody, content_type = "application/json"),
    responses((status = 200, body = PreferencesBody), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn put_preferences(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let p = Preferences::parse(&body, &state.library)?;
    state.store.save_preferences(auth.user, &p).await?;
    Ok(Json(p.to_json()))
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_activity, list_activities))
        .routes(routes!(get_levels))
        .routes(routes!(get_week))
        .routes(routes!(get_calendar))
        .routes(routes!(get_preferences, put_preferences))
}
