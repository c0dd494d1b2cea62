//! Progress and the questionnaires.

use crate::api::kit::date_param;
use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use keel_app::progress::{
    self as progress_view, ProgressView, QuestionnaireStatus, ScoredResponse,
};
use keel_core::ValidationErrors;
use keel_core::validate::parse_date;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Trends, what goes with better days, and questionnaire status as of a date (default today).
#[utoipa::path(
    get, path = "/api/v1/progress", tag = "progress",
    params(("date" = Option<String>, Query, format = Date)),
    responses((status = 200, body = ProgressView), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_progress(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<ProgressView>, ApiError> {
    let mut errors = ValidationErrors::new();
    let date = date_param(&query, "date", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let date = date.unwrap_or_else(|| state.today());
    Ok(Json(
        progress_view::progress_for(&state.store, auth.user, date).await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionnaireList {
    pub questionnaires: Vec<QuestionnaireStatus>,
}

/// The questionnaires (items, answer range, scoring, bands), whether each is due, and her scores.
#[utoipa::path(get, path = "/api/v1/questionnaires", tag = "progress", responses((status = 200, body = QuestionnaireList)))]
pub async fn list_questionnaires(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<QuestionnaireList>, ApiError> {
    Ok(Json(QuestionnaireList {
        questionnaires: progress_view::questionnaires(&state.store, auth.user, state.today())
            .await?,
    }))
}

/// Saves answers to a questionnaire (`peg` or `mrs`): `{"date": optional, "answers": {item: score}}`.
#[utoipa::path(
    post, path = "/api/v1/questionnaires/{id}/responses", tag = "progress",
    params(("id" = String, Path, description = "peg or mrs")),
    request_body(content = keel_app::schema::ResponseBody, content_type = "application/json"),
    responses(
        (status = 201, body = ScoredResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_response(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let instrument = keel_core::progress::instruments()
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("There is no questionnaire called {id}.")))?;
    let object = keel_core::validate::as_object(&body)?;
    let mut errors = keel_core::validate::unknown_fields(object, &["date", "answers"], "");
    let today = state.today();
    let date = match object.get("date") {
        None | Some(Value::Null) => Some(today),
        Some(v) => match v.as_str().and_then(parse_date).filter(|d| *d <= today) {
            Some(d) => Some(d),
            None => {
                errors.add("date", "must be a date written YYYY-MM-DD, not after today");
                None
            }
        },
    };
    let answers = object.get("answers").cloned().unwrap_or(Value::Null);
    if !answers.is_object() {
        errors.add("answers", "must be an object of item scores");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    match progress_view::save(
        &state.store,
        auth.user,
        instrument,
        &answers,
        date.unwrap_or(today),
    )
    .await?
    {
        Ok(scored) => Ok((StatusCode::CREATED, Json(scored)).into_response()),
        Err(item_errors) => {
            let mut named = ValidationErrors::new();
            for e in item_errors.errors() {
                named.add(format!("answers.{}", e.field), e.message.clone());
            }
            Err(named.into())
        }
    }
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_progress))
        .routes(routes!(list_questionnaires))
        .routes(routes!(post_response))
}
