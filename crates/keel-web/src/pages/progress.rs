//! Progress: trends with SVG charts and data tables, what goes with better days, and the
//! questionnaires with their reminders and scores.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use keel_core::ValidationErrors;
use keel_core::progress::{self, Association, DayFigures, Instrument, Score, Trends};
use keel_store::{Store, StoreError, UserId};
use maud::{Markup, html};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::pages::{CheckedForm, FormValues, field_error, layout_in};
use crate::{AppState, csrf};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoredResponse {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub answers: Vec<u8>,
    pub score: Score,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionnaireStatus {
    pub instrument: Instrument,
    pub due: bool,
    /// Oldest first.
    pub history: Vec<ScoredResponse>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgressView {
    pub trends: Trends,
    /// Pain per day over the last 90 days, oldest first.
    pub pain_days: Vec<PainDay>,
    pub associations: Vec<Association>,
    pub questionnaires: Vec<QuestionnaireStatus>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PainDay {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub pain: u8,
}

/// Weeks of means shown.
pub const TREND_WEEKS: usize = 12;

pub async fn questionnaires(
    store: &Store,
    user: UserId,
    today: NaiveDate,
) -> Result<Vec<QuestionnaireStatus>, StoreError> {
    let responses = store.responses(user, None).await?;
    Ok(progress::instruments()
        .iter()
        .map(|i| {
            let history: Vec<ScoredResponse> = responses
                .iter()
                .filter(|r| r.instrument == i.id)
                .map(|r| ScoredResponse {
                    date: r.date,
                    answers: r.answers.clone(),
                    score: i.score(&r.answers),
                })
                .collect();
            QuestionnaireStatus {
                due: i.is_due(history.last().map(|h| h.date), today),
                instrument: i.clone(),
                history,
            }
        })
        .collect())
}

pub async fn progress_for(
    store: &Store,
    user: UserId,
    date: NaiveDate,
) -> Result<ProgressView, StoreError> {
    let from = date - Duration::days(7 * TREND_WEEKS as i64 + 366);
    let check_ins = store.check_ins(user, from, date).await?;
    let days: BTreeMap<NaiveDate, DayFigures> = check_ins
        .iter()
        .map(|s| {
            let c = &s.check_in;
            (
                c.date,
                DayFigures {
                    pain: c.pain,
                    sleep: c.sleep,
                    energy: c.energy,
                    walking_minutes: c.walking_minutes,
                    sitting_hours: c.sitting_hours,
                },
            )
        })
        .collect();
    let trends = progress::trends(&days, date, TREND_WEEKS);
    let since = date - Duration::days(progress::ASSOCIATION_DAYS);
    let pain: BTreeMap<NaiveDate, u8> = days.iter().map(|(d, f)| (*d, f.pain)).collect();
    let activities = store.activities(user, since, date).await?;
    let breaks = store.breaks(user, since, date).await?;
    let mut walking: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut sitting = BTreeMap::new();
    let mut sleep = BTreeMap::new();
    let mut sessions: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut break_counts: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for (d, f) in days.range(since..) {
        walking.insert(*d, f64::from(f.walking_minutes.unwrap_or(0)));
        if let Some(s) = f.sitting_hours {
            sitting.insert(*d, s);
        }
        if let Some(s) = f.sleep {
            sleep.insert(*d, f64::from(s));
        }
        // days she checked in count as days with zero sessions or breaks unless she logged some
        sessions.insert(*d, 0.0);
        break_counts.insert(*d, 0.0);
    }
    for a in &activities {
        if a.family == keel_core::ExerciseFamily::Walking {
            let logged = f64::from(a.minutes.unwrap_or(0));
            let w = walking.entry(a.date).or_insert(0.0);
            *w = w.max(logged);
        }
        *sessions.entry(a.date).or_insert(0.0) += 1.0;
    }
    for b in &breaks {
        *break_counts.entry(b.taken_at.date()).or_insert(0.0) += 1.0;
    }
    let associations = progress::associations(
        &pain,
        &[
            ("walking_minutes", "Walking minutes", walking),
            ("sitting_hours", "Sitting hours", sitting),
            ("sleep", "Sleep quality", sleep),
            ("sessions", "Exercise sessions done", sessions),
            ("breaks", "Desk breaks taken", break_counts),
        ],
        date,
    );
    let pain_days = days
        .range(date - Duration::days(89)..=date)
        .map(|(d, f)| PainDay {
            date: *d,
            pain: f.pain,
        })
        .collect();
    Ok(ProgressView {
        trends,
        pain_days,
        associations,
        questionnaires: questionnaires(store, user, date).await?,
    })
}

/// A line chart of daily pain (0-10) over 90 days, with a title, a description and gaps
/// where no check-in was made.
pub fn pain_chart(days: &[PainDay], end: NaiveDate) -> Markup {
    let (w, h, left, top, bottom) = (640.0, 220.0, 34.0, 12.0, 28.0);
    let plot_h = h - top - bottom;
    let start = end - Duration::days(89);
    let x = |d: NaiveDate| left + (d - start).num_days() as f64 / 89.0 * (w - left - 10.0);
    let y = |p: f64| top + plot_h - p / 10.0 * plot_h;
    let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut last: Option<NaiveDate> = None;
    for d in days {
        if last.is_none_or(|l| (d.date - l).num_days() > 1) {
            segments.push(Vec::new());
        }
        if let Some(seg) = segments.last_mut() {
            seg.push((x(d.date), y(f64::from(d.pain))));
        }
        last = Some(d.date);
    }
    let desc = match (days.first(), days.last()) {
        (Some(f), Some(l)) => format!(
            "Daily pain from {} to {}: {} check-ins, from {} at the start to {} at the end, lowest {} and highest {}.",
            start,
            end,
            days.len(),
            f.pain,
            l.pain,
            days.iter().map(|d| d.pain).min().unwrap_or(0),
            days.iter().map(|d| d.pain).max().unwrap_or(0)
        ),
        _ => "No check-ins in the last 90 days yet.".to_string(),
    };
    html! {
        svg class="chart" viewBox={"0 0 " (w) " " (h)} role="img" aria-labelledby="pain-chart-title pain-chart-desc" xmlns="http://www.w3.org/2000/svg" {
            title id="pain-chart-title" { "Pain each day, last 90 days" }
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

fn fmt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into())
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
        Err(e) => return crate::ApiError::Store(e).into_response(),
    };
    let (token, cookie) = state.csrf.token(headers);
    let t = &view.trends;
    let empty = ValidationErrors::new();
    let body = html! {
        h1 { "Progress" }
        @if let Some(s) = saved { p class="notice" role="status" { "Saved your " (s.to_uppercase()) " answers." } }
        section class="goals" aria-label="Now" {
            div class="goal" { h2 { "Pain, last 7 days" } p class="big" { (fmt(t.pain_7_day_mean)) " / 10" } }
            div class="goal" {
                h2 { "This episode" }
                p class="big" { @match t.episode_days { Some(d) => { (d + 1) " days" }, None => { "No episode" } } }
                @if let Some(s) = t.episode_start { p class="hint" { "since " (s) } }
            }
            div class="goal" {
                h2 { "Six-week trend" }
                p { (t.trend.describe()) }
                p class="hint" { "T1 (worsening): " (match t.trend.t1 { Some(true) => "yes", Some(false) => "no", None => "not enough data" })
                    "; T2 (no improvement): " (match t.trend.t2 { Some(true) => "yes", Some(false) => "no", None => "not enough data" }) }
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
                tbody { @for d in &view.pain_days { tr { td { (d.date) } td { (d.pain) } } } }
            }
        }
        table {
            caption { "Weekly means (7 days ending on the date)" }
            thead { tr { th scope="col" { "Week to" } th scope="col" { "Check-ins" } th scope="col" { "Pain" } th scope="col" { "Sleep" } th scope="col" { "Energy" } th scope="col" { "Walking min" } th scope="col" { "Sitting h" } } }
            tbody {
                @for w in &t.weeks {
                    tr { td { (w.end.format("%-d %b")) } td { (w.check_ins) } td { (fmt(w.pain)) } td { (fmt(w.sleep)) } td { (fmt(w.energy)) } td { (fmt(w.walking_minutes)) } td { (fmt(w.sitting_hours)) } }
                }
            }
        }
        section aria-labelledby="helps-title" {
            h2 id="helps-title" { "What goes with better days" }
            p class="hint" { "How each factor on a day went with your pain the next day over the last 90 days (Spearman's rank correlation, shown from 21 paired days). A link is a pattern to notice, not proof that one thing causes the other." }
            ul class="findings" {
                @for a in &view.associations {
                    li { strong { (a.label) ": " } (a.summary) @if let Some(r) = a.rho { " " span class="rule" { "(rho " (format!("{r:.2}")) ", n = " (a.n) ")" } } }
                }
            }
        }
        section aria-labelledby="q-title" {
            h2 id="q-title" { "Questionnaires" }
            @for q in &view.questionnaires {
                @if let Some(last) = q.history.last() {
                    p { strong { (q.instrument.name) } ": last score " (last.score.total) @if let Some(b) = &last.score.band { " (" (b) ")" } " on " (last.date) "." }
                }
                @if q.history.len() > 1 {
                    table {
                        caption { (q.instrument.name) " scores" }
                        thead { tr { th scope="col" { "Date" } th scope="col" { "Score" } th scope="col" { "Band" } } }
                        tbody { @for h in &q.history { tr { td { (h.date) } td { (h.score.total) } td { (h.score.band.clone().unwrap_or_default()) } } } }
                    }
                }
                @match failed {
                    Some((id, values, errors)) if id == q.instrument.id => { (questionnaire_form(q, &token, Some(values), errors)) }
                    _ => { (questionnaire_form(q, &token, None, &empty)) }
                }
            }
        }
        p { a href="/report" { "Open the clinician report" } }
    };
    crate::pages::with_csrf_cookie(
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
        return crate::pages::not_found().await;
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
        Ok(Ok(_)) => Redirect::to(&format!("/progress?saved={id}#q-title")).into_response(),
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
        Err(e) => crate::ApiError::Store(e).into_response(),
    }
}

/// Validates and stores one response.
pub async fn save(
    store: &Store,
    user: UserId,
    instrument: &Instrument,
    answers: &Value,
    date: NaiveDate,
) -> Result<Result<ScoredResponse, ValidationErrors>, StoreError> {
    let parsed = match instrument.parse_answers(answers) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let score = instrument.score(&parsed);
    store
        .save_response(
            user,
            &keel_store::Response {
                instrument: instrument.id.clone(),
                date,
                answers: parsed.clone(),
                total: score.total,
            },
        )
        .await?;
    Ok(Ok(ScoredResponse {
        date,
        answers: parsed,
        score,
    }))
}
