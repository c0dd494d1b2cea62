//! The guided session's pages (the session itself is `keel_app::session`): the day's plan one
//! exercise at a time (its picture, steps and dose), "done" with pain during and effort, skip
//! or swap; a ten-minute version; the total time before it starts; a summary at the end. Plain
//! pages and forms, so it works without JavaScript, each "done" saved as it is made. Where the
//! script runs it adds a hold timer and a set counter, keeps each "done" on the device, and
//! the summary saves them all in one go (an interrupted session's answers wait on the overview
//! and the summary until they are saved).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use keel_app::session::{self, DoneStep, NoSession};
use keel_app::views::PlanView;
use keel_core::{PlanItem, ValidationErrors};
use maud::{Markup, html};

use crate::csrf;
use crate::pages::kit::{CheckedForm, FormValues, field_error, layout_in, page_response};
use crate::state::AppState;

fn minutes_words(s: u32) -> String {
    let m = s.div_ceil(60).max(1);
    format!("about {m} minute{}", if m == 1 { "" } else { "s" })
}

fn query(date: NaiveDate, short: bool) -> String {
    format!("date={date}{}", if short { "&short=1" } else { "" })
}

/// Where step `n` of `len` leads: the next step, or the summary after the last.
fn after(n: usize, len: usize, date: NaiveDate, short: bool) -> String {
    if n < len {
        format!("/session/{}?{}", n + 1, query(date, short))
    } else {
        format!("/session/summary?{}", query(date, short))
    }
}

fn asked(q: &HashMap<String, String>, today: NaiveDate) -> (NaiveDate, bool) {
    let date = q
        .get("date")
        .and_then(|d| keel_core::validate::parse_date(d))
        .filter(|d| *d <= today)
        .unwrap_or(today);
    (date, q.get("short").is_some_and(|s| s == "1"))
}

/// The day's plan, or the page that says why there is no session.
async fn plan_or_page(
    state: &AppState,
    user: keel_store::UserId,
    date: NaiveDate,
) -> Result<PlanView, Response> {
    match session::plan(&state.store, &state.library, user, date).await {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(NoSession::WarningSignFirst)) => Err(message(
            StatusCode::CONFLICT,
            "No session today",
            "Today's check-in holds a warning sign that comes first: no exercise until you have had help.",
        )),
        Ok(Err(NoSession::CheckInFirst)) => Err(message(
            StatusCode::CONFLICT,
            "Check in first",
            "A session follows the day's check-in, which decides what kind of day it is. Check in on Today, then start.",
        )),
        Err(e) => Err(crate::pages::kit::error_page(e)),
    }
}

fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let body = html! {
        h1 { (title) }
        p { (text) }
        p { a class="button" href="/#checkin" { "Go to Today" } }
    };
    (status, layout_in("today", title, body)).into_response()
}

/// Where the script keeps a session's answers on the device until they are saved.
fn kept_key(date: NaiveDate, short: bool) -> String {
    format!("keel-session:{date}:{}", u8::from(short))
}

/// The answers kept on the device and not yet saved, with the button that saves them in one
/// go: filled in and shown by the script (hidden without it), or by the server when a save
/// came back with errors (`sent`: the values and their problems, kept).
fn unsaved(
    steps: &[PlanItem],
    (date, short): (NaiveDate, bool),
    token: &str,
    (heading, not_done): (&str, &str),
    sent: Option<(&FormValues, &ValidationErrors)>,
) -> Markup {
    html! {
        section id="unsaved" class="panel" data-key=(kept_key(date, short))
            data-server=[sent.map(|_| "1")] hidden[sent.is_none()] {
            h2 { (heading) }
            p class="hint" { "Kept on this device until you save them." }
            @if let Some((_, errors)) = sent {
                @if let Some(m) = errors.message_for("steps") { p class="error" role="alert" { (m) } }
            }
            ol class="items compact" {
                @for (i, s) in steps.iter().enumerate() {
                    @let n = i + 1;
                    @let sent_value = |f: &str| sent.and_then(|(v, _)| v.get(&format!("s{n}_{f}"))).filter(|v| !v.is_empty());
                    @let problems: Vec<(&str, &str)> = sent.map(|(_, errors)| {
                        ["exercise", "pain_during", "effort"].into_iter()
                            .filter_map(|f| Some((f, errors.message_for(&format!("s{n}_{f}"))?)))
                            .collect()
                    }).unwrap_or_default();
                    li data-step=(n) {
                        strong { (s.name) } ": "
                        span class="state" {
                            @match sent_value("pain_during") {
                                Some(p) => {
                                    "done, pain " (p) "/10"
                                    @if let Some(e) = sent_value("effort") { ", effort " (e) "/10" }
                                }
                                None => { (not_done) }
                            }
                        }
                        @for (f, m) in &problems {
                            p class="error" id={"s" (n) "_" (f) "-error"} {
                                @if *f != "exercise" { (crate::pages::kit::field_label(f)) " " } (m)
                            }
                        }
                        @if !problems.is_empty() {
                            " " a href={"/session/" (n) "?" (query(date, short))} { "Do step " (n) " again" }
                        }
                    }
                }
            }
            form method="post" action={"/session/summary?" (query(date, short))} {
                (csrf::field(token))
                div class="kept-fields" {
                    @if let Some((values, _)) = sent {
                        @for (k, v) in &values.0 {
                            @if k.strip_prefix('s').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
                                input type="hidden" name=(k) value=(v);
                            }
                        }
                    }
                }
                button type="submit" { "Save the session" }
            }
        }
    }
}

