//! The Desk page (workstation check with a side-view drawing) and the Breaks page (timer,
//! sit/stand log and the calendar feed of reminders).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDateTime};
use keel_core::ValidationErrors;
use keel_core::desk::{self, BreakSettings, DeskAssessment, DeskInput};
use keel_store::{BreakTaken, Store, StoreError, UserId};
use maud::{Markup, html};
use serde_json::{Map, Value};

use crate::pages::{CheckedForm, FormValues, described_by, field_error, invalid, layout_in};
use crate::secret::hash_token;
use crate::{AppState, csrf};

pub const DESK: &str = "desk";
pub const BREAKS: &str = "breaks";

/// Her stored workstation answers (empty until she saves some).
pub async fn desk_input(store: &Store, user: UserId) -> Result<DeskInput, StoreError> {
    match store.setting(user, DESK).await? {
        Some(v) => DeskInput::parse(&v).map_err(|e| StoreError::Corrupt(e.summary())),
        None => Ok(DeskInput::default()),
    }
}

/// Her break settings (the defaults until she saves some).
pub async fn break_settings(store: &Store, user: UserId) -> Result<BreakSettings, StoreError> {
    match store.setting(user, BREAKS).await? {
        Some(v) => BreakSettings::parse(&v).map_err(|e| StoreError::Corrupt(e.summary())),
        None => Ok(BreakSettings::default()),
    }
}

/// The local date and time now, the clock the break schedule runs on.
pub fn local_now() -> NaiveDateTime {
    crate::clock::local_now()
}

/// A side view of a person at a desk, with the recommended heights marked.
pub fn side_view(a: &DeskAssessment) -> Markup {
    let scale = 2.4; // pixels per cm
    let floor = 380.0;
    let y = |cm: f64| floor - cm * scale;
    let seat = a.seat_height.map(|h| h.cm).unwrap_or(45.0);
    let desk_h = a.desk_height.map(|h| h.cm).unwrap_or(70.0);
    let eye = a.eye_height.map(|h| h.cm).unwrap_or(120.0);
    let desc = format!(
        "A seated person in profile at a desk. Seat {:.0} cm, desk {:.0} cm and eye level {:.0} cm above the floor; the top of the screen is level with the eyes, an arm's length away.",
        seat, desk_h, eye
    );
    let mark = |label: &str, cm: f64| {
        html! {
            line x1="20" y1=(y(cm)) x2="470" y2=(y(cm)) class="level" {}
            text x="472" y=(y(cm) + 4.0) class="label" { (label) " " (format!("{cm:.1}")) " cm" }
        }
    };
    html! {
        svg class="desk-view" viewBox="0 0 620 400" role="img" aria-labelledby="desk-title desk-desc" xmlns="http://www.w3.org/2000/svg" {
            title id="desk-title" { "Your desk set-up, seen from the side" }
            desc id="desk-desc" { (desc) }
            line x1="10" y1=(floor) x2="610" y2=(floor) class="floor" {}
            // chair: seat and back
            rect x="90" y=(y(seat)) width="90" height="8" class="chair" {}
            rect x="84" y=(y(seat + 45.0)) width="8" height=(45.0 * scale) class="chair" {}
            line x1="135" y1=(y(seat)) x2="135" y2=(floor) class="chair-leg" {}
            // person: thigh, shin, torso, upper arm, forearm, head
            line x1="100" y1=(y(seat) - 6.0) x2="200" y2=(y(seat) - 6.0) class="body" {}
            line x1="200" y1=(y(seat) - 6.0) x2="200" y2=(floor - 4.0) class="body" {}
            line x1="100" y1=(y(seat) - 6.0) x2="105" y2=(y(eye) + 28.0) class="body" {}
            line x1="105" y1=(y(eye) + 40.0) x2="112" y2=(y(desk_h) - 4.0) class="body" {}
            line x1="112" y1=(y(desk_h) - 4.0) x2="205" y2=(y(desk_h) - 4.0) class="body" {}
            circle cx="112" cy=(y(eye) + 6.0) r="17" class="head" {}
            // desk and screen
            rect x="190" y=(y(desk_h)) width="150" height="6" class="desk" {}
            line x1="330" y1=(y(desk_h)) x2="330" y2=(floor) class="desk-leg" {}
            rect x="300" y=(y(eye)) width="8" height=((eye - desk_h - 12.0).max(10.0) * scale) class="screen" {}
            line x1="120" y1=(y(eye)) x2="300" y2=(y(eye)) class="gaze" {}
            (mark("eye level", eye))
            (mark("desk", desk_h))
            (mark("seat", seat))
        }
    }
}

