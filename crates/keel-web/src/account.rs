//! Sign-up, log-in and log-out, the account page (password, personal tokens, security log,
//! deletion), and their JSON API. Rate limits answer password guessing with 429.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use keel_core::ValidationErrors;
use keel_core::validate::unknown_fields;
use keel_store::{ApiToken, AuditEvent, StoreError, UserId};
use maud::{Markup, html};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::{self, Auth, Via};
use crate::error::{ApiError, Problem, problem_response};
use crate::extract::JsonBody;
use crate::pages::{
    CheckedForm, FormValues, described_by, field_error, invalid, layout_in, read_form,
};
use crate::secret::hash_token;
use crate::{AppState, csrf};

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

fn too_many(retry_after: Duration) -> Response {
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
fn address(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The longest name a personal API token may have.
pub const TOKEN_NAME_MAX_CHARS: usize = 60;

/// What a log-in or sign-up attempt came to.
enum Outcome {
    In(UserId, String),
    /// The request itself is not valid (422).
    Invalid(ValidationErrors),
    /// Valid, but refused as things stand, with the field to blame and the status the API
    /// answers with (401, 403, 409).
    Refused(StatusCode, ValidationErrors),
    Limited(Duration),
}

async fn try_signup(
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
    let email = match auth::validate_credentials(email, password) {
        Ok(e) => e,
        Err(e) => return Ok(Outcome::Invalid(e)),
    };
    if state.signup != crate::SignupMode::Open && state.accounts_enabled().await? {
        if state.signup == crate::SignupMode::Closed {
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
    let hash = auth::hash_password_apart(password)
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

async fn try_login(
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
        Some((_, hash, _)) => auth::verify_password_apart(password, hash).await,
        None => {
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let dummy = DUMMY
                .get_or_init(|| auth::hash_password("not a real password").unwrap_or_default());
            auth::verify_password_apart(password, dummy).await;
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
                ValidationErrors::single("password", "the email or password is not right"),
            ))
        }
    }
}

/// A new session id for every log-in: the old cookie, if any, never carries over.
async fn start_session(state: &AppState, user: UserId) -> Result<String, StoreError> {
    let token = crate::secret::new_token();
    state
        .store
        .create_session(user, &hash_token(&token), auth::absolute_lifetime())
        .await?;
    Ok(token)
}

fn with_session(mut r: Response, token: &str, secure: bool) -> Response {
    r.headers_mut()
        .append(header::SET_COOKIE, auth::session_cookie(token, secure));
    r
}

/// Where to go after log-in: a path on this site, or `/`. Browsers drop tabs and newlines
/// from a URL and read a backslash as a slash, so `/\t/evil.example` or `/\\evil.example`
/// would lead to another host: only a path with one leading slash, no backslash and no
/// control character, that parses as a path, is taken.
fn safe_next(next: Option<&str>) -> String {
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

fn credentials_form(
    action: &str,
    title: &str,
    values: &FormValues,
    errors: &ValidationErrors,
    token: &str,
    next: &str,
) -> Markup {
    html! {
        h1 { (title) }
        @if !errors.is_empty() {
            div class="error-summary" role="alert" { ul { @for e in errors.errors() { li { (e.message) } } } }
        }
        form method="post" action=(action) class="panel" novalidate {
            (csrf::field(token))
            input type="hidden" name="next" value=(next);
            div class="field" {
                label for="email" { "Email" }
                input type="email" id="email" name="email" autocomplete="username" value=[values.get("email")];
                (field_error(errors, "email"))
            }
            div class="field" {
                label for="password" { "Password" }
                span class="hint" { "At least " (auth::MIN_PASSWORD_CHARS) " characters; a few words make a good one." }
                input type="password" id="password" name="password" autocomplete=(if action == "/signup" { "new-password" } else { "current-password" });
                (field_error(errors, "password"))
            }
            @if action == "/signup" {
                div class="field" {
                    label for="invite" { "Invitation code (if this Keel asks for one)" }
                    input type="text" id="invite" name="invite" autocomplete="off";
                    (field_error(errors, "invite"))
                }
            }
            button type="submit" { (title) }
        }
        @if action == "/login" { p { "No account yet? " a href="/signup" { "Sign up" } } }
        @else { p { "Already have an account? " a href="/login" { "Log in" } } }
    }
}

fn page_with_token(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    title: &str,
    body: impl FnOnce(&str) -> Markup,
) -> Response {
    crate::pages::page_response(state, headers, status, |t| {
        layout_in("account", title, body(t)).into_string()
    })
}

pub async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let next = safe_next(q.get("next").map(String::as_str));
    page_with_token(&state, &headers, StatusCode::OK, "Log in", |t| {
        credentials_form(
            "/login",
            "Log in",
            &FormValues::default(),
            &ValidationErrors::new(),
            t,
            &next,
        )
    })
}

pub async fn signup_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    page_with_token(&state, &headers, StatusCode::OK, "Sign up", |t| {
        credentials_form(
            "/signup",
            "Sign up",
            &FormValues::default(),
            &ValidationErrors::new(),
            t,
            "/",
        )
    })
}

async fn form_credentials(state: AppState, req: Request, signup: bool) -> Response {
    let addr = address(&req);
    let (headers, values) = match read_form(&state, req).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let email = values.get("email").unwrap_or("").to_string();
    let password = values.get("password").unwrap_or("").to_string();
    let next = safe_next(values.get("next"));
    let outcome = if signup {
        try_signup(&state, &addr, &email, &password, values.get("invite")).await
    } else {
        try_login(&state, &addr, &email, &password).await
    };
    let (action, title) = if signup {
        ("/signup", "Sign up")
    } else {
        ("/login", "Log in")
    };
    match outcome {
        Ok(Outcome::In(_, token)) => with_session(
            Redirect::to(&next).into_response(),
            &token,
            auth::wants_secure(&state, &headers),
        ),
        Ok(Outcome::Invalid(errors) | Outcome::Refused(_, errors)) => {
            let kept = FormValues(vec![("email".into(), email)]);
            page_with_token(
                &state,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                title,
                |t| credentials_form(action, title, &kept, &errors, t, &next),
            )
        }
        Ok(Outcome::Limited(wait)) => too_many(wait),
        Err(e) => ApiError::Store(e).into_response(),
    }
}

pub async fn post_login(State(state): State<AppState>, req: Request) -> Response {
    form_credentials(state, req, false).await
}

pub async fn post_signup(State(state): State<AppState>, req: Request) -> Response {
    form_credentials(state, req, true).await
}

pub async fn post_logout(
    State(state): State<AppState>,
    CheckedForm(headers, _): CheckedForm,
) -> Response {
    end_session(&state, &headers).await;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, auth::clear_session_cookie());
    r
}

