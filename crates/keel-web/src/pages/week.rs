//! The Week page: activity against the weekly targets, as a server-rendered SVG chart with a
//! table that says the same in text.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use keel_core::activity::WeekSummary;
use maud::{Markup, html};

use crate::pages::kit::layout_in;
use crate::state::AppState;
use keel_app::views;

/// Daily share of the weekly 150 minutes, drawn as a guide line.
fn daily_share(w: &WeekSummary) -> f64 {
    f64::from(w.moderate_target) / 7.0
}

/// A bar chart of moderate minutes per day; strength days carry a marker.
pub fn chart(w: &WeekSummary) -> Markup {
    let (width, height, left, bottom, top) = (640.0, 240.0, 44.0, 36.0, 16.0);
    let plot_h = height - bottom - top;
    let max = w
        .days
        .iter()
        .map(|d| f64::from(d.moderate_minutes))
        .fold(daily_share(w) * 1.5, f64::max);
    // A round top for the axis, so its ticks read 0, 20, 40 rather than 0, 16, 33.
    let max = (max / 20.0).ceil() * 20.0;
    let slot = (width - left - 8.0) / 7.0;
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let guide = y(daily_share(w));
    let desc = format!(
        "Moderate activity by day for the week of {}: {} of {} minutes in total. Strength days: {} of {}.",
        w.week_start, w.moderate_minutes, w.moderate_target, w.strength_days, w.strength_target
    );
    html! {
        svg class="chart" viewBox={"0 0 " (width) " " (height)} role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg" {
            title id="chart-title" { "Minutes of moderate activity each day" }
            desc id="chart-desc" { (desc) }
            line x1=(left) y1=(top + plot_h) x2=(width - 4.0) y2=(top + plot_h) class="axis" {}
            @for tick in [0.0, max / 2.0, max] {
                text x=(left - 6.0) y=(y(tick) + 4.0) text-anchor="end" class="tick" { (format!("{tick:.0}")) }
            }
            line x1=(left) y1=(guide) x2=(width - 4.0) y2=(guide) class="guide" {}
            text x=(width - 6.0) y=(guide - 4.0) text-anchor="end" class="tick" { "daily share of 150" }
            @for (i, d) in w.days.iter().enumerate() {
                @let x = left + slot * i as f64 + slot * 0.15;
                @let v = f64::from(d.moderate_minutes);
                rect x=(x) y=(y(v)) width=(slot * 0.7) height=(top + plot_h - y(v)) class={"bar" @if v >= daily_share(w) { " met" }} {}
                text x=(x + slot * 0.35) y=(height - 18.0) text-anchor="middle" class="tick" { (d.date.format("%a")) }
                @if d.strength {
                    text x=(x + slot * 0.35) y=(height - 4.0) text-anchor="middle" class="mark" { "S" }
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
    let date = q
        .get("date")
        .and_then(|d| keel_core::validate::parse_date(d))
        .unwrap_or(today);
    let w = match views::week_for(&state.store, auth.user, date).await {
        Ok(w) => w,
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let pct = |a: u32, b: u32| (f64::from(a) / f64::from(b) * 100.0).min(100.0).round();
    let body = html! {
        h1 { "Week of " (w.week_start.format("%-d %B %Y")) }
        nav class="weeknav" aria-label="Weeks" {
            a href={"/week?date=" (w.week_start - Duration::days(7))} { "Previous week" }
            @if w.week_start + Duration::days(7) <= today {
                " · " a href={"/week?date=" (w.week_start + Duration::days(7))} { "Next week" }
            }
        }
        section class="goals" aria-label="Weekly targets" {
            div class="goal" {
                h2 { "Moderate activity" }
                p class="big" { (w.moderate_minutes) " of " (w.moderate_target) " minutes" }
                progress max="100" value=(pct(w.moderate_minutes, w.moderate_target)) aria-label="Moderate activity progress" {}
            }
            div class="goal" {
                h2 { "Strength days" }
                p class="big" { (w.strength_days) " of " (w.strength_target) }
                progress max="100" value=(pct(w.strength_days, w.strength_target)) aria-label="Strength days progress" {}
            }
            div class="goal" {
                h2 { "Hip flexor stretch" }
                p class="big" { (w.hip_flexor_streak) " day" @if w.hip_flexor_streak != 1 { "s" } " in a row" }
            }
        }
        figure {
            (chart(&w))
            figcaption { "Bars: minutes of walking and other moderate activity. The line is a seventh of the weekly 150 minutes. S marks a strength day." }
        }
        table {
            caption { "The week, day by day" }
            thead { tr { th scope="col" { "Day" } th scope="col" { "Moderate minutes" } th scope="col" { "Strength" } th scope="col" { "Hip flexor stretch" } } }
            tbody {
                @for d in &w.days {
                    tr {
                        th scope="row" { (d.date.format("%a %-d %b")) }
                        @if d.date > today {
                            // Days still to come: nothing to count yet.
                            td { "–" } td { "–" } td { "–" }
                        } @else {
                            td { (d.moderate_minutes) }
                            td { @if d.strength { "yes" } @else { "no" } }
                            td { @if d.hip_flexor_stretch { "yes" } @else { "no" } }
                        }
                    }
                }
            }
        }
        p class="hint" { "Targets from the WHO physical activity guidelines: 150 minutes of moderate activity and muscle strengthening on 2 days a week. A walk counted in your check-in and in your log counts once." }
        // No sessions to plan while today is an emergency.
        @if crate::safety::emergency_now().is_none() {
            p { a href="/api/v1/calendar.ics" { "Add the next 7 days' sessions to your calendar (.ics)" } }
        }
    };
    (StatusCode::OK, layout_in("week", "Week", body)).into_response()
}
