//! Progress: trends with SVG charts and data tables, what goes with better days, and the
//! questionnaires with their reminders and scores.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use keel_core::ValidationErrors;
use keel_core::progress::{self};
use maud::{Markup, html};
use serde_json::{Map, Value};

use crate::csrf;
use crate::pages::kit::one_place;
use crate::pages::kit::{CheckedForm, FormValues, field_error, layout_in};
use crate::state::AppState;

use keel_app::progress::{PainDay, QuestionnaireStatus, progress_for, save};

/// A line chart of daily pain (0-10) over 90 days, with a title, a description and gaps
/// where no check-in was made.
pub fn pain_chart(days: &[PainDay], end: NaiveDate) -> Markup {
    let (w, h, left, top, bottom) = (640.0, 220.0, 34.0, 12.0, 28.0);
    let plot_h = h - top - bottom;
    // The axis spans the data she has (at least two weeks), not 90 days of empty space.
    let start = days
        .first()
        .map(|d| d.date)
        .unwrap_or(end)
        .max(end - Duration::days(89))
        .min(end - Duration::days(13));
    let span = (end - start).num_days().max(1) as f64;
    let x = |d: NaiveDate| left + (d - start).num_days() as f64 / span * (w - left - 10.0);
    let y = |p: f64| top + plot_h - p / 10.0 * plot_h;
    let segments: Vec<Vec<(f64, f64)>> =
        keel_app::progress::runs(days.iter().map(|d| (d.date, Some(f64::from(d.pain)))))
            .into_iter()
            .map(|r| r.into_iter().map(|(d, p)| (x(d), y(p))).collect())
            .collect();
    let desc = keel_app::progress::pain_description(days, start, end);
    html! {
        svg class="chart" viewBox={"0 0 " (w) " " (h)} role="img" aria-labelledby="pain-chart-title pain-chart-desc" xmlns="http://www.w3.org/2000/svg" {
            title id="pain-chart-title" { "Pain each day" }
            desc id="pain-chart-desc" { (desc) }
            @for tick in [0.0, 5.0, 10.0] {
                line x1=(left) y1=(y(tick)) x2=(w - 10.0) y2=(y(tick)) class="grid" {}
                text x=(left - 6.0) y=(y(tick) + 4.0) text-anchor="end" class="tick" { (tick) }
            }
            text x=(left) y=(h - 8.0) class="tick" { (start.format("%-d %b")) }
            text x=(w - 10.0) y=(h - 8.0) text-anchor="end" class="tick" { (end.format("%-d %b")) }
            @for seg in &segments {
                @if seg.len() == 1 {
                    circle cx=(seg[0].0) cy=(seg[0].1) r="3" class="point" {}
                } @else {
                    polyline class="line" points=(seg.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect::<Vec<_>>().join(" ")) {}
                }
            }
        }
    }
}

pub(crate) fn questionnaire_form(
    q: &QuestionnaireStatus,
    token: &str,
    values: Option<&FormValues>,
    errors: &ValidationErrors,
) -> Markup {
    let i = &q.instrument;
    html! {
        form method="post" action={"/progress/questionnaires/" (i.id)} class="panel" id={"q-" (i.id)} {
            h3 { (i.name) @if q.due { " " span class="badge" { "due" } } }
            p class="hint" { (i.anchors.0) "; " (i.anchors.1) "." }
            (csrf::field(token))
            @for (n, item) in i.items.iter().enumerate() {
                fieldset class="scale-set" {
                    legend { (n + 1) ". " (item.text) }
                    div class="scale" {
                        @for v in i.min..=i.max {
                            @let id = format!("{}-{}-{}", i.id, item.id, v);
                            input type="radio" id=(id) name=(item.id) value=(v) checked[values.is_some_and(|vals| vals.has(&item.id, &v.to_string()))];
                            label for=(id) { (v) }
                        }
                    }
                    (field_error(errors, &item.id))
                }
            }
            button type="submit" { "Save " (i.name) }
        }
    }
}

pub async fn page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    render(
        auth.user,
        &state,
        &headers,
        q.get("saved").map(String::as_str),
        None,
        StatusCode::OK,
    )
    .await
}