async fn end_session(state: &AppState, headers: &HeaderMap) {
    if let Some(token) =
        crate::secret::cookie_value(headers, auth::SESSION_COOKIE).filter(|t| !t.is_empty())
    {
        let hash = hash_token(&token);
        if let Ok(Some((user, _))) = state.store.session_user(&hash, auth::idle_timeout()).await {
            let _ = state.store.audit(user, "logout", "").await;
        }
        let _ = state.store.delete_session(&hash).await;
    }
}

pub async fn account_page(
    auth: Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Response {
    render_account(
        &state,
        &auth,
        &headers,
        AccountView::default(),
        StatusCode::OK,
    )
    .await
}

/// The typed confirmation that guards a deletion.
fn confirm_field(values: &FormValues, errors: &ValidationErrors) -> Markup {
    html! {
        div class="field" {
            label for="confirm" { "Type DELETE to confirm" }
            input type="text" id="confirm" name="confirm" autocomplete="off" value=(values.get("confirm").unwrap_or("")) aria-invalid=[invalid(errors, "confirm")] aria-describedby=[described_by(errors, "confirm")];
            (field_error(errors, "confirm"))
        }
    }
}

/// Which form of the Account page was sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AccountForm {
    Password,
    Token,
    Delete,
}

/// What the Account page shows besides her data: a form sent back with its errors and the
/// values she gave (never a password), or a secret just made. A new token is shown once, in
/// the answer to the form that made it, so that it never travels in an address that browsers
/// keep in their history.
#[derive(Default)]
struct AccountView<'a> {
    failed: Option<(AccountForm, &'a FormValues, &'a ValidationErrors)>,
    new_token: Option<&'a str>,
}

