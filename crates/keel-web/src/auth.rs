//! Who is asking: a session cookie, a personal API token, or, before any account exists, the
//! single local user. Passwords are argon2id hashes at the OWASP-recommended parameters.

use std::sync::atomic::Ordering;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use keel_store::LOCAL_USER;

use crate::error::{Problem, problem_response};
use crate::state::AppState;
use keel_app::secret::hash_token;

pub use crate::identity::{Auth, SESSION_COOKIE, Via, cookie_value};
/// A session ends after this long without a request...
pub fn idle_timeout() -> Duration {
    Duration::hours(12)
}
/// ...and this long after log-in, whatever happens.
pub fn absolute_lifetime() -> Duration {
    keel_app::login::session_lifetime()
}

pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let max_age = absolute_lifetime().num_seconds();
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("hex token is a valid header value")
}

pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("keel_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Whether cookies get `Secure`: configured, or the request came through TLS at a proxy.
pub fn wants_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

impl AppState {
    /// Accounts exist (once true, stays true for the life of the process; until then asked
    /// of the database each time, since another process may create the first).
    pub async fn accounts_enabled(&self) -> Result<bool, keel_store::StoreError> {
        Ok(self.local_revision().await?.is_none())
    }

    /// Single-user mode: the local user's revision while no account exists, `None` once one
    /// does (remembered for the life of the process).
    pub async fn local_revision(&self) -> Result<Option<i64>, keel_store::StoreError> {
        if self.accounts.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let revision = self.store.local_revision().await?;
        if revision.is_none() {
            self.accounts.store(true, Ordering::Relaxed);
        }
        Ok(revision)
    }
}

/// Why a request was refused: an API client gets a problem document, a browser the log-in page.
pub struct AuthRejection {
    api: bool,
    status: StatusCode,
    detail: &'static str,
    next: String,
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        if !self.api && self.status == StatusCode::UNAUTHORIZED {
            return Redirect::to(&format!("/login?next={}", urlencode(&self.next))).into_response();
        }
        let problem = Problem {
            kind: "about:blank".into(),
            title: self.status.canonical_reason().unwrap_or("Error").into(),
            status: self.status.as_u16(),
            detail: self.detail.into(),
            errors: vec![],
        };
        let mut r = problem_response(self.status, &problem);
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Read once per request: a layer that needed it first (see `safety`) left it here.
        if let Some(auth) = parts.extensions.get::<Auth>() {
            return Ok(*auth);
        }
        let path = parts.uri.path().to_string();
        let api = path.starts_with("/api/");
        let reject = |status: StatusCode, detail: &'static str| {
            AuthRejection {
                api,
                status,
                detail,
                next: path.clone(),
            }
            .into_response()
        };
        let store_error =
            |e: keel_store::StoreError| crate::error::ApiError::Store(e).into_response();
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            let Some(token) = token else {
                return Err(reject(
                    StatusCode::UNAUTHORIZED,
                    "Send a personal token as: Authorization: Bearer <token>.",
                ));
            };
            return match state
                .store
                .token_user(&hash_token(token))
                .await
                .map_err(store_error)?
            {
                Some((user, scope, revision)) => {
                    let write = scope == "write";
                    if !write && !matches!(parts.method, Method::GET | Method::HEAD) {
                        return Err(reject(StatusCode::FORBIDDEN, "This token can only read."));
                    }
                    Ok(Auth {
                        user,
                        via: Via::Token { write },
                        revision,
                    })
                }
                None => Err(reject(
                    StatusCode::UNAUTHORIZED,
                    "The token is not valid, or has been revoked.",
                )),
            };
        }
        if let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty())
            && let Some((user, revision)) = state
                .store
                .session_user(&hash_token(&token), idle_timeout())
                .await
                .map_err(store_error)?
        {
            return Ok(Auth {
                user,
                via: Via::Session,
                revision,
            });
        }
        if let Some(revision) = state.local_revision().await.map_err(store_error)? {
            return Ok(Auth {
                user: LOCAL_USER,
                via: Via::Local,
                revision,
            });
        }
        Err(reject(
            StatusCode::UNAUTHORIZED,
            "Log in first, or send a personal API token.",
        ))
    }
}
