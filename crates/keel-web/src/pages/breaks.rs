//! The Breaks page: the timer, the sit/stand log and the calendar feed of reminders.

use crate::csrf;
use crate::pages::kit::{CheckedForm, FormValues, described_by, field_error, invalid, layout_in};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDateTime};
use keel_app::desk::{BREAKS, BreaksToday, break_settings, breaks_today, local_now};
use keel_app::secret::hash_token;
use keel_core::ValidationErrors;
use keel_core::desk::{self, BreakSettings};
use keel_store::BreakTaken;
use maud::html;
use serde_json::{Map, Value};
use std::collections::HashMap;

pub async fn breaks_page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let notice = match q.get("saved").map(String::as_str) {
        Some("break") => Some("Break logged. Well done."),
        Some("settings") => Some("Break settings saved."),
        Some("posture") => Some("Noted."),
        Some("revoked") => {
            Some("The calendar link no longer works. Create a new one whenever you like.")
        }
        _ => None,
    };
    let view = BreaksView {
        notice,
        ..Default::default()
    };
    render_breaks(&state, &auth, &headers, view, StatusCode::OK).await
}

/// Which form of the Breaks page was sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BreaksForm {
    Settings,
    Posture,
}

/// What the Breaks page shows besides her data: a notice, a form sent back with its errors
/// and values, or a calendar address just made (shown once, in the answer to the form that
/// made it, never in an address that browsers keep).
#[derive(Default)]
struct BreaksView<'a> {
    notice: Option<&'a str>,
    failed: Option<(BreaksForm, &'a FormValues, &'a ValidationErrors)>,
    new_feed: Option<&'a str>,
}