fn basis_note(h: Option<keel_core::desk::Height>) -> &'static str {
    match h.map(|h| h.basis) {
        Some(keel_core::desk::Basis::Measured) => "from your measurements",
        Some(keel_core::desk::Basis::EstimatedFromStature) => {
            "estimated from your height: a starting point"
        }
        None => "",
    }
}

fn values_of(d: &DeskInput) -> FormValues {
    let mut out = Vec::new();
    for (k, v) in d.to_json().as_object().into_iter().flatten() {
        match v {
            Value::Null => {}
            Value::Bool(b) => out.push((k.clone(), if *b { "yes" } else { "no" }.to_string())),
            other => out.push((k.clone(), other.to_string())),
        }
    }
    FormValues(out)
}

const DESK_NUMBERS: &[(&str, &str)] = &[
    ("stature_cm", "Your height (cm)"),
    (
        "popliteal_height_cm",
        "Measured: floor to the back of your knee, seated (cm)",
    ),
    (
        "sitting_elbow_height_cm",
        "Measured: seat to your elbow, arm hanging (cm)",
    ),
    (
        "sitting_eye_height_cm",
        "Measured: seat to your eyes, sitting tall (cm)",
    ),
    ("seat_height_cm", "Your chair's seat height now (cm)"),
    ("desk_height_cm", "Your desk's height now (cm)"),
    (
        "screen_top_height_cm",
        "Top of your screen from the floor (cm)",
    ),
    (
        "screen_distance_cm",
        "Distance from your eyes to the screen (cm)",
    ),
    (
        "longest_sitting_minutes",
        "Longest you usually sit without getting up (minutes)",
    ),
    ("sitting_hours", "Hours sitting on a work day"),
    ("standing_hours", "Hours standing on a work day"),
];
const DESK_QUESTIONS: &[(&str, &str)] = &[
    (
        "feet_flat",
        "Are your feet flat on the floor (or a footrest)?",
    ),
    (
        "knees_about_90",
        "Are your knees bent at about a right angle?",
    ),
    (
        "hips_not_below_knees",
        "Are your hips level with or higher than your knees?",
    ),
    ("standing_desk", "Do you have a standing desk?"),
];

fn desk_form(values: &FormValues, errors: &ValidationErrors, token: &str) -> Markup {
    html! {
        form method="post" action="/desk" novalidate class="panel" {
            h2 { "Workstation check" }
            (csrf::field(token))
            @for (name, label) in DESK_NUMBERS {
                div class="field" {
                    label for=(name) { (label) }
                    input type="number" step="0.5" inputmode="decimal" id=(name) name=(name) value=[values.get(name)]
                        aria-invalid=[invalid(errors, name)] aria-describedby=[described_by(errors, name)];
                    (field_error(errors, name))
                }
            }
            @for (name, label) in DESK_QUESTIONS {
                fieldset {
                    legend { (label) }
                    @for (v, l) in [("yes", "Yes"), ("no", "No"), ("", "Not sure")] {
                        div class="choice" {
                            input type="radio" id={(name) "-" (if v.is_empty() { "unsure" } else { v })} name=(name) value=(v)
                                checked[values.get(name).unwrap_or("") == v];
                            label for={(name) "-" (if v.is_empty() { "unsure" } else { v })} { (l) }
                        }
                    }
                    (field_error(errors, name))
                }
            }
            button type="submit" { "Check my set-up" }
        }
    }
}

