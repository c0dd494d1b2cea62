//! The desk check, breaks, their settings and the calendar feed of reminders.

use crate::api::kit::date_param;
use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use keel_app::schema::{BreakSettingsBody, DeskBody};
use keel_core::ValidationErrors;
use keel_core::desk::{self, BreakSettings, DeskAssessment, DeskInput};
use keel_store::BreakTaken;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Stateless workstation check (clinical-rules.md section 4): nothing is stored.
#[utoipa::path(
    post, path = "/api/v1/desk/assess", tag = "desk",
    request_body(content = DeskBody, content_type = "application/json"),
    responses((status = 200, body = DeskAssessment), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn post_desk_assess(JsonBody(body): JsonBody) -> Result<Json<DeskAssessment>, ApiError> {
    Ok(Json(desk::assess(&DeskInput::parse(&body)?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeskStatus {
    #[schema(schema_with = keel_app::schema::desk)]
    pub setup: Value,
    pub assessment: DeskAssessment,
}

/// Her stored workstation answers and what follows from them.
#[utoipa::path(get, path = "/api/v1/desk", tag = "desk", responses((status = 200, body = DeskStatus)))]
pub async fn get_desk(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<DeskStatus>, ApiError> {
    let d = keel_app::desk::desk_input(&state.store, auth.user).await?;
    Ok(Json(DeskStatus {
        setup: d.to_json(),
        assessment: desk::assess(&d),
    }))
}

/// Replaces her stored workstation answers.
#[utoipa::path(
    put, path = "/api/v1/desk", tag = "desk",
    request_body(content = DeskBody, content_type = "application/json"),
    responses((status = 200, body = DeskStatus), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn put_desk(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<DeskStatus>, ApiError> {
    let d = DeskInput::parse(&body)?;
    state
        .store
        .save_setting(auth.user, keel_app::desk::DESK, &d.to_json())
        .await?;
    Ok(Json(DeskStatus {
        setup: d.to_json(),
        assessment: desk::assess(&d),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BreakDay {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Local date-times of the breaks taken.
    #[schema(value_type = Vec<String>)]
    pub taken: Vec<String>,
    pub minutes: u32,
    pub sitting_minutes: u32,
    pub standing_minutes: u32,
}

/// Breaks taken and the sit/stand balance on a day (default today).
#[utoipa::path(
    get, path = "/api/v1/breaks", tag = "desk",
    params(("date" = Option<String>, Query, format = Date)),
    responses((status = 200, body = BreakDay), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_breaks(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<BreakDay>, ApiError> {
    let mut errors = ValidationErrors::new();
    let date = date_param(&query, "date", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let date = date.unwrap_or_else(|| state.today());
    let taken = state.store.breaks(auth.user, date, date).await?;
    let balance = state.store.posture_balance(auth.user, date).await?;
    Ok(Json(BreakDay {
        date,
        minutes: taken.iter().map(|b| u32::from(b.minutes)).sum(),
        taken: taken
            .iter()
            .map(|b| b.taken_at.format("%Y-%m-%dT%H:%M:%S").to_string())
            .collect(),
        sitting_minutes: balance.sitting_minutes,
        standing_minutes: balance.standing_minutes,
    }))
}

/// Logs a 2-minute break taken now; it counts as movement in the week.
#[utoipa::path(post, path = "/api/v1/breaks", tag = "desk", responses((status = 201, body = BreakDay)))]
pub async fn post_break(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let now = keel_app::desk::local_now();
    let taken = state
        .store
        .breaks(auth.user, now.date(), now.date())
        .await?;
    let routine = desk::break_routine(&state.library, taken.len());
    let at = state
        .store
        .log_break(
            auth.user,
            &BreakTaken {
                taken_at: now,
                minutes: desk::BREAK_MINUTES,
                exercise_id: routine.map(|r| r.exercise_id),
            },
        )
        .await?;
    let day = get_breaks(
        auth,
        State(state),
        Query(HashMap::from([("date".to_string(), at.date().to_string())])),
    )
    .await?;
    Ok((StatusCode::CREATED, day).into_response())
}

/// Her break settings: working hours, interval and working days.
#[utoipa::path(get, path = "/api/v1/breaks/settings", tag = "desk", responses((status = 200, body = BreakSettingsBody)))]
pub async fn get_break_settings(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        keel_app::desk::break_settings(&state.store, auth.user)
            .await?
            .to_json(),
    ))
}

/// Replaces her break settings.
#[utoipa::path(
    put, path = "/api/v1/breaks/settings", tag = "desk",
    request_body(content = BreakSettingsBody, content_type = "application/json"),
    responses((status = 200, body = BreakSettingsBody), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn put_break_settings(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let s = BreakSettings::parse(&body)?;
    state
        .store
        .save_setting(auth.user, keel_app::desk::BREAKS, &s.to_json())
        .await?;
    Ok(Json(s.to_json()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedLink {
    /// The feed's path with its secret; shown once, only a hash is kept.
    pub path: String,
}

/// Creates (or replaces, revoking the old) the secret address of her break-reminder calendar.
#[utoipa::path(post, path = "/api/v1/feeds/breaks", tag = "desk", responses((status = 201, body = FeedLink)))]
pub async fn post_feed(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let token = keel_app::secret::new_token();
    state
        .store
        .set_feed_token(
            auth.user,
            keel_app::desk::BREAKS,
            &keel_app::secret::hash_token(&token),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(FeedLink {
            path: format!("/feeds/breaks/{token}.ics"),
        }),
    )
        .into_response())
}

/// Turns the break-reminder calendar address off.
#[utoipa::path(delete, path = "/api/v1/feeds/breaks", tag = "desk", responses((status = 204, description = "Revoked"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_feed(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    if state
        .store
        .revoke_feed_token(auth.user, keel_app::desk::BREAKS)
        .await?
    {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound(
            "There is no calendar address to turn off.".into(),
        ))
    }
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_desk_assess))
        .routes(routes!(get_desk, put_desk))
        .routes(routes!(get_breaks, post_break))
        .routes(routes!(get_break_settings, put_break_settings))
        .routes(routes!(post_feed, delete_feed))
}
