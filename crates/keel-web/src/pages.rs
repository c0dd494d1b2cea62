//! Server-rendered pages: the Today page with its check-in form, day type and plan.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use keel_core::checkin::{Location, NOTES_MAX_CHARS};
use keel_core::rules::Question;
use keel_core::triage::TriageLevel;
use keel_core::{CheckIn, DayType, ValidationErrors};
use keel_store::StoredCheckIn;
use maud::{DOCTYPE, Markup, html};
use serde_json::{Map, Value};

use crate::views::{self, DISCLAIMER, PlanView};
use crate::{AppState, csrf, extract};

const STYLESHEET: &str = include_str!("../assets/keel.css");

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

pub(crate) fn layout(title: &str, main: Markup) -> Markup {
    layout_in("today", title, main)
}

pub(crate) fn layout_in(active: &str, title: &str, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Keel" }
                link rel="stylesheet" href="/static/keel.css";
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                header class="top" {
                    nav aria-label="Main" {
                        a class="brand" href="/" { "Keel" }
                        a href="/" aria-current=[(active == "today").then_some("page")] { "Today" }
                        a href="/week" aria-current=[(active == "week").then_some("page")] { "Week" }
                        a href="/progress" aria-current=[(active == "progress").then_some("page")] { "Progress" }
                        a href="/bone" aria-current=[(active == "bone").then_some("page")] { "Bone" }
                        a href="/desk" aria-current=[(active == "desk").then_some("page")] { "Desk" }
                        a href="/breaks" aria-current=[(active == "breaks").then_some("page")] { "Breaks" }
                        a href="/account" aria-current=[(active == "account").then_some("page")] { "Account" }
                    }
                }
                main id="main" { (main) }
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
    fn from_check_in(c: &CheckIn) -> FormValues {
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

const INT_FIELDS: &[&str] = &[
    "pain",
    "stiffness_minutes",
    "sleep",
    "energy",
    "walking_minutes",
];
const TEXT_FIELDS: &[&str] = &["date", "onset", "notes"];

/// Turns the posted form into the JSON the core validates, so the page, the API and the CLI
/// share one set of rules. Adds the form's own safety rule: when she records pain, the
/// emergency questions must be answered (ticked, or "none of these").
fn form_to_json(values: &FormValues) -> (Value, ValidationErrors) {
    let mut m = Map::new();
    let mut errors = ValidationErrors::new();
    for (k, v) in &values.0 {
        let v = v.trim();
        if INT_FIELDS.contains(&k.as_str()) {
            if v.is_empty() {
                continue;
            }
            m.insert(k.clone(), keel_core::validate::number_from_text(v));
        } else if k == "sitting_hours" {
            if !v.is_empty() {
                m.insert(k.clone(), keel_core::validate::number_from_text(v));
            }
        } else if TEXT_FIELDS.contains(&k.as_str()) {
            if !v.is_empty() {
                m.insert(k.clone(), Value::from(v));
            }
        } else if k == "locations" {
            let list = m.entry("locations").or_insert_with(|| Value::Array(vec![]));
            if let Value::Array(items) = list {
                items.push(Value::from(v));
            }
        }
    }
    let ticked: Vec<Question> = values
        .0
        .iter()
        .filter(|(k, _)| k == "rf")
        .filter_map(|(_, v)| Question::from_name(v))
        .collect();
    let screen = values.get("emergency_screen");
    let any_emergency_ticked = ticked.iter().any(|q| q.is_emergency());
    let pain_recorded = m
        .get("pain")
        .and_then(Value::as_f64)
        .is_some_and(|p| p > 0.0);
    match (any_emergency_ticked, screen) {
        (true, _) | (false, Some("none")) => {
            for q in Question::EMERGENCY {
                m.insert(q.name().into(), Value::Bool(ticked.contains(q)));
            }
        }
        (false, Some("some")) => errors.add(
            "emergency_screen",
            "You said one or more of these apply: tick each one that does.",
        ),
        (false, _) if pain_recorded => errors.add(
            "emergency_screen",
            "Please answer the safety questions: tick any that apply, or choose \"None of these\".",
        ),
        (false, _) => {}
    }
    let others_asked = values.get("asked_other") == Some("1");
    for q in Question::ALL.iter().filter(|q| !q.is_emergency()) {
        if ticked.contains(q) {
            m.insert(q.name().into(), Value::Bool(true));
        } else if others_asked {
            m.insert(q.name().into(), Value::Bool(false));
        }
    }
    (Value::Object(m), errors)
}

/// The form's check-in, with the form's own errors and the core's reported together.
fn form_check_in(values: &FormValues, today: NaiveDate) -> Result<CheckIn, ValidationErrors> {
    let (json, mut errors) = form_to_json(values);
    match CheckIn::parse(&json, today) {
        Ok(c) if errors.is_empty() => Ok(c),
        Ok(_) => Err(errors),
        Err(core) => {
            let mut all = core;
            all.extend(std::mem::take(&mut errors));
            Err(all)
        }
    }
}

pub(crate) fn parse_pairs(body: &[u8]) -> FormValues {
    FormValues(form_urlencoded::parse(body).into_owned().collect())
}

pub async fn today(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let today = state.today();
    let date = q
        .get("date")
        .and_then(|d| keel_core::validate::parse_date(d))
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let notice = match q.get("saved").map(String::as_str) {
        Some("new") => Some("Check-in saved."),
        Some("replaced") => Some("Check-in updated: it replaced the earlier one for this date."),
        Some("logged") => Some("Logged. Well done."),
        Some("ack") => Some(
            "Noted. Keel will not raise that warning again for 14 days; it stays listed below.",
        ),
        _ => None,
    };
    if notice.is_some() {
        // Shown once, right after one of her own writes.
        return fresh_today(&state, &auth, &headers, date, None, notice).await;
    }
    let page = state
        .views
        .get_or_load(
            &auth,
            crate::cache::View::Today(date, today),
            KeptPage::weight,
            |p: &KeptPage| p.reads,
            || async {
                let data = today_data(&state, auth.user, date).await?;
                let form = TodayForms {
                    values: &data.form_values(date),
                    errors: &ValidationErrors::new(),
                    sent: None,
                };
                let html = today_markup(today, date, &data, &form, None, csrf::PLACEHOLDER);
                Ok::<_, keel_store::StoreError>(KeptPage::new(
                    html.into_string(),
                    data.check_ins(date),
                ))
            },
        )
        .await;
    match page {
        Ok(page) => page_response(&state, &headers, StatusCode::OK, |token| {
            page.with_token(token)
        }),
        Err(e) => crate::ApiError::Store(e).into_response(),
    }
}

/// The Today page read afresh rather than kept: right after one of her writes (with its
/// notice), or with a posted form and its errors (status 422), whose handler writes.
/// A form of the Today page sent back with its errors, to show beside its fields with the
/// values she gave.
#[derive(Clone, Copy)]
enum Sent<'a> {
    CheckIn(&'a FormValues, &'a ValidationErrors),
    /// "Mark done" on one item of the plan (its `exercise_id` is among the values).
    Log(&'a FormValues, &'a ValidationErrors),
    /// "I have seen a clinician about this" on one finding (its `rule` is among the values).
    Acknowledge(&'a FormValues, &'a ValidationErrors),
}

impl<'a> Sent<'a> {
    /// The values and errors of the "Mark done" form for `exercise_id`, if it was the one sent.
    fn log_for(&self, exercise_id: &str) -> Option<(&'a FormValues, &'a ValidationErrors)> {
        match *self {
            Sent::Log(v, e) if v.get("exercise_id") == Some(exercise_id) => Some((v, e)),
            _ => None,
        }
    }

    /// The errors of the acknowledgement sent for `rule`, if it was.
    fn acknowledgement_of(&self, rule: &str) -> Option<&'a ValidationErrors> {
        match *self {
            Sent::Acknowledge(v, e) if v.get("rule") == Some(rule) => Some(e),
            _ => None,
        }
    }
}