/// The Account page again, with the form that was sent back beside its errors (422).
async fn send_back(
    state: &AppState,
    auth: &Auth,
    headers: &HeaderMap,
    form: AccountForm,
    values: &FormValues,
    errors: &ValidationErrors,
) -> Response {
    let view = AccountView {
        failed: Some((form, values, errors)),
        ..Default::default()
    };
    render_account(state, auth, headers, view, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn render_account(
    state: &AppState,
    auth: &Auth,
    headers: &HeaderMap,
    view: AccountView<'_>,
    status: StatusCode,
) -> Response {
    let account = state.store.account(auth.user).await.ok().flatten();
    let tokens = state.store.tokens(auth.user).await.unwrap_or_default();
    let events = state
        .store
        .audit_events(auth.user, 50)
        .await
        .unwrap_or_default();
    let new_token = view.new_token;
    let empty_values = FormValues::default();
    let empty_errors = ValidationErrors::new();
    let form = |which: AccountForm| match view.failed {
        Some((f, v, e)) if f == which => (v, e),
        _ => (&empty_values, &empty_errors),
    };
    let (_, pw_errors) = form(AccountForm::Password);
    let (token_values, token_errors) = form(AccountForm::Token);
    let (delete_values, delete_errors) = form(AccountForm::Delete);
    let auth = *auth;
    page_with_token(state, headers, status, "Account", |t| {
        html! {
            h1 { "Account" }
            @match (&account, auth.via) {
                (None, Via::Local) => {
                    p { "Keel is running for one person on this computer, without an account. Create one to use Keel from other devices, or for a household: everything recorded so far becomes yours." }
                    p { a href="/signup" { "Create the first account" } }
                p { "Download everything you have recorded: "
                    a href="/api/v1/export?format=json" { "JSON" } " (can be imported back), "
                    a href="/api/v1/export?format=csv" { "CSV files (zip)" } ", or "
                    a href="/api/v1/export?format=fhir" { "FHIR R4" } "." }
                    section class="panel" aria-labelledby="delete-title" {
                        h2 id="delete-title" { "Delete all data" }
                        p { "This deletes everything recorded in this Keel: check-ins, exercise log, bone and desk records, questionnaires. It cannot be undone; download a copy first if you may want it back." }
                        form method="post" action="/account/delete" {
                            (csrf::field(t))
                            (confirm_field(delete_values, delete_errors))
                            button type="submit" class="danger" { "Delete all my data" }
                        }
                    }
                }
                (Some(a), _) => {
                    p { "Signed in as " strong { (a.email) } @if a.role == "admin" { " (administrator)" } "." }
                    form method="post" action="/logout" class="ack" { (csrf::field(t)) button type="submit" class="secondary" { "Log out" } }
                    section class="panel" aria-labelledby="pw-title" {
                        h2 id="pw-title" { "Change password" }
                        form method="post" action="/account/password" {
                            (csrf::field(t))
                            div class="field" {
                                label for="current" { "Current password" }
                                input type="password" id="current" name="current" autocomplete="current-password" aria-invalid=[invalid(pw_errors, "current")] aria-describedby=[described_by(pw_errors, "current")];
                                (field_error(pw_errors, "current"))
                            }
                            div class="field" {
                                label for="password" { "New password" }
                                input type="password" id="password" name="password" autocomplete="new-password" minlength=(auth::MIN_PASSWORD_CHARS) aria-invalid=[invalid(pw_errors, "password")] aria-describedby=[described_by(pw_errors, "password")];
                                (field_error(pw_errors, "password"))
                            }
                            p class="hint" { "Changing it ends every session and revokes every personal token: you log in again, and scripts need new tokens." }
                            button type="submit" { "Change password" }
                        }
                    }
                    section class="panel" aria-labelledby="tokens-title" {
                        h2 id="tokens-title" { "Personal API tokens" }
                        @if let Some(tok) = new_token {
                            p class="notice" role="status" { "Your new token (copy it now; Keel keeps only a fingerprint):" }
                            p { code class="feed" { (tok) } }
                        }
                        @if !tokens.is_empty() {
                            table {
                                caption { "Your tokens" }
                                thead { tr { th scope="col" { "Name" } th scope="col" { "Access" } th scope="col" { "Created" } th scope="col" { "" } } }
                                tbody {
                                    @for k in &tokens {
                                        tr {
                                            td { (k.name) } td { (k.scope) } td { (k.created_at) }
                                            td { @if k.revoked_at.is_some() { "revoked" } @else {
                                                form method="post" action={"/account/tokens/" (k.id) "/revoke"} { (csrf::field(t)) button type="submit" class="secondary" { "Revoke" } }
                                            } }
                                        }
                                    }
                                }
                            }
                        }
                        form method="post" action="/account/tokens" class="row" {
                            (csrf::field(t))
                            div class="mini" {
                                label for="name" { "Name" }
                                input type="text" id="name" name="name" maxlength=(TOKEN_NAME_MAX_CHARS) value=(token_values.get("name").unwrap_or("script")) aria-invalid=[invalid(token_errors, "name")] aria-describedby=[described_by(token_errors, "name")];
                                (field_error(token_errors, "name"))
                            }
                            div class="mini" {
                                label for="scope" { "Access" }
                                select id="scope" name="scope" aria-invalid=[invalid(token_errors, "scope")] aria-describedby=[described_by(token_errors, "scope")] {
                                    option value="read" selected[token_values.get("scope") != Some("write")] { "read only" }
                                    option value="write" selected[token_values.get("scope") == Some("write")] { "read and write" }
                                }
                                (field_error(token_errors, "scope"))
                            }
                            button type="submit" { "Create token" }
                        }
                    }
                    section class="panel" aria-labelledby="log-title" {
                        h2 id="log-title" { "Security log" }
                        table {
                            caption { "Recent sign-ins and changes" }
                            thead { tr { th scope="col" { "When (UTC)" } th scope="col" { "What" } th scope="col" { "Detail" } } }
                            tbody { @for e in &events { tr { td { (e.at) } td { (e.kind) } td { (e.detail) } } } }
                        }
                    }
                    section class="panel" aria-labelledby="export-title" {
                    h2 id="export-title" { "Your data" }
                    p { "Download everything you have recorded: "
                        a href="/api/v1/export?format=json" { "JSON" } " (can be imported back), "
                        a href="/api/v1/export?format=csv" { "CSV files (zip)" } ", or "
                        a href="/api/v1/export?format=fhir" { "FHIR R4" } " for health-record systems." }
                }
                section class="panel" aria-labelledby="delete-title" {
                        h2 id="delete-title" { "Delete account" }
                        p { "This deletes your account and everything you have recorded in Keel. It cannot be undone." }
                        form method="post" action="/account/delete" {
                            (csrf::field(t))
                            (confirm_field(delete_values, delete_errors))
                            button type="submit" class="danger" { "Delete my account and data" }
                        }
                    }
                }
                (None, _) => { p { "This session has no account." } }
            }
        }
    })
}

pub async fn post_password(
    auth: Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    match change_password(
        &state,
        auth.user,
        values.get("current").unwrap_or(""),
        values.get("password").unwrap_or(""),
    )
    .await
    {
        Ok(Ok(())) => {
            let mut r = Redirect::to("/login").into_response();
            r.headers_mut()
                .append(header::SET_COOKIE, auth::clear_session_cookie());
            r
        }
        Ok(Err(e)) => {
            send_back(
                &state,
                &auth,
                &headers,
                AccountForm::Password,
                &FormValues::default(),
                &e,
            )
            .await
        }
        Err(e) => ApiError::Store(e).into_response(),
    }
}

async fn change_password(
    state: &AppState,
    user: UserId,
    current: &str,
    new: &str,
) -> Result<Result<(), ValidationErrors>, StoreError> {
    let Some(hash) = state.store.password_hash(user).await? else {
        return Ok(Err(ValidationErrors::single(
            "current",
            "this account has no password yet",
        )));
    };
    if !auth::verify_password_apart(current, &hash).await {
        return Ok(Err(ValidationErrors::single(
            "current",
            "is not your current password",
        )));
    }
    if let Err(e) = auth::validate_credentials("x@example.org", new) {
        return Ok(Err(e));
    }
    state
        .store
        .set_password(
            user,
            &auth::hash_password_apart(new)
                .await
                .map_err(StoreError::Other)?,
        )
        .await?;
    state
        .store
        .audit(
            user,
            "password-changed",
            "all sessions ended, all personal tokens revoked",
        )
        .await?;
    Ok(Ok(()))
}

async fn make_token(
    state: &AppState,
    user: UserId,
    name: &str,
    scope: &str,
) -> Result<Result<(ApiToken, String), ValidationErrors>, StoreError> {
    let name = name.trim();
    let mut errors = ValidationErrors::new();
    if name.is_empty() || name.chars().count() > TOKEN_NAME_MAX_CHARS {
        errors.add(
            "name",
            format!("must be 1 to {TOKEN_NAME_MAX_CHARS} characters"),
        );
    } else if let Some(problem) = keel_core::validate::text_problem(name) {
        errors.add("name", problem);
    }
    if scope != "read" && scope != "write" {
        errors.add("scope", "must be read or write");
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let secret = format!("keel_{}", crate::secret::new_token());
    let token = state
        .store
        .create_token(user, name, &hash_token(&secret), scope)
        .await?;
    state
        .store
        .audit(user, "token-created", &format!("{name} ({scope})"))
        .await?;
    Ok(Ok((token, secret)))
}

pub async fn post_token(
    auth: Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    match make_token(
        &state,
        auth.user,
        values.get("name").unwrap_or(""),
        values.get("scope").unwrap_or("read"),
    )
    .await
    {
        Ok(Ok((_, secret))) => {
            let view = AccountView {
                new_token: Some(&secret),
                ..Default::default()
            };
            render_account(&state, &auth, &headers, view, StatusCode::CREATED).await
        }
        Ok(Err(e)) => send_back(&state, &auth, &headers, AccountForm::Token, &values, &e).await,
        Err(e) => ApiError::Store(e).into_response(),
    }
}

pub async fn post_revoke_token(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    _form: CheckedForm,
) -> Response {
    match state.store.revoke_token(auth.user, &id).await {
        Ok(true) => {
            let _ = state.store.audit(auth.user, "token-revoked", &id).await;
            Redirect::to("/account#tokens-title").into_response()
        }
        Ok(false) => crate::pages::not_found().await,
        Err(e) => ApiError::Store(e).into_response(),
    }
}

pub async fn post_delete(
    auth: Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    if values.get("confirm").map(str::trim) != Some("DELETE") {
        let errors = ValidationErrors::single("confirm", "type DELETE, in capitals, to confirm");
        return send_back(
            &state,
            &auth,
            &headers,
            AccountForm::Delete,
            &values,
            &errors,
        )
        .await;
    }
    // Single-user mode: everything recorded on this Keel is hers, and goes; Keel stays ready
    // for a fresh start.
    let next = if auth.via == Via::Local {
        "/"
    } else {
        "/signup"
    };
    let deleted = state.store.delete_account(auth.user).await;
    state.views.forget(auth.user);
    match deleted {
        Ok(()) => {
            let mut r = Redirect::to(next).into_response();
            r.headers_mut()
                .append(header::SET_COOKIE, auth::clear_session_cookie());
            r
        }
        Err(e) => ApiError::Store(e).into_response(),
    }
}

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
    let format = q.get("format").map(String::as_str).unwrap_or("json");
    if !["json", "csv", "fhir"].contains(&format) {
        return ApiError::Validation(ValidationErrors::single(
            "format",
            "must be json, csv or fhir",
        ))
        .into_response();
    }
    let data = match state.store.user_data(auth.user, &state.library).await {
        Ok(d) => d,
        Err(e) => return ApiError::Store(e).into_response(),
    };
    let _ = state.store.audit(auth.user, "export", format).await;
    let stamp = crate::export::now_stamp();
    let day = stamp.get(..10).unwrap_or_default().to_string();
    let (body, kind, name) = match format {
        "csv" => match crate::export::to_csv_zip(&data) {
            Ok(b) => (b, "application/zip", format!("keel-export-{day}.zip")),
            Err(e) => {
                tracing::error!(error = %e, "csv export failed");
                return ApiError::Store(StoreError::Other("export failed".into())).into_response();
            }
        },
        "fhir" => (
            crate::export::to_fhir(&data, &stamp)
                .to_string()
                .into_bytes(),
            "application/fhir+json",
            format!("keel-fhir-{day}.json"),
        ),
        _ => (
            serde_json::to_vec_pretty(&crate::export::to_json(&data, &stamp)).unwrap_or_default(),
            "application/json",
            format!("keel-export-{day}.json"),
        ),
    };
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

#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    pub check_ins: usize,
    pub activities: usize,
    pub questionnaires: usize,
}

/// Replaces all of her data with a Keel JSON export, in one transaction: a file with any
/// error changes nothing, and every error is named by its path.
#[utoipa::path(post, path = "/api/v1/import", tag = "account",
    request_body(content = crate::schema::ImportBody, content_type = "application/json"),
    responses((status = 200, body = Imported), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_import(
    auth: Auth,
    State(state): State<AppState>,
    JsonBody(body): crate::extract::ImportBody,
) -> Result<Json<Imported>, ApiError> {
    let data = crate::export::parse(&body, &state.library, state.today())?;
    state.store.replace_user_data(auth.user, &data).await?;
    state
        .store
        .audit(
            auth.user,
            "import",
            &format!("{} check-ins", data.check_ins.len()),
        )
        .await?;
    Ok(Json(Imported {
        check_ins: data.check_ins.len(),
        activities: data.activities.len(),
        questionnaires: data.responses.len(),
    }))
}

/// Imports check-ins from another tracker's CSV: `{"csv": text, "mapping": {"date": "Day",
/// "pain": "Pain"}, "date_format": "%d/%m/%Y", "dry_run": true}`. All rows or none: with any
/// refused row nothing is saved, and the report lists each refused line and why.
#[utoipa::path(post, path = "/api/v1/import/csv", tag = "account",
    request_body(content = crate::schema::CsvImportBody, content_type = "application/json"),
    responses((status = 200, body = crate::csv_import::CsvReport), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_import_csv(
    auth: Auth,
    State(state): State<AppState>,
    JsonBody(body): crate::extract::ImportBody,
) -> Result<Json<crate::csv_import::CsvReport>, ApiError> {
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
    let mut report = crate::csv_import::check(
        text.unwrap_or_default(),
        &mapping,
        date_format,
        state.today(),
    )?;
    if !dry_run && report.rejected_count > 0 {
        return Err(report.refusals().into());
    }
    if !dry_run {
        state
            .store
            .import_check_ins(auth.user, &report.check_ins)
            .await?;
        state
            .store
            .audit(
                auth.user,
                "import",
                &format!("{} check-ins from CSV", report.valid),
            )
            .await?;
        report.imported = true;
    }
    Ok(Json(report))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Invite {
    /// Give this to the person joining; shown once.
    pub code: String,
}

/// Creates a single-use invitation code (administrators only).
#[utoipa::path(post, path = "/api/v1/invites", tag = "account",
    responses((status = 201, body = Invite), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn api_create_invite(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let account = state.store.account(auth.user).await?;
    if account.is_none_or(|a| a.role != "admin") {
        let problem = Problem {
            kind: "about:blank".into(),
            title: "Forbidden".into(),
            status: 403,
            detail: "Only an administrator can invite people.".into(),
            errors: vec![],
        };
        return Ok(problem_response(StatusCode::FORBIDDEN, &problem));
    }
    let code = crate::secret::new_token()[..20].to_string();
    state
        .store
        .create_invite(auth.user, &hash_token(&code))
        .await?;
    state.store.audit(auth.user, "invite-created", "").await?;
    Ok((StatusCode::CREATED, Json(Invite { code })).into_response())
}

// ---------------------------------------------------------------- JSON API

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    pub user_id: i64,
    pub first_account: bool,
}

fn credentials(body: &Value) -> Result<(String, String), ApiError> {
    let object = keel_core::validate::as_object(body)?;
    let mut errors = unknown_fields(object, &["email", "password", "invite"], "");
    let get = |k: &str, errors: &mut ValidationErrors| match object.get(k).and_then(Value::as_str) {
        Some(s) => s.to_string(),
        None => {
            errors.add(k, "is required and must be a string");
            String::new()
        }
    };
    let email = get("email", &mut errors);
    let password = get("password", &mut errors);
    if !matches!(
        object.get("invite"),
        None | Some(Value::Null | Value::String(_))
    ) {
        errors.add("invite", "must be a string: the invitation code");
    }
    errors
        .into_result(|| (email, password))
        .map_err(ApiError::from)
}

fn api_outcome(state: &AppState, headers: &HeaderMap, outcome: Outcome, created: bool) -> Response {
    match outcome {
        Outcome::In(user, token) => {
            let first = created && user == keel_store::LOCAL_USER;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            with_session(
                (
                    status,
                    Json(SessionInfo {
                        user_id: user.0,
                        first_account: first,
                    }),
                )
                    .into_response(),
                &token,
                auth::wants_secure(state, headers),
            )
        }
        Outcome::Invalid(errors) => ApiError::Validation(errors).into_response(),
        Outcome::Refused(status, errors) => ApiError::Refused(status, errors).into_response(),
        Outcome::Limited(wait) => too_many(wait),
    }
}

/// Creates an account and signs in (a session cookie). The first account becomes the
/// administrator and keeps everything recorded before accounts existed.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "account",
    request_body(content = crate::schema::CredentialsBody, content_type = "application/json"),
    responses((status = 201, body = SessionInfo),
        (status = 403, description = "Sign-up is closed, or needs a valid invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email already has an account", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn api_signup(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (email, password) = credentials(&body)?;
    let invite = body.get("invite").and_then(Value::as_str);
    let outcome = try_signup(&state, &addr.ip().to_string(), &email, &password, invite).await?;
    Ok(api_outcome(&state, &headers, outcome, true))
}

/// Signs in with email and password; the session cookie is HttpOnly and SameSite=Lax.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "account",
    request_body(content = crate::schema::CredentialsBody, content_type = "application/json"),
    responses((status = 200, body = SessionInfo),
        (status = 401, description = "The email or password is not right", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn api_login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (email, password) = credentials(&body)?;
    let outcome = try_login(&state, &addr.ip().to_string(), &email, &password).await?;
    Ok(api_outcome(&state, &headers, outcome, false))
}

/// Ends the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "account", responses((status = 204, description = "Logged out")))]
pub async fn api_logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    end_session(&state, &headers).await;
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, auth::clear_session_cookie());
    r
}

/// Changes her password: every session ends (this one too) and every personal token is
/// revoked, so that whoever knew the old password keeps nothing they made with it.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "account",
    request_body(content = crate::schema::PasswordBody, content_type = "application/json"),
    responses((status = 204, description = "Changed; log in again"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_change_password(
    auth: Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let object = keel_core::validate::as_object(&body)?;
    let mut errors = unknown_fields(object, &["current", "password"], "");
    let text = |name: &str, errors: &mut ValidationErrors| match object.get(name) {
        Some(Value::String(s)) => s.clone(),
        _ => {
            errors.add(name, "is required, as a string");
            String::new()
        }
    };
    let current = text("current", &mut errors);
    let new = text("password", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    change_password(&state, auth.user, &current, &new).await??;
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, auth::clear_session_cookie());
    Ok(r)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    pub id: String,
    pub name: String,
    pub scope: String,
    /// The secret, shown this once.
    pub token: String,
}

/// Creates a personal API token (`read` or `write`); send it as `Authorization: Bearer`.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account",
    request_body(content = crate::schema::TokenBody, content_type = "application/json"),
    responses((status = 201, body = TokenCreated), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_create_token(
    auth: Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let object = keel_core::validate::as_object(&body)?;
    let unknown = unknown_fields(object, &["name", "scope"], "");
    if !unknown.is_empty() {
        return Err(unknown.into());
    }
    let name = object.get("name").and_then(Value::as_str).unwrap_or("");
    let scope = object.get("scope").and_then(Value::as_str).unwrap_or("");
    match make_token(&state, auth.user, name, scope).await? {
        Ok((t, secret)) => Ok((
            StatusCode::CREATED,
            Json(TokenCreated {
                id: t.id,
                name: t.name,
                scope: t.scope,
                token: secret,
            }),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    #[schema(value_type = Vec<Object>)]
    pub tokens: Vec<ApiToken>,
}

/// Her tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", responses((status = 200, body = TokenList)))]
pub async fn api_list_tokens(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Json<TokenList>, ApiError> {
    Ok(Json(TokenList {
        tokens: state.store.tokens(auth.user).await?,
    }))
}

/// Revokes one of her tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = String, Path)),
    responses((status = 204, description = "Revoked"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_revoke_token(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if state.store.revoke_token(auth.user, &id).await? {
        state.store.audit(auth.user, "token-revoked", &id).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound("No such token.".into()))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<AuditEvent>,
}

/// Her security events: sign-ins, failed sign-ins, tokens, password changes; newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "account", responses((status = 200, body = AuditList)))]
pub async fn api_audit(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Json<AuditList>, ApiError> {
    Ok(Json(AuditList {
        events: state.store.audit_events(auth.user, 200).await?,
    }))
}

/// Deletes her account and all of her data. In single-user mode (no accounts yet) it
/// deletes everything recorded on this Keel, which then starts afresh. Like the page's form,
/// it asks for the word: `?confirm=DELETE`, so that no script (or stolen token) deletes an
/// account by sending one request it did not mean.
#[utoipa::path(delete, path = "/api/v1/account", tag = "account",
    params(("confirm" = String, Query, description = "DELETE, in capitals, to confirm")),
    responses((status = 204, description = "Deleted"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_delete_account(
    auth: Auth,
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let mut errors = ValidationErrors::new();
    if q.get("confirm").map(String::as_str) != Some("DELETE") {
        errors.add(
            "confirm",
            "must be DELETE, in capitals, to confirm the deletion",
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    state.store.delete_account(auth.user).await?;
    state.views.forget(auth.user);
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, auth::clear_session_cookie());
    Ok(r)
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