pub async fn overview(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (date, short) = asked(&q, state.today());
    let plan = match plan_or_page(&state, auth.user, date).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let steps = session::steps(&plan, short);
    let total: u32 = steps.iter().map(session::seconds).sum();
    let full: u32 = plan.items.iter().map(session::seconds).sum();
    let body = |token: &str| {
        html! {
            h1 { @if short { "Ten minutes today" } @else { "Today's session" } }
            (unsaved(&steps, (date, short), token, ("Done earlier, not saved yet", "not done yet"), None))
            p { (plan.day_type.title()) ": " (steps.len()) " exercise" @if steps.len() != 1 { "s" } ", " strong { (minutes_words(total)) } " in all." }
            @for a in &plan.advice { p class="hint" { (a) } }
            ol class="items compact" {
                @for s in &steps { li { strong { (s.name) } ": " (s.dose) } }
            }
            div class="row" {
                a class="button" href={"/session/1?" (query(date, short))} { "Start" }
                @if short { a class="button secondary" href={"/session?" (query(date, false))} { "The whole session (" (minutes_words(full)) ")" } }
                @else { a class="button secondary" href={"/session?" (query(date, true))} { "Only ten minutes today" } }
            }
            p class="hint" {
                "Stop any exercise that makes pain shoot down a leg or rise above 5/10. "
                span class="saving" { "What you mark done is saved as you go." }
            }
            script src="/static/session.js" defer {}
        }
    };
    page_response(&state, &headers, StatusCode::OK, |token| {
        layout_in("today", "Session", body(token)).into_string()
    })
}

