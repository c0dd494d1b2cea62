//! The page kit every page shares: the layout and navigation, the stylesheet, form values and
//! their errors beside each field, reading a checked form, and sending a page with its CSRF
//! cookie.

use crate::error::ApiError;
use crate::state::AppState;
use crate::{csrf, extract};
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keel_app::views::DISCLAIMER;
use keel_core::movement::Movement;
use keel_core::rules::Question;
use keel_core::{CheckIn, ValidationErrors};
use maud::{DOCTYPE, Markup, html};
use serde_json::Value;

const STYLESHEET: &str = include_str!("../../assets/keel.css");

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

/// `GET /favicon.ico`: Keel's icon (a keel under a spine, drawn for Keel).
pub async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        &include_bytes!("../../assets/favicon.ico")[..],
    )
}

pub(crate) fn layout(title: &str, main: Markup) -> Markup {
    layout_in("today", title, main)
}

pub(crate) fn layout_in(active: &str, title: &str, main: Markup) -> Markup {
    layout_with(active, title, main, true)
}

/// The page frame. While today's check-in is an emergency (see `safety`), `main` starts with
/// the emergency block unless `banner` is false (the Today page for today, which shows the
/// day's findings first itself).
pub(crate) fn layout_with(active: &str, title: &str, main: Markup, banner: bool) -> Markup {
    let emergency = banner.then(crate::safety::emergency_now).flatten();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Keel" }
                link rel="stylesheet" href="/static/keel.css";
                link rel="icon" href="/favicon.ico" sizes="32x32";
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                header class="top" {
                    @if active == "signed-out" {
                        nav aria-label="Main" {
                            a class="brand" href="/login" { "Keel" }
                            a href="/login" { "Log in" }
                            a href="/signup" { "Sign up" }
                        }
                    } @else {
                    nav aria-label="Main" {
                        a class="brand" href="/" { "Keel" }
                        a href="/" aria-current=[(active == "today").then_some("page")] { "Today" }
                        a href="/journal" aria-current=[(active == "journal").then_some("page")] { "Journal" }
                        a href="/week" aria-current=[(active == "week").then_some("page")] { "Week" }
                        a href="/progress" aria-current=[(active == "progress").then_some("page")] { "Progress" }
                        a href="/cycle" aria-current=[(active == "cycle").then_some("page")] { "Cycle" }
                        a href="/bone" aria-current=[(active == "bone").then_some("page")] { "Bone" }
                        a href="/desk" aria-current=[(active == "desk").then_some("page")] { "Desk" }
                        a href="/breaks" aria-current=[(active == "breaks").then_some("page")] { "Breaks" }
                        a href="/learn" aria-current=[(active == "learn").then_some("page")] { "Learn" }
                        a href="/account" aria-current=[(active == "account").then_some("page")] { "Account" }
                    }
                    }
                }
                main id="main" {
                    @if let Some(e) = &emergency { (crate::safety::emergency_block(e)) }
                    (main)
                }
                footer { p { (DISCLAIMER) } }
            }
        }
    }
}

/// The values a form was filled with, to show again beside any errors.
#[derive(Debug, Default)]
pub struct FormValues(pub(crate) Vec<(String, String)>);

impl FormValues {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// A stored check-in, as the form would have posted it.
    pub(crate) fn from_check_in(c: &CheckIn) -> FormValues {
        let mut out = Vec::new();
        for (k, v) in c.to_json().as_object().into_iter().flatten() {
            match v {
                Value::Null => {}
                Value::Array(items) => out.extend(
                    items
                        .iter()
                        .filter_map(|i| i.as_str())
                        .map(|s| (k.clone(), s.to_string())),
                ),
                Value::Bool(true) => out.push(("rf".into(), k.clone())),
                Value::Bool(false) => {}
                Value::String(s) => out.push((k.clone(), s.clone())),
                other => out.push((k.clone(), other.to_string())),
            }
        }
        let emergency_answered = Question::EMERGENCY
            .iter()
            .all(|q| c.answers.get(*q).is_some());
        let any_emergency = Question::EMERGENCY.iter().any(|q| c.answers.yes(*q));
        if emergency_answered && !any_emergency {
            out.push(("emergency_screen".into(), "none".into()));
        } else if any_emergency {
            out.push(("emergency_screen".into(), "some".into()));
        }
        FormValues(out)
    }
}

pub(crate) fn parse_pairs(body: &[u8]) -> FormValues {
    FormValues(form_urlencoded::parse(body).into_owned().collect())
}

/// A posted form whose CSRF token checked out, with the request's headers.
pub struct CheckedForm(pub HeaderMap, pub FormValues);

impl axum::extract::FromRequest<AppState> for CheckedForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (headers, values) = read_form(state, req).await?;
        Ok(CheckedForm(headers, values))
    }
}

/// Reads a posted form within the body limit and checks its CSRF token.
pub(crate) async fn read_form(
    state: &AppState,
    req: Request,
) -> Result<(HeaderMap, FormValues), Response> {
    let headers = req.headers().clone();
    let body = extract::read_body(req, crate::error::BODY_LIMIT_BYTES)
        .await
        .map_err(error_page)?;
    let values = parse_pairs(&body);
    if !state.csrf.verify(&headers, values.get(csrf::FIELD)) {
        let page = layout(
            "Form expired",
            html! {
                h1 { "This form has expired" }
                p { "For your safety, Keel only accepts forms it has just shown you. Nothing was saved." }
                p { a href="/" { "Open Keel again" } }
            },
        );
        return Err((StatusCode::FORBIDDEN, page).into_response());
    }
    Ok((headers, values))
}

