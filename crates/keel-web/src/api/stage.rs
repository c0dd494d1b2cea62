//! Perimenopause stage: the stateless contract of clinical-rules.md section 6.

use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use keel_app::schema::StageBody;
use keel_core::stage::{self, StageAssessment, StageInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Stateless stage assessment (STRAW+10) from a bleeding log and context, with the bleeding
/// findings of section 8: nothing is stored.
#[utoipa::path(
    post, path = "/api/v1/stage/assess", tag = "stage",
    request_body(content = StageBody, content_type = "application/json"),
    responses(
        (status = 200, body = StageAssessment),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_stage_assess(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<StageAssessment>, ApiError> {
    let input = StageInput::parse(&body, state.today())?;
    Ok(Json(stage::assess(&input)))
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_stage_assess))
}