fn form_json(values: &FormValues) -> Value {
    let mut m = Map::new();
    for (k, v) in &values.0 {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if DESK_QUESTIONS.iter().any(|(n, _)| n == k) {
            m.insert(
                k.clone(),
                match v {
                    "yes" => Value::Bool(true),
                    "no" => Value::Bool(false),
                    other => Value::from(other),
                },
            );
        } else if DESK_NUMBERS.iter().any(|(n, _)| n == k) {
            m.insert(k.clone(), keel_core::validate::number_from_text(v));
        }
    }
    Value::Object(m)
}

async fn render_desk(
    user: keel_store::UserId,
    state: &AppState,
    headers: &HeaderMap,
    failed: Option<(&FormValues, &ValidationErrors)>,
    status: StatusCode,
) -> Response {
    let input = match desk_input(&state.store, user).await {
        Ok(i) => i,
        Err(e) => return crate::ApiError::Store(e).into_response(),
    };
    let a = desk::assess(&input);
    let (token, cookie) = state.csrf.token(headers);
    let stored_values = values_of(&input);
    let empty = ValidationErrors::new();
    let (values, errors) = failed.unwrap_or((&stored_values, &empty));
    let body = html! {
        h1 { "Desk set-up" }
        section class="daytype" aria-labelledby="heights-title" {
            h2 id="heights-title" { "Heights for you" }
            @if a.seat_height.is_none() && a.desk_height.is_none() {
                p { "Enter your height below (or your own measurements) to see the seat, desk and screen heights that fit you." }
            } @else {
                dl class="facts" {
                    @if let Some(h) = a.seat_height { dt { "Seat height" } dd { (format!("{:.1}", h.cm)) " cm, " (basis_note(Some(h))) " " span class="rule" { "(ERG-SEAT-HEIGHT)" } } }
                    @if let Some(h) = a.desk_height { dt { "Desk height" } dd { (format!("{:.1}", h.cm)) " cm, " (basis_note(Some(h))) " " span class="rule" { "(ERG-DESK-HEIGHT)" } } }
                    @if let Some(h) = a.eye_height { dt { "Top of the screen" } dd { "at or just below " (format!("{:.1}", h.cm)) " cm, 50-100 cm away " span class="rule" { "(ERG-MONITOR)" } } }
                }
                figure { (side_view(&a)) figcaption { "The drawing marks the seat, desk and eye-level heights listed above." } }
            }
            @if !a.findings.is_empty() {
                h3 { "What to change" }
                ul class="findings" {
                    @for f in &a.findings { li { (f.fix) " " span class="rule" { "(rule " (f.rule) ", source " (f.source) ")" } } }
                }
            }
            p class="hint" { "Heights from your stature are averages for adults: starting points. Your own measurements, when you enter them, replace them." }
        }
        (desk_form(values, errors, &token))
    };
    crate::pages::with_csrf_cookie(
        (status, layout_in("desk", "Desk set-up", body)).into_response(),
        cookie,
    )
}

pub async fn desk_page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Response {
    render_desk(auth.user, &state, &headers, None, StatusCode::OK).await
}