#[allow(clippy::too_many_arguments)]
fn step_page(
    library: &keel_core::Library,
    plan: &PlanView,
    steps: &[PlanItem],
    n: usize,
    date: NaiveDate,
    short: bool,
    swap: (bool, Option<&str>),
    token: &str,
    sent: Option<(&FormValues, &ValidationErrors)>,
) -> Markup {
    let item = &steps[n - 1];
    let (swapped, easier) = swap;
    let next = after(n, steps.len(), date, short);
    let none = ValidationErrors::new();
    let empty = FormValues::default();
    let (values, errors) = sent.unwrap_or((&empty, &none));
    let done = plan
        .logged
        .iter()
        .any(|l| l.exercise_id == item.exercise_id);
    html! {
        p class="hint" { "Step " (n) " of " (steps.len()) " · " a href={"/session?" (query(date, short))} { "Overview" } }
        h1 { (item.name) }
        p class="dose big" { (item.dose) " · " (item.level_name) }
        @if let Some(e) = library.get(&item.exercise_id) { (crate::pages::learn::pictures(e)) }
        ol class="steps" { @for c in &item.cues { li { (c) } } }
        p class="mistake" { strong { "Watch out: " } (item.mistake) }
        @if let Some(h) = item.hold_seconds {
            div class="timer" data-seconds=(h) hidden { button type="button" class="secondary" { "Time the hold (" (h) " s)" } span class="count" aria-live="polite" {} }
        }
        @if let Some(sets) = item.sets.filter(|s| *s > 1) {
            div class="counter" data-sets=(sets) hidden { button type="button" class="secondary" { "Set done" } span class="count" aria-live="polite" { "0 of " (sets) " sets" } }
        }
        @if done { p class="notice" role="status" { "Marked done. Doing it again replaces the entry." } }
        @if swapped { p class="notice" role="status" { (item.why) " " a href={"/session/" (n) "?" (query(date, short))} { "Back to the planned one" } } }
        form method="post" action={"/session/" (n) "?" (query(date, short)) @if swapped { "&swap=1" }} class="panel step-form" novalidate
            data-key=(kept_key(date, short)) data-step=(n) data-exercise=(item.exercise_id) data-next=(next) {
            (csrf::field(token))
            fieldset class="tap" {
                legend { "Pain during it" span class="hint" { " 0 none, 10 the worst" } }
                div class="scale" {
                    @for i in 0..=10 {
                        @let v = i.to_string();
                        input type="radio" id={"pd-" (i)} name="pain_during" value=(v) checked[values.has("pain_during", &v)];
                        label for={"pd-" (i)} { (i) }
                    }
                }
                (field_error(errors, "pain_during"))
            }
            fieldset class="tap" {
                legend { "Effort" span class="hint" { " 0 easy, 10 as hard as it gets" } }
                div class="scale" {
                    @for i in 0..=10 {
                        @let v = i.to_string();
                        input type="radio" id={"ef-" (i)} name="effort" value=(v) checked[values.has("effort", &v)];
                        label for={"ef-" (i)} { (i) }
                    }
                }
                (field_error(errors, "effort"))
            }
            div class="row" {
                button type="submit" { "Done" }
                a class="button secondary" href=(next) { "Skip" }
            }
        }
        @if let Some(name) = easier.filter(|_| !swapped) {
            p { a href={"/session/" (n) "?" (query(date, short)) "&swap=1"} { "Swap for an easier one: " (name) } }
        }
        script src="/static/session.js" defer {}
    }
}

/// The steps, with step `n` swapped for its easier exercise when the query asks (`swap=1`).
fn steps_asked(
    state: &AppState,
    plan: &PlanView,
    short: bool,
    n: usize,
    q: &HashMap<String, String>,
) -> (Vec<PlanItem>, bool) {
    let swap = q.get("swap").is_some_and(|s| s == "1");
    session::steps_swapped(&state.library, plan, short, n, swap)
}

fn step_of(steps: &[PlanItem], n: usize) -> Option<usize> {
    (1..=steps.len()).contains(&n).then_some(n)
}

pub async fn step(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(n): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if n == "summary" {
        return summary(auth, state, headers, q).await;
    }
    let (date, short) = asked(&q, state.today());
    let plan = match plan_or_page(&state, auth.user, date).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(n) = n.parse::<usize>().ok().filter(|n| *n >= 1) else {
        return crate::pages::kit::not_found().await;
    };
    let (steps, swapped) = steps_asked(&state, &plan, short, n, &q);
    let Some(n) = step_of(&steps, n) else {
        return crate::pages::kit::not_found().await;
    };
    let easier = session::easier(&state.library, &plan, &steps[n - 1]).map(|e| e.name);
    page_response(&state, &headers, StatusCode::OK, |token| {
        layout_in(
            "today",
            &steps[n - 1].name,
            step_page(
                &state.library,
                &plan,
                &steps,
                n,
                date,
                short,
                (swapped, easier.as_deref()),
                token,
                None,
            ),
        )
        .into_string()
    })
}

pub async fn post_step(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Path(n): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    if n == "summary" {
        return post_summary(auth, state, q, headers, values).await;
    }
    let Some(n) = n.parse::<usize>().ok() else {
        return crate::pages::kit::not_found().await;
    };
    let today = state.today();
    let (date, short) = asked(&q, today);
    let plan = match plan_or_page(&state, auth.user, date).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (steps, swapped) = steps_asked(&state, &plan, short, n, &q);
    let Some(n) = step_of(&steps, n) else {
        return crate::pages::kit::not_found().await;
    };
    let item = &steps[n - 1];
    match session::log_step(
        &state.store,
        &state.library,
        auth.user,
        (date, item),
        values.get("pain_during"),
        values.get("effort"),
        today,
    )
    .await
    {
        Ok(_) => Redirect::to(&after(n, steps.len(), date, short)).into_response(),
        Err(keel_app::AppError::Invalid(errors)) => page_response(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            |token| {
                layout_in(
                    "today",
                    &item.name,
                    step_page(
                        &state.library,
                        &plan,
                        &steps,
                        n,
                        date,
                        short,
                        (swapped, None),
                        token,
                        Some((&values, &errors)),
                    ),
                )
                .into_string()
            },
        ),
        Err(keel_app::AppError::Store(e)) => crate::pages::kit::error_page(e),
    }
}

