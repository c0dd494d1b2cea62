//! Sign-up, log-in and log-out over HTTP, for the pages and the API (the use cases are
//! `keel_app::login`): the 429 that answers password guessing, the session cookie and where to
//! go next.

use crate::auth;
use crate::error::{Problem, problem_response};
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Duration;
pub(crate) use keel_app::login::Outcome;
use keel_app::login::{self, Gate, Refusal, SignupMode};
use keel_app::secret::hash_token;
use keel_store::StoreError;
use std::net::SocketAddr;

pub(crate) fn too_many(retry_after: Duration) -> Response {
    let problem = Problem {
        kind: "urn:keel:problem:rate-limited".into(),
        title: "Too Many Requests".into(),
        status: 429,
        detail: format!(
            "Too many attempts. Wait {} minutes and try again.",
            retry_after.num_minutes()
        ),
        errors: vec![],
    };
    let mut r = problem_response(StatusCode::TOO_MANY_REQUESTS, &problem);
    r.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(retry_after.num_seconds()),
    );
    r
}

/// The client's address: the TCP peer (a proxy's X-Forwarded-For is not trusted by default).
pub(crate) fn address(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The API's status for a refused attempt.
pub(crate) fn status_of(r: Refusal) -> StatusCode {
    match r {
        Refusal::Forbidden => StatusCode::FORBIDDEN,
        Refusal::Taken => StatusCode::CONFLICT,
        Refusal::WrongCredentials => StatusCode::UNAUTHORIZED,
    }
}

/// Signs up through this server: its sign-up mode, and whether an account exists yet.
pub(crate) async fn try_signup(
    state: &AppState,
    addr: &str,
    email: &str,
    password: &str,
    invite: Option<&str>,
) -> Result<Outcome, StoreError> {
    let gate = Gate {
        mode: state.signup,
        accounts_exist: state.signup != SignupMode::Open && state.accounts_enabled().await?,
    };
    login::sign_up(&state.store, gate, addr, email, password, invite).await
}

pub(crate) async fn try_login(
    state: &AppState,
    addr: &str,
    email: &str,
    password: &str,
) -> Result<Outcome, StoreError> {
    login::log_in(&state.store, addr, email, password).await
}

pub(crate) fn with_session(mut r: Response, token: &str, secure: bool) -> Response {
    r.headers_mut()
        .append(header::SET_COOKIE, auth::session_cookie(token, secure));
    r
}

/// Where to go after log-in: a path on this site, or `/`. Browsers drop tabs and newlines
/// from a URL and read a backslash as a slash, so `/\t/evil.example` or `/\\evil.example`
/// would lead to another host: only a path with one leading slash, no backslash and no
/// control character, that parses as a path, is taken.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && !n.chars().any(char::is_control)
            && n.split('#')
                .next()
                .and_then(|path| path.parse::<axum::http::uri::PathAndQuery>().ok())
                .is_some_and(|p| n.starts_with(p.as_str()))
    })
    .unwrap_or("/")
    .to_string()
}

pub(crate) async fn end_session(state: &AppState, headers: &HeaderMap) {
    if let Some(token) = auth::cookie_value(headers, auth::SESSION_COOKIE).filter(|t| !t.is_empty())
    {
        let hash = hash_token(&token);
        if let Ok(Some((user, _))) = state.store.session_user(&hash, auth::idle_timeout()).await {
            let _ = state.store.audit(user, "logout", "").await;
        }
        let _ = state.store.delete_session(&hash).await;
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        for good in [
            "/",
            "/week",
            "/?date=2026-11-02#result",
            "/progress?x=%2F%2Fa",
        ] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "https://evil.example",
            "evil.example",
            "/\r\nSet-Cookie: x=y",
            "/\n/evil.example",
            "/\u{7f}/x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