async fn fresh_today(
    state: &AppState,
    auth: &crate::auth::Auth,
    headers: &HeaderMap,
    date: NaiveDate,
    sent: Option<Sent<'_>>,
    notice: Option<&str>,
) -> Response {
    let data = match today_data(state, auth.user, date).await {
        Ok(d) => d,
        Err(e) => return crate::ApiError::Store(e).into_response(),
    };
    let fresh = data.form_values(date);
    let none = ValidationErrors::new();
    let (values, errors) = match sent {
        Some(Sent::CheckIn(values, errors)) => (values, errors),
        _ => (&fresh, &none),
    };
    let status = if sent.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page_response(state, headers, status, |token| {
        let form = TodayForms {
            values,
            errors,
            sent,
        };
        today_markup(state.today(), date, &data, &form, notice, token).into_string()
    })
}

/// The forms of the Today page: the check-in form's values and errors, and any other form
/// sent back.
struct TodayForms<'a> {
    values: &'a FormValues,
    errors: &'a ValidationErrors,
    sent: Option<Sent<'a>>,
}

/// The Today page as every visitor gets it, kept with her data: rendered once with
/// [`csrf::PLACEHOLDER`] where the token goes, and cut there, so that each visitor's own
/// token is put in without rendering the page again.
struct KeptPage {
    parts: Vec<String>,
    reads: crate::cache::CheckInDays,
}

