//! The clinician report as a PDF, for the period and sections asked.

use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The clinician report (PDF): a first page that tells the story of the period, then the
/// details. Bad periods, unknown sections and the like are refused with the field named.
#[utoipa::path(
    get, path = "/api/v1/report", tag = "report",
    params(
        ("days" = Option<String>, Query, description = "30, 90 or 180 (the last days up to `to`), or custom"),
        ("from" = Option<String>, Query, format = Date, description = "First day (default: 90 days before `to`)"),
        ("to" = Option<String>, Query, format = Date, description = "Last day, not after today (default: today)"),
        ("sections" = Option<String>, Query, description = "Comma-separated: bone, desk, questionnaires, notes, symptoms, cycle (default: all but notes)"),
        ("paper" = Option<String>, Query, description = "a4 (default) or letter"),
        ("name" = Option<String>, Query, description = "Her name, for this report only"),
        ("born" = Option<String>, Query, description = "Her year of birth, for this report only"),
    ),
    responses(
        (status = 200, description = "The report", content_type = "application/pdf", body = Vec<u8>),
        (status = 422, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_report(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = keel_app::report::request::Asked::pairs(raw.as_deref());
    let req = keel_app::report::request::parse(
        &keel_app::report::request::Asked::from_pairs(&pairs),
        state.today(),
    )?;
    let file = keel_app::report::pdf_file(&state.store, auth.user, &req, state.today()).await?;
    Ok(crate::download::pdf(file))
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_report))
}
