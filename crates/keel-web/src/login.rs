//! Sign-up, log-in and log-out as the pages and the API both do them: the rate limits that
//! answer password guessing with 429, sessions and where to go next.

use crate::auth::{self};
use crate::error::{Problem, problem_response};
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Duration;
use keel_app::secret::hash_token;
use keel_core::ValidationErrors;
use keel_store::{StoreError, UserId};
use std::net::SocketAddr;

/// Failed log-ins allowed per account, and per address, in the window.
/// Wrong passwords for one account from one address, in [`login_window`]: the guesser's limit.
pub const LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: i64 = 5;

/// Wrong passwords for one account from all addresses together, in [`login_account_window`]:
/// slower, so that a guesser with many addresses is held back too, while one who only knows
/// her email cannot lock her out with five tries.
pub const LOGIN_FAILURES_PER_ACCOUNT: i64 = 50;

pub const LOGIN_ATTEMPTS_PER_ADDRESS: i64 = 20;

pub const SIGNUPS_PER_ADDRESS: i64 = 5;

pub fn login_window() -> Duration {
    Duration::minutes(15)
}

pub fn login_account_window() -> Duration {
    Duration::hours(1)
}

pub fn signup_window() -> Duration {
    Duration::hours(1)
}

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

/// What a log-in or sign-up attempt came to.
pub(crate) enum Outcome {
    In(UserId, String),
    /// The request itself is not valid (422).
    Invalid(ValidationErrors),
    /// Valid, but refused as things stand, with the field to blame and the status the API
    /// answers with (401, 403, 409).
    Refused(StatusCode, ValidationErrors),
    Limited(Duration),
}

pub(crate) async fn try_signup(
    state: &AppState,
    addr: &str,
    email: &str,
    password: &str,
    invite: Option<&str>,
) -> Result<Outcome, StoreError> {
    if state
        .store
        .count_attempt(&format!("signup-ip:{addr}"), signup_window())
        .await?
        > SIGNUPS_PER_ADDRESS
    {
        return Ok(Outcome::Limited(signup_window()));
    }
    let email = match keel_app::accounts::validate_credentials(email, password) {
        Ok(e) => e,
        Err(e) => return Ok(Outcome::Invalid(e)),
    };
    if state.signup != crate::state::SignupMode::Open && state.accounts_enabled().await? {
        if state.signup == crate::state::SignupMode::Closed {
            return Ok(Outcome::Refused(
                StatusCode::FORBIDDEN,
                ValidationErrors::single(
                    "email",
                    "sign-up is closed on this Keel; ask its administrator for an account",
                ),
            ));
        }
        let valid = match invite.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => state.store.use_invite(&hash_token(code)).await?,
            None => false,
        };
        if !valid {
            return Ok(Outcome::Refused(
                StatusCode::FORBIDDEN,
                ValidationErrors::single(
                    "invite",
                    "a valid, unused invitation code is needed to sign up here",
                ),
            ));
        }
    }
    let hash = keel_app::accounts::hash_password_apart(password)
        .await
        .map_err(StoreError::Other)?;
    match state.store.create_account(&email, &hash).await {
        Ok((user, first)) => {
            state
                .store
                .audit(
                    user,
                    "signup",
                    if first {
                        "first account: administrator, earlier local data kept"
                    } else {
                        "account created"
                    },
                )
                .await?;
            let token = start_session(state, user).await?;
            Ok(Outcome::In(user, token))
        }
        Err(StoreError::Conflict(_)) => Ok(Outcome::Refused(
            StatusCode::CONFLICT,
            ValidationErrors::single("email", "already has an account; log in instead"),
        )),
        Err(e) => Err(e),
    }
}

pub(crate) async fn try_login(
    state: &AppState,
    addr: &str,
    email: &str,
    password: &str,
) -> Result<Outcome, StoreError> {
    let email = email.trim().to_lowercase();
    if let Some(problem) = keel_core::validate::text_problem(&email) {
        return Ok(Outcome::Invalid(ValidationErrors::single("email", problem)));
    }
    let account_key = format!("login-account:{email}");
    let pair_key = format!("login-account-address:{email} {addr}");
    if state
        .store
        .count_attempt(&format!("login-ip:{addr}"), login_window())
        .await?
        > LOGIN_ATTEMPTS_PER_ADDRESS
        || state.store.attempts(&pair_key, login_window()).await?
            >= LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
    {
        return Ok(Outcome::Limited(login_window()));
    }
    if state
        .store
        .attempts(&account_key, login_account_window())
        .await?
        >= LOGIN_FAILURES_PER_ACCOUNT
    {
        return Ok(Outcome::Limited(login_account_window()));
    }
    let found = state.store.account_by_email(&email).await?;
    // Verify against a real hash even for unknown emails, so timing does not reveal accounts.
    let ok = match &found {
        Some((_, hash, _)) => keel_app::accounts::verify_password_apart(password, hash).await,
        None => {
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let dummy = DUMMY.get_or_init(|| {
                keel_app::accounts::hash_password("not a real password").unwrap_or_default()
            });
            keel_app::accounts::verify_password_apart(password, dummy).await;
            false
        }
    };
    match (found, ok) {
        (Some((user, _, _)), true) => {
            state.store.clear_attempts(&pair_key).await?;
            state
                .store
                .audit(user, "login", &format!("from {addr}"))
                .await?;
            let token = start_session(state, user).await?;
            Ok(Outcome::In(user, token))
        }
        (found, _) => {
            state.store.count_attempt(&pair_key, login_window()).await?;
            state
                .store
                .count_attempt(&account_key, login_account_window())
                .await?;
            if let Some((user, _, _)) = found {
                state
                    .store
                    .audit(user, "login-failed", &format!("from {addr}"))
                    .await?;
            }
            Ok(Outcome::Refused(
                StatusCode::UNAUTHORIZED,
                ValidationErrors::single("password", "or email is not right: please try again"),
            ))
        }
    }
}

/// A new session id for every log-in: the old cookie, if any, never carries over.
async fn start_session(state: &AppState, user: UserId) -> Result<String, StoreError> {
    let token = keel_app::secret::new_token();
    state
        .store
        .create_session(user, &hash_token(&token), auth::absolute_lifetime())
        .await?;
    Ok(token)
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