pub async fn post_desk(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    match DeskInput::parse(&form_json(&values)) {
        Ok(d) => match state
            .store
            .save_setting(auth.user, DESK, &d.to_json())
            .await
        {
            Ok(()) => Redirect::to("/desk#heights-title").into_response(),
            Err(e) => crate::ApiError::Store(e).into_response(),
        },
        Err(e) => {
            render_desk(
                auth.user,
                &state,
                &headers,
                Some((&values, &e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

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
    let user = auth.user;
    let (settings, input) = match (
        break_settings(&state.store, user).await,
        desk_input(&state.store, user).await,
    ) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(e), _) | (_, Err(e)) => return crate::ApiError::Store(e).into_response(),
    };
    let now = local_now();
    let today = now.date();
    let taken = state
        .store
        .breaks(user, today, today)
        .await
        .unwrap_or_default();
    let balance = state
        .store
        .posture_balance(user, today)
        .await
        .unwrap_or_default();
    let has_feed = state
        .store
        .has_feed_token(user, BREAKS)
        .await
        .unwrap_or(false);
    let next = settings.next_break(now);
    let routine = desk::break_routine(&state.library, taken.len());
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
    let sit_stand_finding = {
        let d = DeskInput {
            standing_desk: Some(true),
            sitting_hours: Some(f64::from(balance.sitting_minutes) / 60.0),
            standing_hours: Some(f64::from(balance.standing_minutes) / 60.0),
            ..Default::default()
        };
        desk::assess(&d).findings.into_iter().next()
    };
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
    let body = html! {
        h1 { "Breaks" }
        @if let Some(n) = notice { p class="notice" role="status" { (n) } }
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
            p class="hint" { "Every " (settings.interval_minutes) " minutes from " (settings.start.format("%H:%M")) " to " (settings.end.format("%H:%M")) ": stand or walk for about 2 minutes " span class="rule" { "(ERG-BREAK)" } }
            div class="js-only" hidden {
                button type="button" id="allow-notifications" class="secondary" { "Allow notifications" }
                " "
                button type="button" id="test-reminder" class="secondary" { "Try a reminder in 5 seconds" }
            }
        }
        section id="break-prompt" class="alert urgent" aria-labelledby="prompt-title" hidden {
            h2 id="prompt-title" { "Time for a 2-minute break" }
            p { "Stand up and move: it is the single best thing for a back that sits." }
        }
        @if let Some(r) = &routine {
            section class="item" aria-labelledby="routine-title" {
                h2 id="routine-title" { "This break: " (r.name) " (" (r.minutes) " minutes)" }
                ul class="cues" { @for c in &r.cues { li { (c) } } }
                form method="post" action="/breaks/log" {
                    (csrf::field(&token))
                    input type="hidden" name="exercise_id" value=(r.exercise_id);
                    button type="submit" id="took-break" { "I took my break" }
                }
            }
        }
        p { "Breaks today: " strong { (taken.len()) } @if !taken.is_empty() { " (last at " (taken.last().map(|b| b.taken_at.format("%H:%M").to_string()).unwrap_or_default()) ")" } }
        @if input.standing_desk == Some(true) {
            section class="panel" aria-labelledby="sitstand-title" {
                h2 id="sitstand-title" { "Sitting and standing today" }
                p { "Sitting " strong { (balance.sitting_minutes) " min" } ", standing " strong { (balance.standing_minutes) " min" } "." }
                @if let Some(f) = &sit_stand_finding { p { (f.fix) " " span class="rule" { "(" (f.rule) ")" } } }
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
        script src="/static/breaks.js" defer {}
    };
    crate::pages::with_csrf_cookie(
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
        Err(e) => crate::ApiError::Store(e).into_response(),
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
            Err(e) => crate::ApiError::Store(e).into_response(),
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
        Err(e) => crate::ApiError::Store(e).into_response(),
    }
}

/// Creates (or replaces) the secret feed link; the secret is shown once.
pub async fn post_feed(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, _): CheckedForm,
) -> Response {
    let token = crate::secret::new_token();
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
        Err(e) => crate::ApiError::Store(e).into_response(),
    }
}

pub async fn post_feed_revoke(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    _form: CheckedForm,
) -> Response {
    match state.store.revoke_feed_token(auth.user, BREAKS).await {
        Ok(_) => Redirect::to("/breaks?saved=revoked").into_response(),
        Err(e) => crate::ApiError::Store(e).into_response(),
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
        Ok(None) => return crate::api::not_found().await.into_response(),
        Err(e) => return crate::ApiError::Store(e).into_response(),
    };
    let settings = match break_settings(&state.store, user).await {
        Ok(s) => s,
        Err(e) => return crate::ApiError::Store(e).into_response(),
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

pub const BREAKS_JS: &str = include_str!("../assets/breaks.js");

pub async fn breaks_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        BREAKS_JS,
    )
}