async fn render(
    user: keel_store::UserId,
    state: &AppState,
    headers: &HeaderMap,
    saved: Option<&str>,
    failed: Option<(&str, &FormValues, &ValidationErrors)>,
    status: StatusCode,
) -> Response {
    let today = state.today();
    let view = match progress_for(&state.store, user, today).await {
        Ok(v) => v,
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let (token, cookie) = state.csrf.token(headers);
    let t = &view.trends;
    let empty = ValidationErrors::new();
    let body = html! {
        h1 { "Progress" }
        section class="goals" aria-label="Now" {
            div class="goal" { h2 { "Pain, last 7 days" } p class="big" { (one_place(t.pain_7_day_mean)) " / 10" } }
            div class="goal" {
                h2 { "This episode" }
                p class="big" { @match t.episode_days { Some(d) => { (d + 1) " days" }, None => { "No episode" } } }
                @if let Some(s) = t.episode_start { p class="hint" { "since " (s.format("%-d %B")) } }
            }
            div class="goal" {
                h2 { "Six-week trend" }
                p { (t.trend.describe()) }
                @if t.trend.t1 == Some(true) || t.trend.t2 == Some(true) {
                    p { "Book an appointment with your GP or physiotherapist within the next two weeks." }
                }
                details class="why" {
                    summary { "Why?" }
                    p class="hint" { "Worsening over six weeks (T1): " (match t.trend.t1 { Some(true) => "yes", Some(false) => "no", None => "not enough data" })
                        ". No improvement in this episode (T2): " (match t.trend.t2 { Some(true) => "yes", Some(false) => "no", None => "not enough data" }) ". Rules RF-WORSENING-6W and RF-NO-IMPROVEMENT-6W." }
                }
            }
        }
        figure {
            (pain_chart(&view.pain_days, today))
            figcaption { "Each point is a check-in; breaks in the line are days without one." }
        }
        details {
            summary { "Pain by day, as a table" }
            table {
                caption { "Daily pain, last 90 days" }
                thead { tr { th scope="col" { "Date" } th scope="col" { "Pain" } } }
                tbody { @for d in &view.pain_days { tr { td { (d.date.format("%a %-d %b")) } td { (d.pain) } } } }
            }
        }
        table {
            caption { "Weekly means (7 days ending on the date)" }
            thead { tr { th scope="col" { "Week to" } th scope="col" { "Check-ins" } th scope="col" { "Pain" } th scope="col" { "Sleep" } th scope="col" { "Energy" } th scope="col" { "Walking min" } th scope="col" { "Sitting h" } } }
            tbody {
                @for w in &t.weeks {
                    tr { td { (w.end.format("%-d %b")) } td { (w.check_ins) } td { (one_place(w.pain)) } td { (one_place(w.sleep)) } td { (one_place(w.energy)) } td { (one_place(w.walking_minutes)) } td { (one_place(w.sitting_hours)) } }
                }
            }
        }
        section aria-labelledby="helps-title" {
            h2 id="helps-title" { "What goes with better days" }
            p class="hint" { "How each thing on a day went with your pain the next day, over the last 90 days. A link is a pattern to notice, not proof that one thing causes the other." }
            @let patterns: Vec<_> = view.associations.iter().filter(|a| a.rho.is_some_and(|r| r.abs() >= keel_core::progress::PATTERN_RHO)).collect();
            @if patterns.is_empty() {
                p { "No clear links yet. Keel looks again as your check-ins add up; the details are below." }
            } @else {
                ul class="findings" {
                    @for a in &patterns {
                        li { strong { (a.label) ": " } (a.summary) }
                    }
                }
            }
            details class="why" {
                summary { "How this is worked out" }
                p class="hint" { "Spearman's rank correlation between each factor and the next day's pain, from at least 21 days with both; a pattern is shown from a correlation of 0.3 either way." }
                ul class="hint" {
                    @for a in &view.associations {
                        li { (a.label) ": " (a.summary) " (" (a.n) " paired days" @if let Some(r) = a.rho { ", rho " (format!("{r:.2}")) } ")" }
                    }
                }
            }
        }
        (crate::pages::perimenopause::section(&view, today))
        section aria-labelledby="q-title" {
            h2 id="q-title" { "Questionnaires" }
            @for q in &view.questionnaires {
                div id={"q-" (q.instrument.id)} {}
                @if saved == Some(q.instrument.id.as_str()) {
                    p class="notice" role="status" { "Saved. Thank you: your " (q.instrument.name) " answers are in." }
                }
                @if let Some(last) = q.history.last() {
                    p { strong { (q.instrument.name) } ": last score " (last.score.total) @if let Some(b) = &last.score.band { " (" (b) ")" } " on " (last.date.format("%-d %B %Y")) "." }
                }
                @if q.history.len() > 1 {
                    table {
                        caption { (q.instrument.name) " scores" }
                        thead { tr { th scope="col" { "Date" } th scope="col" { "Score" } th scope="col" { "Band" } } }
                        tbody { @for h in &q.history { tr { td { (h.date.format("%-d %b %Y")) } td { (h.score.total) } td { (h.score.band.clone().unwrap_or_default()) } } } }
                    }
                }
                @match failed {
                    Some((id, values, errors)) if id == q.instrument.id => { (questionnaire_form(q, &token, Some(values), errors)) }
                    _ if q.due => { (questionnaire_form(q, &token, None, &empty)) }
                    _ => {
                        details class="more" {
                            summary { "Answer the " (q.instrument.name) " again" }
                            (questionnaire_form(q, &token, None, &empty))
                        }
                    }
                }
            }
        }
        p { a href="/report" { "Open the clinician report" } }
    };
    crate::pages::kit::with_csrf_cookie(
        (status, layout_in("progress", "Progress", body)).into_response(),
        cookie,
    )
}

pub async fn post_questionnaire(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    let Some(instrument) = progress::instruments().iter().find(|i| i.id == id) else {
        return crate::pages::kit::not_found().await;
    };
    let mut m = Map::new();
    for item in &instrument.items {
        if let Some(v) = values.get(&item.id) {
            m.insert(
                item.id.clone(),
                v.parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::from(v)),
            );
        }
    }
    match save(
        &state.store,
        auth.user,
        instrument,
        &Value::Object(m),
        state.today(),
    )
    .await
    {
        Ok(Ok(_)) => Redirect::to(&format!("/progress?saved={id}#q-{id}")).into_response(),
        Ok(Err(errors)) => {
            render(
                auth.user,
                &state,
                &headers,
                None,
                Some((&id, &values, &errors)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => crate::pages::kit::error_page(e),
    }
}
