//! The versioned JSON API under `/api/v1`: one module per resource, each with its routes, and
//! the OpenAPI document they make together (`openapi`).

use axum::http::StatusCode;
use axum::response::Response;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::error::{ApiError, Problem};
use crate::state::AppState;

pub mod account;
pub mod activities;
pub mod bone;
pub mod checkins;
pub mod cycle;
pub mod data;
pub mod desk;
pub mod kit;
pub mod openapi;
pub mod progress;
pub mod report;
pub mod safety;
pub mod stage;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(checkins::routes())
        .merge(safety::routes())
        .merge(bone::routes())
        .merge(stage::routes())
        .merge(cycle::routes())
        .merge(report::routes())
        .merge(activities::routes())
        .merge(desk::routes())
        .merge(progress::routes())
        .merge(account::routes())
        .merge(data::routes())
        .merge(openapi::routes())
}

pub async fn method_not_allowed() -> Response {
    let problem = Problem {
        kind: "about:blank".into(),
        title: "Method Not Allowed".into(),
        status: 405,
        detail: "This address does not accept that method.".into(),
        errors: vec![],
    };
    crate::error::problem_response(StatusCode::METHOD_NOT_ALLOWED, &problem)
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("There is nothing at this address.".into())
}