impl KeptPage {
    fn new(html: String, reads: crate::cache::CheckInDays) -> Self {
        KeptPage {
            parts: html.split(csrf::PLACEHOLDER).map(str::to_string).collect(),
            reads,
        }
    }

    fn weight(&self) -> u64 {
        self.parts.iter().map(|p| p.len() as u64 + 24).sum::<u64>() + 64
    }

    fn with_token(&self, token: &str) -> String {
        let length = self.parts.iter().map(String::len).sum::<usize>()
            + token.len() * self.parts.len().saturating_sub(1);
        let mut html = String::with_capacity(length);
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                html.push_str(token);
            }
            html.push_str(part);
        }
        html
    }
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
    let body = extract::read_body(req, crate::BODY_LIMIT_BYTES)
        .await
        .map_err(IntoResponse::into_response)?;
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

/// "I have seen a clinician about this": mutes a non-emergency finding for 14 days.
pub async fn post_acknowledge(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    let body = serde_json::json!({"rule": values.get("rule"), "date": values.get("date")});
    let today = state.today();
    let (rule, date) = match keel_core::rules::parse_acknowledgement(&body, today) {
        Ok(v) => v,
        Err(errors) => {
            let date = sent_date(&values, today);
            let sent = Sent::Acknowledge(&values, &errors);
            return fresh_today(&state, &auth, &headers, date, Some(sent), None).await;
        }
    };
    match state.store.acknowledge(auth.user, &rule, date).await {
        Ok(_) => Redirect::to(&format!("/?date={date}&saved=ack#result")).into_response(),
        Err(e) => crate::ApiError::Store(e).into_response(),
    }
}

pub async fn post_check_in(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    let today = state.today();
    let check_in = match form_check_in(&values, today) {
        Ok(c) => c,
        Err(errors) => {
            let date = sent_date(&values, today);
            let sent = Sent::CheckIn(&values, &errors);
            return fresh_today(&state, &auth, &headers, date, Some(sent), None).await;
        }
    };
    match state.record_check_in(auth.user, &check_in).await {
        Ok(saved) => {
            let how = if saved.replaced { "replaced" } else { "new" };
            Redirect::to(&format!("/?date={}&saved={how}#result", check_in.date)).into_response()
        }
        Err(e) => crate::ApiError::Store(e).into_response(),
    }
}

/// What the Today page shows for a day, read from her data.
struct TodayData {
    stored: Option<StoredCheckIn>,
    plan: Option<PlanView>,
    bone: Option<keel_core::bone::BoneAssessment>,
    /// Questionnaires due that day.
    due: Vec<String>,
}

impl TodayData {
    /// The check-in form's values: the day's check-in, or an empty form for the day.
    fn form_values(&self, date: NaiveDate) -> FormValues {
        self.stored
            .as_ref()
            .map(|s| FormValues::from_check_in(&s.check_in))
            .unwrap_or_else(|| FormValues(vec![("date".into(), date.to_string())]))
    }

    /// The check-ins it was made from: the day's own, and those its plan read.
    fn check_ins(&self, date: NaiveDate) -> crate::cache::CheckInDays {
        views::plan_reads(self.plan.as_ref(), date)
    }
}

