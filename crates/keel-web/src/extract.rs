//! Request extractors that turn every kind of bad body into the right problem response.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde_json::Value;

use crate::error::ApiError;

/// A JSON body, parsed to a value for the core's validating constructors.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let _ = state;
        // A whole-account import may be large; every other body stays small.
        let limit = if req.uri().path().starts_with("/api/v1/import") {
            IMPORT_LIMIT_BYTES
        } else {
            crate::BODY_LIMIT_BYTES
        };
        let bytes = read_body(req, limit).await?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::MalformedJson(e.to_string()))
    }
}

/// The body limit for importing a JSON export.
pub const IMPORT_LIMIT_BYTES: usize = 32 * 1024 * 1024;

/// Reads the whole body, refusing it with 413 past `limit` bytes.
pub async fn read_body(req: Request, limit: usize) -> Result<Bytes, ApiError> {
    let body = http_body_util::Limited::new(req.into_body(), limit);
    match http_body_util::BodyExt::collect(body).await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(ApiError::TooLarge)
        }
        Err(e) => Err(ApiError::MalformedJson(e.to_string())),
    }
}
