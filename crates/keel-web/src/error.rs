//! One error type for the HTTP layer, rendered as RFC 9457 problem+json. Internal detail is
//! logged, never sent.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use keel_core::{FieldError, ValidationErrors};
use keel_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input")]
    Validation(ValidationErrors),
    /// Well-formed, but refused as things stand: wrong credentials (401), not allowed here
    /// (403), or in conflict with what is stored (409). The field to blame is still named.
    #[error("refused")]
    Refused(StatusCode, ValidationErrors),
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// Past the body limit for the route, in bytes.
    #[error("request body too large")]
    TooLarge(usize),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<keel_app::AppError> for ApiError {
    fn from(e: keel_app::AppError) -> Self {
        match e {
            keel_app::AppError::Invalid(e) => ApiError::Validation(e),
            keel_app::AppError::Store(e) => ApiError::Store(e),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        ApiError::Validation(e)
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For validation problems: every failing field and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The body size limit for every request, JSON or form.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Refused(status, _) => *status,
            ApiError::MalformedJson(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Store(StoreError::NotFound) => StatusCode::NOT_FOUND,
            ApiError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            ApiError::Store(StoreError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (kind, detail, errors) = match self {
            ApiError::Validation(e) | ApiError::Store(StoreError::Invalid(e)) => (
                "urn:keel:problem:validation",
                format!("Some fields are not valid: {}", e.summary()),
                e.errors().to_vec(),
            ),
            ApiError::Refused(status, e) => (
                match *status {
                    StatusCode::UNAUTHORIZED => "urn:keel:problem:credentials",
                    StatusCode::CONFLICT => "urn:keel:problem:conflict",
                    _ => "urn:keel:problem:forbidden",
                },
                format!("Refused: {}", e.summary()),
                e.errors().to_vec(),
            ),
            ApiError::MalformedJson(msg) => (
                "urn:keel:problem:malformed-json",
                format!("The body is not well-formed JSON: {msg}"),
                vec![],
            ),
            ApiError::TooLarge(limit) => (
                "urn:keel:problem:too-large",
                format!("The body is larger than {}.", size_in_words(*limit)),
                vec![],
            ),
            ApiError::UnsupportedMediaType => (
                "urn:keel:problem:media-type",
                "Send the body as application/json.".to_string(),
                vec![],
            ),
            ApiError::NotFound(what) => ("about:blank", what.clone(), vec![]),
            ApiError::Store(StoreError::NotFound) => ("about:blank", "Not found.".into(), vec![]),
            ApiError::Store(StoreError::Conflict(_)) => (
                "urn:keel:problem:conflict",
                "The change conflicts with data already stored.".into(),
                vec![],
            ),
            ApiError::Store(_) => (
                "about:blank",
                "Something went wrong on our side; nothing you sent was lost. Try again.".into(),
                vec![],
            ),
        };
        Problem {
            kind: kind.to_string(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Store(e) = &self
            && !matches!(e, StoreError::Invalid(_))
        {
            tracing::error!(error = %e, "store error");
        }
        problem_response(self.status(), &self.problem())
    }
}

/// 65536 as "64 KiB", 33554432 as "32 MiB".
fn size_in_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

pub fn problem_response(status: StatusCode, problem: &Problem) -> Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body,
    )
        .into_response()
}
