//! What the API's resources share: date ranges and parameters, and JSON bodies made once.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use keel_core::ValidationErrors;
use keel_core::validate::parse_date;
use std::collections::HashMap;

/// Longest span one history request may cover.
pub const MAX_RANGE_DAYS: i64 = 3660;

/// A value as a JSON body. Keel's views always serialise.
pub fn json_bytes<T: serde::Serialize>(value: &T) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("views serialise to JSON"))
}

/// A 200 response with a JSON body made earlier.
pub fn json_response(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// `from` and `to` query parameters: `to` defaults to today, `from` to 30 days before it.
pub fn date_range(
    state: &AppState,
    query: &HashMap<String, String>,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let mut errors = ValidationErrors::new();
    let to = date_param(query, "to", &mut errors);
    let from = date_param(query, "from", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let to = to.unwrap_or_else(|| state.today());
    let from = from.unwrap_or(to - Duration::days(30));
    if from > to {
        return Err(ValidationErrors::single("from", "must not be after to").into());
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(ValidationErrors::single(
            "from",
            format!("the range may cover at most {MAX_RANGE_DAYS} days"),
        )
        .into());
    }
    Ok((from, to))
}

/// Reads an optional date query parameter, recording an error naming it when malformed.
pub fn date_param(
    query: &HashMap<String, String>,
    name: &str,
    errors: &mut ValidationErrors,
) -> Option<NaiveDate> {
    let s = query.get(name)?;
    let d = parse_date(s);
    if d.is_none() {
        errors.add(name, "must be a date written YYYY-MM-DD, from 1900 on");
    }
    d
}