/// The Breaks page again, with the form that was sent back beside its errors (422).
async fn send_back(
    state: &AppState,
    auth: &crate::auth::Auth,
    headers: &HeaderMap,
    form: BreaksForm,
    values: &FormValues,
    errors: &ValidationErrors,
) -> Response {
    let view = BreaksView {
        failed: Some((form, values, errors)),
        ..Default::default()
    };
    render_breaks(state, auth, headers, view, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn render_breaks(
    state: &AppState,
    auth: &crate::auth::Auth,
    headers: &HeaderMap,
    view: BreaksView<'_>,
    status: StatusCode,
) -> Response {
    let now = local_now();
    let today = now.date();
    let day = match breaks_today(&state.store, &state.library, auth.user, now).await {
        Ok(d) => d,
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let BreaksToday {
        settings,
        input,
        taken,
        balance,
        has_feed,
        next,
        routine,
        sit_stand: sit_stand_finding,
    } = day;
    let (token, cookie) = state.csrf.token(headers);
    let feed_base = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_default();
    let feed_url = view.new_feed;
    let notice = view.notice;
    let empty_values = FormValues::default();
    let empty_errors = ValidationErrors::new();
    let form = |which: BreaksForm| match view.failed {
        Some((f, v, e)) if f == which => (Some(v), e),
        _ => (None, &empty_errors),
    };
    let (posture_values, posture_errors) = form(BreaksForm::Posture);
    let posture_values = posture_values.unwrap_or(&empty_values);
    let (settings_values, settings_errors) = form(BreaksForm::Settings);
    // Her settings as the form shows them: what she sent, when it came back with errors.
    let setting = |name: &str, stored: String| match settings_values {
        Some(v) => v.get(name).unwrap_or("").to_string(),
        None => stored,
    };
    let secs_to_next = next.map(|n| (n - now).num_seconds().max(0));
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let settings_json = settings.to_json();
    let working: Vec<&str> = match settings_values {
        Some(v) => {
            v.0.iter()
                .filter(|(k, _)| k == "working_days")
                .map(|(_, d)| d.as_str())
                .collect()
        }
        None => settings_json["working_days"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default(),
    };
    // On an emergency day there is no break to take: no timer, no prompt, no routine.
    let emergency = crate::safety::emergency_now().is_some();
    let body = html! {
            h1 { "Breaks" }
            @if let Some(n) = notice.filter(|_| !emergency) { p class="notice" role="status" { (n) } }
            @if !emergency {
            section class="daytype" aria-labelledby="timer-title" {
                h2 id="timer-title" { "Your next break" }
                div id="timer" data-seconds-to-next=[secs_to_next] data-interval-seconds=(settings.interval_minutes * 60) {
                    p class="big" id="countdown" aria-live="off" {
                        @match next {
                            Some(n) if n.date() == today => { "At " (n.format("%H:%M")) }
                            Some(n) => { (n.format("%A at %H:%M")) }
                            None => { "No working hours set" }
                        }
                    }
                }
                p class="hint" { "Every " (settings.interval_minutes) " minutes from " (settings.start.format("%H:%M")) " to " (settings.end.format("%H:%M")) ": stand or walk for about 2 minutes." } (crate::pages::kit::why("Rule ERG-BREAK: a short break every 30 minutes of sitting."))
                div class="js-only" hidden {
                    button type="button" id="allow-notifications" class="secondary" { "Allow notifications" }
                    " "
                    button type="button" id="test-reminder" class="secondary" { "Try a reminder in 5 seconds" }
                }
            }
            section id="break-prompt" class="alert prompt" aria-labelledby="prompt-title" hidden {
                h2 id="prompt-title" { "Time for a 2-minute break" }
                p { "Stand up and move: it is the single best thing for a back that sits." }
            }
            @if let Some(r) = &routine {
                section class="item" aria-labelledby="routine-title" {
                    h2 id="routine-title" { "This break: " (r.name) @if !r.name.contains("minute") { " (" (r.minutes) " minutes)" } }
                    ul class="cues" { @for c in &r.cues { li { (c) } } }
                    form method="post" action="/breaks/log" {
                        (csrf::field(&token))
                        input type="hidden" name="exercise_id" value=(r.exercise_id);
                        button type="submit" id="took-break" { "I took my break" }
                    }
                }
            }
            }
            p { "Breaks today: " strong { (taken.len()) } @if !taken.is_empty() { " (last at " (taken.last().map(|b| b.taken_at.format("%H:%M").to_string()).unwrap_or_default()) ")" } }
            @if input.standing_desk == Some(true) {
                section class="panel" aria-labelledby="sitstand-title" {
                    h2 id="sitstand-title" { "Sitting and standing today" }
                    p { "Sitting " strong { (balance.sitting_minutes) " min" } ", standing " strong { (balance.standing_minutes) " min" } "." }
                    @if let Some(f) = &sit_stand_finding { p { (f.fix) } (crate::pages::kit::why(format!("Rule {}.", f.rule))) }
                    form method="post" action="/breaks/posture" class="row" {
                        (csrf::field(&token))
                        div class="mini" {
                            label for="posture" { "I was" }
                            select id="posture" name="posture" aria-invalid=[invalid(posture_errors, "posture")] aria-describedby=[described_by(posture_errors, "posture")] {
                                option value="sit" selected[posture_values.get("posture") != Some("stand")] { "sitting" }
                                option value="stand" selected[posture_values.get("posture") == Some("stand")] { "standing" }
                            }
                            (field_error(posture_errors, "posture"))
                        }
                        div class="mini" {
                            label for="minutes" { "for minutes" }
                            input type="number" id="minutes" name="minutes" min="1" max="1440" value=(posture_values.get("minutes").unwrap_or("30")) aria-invalid=[invalid(posture_errors, "minutes")] aria-describedby=[described_by(posture_errors, "minutes")];
                            (field_error(posture_errors, "minutes"))
                        }
                        button type="submit" { "Add" }
                    }
                }
            }
            section class="panel" aria-labelledby="settings-title" {
                h2 id="settings-title" { "Working hours" }
                form method="post" action="/breaks/settings" {
                    (csrf::field(&token))
                    div class="row" {
                        div class="mini" {
                            label for="start" { "Start" }
                            input type="time" id="start" name="start" value=(setting("start", settings.start.format("%H:%M").to_string())) aria-invalid=[invalid(settings_errors, "start")] aria-describedby=[described_by(settings_errors, "start")];
                            (field_error(settings_errors, "start"))
                        }
                        div class="mini" {
                            label for="end" { "End" }
                            input type="time" id="end" name="end" value=(setting("end", settings.end.format("%H:%M").to_string())) aria-invalid=[invalid(settings_errors, "end")] aria-describedby=[described_by(settings_errors, "end")];
                            (field_error(settings_errors, "end"))
                        }
                        div class="mini" {
                            label for="interval_minutes" { "Every (min)" }
                            input type="number" id="interval_minutes" name="interval_minutes" min="10" max="120" value=(setting("interval_minutes", settings.interval_minutes.to_string())) aria-invalid=[invalid(settings_errors, "interval_minutes")] aria-describedby=[described_by(settings_errors, "interval_minutes")];
                            (field_error(settings_errors, "interval_minutes"))
                        }
                    }
                    fieldset aria-describedby=[described_by(settings_errors, "working_days")] {
                        legend { "Working days" }
                        (field_error(settings_errors, "working_days"))
                        @for d in days {
                            span class="choice-inline" {
                                input type="checkbox" id={"day-" (d)} name="working_days" value=(d) checked[working.contains(&d)];
                                label for={"day-" (d)} { (d) }
                            }
                        }
                    }
                    button type="submit" { "Save" }
                }
            }
    @if !emergency {
                    section class="panel" aria-labelledby="feed-title" {
                h2 id="feed-title" { "Reminders on your phone" }
                p { "Subscribe to a private calendar of your breaks, so that your phone reminds you even when Keel is closed." }
                @if let Some(t) = feed_url {
                    p class="notice" role="status" { "Your private calendar address (copy it now; Keel keeps only a fingerprint of it):" }
                    p { code class="feed" { (feed_base) "/feeds/breaks/" (t) ".ics" } }
                }
                form method="post" action="/breaks/feed" class="ack" {
                    (csrf::field(&token))
                    button type="submit" class="secondary" { @if has_feed { "Replace the calendar link" } @else { "Create a calendar link" } }
                }
                @if has_feed {
                    form method="post" action="/breaks/feed/revoke" class="ack" {
                        (csrf::field(&token))
                        button type="submit" class="secondary" { "Turn the calendar link off" }
                    }
                }
            }
            }
            script src="/static/breaks.js" defer {}
        };
    crate::pages::kit::with_csrf_cookie(
        (status, layout_in("breaks", "Breaks", body)).into_response(),
        cookie,
    )
}

pub async fn post_break(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(_, values): CheckedForm,
) -> Response {
    let exercise_id = values
        .get("exercise_id")
        .filter(|id| state.library.get(id).is_some())
        .map(String::from);
    let b = BreakTaken {
        taken_at: local_now(),
        minutes: desk::BREAK_MINUTES,
        exercise_id,
    };
    match state.store.log_break(auth.user, &b).await {
        Ok(_) => Redirect::to("/breaks?saved=break").into_response(),
        Err(e) => crate::pages::kit::error_page(e),
    }
}

trait ZeroNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl ZeroNanos for NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

pub async fn post_break_settings(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    let mut m = Map::new();
    let days: Vec<Value> = values
        .0
        .iter()
        .filter(|(k, _)| k == "working_days")
        .map(|(_, v)| Value::from(v.as_str()))
        .collect();
    m.insert("working_days".into(), Value::Array(days));
    for k in ["start", "end"] {
        if let Some(v) = values.get(k).filter(|v| !v.is_empty()) {
            m.insert(k.into(), Value::from(v));
        }
    }
    if let Some(v) = values.get("interval_minutes").filter(|v| !v.is_empty()) {
        m.insert(
            "interval_minutes".into(),
            keel_core::validate::number_from_text(v),
        );
    }
    match BreakSettings::parse(&Value::Object(m)) {
        Ok(s) => match state
            .store
            .save_setting(auth.user, BREAKS, &s.to_json())
            .await
        {
            Ok(()) => Redirect::to("/breaks?saved=settings").into_response(),
            Err(e) => crate::pages::kit::error_page(e),
        },
        Err(e) => send_back(&state, &auth, &headers, BreaksForm::Settings, &values, &e).await,
    }
}

pub async fn post_posture(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    let minutes = values
        .get("minutes")
        .and_then(|m| m.trim().parse::<u32>().ok())
        .filter(|m| (1..=1440).contains(m));
    let standing = match values.get("posture") {
        Some("stand") => Some(true),
        Some("sit") => Some(false),
        _ => None,
    };
    let (Some(minutes), Some(standing)) = (minutes, standing) else {
        let mut e = ValidationErrors::new();
        if minutes.is_none() {
            e.add("minutes", "must be a whole number from 1 to 1440");
        }
        if standing.is_none() {
            e.add("posture", "must be sit or stand");
        }
        return send_back(&state, &auth, &headers, BreaksForm::Posture, &values, &e).await;
    };
    match state
        .store
        .log_posture(
            auth.user,
            local_now().with_nanosecond_zero(),
            standing,
            minutes,
        )
        .await
    {
        Ok(()) => Redirect::to("/breaks?saved=posture").into_response(),
        Err(e) => crate::pages::kit::error_page(e),
    }
}

/// Creates (or replaces) the secret feed link; the secret is shown once.
pub async fn post_feed(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, _): CheckedForm,
) -> Response {
    let token = keel_app::secret::new_token();
    match state
        .store
        .set_feed_token(auth.user, BREAKS, &hash_token(&token))
        .await
    {
        Ok(()) => {
            let view = BreaksView {
                new_feed: Some(&token),
                ..Default::default()
            };
            render_breaks(&state, &auth, &headers, view, StatusCode::CREATED).await
        }
        Err(e) => crate::pages::kit::error_page(e),
    }
}

pub async fn post_feed_revoke(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    _form: CheckedForm,
) -> Response {
    match state.store.revoke_feed_token(auth.user, BREAKS).await {
        Ok(_) => Redirect::to("/breaks?saved=revoked").into_response(),
        Err(e) => crate::pages::kit::error_page(e),
    }
}

/// The subscribable feed: found by the secret in its address, nothing else.
pub async fn breaks_feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let user = match state
        .store
        .feed_token_user(BREAKS, &hash_token(token))
        .await
    {
        Ok(Some(u)) => u,
        Ok(None) => {
            return crate::error::ApiError::NotFound(
                "There is no calendar at this address.".into(),
            )
            .into_response();
        }
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let settings = match break_settings(&state.store, user).await {
        Ok(s) => s,
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let today = local_now().date();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let ics = keel_core::calendar::breaks_calendar(
        &settings,
        monday,
        &user.0.to_string(),
        chrono::Utc::now().naive_utc(),
    );
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        ics,
    )
        .into_response()
}

pub const BREAKS_JS: &str = include_str!("../../assets/breaks.js");

pub async fn breaks_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        BREAKS_JS,
    )
}
