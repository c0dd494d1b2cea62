//! The sign-up, log-in and log-out pages.

use crate::auth::{self};
use crate::csrf;
use crate::login::{
    Outcome, address, end_session, safe_next, too_many, try_login, try_signup, with_session,
};
use crate::pages::kit::{CheckedForm, FormValues, field_error, field_label, layout_in, read_form};
use crate::state::AppState;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use keel_core::ValidationErrors;
use maud::{Markup, html};
use std::collections::HashMap;

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
            div class="error-summary" role="alert" { ul { @for e in errors.errors() { li { (field_label(&e.field)) " " (e.message) } } } }
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
                span class="hint" { "At least " (keel_app::accounts::MIN_PASSWORD_CHARS) " characters; a few words make a good one." }
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

pub(crate) fn page_with_token(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    title: &str,
    body: impl FnOnce(&str) -> Markup,
) -> Response {
    // Log-in and sign-up are for someone not signed in: the menu offers only those.
    let active = if matches!(title, "Log in" | "Sign up") {
        "signed-out"
    } else {
        "account"
    };
    crate::pages::kit::page_response(state, headers, status, |t| {
        layout_in(active, title, body(t)).into_string()
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
        Err(e) => crate::pages::kit::error_page(e),
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