/// A page for this visitor: `html` given her CSRF token (bound to her session, or to a
/// cookie of her browser's set with the response). Never stored by the browser: the layer's
/// `Cache-Control: no-store` covers it.
pub(crate) fn page_response(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    html: impl FnOnce(&str) -> String,
) -> Response {
    let (token, cookie) = state.csrf.token(headers);
    with_csrf_cookie(
        (status, axum::response::Html(html(&token))).into_response(),
        cookie,
    )
}

/// Sets the cookie a new visitor's form token is bound to, when she needs one.
pub(crate) fn with_csrf_cookie(
    mut response: Response,
    cookie: Option<axum::http::HeaderValue>,
) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The evidence behind a sentence (rule id, source, a statistic), one tap away: her words
/// come first, the rule ids only in this disclosure and in the clinician report.
pub(crate) fn why(evidence: impl maud::Render) -> Markup {
    html! { details class="why" { summary { "Why?" } span class="rule" { (evidence) } } }
}

/// A mean or score to one decimal place, or a dash where there is none.
pub(crate) fn one_place(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into())
}

/// The "Why?" text for a finding: its rule and, in words, where it comes from.
pub(crate) fn rule_evidence(rule: &str, source: &str) -> String {
    format!(
        "From {} (Keel's rule {rule}, source {source}).",
        keel_core::content::source_words(source)
    )
}

pub(crate) fn movement_list(movements: &[Movement]) -> String {
    keel_core::movement::in_words(movements.iter().copied())
}

pub(crate) fn field_error(errors: &ValidationErrors, field: &str) -> Markup {
    html! {
        @if let Some(m) = errors.message_for(field) {
            p class="error" id={(field) "-error"} { (field_label(field)) " " (m) }
        }
    }
}

pub(crate) fn field_label(field: &str) -> &str {
    match field {
        "date" => "Date",
        "pain" => "Pain",
        "stiffness_minutes" => "Morning stiffness",
        "sleep" => "Sleep",
        "energy" => "Energy",
        "sitting_hours" => "Sitting",
        "walking_minutes" => "Walking",
        "notes" => "Notes",
        "onset" => "How it started",
        "emergency_screen" => "Safety questions:",
        "birth_date" => "Birth date",
        "age" => "Age",
        "weight_kg" => "Weight",
        "height_cm" => "Current height",
        "tallest_height_cm" => "Tallest height",
        "cm" => "Height",
        "site" => "Site",
        "t_score" => "T-score",
        "rule" => "Rule",
        "exercise_id" => "Exercise",
        "pain_during" => "Pain during",
        "effort" => "Effort",
        "level" => "Level",
        "sets" => "Sets",
        "reps" => "Reps",
        "hold_seconds" => "Hold",
        "minutes" => "Minutes",
        "name" => "Name",
        "scope" => "Access",
        "current" => "Current password",
        "password" => "Password",
        "email" => "Email",
        "confirm" => "Confirmation:",
        "invite" => "Invitation code:",
        "start" => "Start",
        "end" => "End",
        "custom_symptoms" => "Your own symptom:",
        "hot_flush_count" => "Hot flushes counted",
        "bleeding.flow" => "Bleeding",
        "flow" => "Flow",
        "still_periods" => "Periods:",
        "interval_minutes" => "Interval",
        "working_days" => "Working days:",
        "posture" => "Posture",
        _ => "This field",
    }
}

pub(crate) fn described_by(errors: &ValidationErrors, field: &str) -> Option<String> {
    errors.message_for(field).map(|_| format!("{field}-error"))
}

pub(crate) fn invalid(errors: &ValidationErrors, field: &str) -> Option<&'static str> {
    errors.message_for(field).map(|_| "true")
}

/// What a page answers when it cannot do what was asked: an HTML page with the status, one
/// sentence she can act on, and a way back; never a JSON problem. Internal detail is logged
/// (by [`ApiError`]'s own rendering rules), never shown.
pub fn error_page(error: impl Into<ApiError>) -> Response {
    let error = error.into();
    if let ApiError::Store(e) = &error {
        tracing::error!(error = %e, "store error on a page");
    }
    let status = error.status();
    let problem = error.problem();
    let title = match status.as_u16() {
        400 => "That could not be read",
        403 => "That is not allowed here",
        404 => "Not found",
        409 => "That clashes with what is stored",
        413 => "That is too large",
        422 => "Some of that is not valid",
        _ => "Something went wrong",
    };
    let page = layout_in(
        "",
        title,
        html! {
            h1 { (title) }
            p { (problem.detail) }
            p { a href="/" { "Go to Today" } }
        },
    );
    (status, page).into_response()
}

pub async fn not_found() -> Response {
    let page = layout_in(
        "",
        "Not found",
        html! {
            h1 { "Page not found" }
            p { "There is nothing at this address. " a href="/" { "Go to Today" } }
        },
    );
    (StatusCode::NOT_FOUND, page).into_response()
}

/// A page address asked with a method it does not answer (a form's address opened as a
/// link, say).
pub fn method_not_allowed() -> Response {
    let page = layout_in(
        "",
        "Not available",
        html! {
            h1 { "Nothing to show here" }
            p { "This address only takes a form Keel shows you; nothing was saved. " a href="/" { "Go to Today" } }
        },
    );
    (StatusCode::METHOD_NOT_ALLOWED, page).into_response()
}
