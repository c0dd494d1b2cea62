//! Her data through the API: the export in three formats, the import of a Keel export and of
//! another tracker's CSV.

use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use keel_app::export::Format;
use keel_core::ValidationErrors;
use keel_core::validate::unknown_fields;
use keel_store::StoreError;
use serde_json::Value;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The formats of an export (the query's `format`), as the OpenAPI document lists them.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Csv,
    Fhir,
}

/// Downloads of everything she recorded: `json` (imports back), `csv` (zipped) or `fhir`.
#[utoipa::path(get, path = "/api/v1/export", tag = "account",
    params(("format" = inline(Option<ExportFormat>), Query, description = "json (default), csv or fhir")),
    responses((status = 200, description = "The export file"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn export(
    auth: Auth,
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(format) = Format::from_name(q.get("format").map_or("json", String::as_str)) else {
        return ApiError::Validation(ValidationErrors::single(
            "format",
            "must be json, csv or fhir",
        ))
        .into_response();
    };
    let read = keel_app::export::read_for_export(
        &state.store,
        &state.library,
        auth.user,
        format,
        "via the API",
    )
    .await;
    let data = match read {
        Ok(d) => d,
        Err(e) => return ApiError::Store(e).into_response(),
    };
    let stamp = keel_app::export::now_stamp();
    let name = format.file_name(stamp.get(..10).unwrap_or_default());
    let body = match keel_app::apart(move || keel_app::export::render(&data, format, &stamp)).await
    {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "export failed");
            return ApiError::Store(StoreError::Other("export failed".into())).into_response();
        }
    };
    let kind = format.content_type();
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
        body,
    )
        .into_response()
}

/// Replaces all of her data with a Keel JSON export, in one transaction: a file with any
/// error changes nothing, and every error is named by its path.
#[utoipa::path(post, path = "/api/v1/import", tag = "account",
    request_body(content = keel_app::schema::ImportBody, content_type = "application/json"),
    responses((status = 200, body = keel_app::import::Imported), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_import(
    auth: Auth,
    State(state): State<AppState>,
    JsonBody(body): crate::extract::ImportBody,
) -> Result<Json<keel_app::import::Imported>, ApiError> {
    let imported = keel_app::import::import_export(
        &state.store,
        &state.library,
        auth.user,
        &body,
        state.today(),
        "via the API",
    )
    .await?;
    Ok(Json(imported))
}

/// Imports check-ins from another tracker's CSV: `{"csv": text, "mapping": {"date": "Day",
/// "pain": "Pain"}, "date_format": "%d/%m/%Y", "dry_run": true}`. All rows or none: with any
/// refused row nothing is saved, and the report lists each refused line and why.
#[utoipa::path(post, path = "/api/v1/import/csv", tag = "account",
    request_body(content = keel_app::schema::CsvImportBody, content_type = "application/json"),
    responses((status = 200, body = keel_app::import::csv::CsvReport), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_import_csv(
    auth: Auth,
    State(state): State<AppState>,
    JsonBody(body): crate::extract::ImportBody,
) -> Result<Json<keel_app::import::csv::CsvReport>, ApiError> {
    let object = keel_core::validate::as_object(&body)?;
    let mut errors = unknown_fields(object, &["csv", "mapping", "date_format", "dry_run"], "");
    let text = object.get("csv").and_then(Value::as_str);
    if text.is_none() {
        errors.add("csv", "is required: the file's text");
    }
    let mapping: std::collections::BTreeMap<String, String> =
        match object.get("mapping").and_then(Value::as_object) {
            Some(m) => m
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|c| (k.clone(), c.to_string())))
                .collect(),
            None => {
                errors.add(
                    "mapping",
                    "is required: an object of Keel field to column header",
                );
                Default::default()
            }
        };
    let date_format = object
        .get("date_format")
        .and_then(Value::as_str)
        .unwrap_or("%Y-%m-%d");
    let dry_run = object
        .get("dry_run")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut report = keel_app::import::csv::check(
        text.unwrap_or_default(),
        &mapping,
        date_format,
        state.today(),
    )?;
    if !dry_run {
        keel_app::import::csv::save(&state.store, auth.user, &mut report, "via the API").await?;
    }
    Ok(Json(report))
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export))
        .routes(routes!(api_import))
        .routes(routes!(api_import_csv))
}
