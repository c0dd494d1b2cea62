//! Acknowledged warnings.

use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use keel_app::schema::AcknowledgementBody;
use keel_app::views::AcknowledgementView;
use keel_core::rules;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Acknowledges a non-emergency finding ("I have seen a clinician about this"): repeats of
/// the rule are muted for 14 days. Emergency rules are refused.
#[utoipa::path(
    post, path = "/api/v1/acknowledgements", tag = "safety",
    request_body(content = AcknowledgementBody, content_type = "application/json"),
    responses(
        (status = 201, body = AcknowledgementView),
        (status = 422, description = "Unknown or emergency rule, or a bad date", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_acknowledgement(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (rule, date) = rules::parse_acknowledgement(&body, state.today())?;
    let ack = state.store.acknowledge(auth.user, &rule, date).await?;
    Ok((StatusCode::CREATED, Json(AcknowledgementView::from(&ack))).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcknowledgementList {
    pub acknowledgements: Vec<AcknowledgementView>,
}

/// Every acknowledgement she has made, one per rule (the latest).
#[utoipa::path(get, path = "/api/v1/acknowledgements", tag = "safety", responses((status = 200, body = AcknowledgementList)))]
pub async fn list_acknowledgements(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<AcknowledgementList>, ApiError> {
    let acks = state.store.acknowledgements(auth.user).await?;
    Ok(Json(AcknowledgementList {
        acknowledgements: acks.iter().map(AcknowledgementView::from).collect(),
    }))
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_acknowledgement, list_acknowledgements))
}
