//! The OpenAPI document: what the routes register, finished with the shared components, the
//! date pattern and the security schemes.

use crate::error::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use keel_app::schema::{CheckInBody, TriageBody};
use keel_app::views::{CheckInList, CheckInRecord, PlanView};
use serde::Serialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keel API",
        version = "1",
        description = "Check-ins, red-flag triage and the daily plan. Keel informs and never diagnoses."
    ),
    components(schemas(
        Problem,
        CheckInRecord,
        CheckInList,
        PlanView,
        Health,
        CheckInBody,
        TriageBody
    ))
)]
pub struct ApiDoc;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub database: String,
}

/// Process up and database reachable.
#[utoipa::path(
    get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health))
)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok".into(),
                database: "ok".into(),
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable".into(),
                    database: "unreachable".into(),
                }),
            )
        }
    }
}

/// Date strings Keel accepts: YYYY-MM-DD from 1900 on.
pub const DATE_PATTERN: &str = "^(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$";

/// Completes the generated document with what holds for every operation: each date carries
/// its pattern, and each operation with a body documents the body errors (400, 413, 415).
pub fn finish_document(doc: &utoipa::openapi::OpenApi) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.get("format").and_then(Value::as_str) == Some("date")
                    && !m.contains_key("pattern")
                {
                    m.insert("pattern".into(), Value::from(DATE_PATTERN));
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut json = serde_json::to_value(doc).unwrap_or_default();
    walk(&mut json);
    let problem = serde_json::json!({
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    });
    if let Some(paths) = json.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            // Routes that need no account: the stateless contracts, health and signing in.
            let public = [
                "/api/v1/triage",
                "/api/v1/bone/assess",
                "/api/v1/desk/assess",
                "/healthz",
            ]
            .contains(&path.as_str())
                || path.starts_with("/api/v1/auth/");
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                let Some(op) = op.as_object_mut() else {
                    continue;
                };
                let read_only = method == "get" || method == "head";
                let has_body = op.contains_key("requestBody");
                let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                    continue;
                };
                let mut add = |code: &str, description: &str| {
                    if !responses.contains_key(code) {
                        let mut r = problem.clone();
                        r["description"] = Value::from(description);
                        responses.insert(code.into(), r);
                    }
                };
                if has_body {
                    add("400", "The body is not well-formed JSON");
                    add("413", "The body is larger than 64 KiB");
                    add("415", "The body is not application/json");
                }
                if !public {
                    add(
                        "401",
                        "Accounts exist and the request has no valid session or token",
                    );
                    if !read_only {
                        add("403", "The token may only read");
                    }
                }
            }
        }
    }
    json
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn document() -> Value {
        let (_, doc) = super::routes().split_for_parts();
        super::finish_document(&doc)
    }

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    /// A client generated from the document (or a fuzzer driven by it) can follow every
    /// reference in it.
    #[test]
    fn every_reference_in_the_document_resolves() {
        let doc = document();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{r}: not a schema reference"));
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "{r} does not resolve"
            );
        }
    }

    /// Every JSON body the API reads is described field by field, with what it requires:
    /// none is a bare "object".
    #[test]
    fn every_json_request_body_names_its_fields() {
        let doc = document();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(schema) = op
                    .pointer("/requestBody/content/application~1json/schema")
                    .map(|s| match s.get("$ref").and_then(Value::as_str) {
                        Some(r) => {
                            &doc["components"]["schemas"]
                                [r.trim_start_matches("#/components/schemas/")]
                        }
                        None => s,
                    })
                else {
                    continue;
                };
                assert!(
                    schema["properties"].is_object(),
                    "{method} {path}: {schema}"
                );
            }
        }
    }
}