async fn today_data(
    state: &AppState,
    user: keel_store::UserId,
    date: NaiveDate,
) -> Result<TodayData, keel_store::StoreError> {
    let stored = state.store.check_in(user, date).await?;
    // One read of her record serves both the plan and the bone screening reminder.
    let record = state.store.plan_record(user, &state.library).await?;
    let bone = views::bone_assessment(&record.bone, date);
    let plan = match &stored {
        Some(s) => {
            Some(views::plan_from_record(&state.store, &state.library, user, s, &record).await?)
        }
        None => None,
    };
    let due = crate::progress_page::questionnaires(&state.store, user, date)
        .await?
        .into_iter()
        .filter(|q| q.due)
        .map(|q| q.instrument.name)
        .collect();
    Ok(TodayData {
        stored,
        plan,
        bone,
        due,
    })
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

/// The Today page for a day, with `token` in its forms. `today` is the server's date: the
/// heading says "Today" on that day only.
fn today_markup(
    today: NaiveDate,
    date: NaiveDate,
    data: &TodayData,
    form: &TodayForms,
    notice: Option<&str>,
    token: &str,
) -> Markup {
    let sent = form.sent;
    let is_today = date == today;
    let heading = if is_today {
        format!("Today, {}", date.format("%A %-d %B"))
    } else {
        date.format("%A %-d %B %Y").to_string()
    };
    let TodayData {
        stored,
        plan,
        bone,
        due,
    } = data;
    let stored = stored.as_ref();
    let result = html! {
        @if let (Some(plan), Some(s)) = (&plan, stored) {
            section id="result" aria-label="Today's result" {
                (sent_elsewhere(plan, sent))
                (safety_block(plan, s, token, sent))
                (acknowledged_block(plan))
                (plan_block(plan, token, sent))
            }
        }
    };
    // An emergency comes before anything else on the page, reminders included.
    let emergency = plan
        .as_ref()
        .is_some_and(|p| p.triage.level == TriageLevel::Emergency);
    let body = html! {
        h1 { (heading) }
        @if emergency { (result) }
        @if let Some(n) = notice {
            p class="notice" role="status" { (n) }
        }
        @if !due.is_empty() && is_today {
            p class="reminder" { "Due: " (due.join(" and ")) ". " a href="/progress#q-title" { "Answer on the Progress page" } " (a minute each)." }
        }
        @if let Some(b) = bone.as_ref().filter(|b| b.dexa_due) {
            section class="alert soon" aria-labelledby="bone-due-title" {
                h2 id="bone-due-title" { "A bone density scan is due" }
                @for f in b.findings.iter().filter(|f| matches!(f.rule.as_str(), "BONE-DEXA-50" | "BONE-DEXA-RISK" | "BONE-DEXA-65" | "BONE-REPEAT-DUE" | "BONE-OST")) {
                    p { (f.message) " " span class="rule" { "(rule " (f.rule) ", source " (f.source) ")" } }
                }
                p { a href="/bone" { "See your bone health and record a result" } }
            }
        }
        @if !emergency { (result) }
        (check_in_form(date, form.values, form.errors, token, stored.is_some()))
    };
    layout(&heading, body)
}

fn finding_list(
    plan: &PlanView,
    level: TriageLevel,
    token: &str,
    sent: Option<Sent<'_>>,
) -> Markup {
    let open: Vec<_> = plan
        .triage
        .findings_at(level)
        .filter(|f| !plan.acknowledged.iter().any(|a| a.rule == f.rule))
        .collect();
    html! {
        ul class="findings" {
            @for f in open {
                li {
                    (f.message)
                    " "
                    span class="rule" { "(rule " (f.rule) ", source " (f.source) ")" }
                    @if level != TriageLevel::Emergency {
                        form method="post" action="/acknowledge" class="ack" {
                            (csrf::field(token))
                            input type="hidden" name="rule" value=(f.rule);
                            input type="hidden" name="date" value=(plan.date.to_string());
                            button type="submit" class="secondary" aria-describedby=[sent.and_then(|s| s.acknowledgement_of(&f.rule)).map(|_| "rule-error")] { "I have seen a clinician about this" }
                            @if let Some(errors) = sent.and_then(|s| s.acknowledgement_of(&f.rule)) {
                                @for e in errors.errors() {
                                    p class="error" id="rule-error" { (e.message) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn acknowledged_block(plan: &PlanView) -> Markup {
    html! {
        @if !plan.acknowledged.is_empty() {
            section class="alert acknowledged" aria-labelledby="ack-title" {
                h2 id="ack-title" { "Warnings you have discussed with a clinician" }
                ul class="findings" {
                    @for a in &plan.acknowledged {
                        @if let Some(f) = plan.triage.findings.iter().find(|f| f.rule == a.rule) {
                            li {
                                (f.message) " "
                                span class="rule" { "(rule " (f.rule) ", source " (f.source) "; acknowledged " (a.acknowledged_on) ", muted until " (a.muted_until) ")" }
                            }
                        }
                    }
                }
                p { "If it gets worse or something new appears, contact a clinician again." }
            }
        }
    }
}

fn safety_block(
    plan: &PlanView,
    stored: &StoredCheckIn,
    token: &str,
    sent: Option<Sent<'_>>,
) -> Markup {
    let t = &plan.triage;
    let missing: Vec<&str> = t
        .missing
        .iter()
        .filter_map(|m| Question::from_name(m))
        .map(Question::text)
        .collect();
    html! {
        @if t.level == TriageLevel::Emergency {
            section class="alert emergency" role="alert" aria-labelledby="emergency-title" {
                h2 id="emergency-title" { "Get help now" }
                p class="action" { strong { (TriageLevel::Emergency.action()) } }
                (finding_list(plan, TriageLevel::Emergency, token, sent))
                p { "There is no exercise plan today. Your safety comes first." }
            }
        }
        @if t.findings_at(TriageLevel::Urgent).any(|f| !plan.acknowledged.iter().any(|a| a.rule == f.rule)) {
            section class="alert urgent" role="alert" aria-labelledby="urgent-title" {
                h2 id="urgent-title" { "Contact a clinician today" }
                p class="action" { (TriageLevel::Urgent.action()) }
                (finding_list(plan, TriageLevel::Urgent, token, sent))
            }
        }
        @if t.findings_at(TriageLevel::Soon).any(|f| !plan.acknowledged.iter().any(|a| a.rule == f.rule)) {
            section class="alert soon" aria-labelledby="soon-title" {
                h2 id="soon-title" { "Book an appointment" }
                p class="action" { (TriageLevel::Soon.action()) }
                (finding_list(plan, TriageLevel::Soon, token, sent))
            }
        }
        @if !missing.is_empty() && stored.check_in.pain > 0 {
            section class="alert missing" role="alert" aria-labelledby="missing-title" {
                h2 id="missing-title" { "Some safety questions are unanswered" }
                p { "Keel cannot rule out an emergency without these answers. Please answer them in the form below:" }
                ul { @for m in &missing { li { (m) } } }
            }
        }
    }
}

fn done_form(
    plan: &PlanView,
    item: &keel_core::plan::PlanItem,
    token: &str,
    sent: Option<(&FormValues, &ValidationErrors)>,
) -> Markup {
    let logged = plan
        .logged
        .iter()
        .find(|a| a.exercise_id == item.exercise_id);
    let id = &item.exercise_id;
    let none = ValidationErrors::new();
    let errors = sent.map_or(&none, |(_, e)| e);
    // What she sent, when the form comes back with errors; else what she logged, or the dose.
    let given = |name: &str| sent.map(|(v, _)| v.get(name).unwrap_or("").to_string());
    let num = |v: Option<u16>| v.map(|n| n.to_string());
    let sets = logged.and_then(|a| a.sets).or(item.sets).map(u16::from);
    let reps = logged.and_then(|a| a.reps).or(item.reps).map(u16::from);
    let hold = logged.and_then(|a| a.hold_seconds).or(item.hold_seconds);
    let minutes = logged.and_then(|a| a.minutes).or(item.minutes);
    let field = |name: &str, label: &str, value: Option<String>| {
        let shown = value.is_some();
        let value = given(name).or(value);
        html! {
            @if shown {
                div class="mini" {
                    label for={(name) "-" (id)} { (label) }
                    input type="number" inputmode="numeric" min="1" id={(name) "-" (id)} name=(name) value=[value] aria-invalid=[invalid(errors, name)] aria-describedby=[described_by(errors, name)];
                    (field_error(errors, name))
                }
            }
        }
    };
    let scale = |name: &str, label: &str, current: Option<u8>, required: bool| {
        let current = match given(name) {
            Some(v) => v.parse::<u8>().ok(),
            None => current,
        };
        html! {
            div class="mini" {
                label for={(name) "-" (id)} { (label) }
                select id={(name) "-" (id)} name=(name) required[required] aria-invalid=[invalid(errors, name)] aria-describedby=[described_by(errors, name)] {
                    option value="" selected[current.is_none()] { "-" }
                    @for n in 0..=10u8 {
                        option value=(n) selected[current == Some(n)] { (n) }
                    }
                }
                (field_error(errors, name))
            }
        }
    };
    html! {
        @if let Some(a) = logged {
            p class="done-note" role="status" { "Done: pain during " (a.pain_during) "/10" @if let Some(e) = a.effort { ", effort " (e) "/10" } "." }
        }
        details class="done" open[sent.is_some()] {
            summary { @if logged.is_some() { "Change what you logged" } @else { "Mark done" } }
            form method="post" action="/log" {
                (csrf::field(token))
                input type="hidden" name="exercise_id" value=(id);
                input type="hidden" name="level" value=(item.level);
                input type="hidden" name="date" value=(plan.date.to_string());
                div class="row" {
                    (field("sets", "Sets", sets.map(|n| n.to_string())))
                    (field("reps", "Reps", reps.map(|n| n.to_string())))
                    (field("hold_seconds", "Hold (s)", num(hold)))
                    (field("minutes", "Minutes", num(minutes)))
                    (scale("pain_during", "Pain during (0-10)", logged.map(|a| a.pain_during), true))
                    (scale("effort", "Effort (0-10)", logged.and_then(|a| a.effort), false))
                }
                @for e in errors.errors().iter().filter(|e| !LOGGED_FIELDS.contains(&e.field.as_str())) {
                    p class="error" { (field_label(&e.field)) " " (e.message) }
                }
                button type="submit" { "Save" }
            }
        }
    }
}

/// "Done" from the Today page: logs the exercise with what she actually did.
/// The fields of the "Mark done" form that are shown with their own message.
const LOGGED_FIELDS: &[&str] = &[
    "sets",
    "reps",
    "hold_seconds",
    "minutes",
    "pain_during",
    "effort",
];

/// The day a form was sent for: its `date` when that is a day up to today, else today.
fn sent_date(values: &FormValues, today: NaiveDate) -> NaiveDate {
    values
        .get("date")
        .and_then(keel_core::validate::parse_date)
        .filter(|d| *d <= today)
        .unwrap_or(today)
}

/// Errors of a form sent back whose own place is not on the page (a "Mark done" for an
/// exercise no longer in the plan, an acknowledgement of a finding not shown): listed at the
/// top, so that nothing is refused in silence.
fn sent_elsewhere(plan: &PlanView, sent: Option<Sent<'_>>) -> Markup {
    let errors = match sent {
        Some(Sent::Log(v, e))
            if !plan
                .items
                .iter()
                .any(|i| v.get("exercise_id") == Some(i.exercise_id.as_str())) =>
        {
            Some(e)
        }
        Some(Sent::Acknowledge(v, e))
            if !plan.triage.findings.iter().any(|f| {
                f.level != TriageLevel::Emergency && v.get("rule") == Some(f.rule.as_str())
            }) =>
        {
            Some(e)
        }
        _ => None,
    };
    html! {
        @if let Some(errors) = errors {
            div class="error-summary" role="alert" {
                p { "That could not be saved:" }
                ul { @for e in errors.errors() { li { (field_label(&e.field)) " " (e.message) } } }
            }
        }
    }
}

pub async fn post_log(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    let mut m = Map::new();
    for (k, v) in &values.0 {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "exercise_id" | "date" => {
                m.insert(k.clone(), Value::from(v));
            }
            "level" | "sets" | "reps" | "hold_seconds" | "minutes" | "pain_during" | "effort" => {
                m.insert(k.clone(), keel_core::validate::number_from_text(v));
            }
            _ => {}
        }
    }
    let today = state.today();
    let parsed =
        keel_core::activity::Activity::parse(&Value::Object(m), today, &state.library, |_| 1);
    let activity = match parsed {
        Ok(a) => a,
        Err(errors) => {
            let date = sent_date(&values, today);
            let sent = Sent::Log(&values, &errors);
            return fresh_today(&state, &auth, &headers, date, Some(sent), None).await;
        }
    };
    match state.store.log_activity(auth.user, &activity).await {
        Ok(_) => Redirect::to(&format!(
            "/?date={}&saved=logged#item-{}",
            activity.date, activity.exercise_id
        ))
        .into_response(),
        Err(e) => crate::ApiError::Store(e).into_response(),
    }
}

fn plan_block(plan: &PlanView, token: &str, sent: Option<Sent<'_>>) -> Markup {
    html! {
        section class={"daytype " (plan.day_type.name())} aria-labelledby="daytype-title" {
            h2 id="daytype-title" { (plan.day_type.title()) }
            p class="reason" { (plan.reason) " " span class="rule" { "(rule " (plan.rule) ")" } }
        }
        @if plan.day_type != DayType::Stop {
            section class="plan" aria-labelledby="plan-title" {
                h2 id="plan-title" { "Your plan" }
                ol class="items" {
                    @for item in &plan.items {
                        li class="item" id={"item-" (item.exercise_id)} {
                            h3 { (item.name) }
                            p class="dose" {
                                strong { (item.dose) }
                                " · " (item.level_name) " (level " (item.level) ")"
                                @if item.progression_attempt { " · " em { "step up" } }
                            }
                            p class="why" { (item.why) }
                            ul class="cues" { @for c in &item.cues { li { (c) } } }
                            p class="mistake" { strong { "Watch out: " } (item.mistake) }
                            @if let Some(l) = plan.levels.iter().find(|l| l.family == item.family) {
                                p class="level-reason" { (l.reason) }
                            }
                            (done_form(plan, item, token, sent.and_then(|s| s.log_for(&item.exercise_id))))
                        }
                    }
                }
                @if let Some(rule) = &plan.exclusion_rule {
                    p class="hint" {
                        "To protect your spine, this plan leaves out " (movement_list(&plan.excluded_movements)) ". "
                        span class="rule" { "(rule " (rule) ")" }
                    }
                }
                p class="hint" { "Stop any exercise that makes pain shoot down a leg or rise above 5/10, and choose an easier version next time." }
            }
        }
    }
}

pub(crate) fn movement_list(tags: &[String]) -> String {
    let words: Vec<&str> = tags
        .iter()
        .map(|t| match t.as_str() {
            "loaded_flexion" => "bending under load",
            "loaded_rotation" => "twisting under load",
            "high_impact" => "high-impact jumps",
            "prone_lying" => "lying face down",
            "kneeling" => "kneeling",
            other => other,
        })
        .collect();
    words.join(", ")
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

pub(crate) fn number_input(
    values: &FormValues,
    errors: &ValidationErrors,
    name: &str,
    label: &str,
    (min, max, step): (u32, u32, &str),
    hint: &str,
) -> Markup {
    html! {
        div class="field" {
            label for=(name) { (label) }
            span class="hint" id={(name) "-hint"} { (hint) }
            input type="number" id=(name) name=(name) min=(min) max=(max) step=(step) inputmode="decimal"
                value=[values.get(name)] aria-invalid=[invalid(errors, name)]
                aria-describedby=[described_by(errors, name).or(Some(format!("{name}-hint")))];
            (field_error(errors, name))
        }
    }
}

fn check_in_form(
    date: NaiveDate,
    values: &FormValues,
    errors: &ValidationErrors,
    token: &str,
    has_stored: bool,
) -> Markup {
    let open = !has_stored || !errors.is_empty();
    html! {
        details class="checkin" open[open] {
            summary { h2 { @if has_stored { "Update this check-in" } @else { "Check in" } } }
            @if !errors.is_empty() {
                div class="error-summary" role="alert" tabindex="-1" {
                    h3 { "Please check these answers" }
                    ul { @for e in errors.errors() { li { (field_label(&e.field)) " " (e.message) } } }
                }
            }
            form method="post" action="/checkin" novalidate {
                (csrf::field(token))
                input type="hidden" name="asked_other" value="1";
                div class="field" {
                    label for="date" { "Date" }
                    input type="date" id="date" name="date" value=(values.get("date").unwrap_or(&date.to_string()))
                        aria-invalid=[invalid(errors, "date")] aria-describedby=[described_by(errors, "date")];
                    (field_error(errors, "date"))
                }
                fieldset class="pain" aria-invalid=[invalid(errors, "pain")] aria-describedby=[described_by(errors, "pain")] {
                    legend { "Pain right now" span class="hint" { "0 is no pain, 10 the worst you can imagine" } }
                    div class="scale" {
                        @for i in 0..=10 {
                            @let v = i.to_string();
                            input type="radio" id={"pain-" (i)} name="pain" value=(v) checked[values.has("pain", &v)];
                            label for={"pain-" (i)} { (i) }
                        }
                    }
                    (field_error(errors, "pain"))
                }
                fieldset {
                    legend { "Where does it hurt?" }
                    @for (name, loc) in Location::ALL {
                        div class="choice" {
                            input type="checkbox" id={"loc-" (name)} name="locations" value=(name) checked[values.has("locations", name)];
                            label for={"loc-" (name)} { (loc.label()) }
                        }
                    }
                    (field_error(errors, "locations"))
                }
                fieldset {
                    legend { "How did this pain start?" }
                    @for (value, label) in [("gradual", "Gradually"), ("sudden", "Suddenly"), ("", "Not sure")] {
                        div class="choice" {
                            input type="radio" id={"onset-" (if value.is_empty() { "unsure" } else { value })} name="onset" value=(value)
                                checked[values.get("onset").unwrap_or("") == value];
                            label for={"onset-" (if value.is_empty() { "unsure" } else { value })} { (label) }
                        }
                    }
                    (field_error(errors, "onset"))
                }
                (number_input(values, errors, "stiffness_minutes", "Morning stiffness", (0, 600, "1"), "Minutes until your back loosened up"))
                (number_input(values, errors, "sleep", "Sleep last night", (0, 10, "1"), "0 is very poor, 10 is great"))
                (number_input(values, errors, "energy", "Energy today", (0, 10, "1"), "0 is exhausted, 10 is full of energy"))
                (number_input(values, errors, "sitting_hours", "Sitting yesterday", (0, 24, "0.5"), "Hours, roughly"))
                (number_input(values, errors, "walking_minutes", "Walking yesterday", (0, 1440, "1"), "Minutes"))
                fieldset class="safety" aria-describedby=[described_by(errors, "emergency_screen")] {
                    legend { "Safety questions: is any of this new for you?" }
                    p class="hint" { "These signs need help straight away. Tick any that apply." }
                    @for q in Question::EMERGENCY {
                        div class="choice" {
                            input type="checkbox" id={"rf-" (q.name())} name="rf" value=(q.name()) checked[values.has("rf", q.name())];
                            label for={"rf-" (q.name())} { (q.text()) }
                        }
                    }
                    div class="screen" {
                        div class="choice" {
                            input type="radio" id="screen-none" name="emergency_screen" value="none" checked[values.has("emergency_screen", "none")];
                            label for="screen-none" { "None of these apply to me" }
                        }
                        div class="choice" {
                            input type="radio" id="screen-some" name="emergency_screen" value="some" checked[values.has("emergency_screen", "some")];
                            label for="screen-some" { "Yes, I have ticked what applies" }
                        }
                    }
                    (field_error(errors, "emergency_screen"))
                }
                fieldset {
                    legend { "Other things to tell a clinician about" }
                    p class="hint" { "Tick any that apply." }
                    @for q in Question::ALL.iter().filter(|q| !q.is_emergency()) {
                        div class="choice" {
                            input type="checkbox" id={"rf-" (q.name())} name="rf" value=(q.name()) checked[values.has("rf", q.name())];
                            label for={"rf-" (q.name())} { (q.text()) }
                        }
                    }
                }
                div class="field" {
                    label for="notes" { "Notes" }
                    span class="hint" id="notes-hint" { "Anything else about today (up to " (NOTES_MAX_CHARS) " characters)" }
                    textarea id="notes" name="notes" rows="3" maxlength=(NOTES_MAX_CHARS)
                        aria-invalid=[invalid(errors, "notes")] aria-describedby=[described_by(errors, "notes").or(Some("notes-hint".into()))] {
                        (values.get("notes").unwrap_or(""))
                    }
                    (field_error(errors, "notes"))
                }
                button type="submit" { "Save check-in" }
            }
        }
    }
}

pub async fn not_found() -> Response {
    let page = layout(
        "Not found",
        html! {
            h1 { "Page not found" }
            p { "There is nothing at this address. " a href="/" { "Go to Today" } }
        },
    );
    (StatusCode::NOT_FOUND, page).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormValues {
        FormValues(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn pain_needs_the_emergency_screen() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let e = form_check_in(&form(&[("pain", "4"), ("sleep", "14")]), today).unwrap_err();
        assert!(e.message_for("emergency_screen").is_some());
        assert!(
            e.message_for("sleep").is_some(),
            "all errors reported together"
        );
        let (v, e) = form_to_json(&form(&[("pain", "0")]));
        assert!(e.is_empty());
        assert!(v.get("saddle_numbness").is_none());
    }

    #[test]
    fn none_of_these_answers_every_emergency_question_no() {
        let v = form_to_json(&form(&[("pain", "4"), ("emergency_screen", "none")])).0;
        for q in Question::EMERGENCY {
            assert_eq!(v[q.name()], Value::Bool(false));
        }
    }

    #[test]
    fn a_ticked_sign_wins_over_none_of_these() {
        let v = form_to_json(&form(&[
            ("pain", "4"),
            ("emergency_screen", "none"),
            ("rf", "bladder_change"),
        ]))
        .0;
        assert_eq!(v["bladder_change"], Value::Bool(true));
        assert_eq!(v["saddle_numbness"], Value::Bool(false));
    }

    #[test]
    fn other_questions_are_no_when_shown_and_unticked() {
        let v = form_to_json(&form(&[
            ("pain", "0"),
            ("asked_other", "1"),
            ("rf", "fever"),
        ]))
        .0;
        assert_eq!(v["fever"], Value::Bool(true));
        assert_eq!(v["night_pain"], Value::Bool(false));
    }

    #[test]
    fn typed_values_pass_through_for_the_core_to_judge() {
        let v = form_to_json(&form(&[
            ("pain", "abc"),
            ("sleep", "3.5"),
            ("locations", "neck"),
            ("locations", "buttock"),
        ]))
        .0;
        assert_eq!(v["pain"], Value::from("abc"));
        assert_eq!(v["sleep"], Value::from(3.5));
        assert_eq!(v["locations"], serde_json::json!(["neck", "buttock"]));
    }
}