async fn summary(
    auth: crate::auth::Auth,
    state: AppState,
    headers: HeaderMap,
    q: HashMap<String, String>,
) -> Response {
    let (date, short) = asked(&q, state.today());
    let plan = match plan_or_page(&state, auth.user, date).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let steps = session::steps(&plan, short);
    let done = session::done(&plan, &steps);
    let count = done.iter().filter(|d| **d).count();
    let saved = q.get("saved").and_then(|n| n.parse::<usize>().ok());
    page_response(&state, &headers, StatusCode::OK, |token| {
        let body = html! {
            h1 { "Session done" }
            @if let Some(n) = saved {
                p class="notice" role="status" { "Saved: " (n) " exercise" @if n != 1 { "s" } "." }
            }
            (unsaved(&steps, (date, short), token, ("Your session", "skipped"), None))
            @if saved.is_some() { span id="saved" hidden data-key=(kept_key(date, short)) {} }
            div id="saved-view" {
                p { (count) " of " (steps.len()) " exercise" @if steps.len() != 1 { "s" } " marked done and saved." }
                ul { @for (s, d) in steps.iter().zip(&done) {
                    li { (s.name) ": " @if *d { "done" } @else { "skipped" } }
                } }
            }
            p { "Well done. Tomorrow's check-in tells Keel how it went, and your levels follow." }
            p { a class="button secondary" href={"/?date=" (date)} { "Back to Today" } }
            script src="/static/session.js" defer {}
        };
        layout_in("today", "Session done", body).into_string()
    })
}

/// The steps a summary's form sends: `s{n}_exercise` with `s{n}_pain_during` and
/// `s{n}_effort`, in step order.
fn done_steps(values: &FormValues) -> Vec<DoneStep> {
    let mut out: Vec<DoneStep> = values
        .0
        .iter()
        .filter_map(|(k, v)| {
            let n = k
                .strip_prefix('s')?
                .strip_suffix("_exercise")?
                .parse()
                .ok()?;
            Some(DoneStep {
                step: n,
                exercise_id: v.clone(),
                pain_during: values.get(&format!("s{n}_pain_during")).map(String::from),
                effort: values.get(&format!("s{n}_effort")).map(String::from),
            })
        })
        .collect();
    out.sort_by_key(|d| d.step);
    out
}

/// The summary's one save: every step kept on the device, in one transaction.
async fn post_summary(
    auth: crate::auth::Auth,
    state: AppState,
    q: HashMap<String, String>,
    headers: HeaderMap,
    values: FormValues,
) -> Response {
    let today = state.today();
    let (date, short) = asked(&q, today);
    let plan = match plan_or_page(&state, auth.user, date).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let done = done_steps(&values);
    match session::log_session(
        &state.store,
        &state.library,
        auth.user,
        &plan,
        (date, short),
        &done,
        today,
    )
    .await
    {
        Ok(n) => Redirect::to(&format!(
            "/session/summary?{}&saved={n}",
            query(date, short)
        ))
        .into_response(),
        Err(keel_app::AppError::Invalid(errors)) => {
            let steps = session::steps(&plan, short);
            page_response(
                &state,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                |token| {
                    let body = html! {
                        h1 { "Not saved yet" }
                        p class="error" role="alert" { "Some answers need a look before the session can be saved; nothing was saved." }
                        (unsaved(&steps, (date, short), token, ("Your session", "skipped"), Some((&values, &errors))))
                    };
                    layout_in("today", "Not saved yet", body).into_string()
                },
            )
        }
        Err(keel_app::AppError::Store(e)) => crate::pages::kit::error_page(e),
    }
}

/// The small script that adds a hold timer and a set counter (the page works without it).
pub async fn script() -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/javascript; charset=utf-8",
        )],
        SCRIPT,
    )
        .into_response()
}

const SCRIPT: &str = include_str!("../../assets/session.js");
