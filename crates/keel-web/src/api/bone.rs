//! Bone health: her profile, heights, DEXA results and the assessment.

use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use keel_app::schema::{BoneBody, ProfileBody};
use keel_app::views::{self};
use keel_core::bone::{
    self, BoneAssessment, BoneInput, BoneProfile, DexaResult, HeightMeasurement,
};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Her bone-health profile (age or birth date, weight, heights, risk factors).
#[utoipa::path(get, path = "/api/v1/profile", tag = "bone", responses((status = 200, body = ProfileBody)))]
pub async fn get_profile(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    let profile = state.store.profile(auth.user).await?.unwrap_or_default();
    Ok(Json(profile.to_json()))
}

/// Replaces her bone-health profile.
#[utoipa::path(
    put, path = "/api/v1/profile", tag = "bone",
    request_body(content = ProfileBody, content_type = "application/json"),
    responses(
        (status = 200, body = ProfileBody),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_profile(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let profile = BoneProfile::parse(&body, state.today())?;
    state.store.save_profile(auth.user, &profile).await?;
    Ok(Json(profile.to_json()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeightList {
    pub heights: Vec<HeightMeasurement>,
}

/// Her height measurements, oldest first.
#[utoipa::path(get, path = "/api/v1/heights", tag = "bone", responses((status = 200, body = HeightList)))]
pub async fn list_heights(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<HeightList>, ApiError> {
    Ok(Json(HeightList {
        heights: state.store.heights(auth.user).await?,
    }))
}

/// Records a height (a second one on the same date replaces the first: 200 instead of 201).
#[utoipa::path(
    post, path = "/api/v1/heights", tag = "bone",
    request_body(content = HeightMeasurement, content_type = "application/json"),
    responses(
        (status = 201, body = HeightMeasurement),
        (status = 200, body = HeightMeasurement),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_height(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let h = bone::parse_height(&body, state.today())?;
    let replaced = state.store.add_height(auth.user, &h).await?;
    Ok((
        if replaced {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(h),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DexaList {
    pub dexa: Vec<DexaResult>,
}

/// Her DEXA results, oldest first.
#[utoipa::path(get, path = "/api/v1/dexa", tag = "bone", responses((status = 200, body = DexaList)))]
pub async fn list_dexa(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<DexaList>, ApiError> {
    Ok(Json(DexaList {
        dexa: state.store.dexa_results(auth.user).await?,
    }))
}

/// Records a DEXA result (the same date and site again replaces it: 200 instead of 201).
#[utoipa::path(
    post, path = "/api/v1/dexa", tag = "bone",
    request_body(content = DexaResult, content_type = "application/json"),
    responses(
        (status = 201, body = DexaResult),
        (status = 200, body = DexaResult),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_dexa(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let d = bone::parse_dexa(&body, state.today())?;
    let replaced = state.store.add_dexa(auth.user, &d).await?;
    Ok((
        if replaced {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(d),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoneStatus {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// `null` until her age or birth date is recorded.
    pub assessment: Option<BoneAssessment>,
    /// Profile fields the assessment still needs.
    pub missing: Vec<String>,
}

/// The bone-health status of her stored record today.
#[utoipa::path(get, path = "/api/v1/bone", tag = "bone", responses((status = 200, body = BoneStatus)))]
pub async fn get_bone(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<BoneStatus>, ApiError> {
    let date = state.today();
    let record = state.store.bone_record(auth.user).await?;
    let assessment = views::bone_assessment(&record, date);
    let missing = if assessment.is_none() {
        vec!["age".to_string()]
    } else {
        vec![]
    };
    Ok(Json(BoneStatus {
        date,
        assessment,
        missing,
    }))
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
pub async fn post_bone_assess(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<BoneAssessment>, ApiError> {
    let input = BoneInput::parse(&body, state.today())?;
    Ok(Json(bone::assess(&input)))
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_profile, put_profile))
        .routes(routes!(post_height, list_heights))
        .routes(routes!(post_dexa, list_dexa))
        .routes(routes!(get_bone))
        .routes(routes!(post_bone_assess))
}
