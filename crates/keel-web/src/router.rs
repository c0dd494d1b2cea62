//! The whole server: the pages, the API and its document, `/metrics`, and the layers every
//! answer goes through (CSRF origin check, body limit, security headers, request ids and
//! request logs).

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::error::BODY_LIMIT_BYTES;
use crate::state::AppState;
use crate::{api, metrics, origin, pages};

/// Unknown addresses: a problem document under /api, a page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        api::not_found().await.into_response()
    } else {
        pages::kit::not_found().await
    }
}

/// A known address asked with the wrong method: a problem document under /api, a page
/// elsewhere.
async fn method_not_allowed(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        api::method_not_allowed().await
    } else {
        pages::kit::method_not_allowed()
    }
}

/// `GET /metrics`: the server's own counts (see `metrics`), nothing of anyone's data.
async fn scrape(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let gauges = metrics::Gauges {
        pool: state.store.pool_connections(),
        views: state.views.counts(),
        view_bytes: state.views.weight(),
    };
    match metrics::encode_text(&state.metrics, gauges) {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            body,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    // Routes and their OpenAPI entries are registered together, so the document lists exactly
    // the operations the server answers.
    let (api, doc) = api::routes().split_for_parts();
    let doc = Arc::new(api::openapi::finish_document(&doc));
    let api = api.route(
        "/api/v1/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    );
    let pages = pages::routes().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::safety::emergency_first,
    ));
    Router::new()
        .merge(pages)
        .route("/metrics", get(scrape))
        .merge(api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .with_state(state)
        .layer(axum::middleware::from_fn(origin::same_origin_only))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        // Her data is in almost every answer: nothing is kept by browsers or proxies unless a
        // route says otherwise (the stylesheet and script do).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            // Method, path and request id only: query strings may carry personal data.
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
