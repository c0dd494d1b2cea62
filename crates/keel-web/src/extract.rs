//! Request extractors that turn every kind of bad body into the right problem response.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde_json::Value;

use crate::error::ApiError;

/// A JSON body of at most `LIMIT` bytes, parsed to a value for the core's validating
/// constructors.
pub struct JsonBody<const LIMIT: usize = { crate::error::BODY_LIMIT_BYTES }>(pub Value);

/// A whole-account import may be large; every other body stays small.
pub type ImportBody = JsonBody<IMPORT_LIMIT_BYTES>;

impl<S: Send + Sync, const LIMIT: usize> FromRequest<S> for JsonBody<LIMIT> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
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
        let bytes = read_body(req, LIMIT).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses a JSON body the way every input is parsed (see [`keel_core::json::parse`]).
pub fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    keel_core::json::parse(bytes).map_err(|e| match e {
        keel_core::json::JsonError::Invalid(errors) => ApiError::Validation(errors),
        keel_core::json::JsonError::Malformed(text) => ApiError::MalformedJson(text),
    })
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
            Err(ApiError::TooLarge(limit))
        }
        Err(e) => Err(ApiError::MalformedJson(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_key_is_a_422_and_broken_json_a_400() {
        let e = parse_json(br#"{"pain": 3, "pain": 4}"#).unwrap_err();
        assert_eq!(e.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.problem().errors[0].field, "pain");
        let e = parse_json(b"{").unwrap_err();
        assert_eq!(e.status(), axum::http::StatusCode::BAD_REQUEST);
    }
}
