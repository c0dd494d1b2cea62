//! Keel's HTTP face: server-rendered pages, the JSON API under /api/v1, and their wiring.
#![forbid(unsafe_code)]

pub mod account;
pub mod api;
pub mod auth;
mod bone_page;
mod cache;
pub mod clock;
mod csrf;
pub mod csv_import;
pub mod desk_page;
pub mod error;
pub mod export;
mod extract;
mod pages;
pub mod progress_page;
pub mod report;
pub mod schema;
pub mod secret;
pub mod views;
mod week_page;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::routing::{get, post};
use chrono::NaiveDate;
use keel_core::Library;
use keel_store::Store;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::{ApiError, BODY_LIMIT_BYTES};

/// Who may create an account once the first exists (the first is always allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupMode {
    Open,
    /// With an invitation code from an administrator.
    Invite,
    /// Only with `keel user add`.
    Closed,
}

/// The user's current date; injected so tests can fix it.
pub type Today = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Everything a handler needs, behind one `Arc`: axum clones the state for every request, and
/// one reference count is cheaper than one per field (nine, with the store's). It dereferences
/// to its fields; changing one (while the server is set up) copies them if the state is shared.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The fields of [`AppState`].
#[derive(Clone)]
pub struct Shared {
    pub store: Store,
    pub library: Arc<Library>,
    today: Today,
    /// Set once any account exists (see `auth`).
    pub(crate) accounts: Arc<std::sync::atomic::AtomicBool>,
    /// Mark cookies Secure (behind TLS).
    pub secure_cookies: bool,
    /// Who may sign up once the first account exists.
    pub signup: SignupMode,
    /// Views worked out from her data, kept while her revision holds (see `cache`).
    pub(crate) views: Arc<cache::ViewCache>,
    /// The server's secret for form tokens (see `csrf`).
    pub(crate) csrf: csrf::Key,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }
}

impl AppState {
    /// The state for a server on `store`; reads (or, the first time, makes) the server's
    /// secrets there.
    pub async fn new(
        store: Store,
        library: Library,
        today: Today,
    ) -> Result<Self, keel_store::StoreError> {
        let csrf = csrf::Key::new(&store.server_secret(csrf::SECRET_NAME).await?);
        Ok(AppState(Arc::new(Shared {
            store,
            library: Arc::new(library),
            today,
            accounts: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            secure_cookies: false,
            signup: SignupMode::Open,
            views: Arc::new(cache::ViewCache::new(cache::DEFAULT_BYTES)),
            csrf,
        })))
    }

    /// The server's local date, used as the user's until accounts carry a time zone.
    pub fn local_today() -> Today {
        Arc::new(clock::local_today)
    }

    pub fn today(&self) -> NaiveDate {
        (self.today)()
    }

    /// Bounds the memory kept views may take, in bytes (0 keeps none); it starts at
    /// [`cache::DEFAULT_BYTES`]. Views already kept are dropped.
    pub fn keep_views(&mut self, max_bytes: u64) {
        self.views = Arc::new(cache::ViewCache::new(max_bytes));
    }

    /// Saves a check-in and tells the kept views what the save changed (one day's check-in),
    /// so that views that did not read that day are not worked out again.
    pub async fn record_check_in(
        &self,
        user: keel_store::UserId,
        check_in: &keel_core::CheckIn,
    ) -> Result<keel_store::Saved, keel_store::StoreError> {
        let saved = self.store.record_check_in(user, check_in).await?;
        if let Some(step) = saved.step {
            self.views.saved(user, step, check_in.date);
        }
        Ok(saved)
    }
}

/// Prometheus text: counts of the server's own work, nothing of anyone's data.
async fn metrics(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl axum::response::IntoResponse {
    let (kept, worked_out) = state.views.counts();
    let body = format!(
        "# HELP keel_views_kept_total Pages and plans served as kept from an earlier request.\n\
         # TYPE keel_views_kept_total counter\n\
         keel_views_kept_total {kept}\n\
         # HELP keel_views_worked_out_total Pages and plans worked out afresh from her data.\n\
         # TYPE keel_views_worked_out_total counter\n\
         keel_views_worked_out_total {worked_out}\n\
         # HELP keel_view_cache_bytes Estimated bytes of the kept views.\n\
         # TYPE keel_view_cache_bytes gauge\n\
         keel_view_cache_bytes {}\n",
        state.views.weight()
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}

/// Unknown addresses: a problem document under /api, a page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        api::not_found().await.into_response()
    } else {
        pages::not_found().await
    }
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    // Routes and their OpenAPI entries are registered together, so the document lists exactly
    // the operations the server answers.
    let (api, doc) = api::routes().split_for_parts();
    let doc = Arc::new(api::finish_document(&doc));
    let api = api.route(
        "/api/v1/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    );
    Router::new()
        .route("/", get(pages::today))
        .route("/checkin", post(pages::post_check_in))
        .route("/acknowledge", post(pages::post_acknowledge))
        .route("/login", get(account::login_page).post(account::post_login))
        .route("/signup", get(account::signup_page).post(account::post_signup))
        .route("/logout", post(account::post_logout))
        .route("/account", get(account::account_page))
        .route("/account/password", post(account::post_password))
        .route("/account/tokens", post(account::post_token))
        .route("/account/tokens/{id}/revoke", post(account::post_revoke_token))
        .route("/account/delete", post(account::post_delete))
        .route("/log", post(pages::post_log))
        .route("/week", get(week_page::page))
        .route("/progress", get(progress_page::page))
        .route("/report", get(report::page))
        .route("/report.pdf", get(report::pdf))
        .route("/progress/questionnaires/{id}", post(progress_page::post_questionnaire))
        .route("/bone", get(bone_page::page))
        .route("/bone/profile", post(bone_page::post_profile))
        .route("/bone/height", post(bone_page::post_height))
        .route("/bone/dexa", post(bone_page::post_dexa))
        .route("/static/keel.css", get(pages::stylesheet))
        .route("/static/breaks.js", get(desk_page::breaks_script))
        .route("/desk", get(desk_page::desk_page).post(desk_page::post_desk))
        .route("/breaks", get(desk_page::breaks_page))
        .route("/breaks/log", post(desk_page::post_break))
        .route("/breaks/settings", post(desk_page::post_break_settings))
        .route("/breaks/posture", post(desk_page::post_posture))
        .route("/breaks/feed", post(desk_page::post_feed))
        .route("/breaks/feed/revoke", post(desk_page::post_feed_revoke))
        .route("/feeds/breaks/{file}", get(desk_page::breaks_feed))
        .route("/metrics", get(metrics))
        .merge(api)
        .fallback(not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state)
        .layer(axum::middleware::from_fn(csrf::same_origin_only))
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
