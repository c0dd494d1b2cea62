//! The account page: password, personal tokens, the security log, export and import, and
//! deleting the account.

use crate::auth::{self, Auth, Via};
use crate::csrf;
use crate::pages::auth::page_with_token;
use crate::pages::kit::{CheckedForm, FormValues, described_by, field_error, invalid};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use keel_app::accounts::{change_password, create_token};
use keel_core::ValidationErrors;
use maud::{Markup, html};

/// The longest name a personal API token may have.
pub use keel_app::accounts::TOKEN_NAME_MAX_CHARS;

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
            p { a href="/profile" { "Your profile" } ": age, height and weight, your history, what you would like help with." }
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
                                input type="password" id="password" name="password" autocomplete="new-password" minlength=(keel_app::accounts::MIN_PASSWORD_CHARS) aria-invalid=[invalid(pw_errors, "password")] aria-describedby=[described_by(pw_errors, "password")];
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
                                            td { (k.name) } td { (k.scope) } td { (in_words(&k.created_at)) }
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
                            tbody { @for e in &events { tr { td { (in_words(&e.at)) } td { (e.kind) } td { (e.detail) } } } }
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
        &state.store,
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
        Err(e) => crate::pages::kit::error_page(e),
    }
}

pub async fn post_token(
    auth: Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    match create_token(
        &state.store,
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
        Err(e) => crate::pages::kit::error_page(e),
    }
}

pub async fn post_revoke_token(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    _form: CheckedForm,
) -> Response {
    match keel_app::accounts::revoke_token(&state.store, auth.user, &id).await {
        Ok(true) => Redirect::to("/account#tokens-title").into_response(),
        Ok(false) => crate::pages::kit::not_found().await,
        Err(e) => crate::pages::kit::error_page(e),
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
        Err(e) => crate::pages::kit::error_page(e),
    }
}

/// An RFC 3339 time as she reads it ("2 December 2026, 09:14"), or as stored if it is not one.
fn in_words(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.format("%-d %B %Y, %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}
