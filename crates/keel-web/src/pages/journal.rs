//! The Journal page: a month calendar of her days, each opening that day on Today.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use keel_app::journal::{self, JournalDay, JournalMonth};
use keel_core::{DayType, TriageLevel};
use maud::{Markup, html};

use crate::pages::kit::layout_in;
use crate::state::AppState;

/// The month asked for as `?month=2026-11` (or any date in it), else this month.
fn asked_month(q: &HashMap<String, String>, today: NaiveDate) -> NaiveDate {
    let asked = q.get("month").and_then(|m| {
        keel_core::validate::parse_date(m)
            .or_else(|| keel_core::validate::parse_date(&format!("{m}-01")))
    });
    journal::month_of(asked.filter(|d| *d <= today).unwrap_or(today))
}

/// A day in words, for its link's label: "Tuesday 4 November: steady day, pain 3 out of 10".
fn day_label(d: &JournalDay) -> String {
    let date = d.date.format("%A %-d %B").to_string();
    let done = match d.exercises_done {
        0 => String::new(),
        1 => ", 1 exercise done".to_string(),
        n => format!(", {n} exercises done"),
    };
    match &d.check_in {
        None => format!("{date}: no check-in{done}"),
        Some(c) => {
            let finding = match c.triage_level {
                TriageLevel::Emergency => ", an emergency sign",
                TriageLevel::Urgent => ", a sign to see a clinician today",
                TriageLevel::Soon => ", a sign to book an appointment",
                TriageLevel::None => "",
            };
            format!(
                "{date}: {}, pain {} out of 10{finding}{done}",
                c.day_type.title().to_lowercase(),
                c.pain
            )
        }
    }
}

fn calendar(m: &JournalMonth, today: NaiveDate) -> Markup {
    let blanks = m.month.weekday().num_days_from_monday();
    html! {
        div class="cal" role="list" aria-label={"Days of " (m.month.format("%B %Y"))} {
            @for name in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
                span class="cal-head" aria-hidden="true" { (name) }
            }
            @for _ in 0..blanks { span class="cal-blank" aria-hidden="true" {} }
            @for d in &m.days {
                @if d.date > today {
                    span class="cal-day later" role="listitem" aria-label=(d.date.format("%A %-d %B")) { span class="n" { (d.date.day()) } }
                } @else {
                    @let kind = d.check_in.as_ref().map_or("none", |c| c.day_type.name());
                    @let flag = d.check_in.as_ref().is_some_and(|c| c.triage_level >= TriageLevel::Urgent);
                    a class={"cal-day " (kind) @if d.date == today { " today" } @if flag { " flag" }}
                        role="listitem" href={"/?date=" (d.date)} aria-label=(day_label(d))
                        aria-current=[(d.date == today).then_some("date")] {
                        span class="n" { (d.date.day()) }
                        @if let Some(c) = &d.check_in {
                            span class="pain" { (c.pain) }
                            @if flag { span class="mark" aria-hidden="true" { "!" } }
                        }
                        @if d.exercises_done > 0 { span class="done" aria-hidden="true" { "✓" } }
                    }
                }
            }
        }
    }
}

pub async fn page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let today = state.today();
    let first = asked_month(&q, today);
    let m = match journal::month(&state.store, auth.user, first, today).await {
        Ok(m) => m,
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let body = html! {
        h1 { "Journal" }
        nav class="monthnav" aria-label="Months" {
            a href={"/journal?month=" (m.previous.format("%Y-%m"))} { "← " (m.previous.format("%b")) }
            h2 { (m.month.format("%B %Y")) }
            @if let Some(next) = m.next {
                a href={"/journal?month=" (next.format("%Y-%m"))} { (next.format("%b")) " →" }
            } @else { span {} }
        }
        (calendar(&m, today))
        p class="hint" {
            @if m.checked_in == 0 { "No check-ins this month yet. " }
            @else { (m.checked_in) " day" @if m.checked_in != 1 { "s" } " checked in. " }
            "Tap a day to see it in full or change it. The number under the date is that day's pain out of 10; ✓ means you logged exercise, ! a sign to see a clinician that day."
        }
        ul class="legend" aria-label="Colours" {
            @for d in [DayType::Strong, DayType::Steady, DayType::Gentle, DayType::Flare, DayType::Stop] {
                li { span class={"swatch " (d.name())} aria-hidden="true" {} (d.title()) }
            }
        }
    };
    (StatusCode::OK, layout_in("journal", "Journal", body)).into_response()
}
