//! Keel's HTTP face: server-rendered pages, the JSON API under /api/v1, and their wiring.
#![forbid(unsafe_code)]

pub mod api;
mod bone_page;
mod csrf;
pub mod error;
mod extract;
mod pages;
pub mod schema;
pub mod views;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::routing::{get, post};
use chrono::NaiveDate;
use keel_core::Library;
use keel_store::{LOCAL_USER, Store, UserId};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::{ApiError, BODY_LIMIT_BYTES};

/// The user's current date; injected so tests can fix it.
pub type Today = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Everything a handler needs.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub library: Arc<Library>,
    today: Today,
}

impl AppState {
    pub fn new(store: Store, library: Library, today: Today) -> Self {
        AppState {
            store,
            library: Arc::new(library),
            today,
        }
    }

    /// The server's local date, used as the user's until accounts carry a time zone.
    pub fn local_today() -> Today {
        Arc::new(|| chrono::Local::now().date_naive())
    }

    pub fn today(&self) -> NaiveDate {
        (self.today)()
    }
}

/// The signed-in user. Until accounts land, all data belongs to the local user.
pub(crate) fn user_for() -> UserId {
    LOCAL_USER
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let api = Router::new()
        .route(
            "/checkins",
            post(api::post_check_in).get(api::list_check_ins),
        )
        .route("/plan/{date}", get(api::get_plan))
        .route("/triage", post(api::post_triage))
        .route("/bone/assess", post(api::post_bone_assess))
        .route("/bone", get(api::get_bone))
        .route(
            "/acknowledgements",
            post(api::post_acknowledgement).get(api::list_acknowledgements),
        )
        .route("/profile", get(api::get_profile).put(api::put_profile))
        .route("/heights", post(api::post_height).get(api::list_heights))
        .route("/dexa", post(api::post_dexa).get(api::list_dexa))
        .route("/openapi.json", get(api::openapi_json))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed);
    Router::new()
        .route("/", get(pages::today))
        .route("/checkin", post(pages::post_check_in))
        .route("/acknowledge", post(pages::post_acknowledge))
        .route("/bone", get(bone_page::page))
        .route("/bone/profile", post(bone_page::post_profile))
        .route("/bone/height", post(bone_page::post_height))
        .route("/bone/dexa", post(bone_page::post_dexa))
        .route("/static/keel.css", get(pages::stylesheet))
        .route("/healthz", get(api::healthz))
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
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
