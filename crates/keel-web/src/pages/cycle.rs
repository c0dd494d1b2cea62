//! The Cycle page: her stage and its evidence, a calendar of her bleeding log, and quick
//! entry of a past period or of one day (clinical-rules.md sections 6 and 8); and the
//! profile's cycle section (does she still have periods, and what changes her bleeding).

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use keel_app::cycle::StageView;
use keel_core::ValidationErrors;
use keel_core::bone::{BoneProfile, STILL_PERIODS};
use keel_core::stage::{BleedingDay, ContextKind};
use maud::{Markup, html};
use serde_json::{Value, json};

use crate::csrf;
use crate::pages::kit::{
    CheckedForm, FormValues, described_by, field_error, invalid, layout_in, page_response,
};
use crate::state::AppState;

const FLOWS: [(&str, &str); 5] = [
    ("none", "None"),
    ("spotting", "Spotting"),
    ("light", "Light"),
    ("medium", "Medium"),
    ("heavy", "Heavy"),
];

/// The form field of a context kind's row.
fn kind_field(k: ContextKind) -> String {
    format!("ctx_{}", k.key())
}

/// In her words, for the form.
fn kind_label(k: ContextKind) -> &'static str {
    match k {
        ContextKind::HormonalContraception => {
            "Hormonal contraception (pill, patch, ring, hormonal coil, implant or injection)"
        }
        ContextKind::HormoneTherapySystemic => "Hormone therapy: tablets, patches, gel or spray",
        ContextKind::HormoneTherapyVaginal => "Vaginal estrogen only (cream, pessary or ring)",
        ContextKind::Hysterectomy => "A hysterectomy (womb removed)",
        ContextKind::EndometrialAblation => "An endometrial ablation",
        ContextKind::Oophorectomy => "Both ovaries removed",
    }
}

/// Does she still have periods, and what changes what her bleeding means: one row per kind,
/// ticked with its dates (an operation: its day).
pub(crate) fn context_fields(values: &FormValues, errors: &ValidationErrors) -> Markup {
    html! {
        p class="hint" { "Keel uses this to work out where you are in the menopause transition, and asks about bleeding in the check-in unless you no longer have periods." }
        fieldset class="tap" {
            legend { "Do you still have periods?" }
            div class="chips" {
                @for (v, label) in STILL_PERIODS {
                    input type="radio" id={"periods-" (v)} name="still_periods" value=(v) checked[values.has("still_periods", v)];
                    label for={"periods-" (v)} { (label) }
                }
            }
            (field_error(errors, "still_periods"))
        }
        fieldset class="context" {
            legend { "Anything that changes your bleeding? " span class="hint" { "tick any, with dates" } }
            @for (_, k) in ContextKind::ALL {
                @let f = kind_field(*k);
                @let from = format!("{f}_from");
                @let to = format!("{f}_to");
                div class="context-row" aria-invalid=[invalid(errors, &f)] {
                    div class="choice" {
                        input type="checkbox" id=(f) name=(f) value="1" checked[values.has(&f, "1")];
                        label for=(f) { (kind_label(*k)) }
                    }
                    (field_error(errors, &f))
                    div class="dates" {
                        label for=(from) { @if k.is_surgery() { "Date" } @else { "From" } }
                        input type="date" id=(from) name=(from) value=[values.get(&from)]
                            aria-invalid=[invalid(errors, &from)] aria-describedby=[described_by(errors, &from)];
                        @if !k.is_surgery() {
                            label for=(to) { "Until " span class="hint" { "(empty: still)" } }
                            input type="date" id=(to) name=(to) value=[values.get(&to)]
                                aria-invalid=[invalid(errors, &to)] aria-describedby=[described_by(errors, &to)];
                        }
                    }
                    (field_error(errors, &from))
                    (field_error(errors, &to))
                }
            }
        }
    }
}

/// The cycle section's values: her answer and the latest entry of each kind.
pub(crate) fn context_values(p: &BoneProfile) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(s) = p.still_periods {
        out.push(("still_periods".into(), s.into()));
    }
    for (_, k) in ContextKind::ALL {
        if let Some(e) = p
            .cycle_context
            .iter()
            .filter(|c| c.kind == *k)
            .max_by_key(|c| c.from)
        {
            let f = kind_field(*k);
            out.push((f.clone(), "1".into()));
            out.push((format!("{f}_from"), e.from.to_string()));
            if let Some(to) = e.to {
                out.push((format!("{f}_to"), to.to_string()));
            }
        }
    }
    out
}

/// Her profile with the cycle section replaced: her answer, and per kind the form's entry in
/// place of the latest one (earlier entries of a kind are kept). Errors are named by the
/// form's fields.
pub(crate) fn merge_context(
    kept: &BoneProfile,
    values: &FormValues,
    today: NaiveDate,
) -> Result<BoneProfile, ValidationErrors> {
    let mut body = kept.to_json();
    body["still_periods"] = values
        .get("still_periods")
        .filter(|v| !v.is_empty())
        .map(Value::from)
        .unwrap_or(Value::Null);
    let mut list: Vec<Value> = Vec::new();
    // Which kind each entry of the list came from, to name a refused one by its row.
    let mut rows: Vec<Option<ContextKind>> = Vec::new();
    for (_, k) in ContextKind::ALL {
        let mut of_kind: Vec<_> = kept.cycle_context.iter().filter(|c| c.kind == *k).collect();
        of_kind.sort_by_key(|c| c.from);
        let f = kind_field(*k);
        if values.has(&f, "1") || !of_kind.is_empty() {
            of_kind.pop();
        }
        for e in of_kind {
            list.push(json!({"kind": k.key(), "from": e.from.to_string(), "to": e.to.map(|d| d.to_string())}));
            rows.push(None);
        }
        if values.has(&f, "1") {
            let date = |name: String| {
                values
                    .get(&name)
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(Value::from)
                    .unwrap_or(Value::Null)
            };
            list.push(json!({"kind": k.key(), "from": date(format!("{f}_from")), "to": date(format!("{f}_to"))}));
            rows.push(Some(*k));
        }
    }
    body["cycle_context"] = Value::Array(list);
    BoneProfile::parse(&body, today).map_err(|e| {
        let mut named = ValidationErrors::new();
        for err in e.errors() {
            let field = err
                .field
                .strip_prefix("cycle_context[")
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(i, rest)| {
                    let kind = rows.get(i.parse::<usize>().ok()?).copied().flatten()?;
                    let f = kind_field(kind);
                    Some(match rest {
                        ".from" => format!("{f}_from"),
                        ".to" => format!("{f}_to"),
                        _ => f,
                    })
                })
                .unwrap_or_else(|| err.field.clone());
            named.add(field, err.message.clone());
        }
        named
    })
}

/// A month of the log as a calendar: each day coloured by its flow.
fn month(first: NaiveDate, log: &BTreeMap<NaiveDate, BleedingDay>, today: NaiveDate) -> Markup {
    let blanks = first.weekday().num_days_from_monday();
    let days: Vec<NaiveDate> = first
        .iter_days()
        .take_while(|d| d.month() == first.month())
        .collect();
    html! {
        h3 { (first.format("%B %Y")) }
        div class="cal flowcal" role="list" aria-label={"Bleeding in " (first.format("%B %Y"))} {
            @for name in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
                span class="cal-head" aria-hidden="true" { (name) }
            }
            @for _ in 0..blanks { span class="cal-blank" aria-hidden="true" {} }
            @for d in days {
                @let entry = log.get(&d);
                @let flow = entry.map_or("unknown", |e| e.flow.name());
                @let label = match entry {
                    Some(e) => format!("{}: {}{}", d.format("%A %-d %B"), e.flow.name(), if e.after_sex { ", after sex" } else { "" }),
                    None => format!("{}: nothing logged", d.format("%A %-d %B")),
                };
                span class={"cal-day flow-" (flow) @if d == today { " today" } @if d > today { " later" }} role="listitem" aria-label=(label) {
                    span class="n" { (d.day()) }
                    @if entry.is_some_and(|e| e.after_sex) { span class="mark" aria-hidden="true" { "•" } }
                }
            }
        }
    }
}

fn stage_card(v: &StageView) -> Markup {
    html! {
        section class="panel" aria-labelledby="stage-title" {
            h2 id="stage-title" { (v.words) }
            p { (v.assessment.reason) }
            @if let Some(d) = v.assessment.final_period {
                p { "Final period: " (d.format("%-d %B %Y")) "." }
            }
            @if !v.cycles.is_empty() {
                details class="why" {
                    summary { "The evidence" }
                    ul { @for c in &v.cycles { li { (c) } } }
                    span class="rule" { "STRAW+10 staging [STRAW10], clinical-rules.md section 6." }
                }
            }
            @for f in &v.assessment.findings {
                div class="alert soon" role="note" {
                    p { (f.message) }
                    (crate::pages::kit::why(crate::pages::kit::rule_evidence(&f.rule, &f.source)))
                }
            }
            @if let Some(l) = crate::pages::learn::article_link("cycle") { p { (l) } }
            p class="hint" { "Keel informs; it does not diagnose. Bring this page or your " a href="/report" { "report" } " to your clinician." }
        }
    }
}

/// The forms' sent values and errors, when one comes back.
struct Failed<'a> {
    form: &'static str,
    values: &'a FormValues,
    errors: &'a ValidationErrors,
}

fn period_form(token: &str, today: NaiveDate, failed: Option<&Failed>) -> Markup {
    let none = ValidationErrors::new();
    let empty = FormValues::default();
    let (values, errors) = match failed {
        Some(f) if f.form == "period" => (f.values, f.errors),
        _ => (&empty, &none),
    };
    html! {
        form method="post" action="/cycle/period" class="panel" novalidate {
            h2 { "Add a past period" }
            (csrf::field(token))
            div class="dates" {
                label for="start" { "First day" }
                input type="date" id="start" name="start" max=(today) value=[values.get("start")]
                    aria-invalid=[invalid(errors, "start")] aria-describedby=[described_by(errors, "start")];
                label for="end" { "Last day" }
                input type="date" id="end" name="end" max=(today) value=[values.get("end")]
                    aria-invalid=[invalid(errors, "end")] aria-describedby=[described_by(errors, "end")];
            }
            (field_error(errors, "start"))
            (field_error(errors, "end"))
            fieldset class="tap" {
                legend { "Flow" }
                div class="chips" {
                    @for (v, label) in &FLOWS[2..] {
                        input type="radio" id={"pflow-" (v)} name="flow" value=(v) checked[values.get("flow").unwrap_or("medium") == *v];
                        label for={"pflow-" (v)} { (label) }
                    }
                }
                (field_error(errors, "flow"))
            }
            button type="submit" { "Add period" }
        }
    }
}

fn day_form(token: &str, today: NaiveDate, failed: Option<&Failed>) -> Markup {
    let none = ValidationErrors::new();
    let empty = FormValues::default();
    let (values, errors) = match failed {
        Some(f) if f.form == "day" => (f.values, f.errors),
        _ => (&empty, &none),
    };
    html! {
        form method="post" action="/cycle/day" class="panel" novalidate {
            h2 { "Log or change one day" }
            (csrf::field(token))
            div class="dates" {
                label for="day-date" { "Day" }
                input type="date" id="day-date" name="date" max=(today) value=(values.get("date").unwrap_or(&today.to_string()))
                    aria-invalid=[invalid(errors, "date")] aria-describedby=[described_by(errors, "date")];
            }
            (field_error(errors, "date"))
            fieldset class="tap" {
                legend { "Bleeding that day" }
                div class="chips" {
                    @for (v, label) in FLOWS {
                        input type="radio" id={"dflow-" (v)} name="flow" value=(v) checked[values.has("flow", v)];
                        label for={"dflow-" (v)} { (label) }
                    }
                }
                div class="choice" {
                    input type="checkbox" id="day-after-sex" name="after_sex" value="1" checked[values.has("after_sex", "1")];
                    label for="day-after-sex" { "It came after sex" }
                }
                (field_error(errors, "flow"))
            }
            div class="row" {
                button type="submit" name="action" value="save" { "Save the day" }
                button type="submit" name="action" value="remove" class="secondary" { "Remove the day" }
            }
        }
    }
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    user: keel_store::UserId,
    saved: Option<&str>,
    failed: Option<Failed<'_>>,
) -> Response {
    let today = state.today();
    let (view, log) = match (
        keel_app::cycle::stage_view(&state.store, user, today).await,
        state.store.bleeding_log(user).await,
    ) {
        (Ok(v), Ok(l)) => (v, l),
        (Err(e), _) | (_, Err(e)) => return crate::pages::kit::error_page(e),
    };
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let this_month = today.with_day(1).unwrap_or(today);
    let months: Vec<NaiveDate> = (0..3)
        .rev()
        .filter_map(|n| this_month.checked_sub_months(chrono::Months::new(n)))
        .collect();
    page_response(state, headers, status, |token| {
        let body = html! {
            h1 { "Your cycle" }
            @if let Some(s) = saved { p class="notice" role="status" { (s) } }
            @if let Some(f) = &failed {
                div class="error-summary" role="alert" tabindex="-1" {
                    h3 { "Please check these answers" }
                    ul { @for e in f.errors.errors() { li { (e.field) ": " (e.message) } } }
                }
            }
            (stage_card(&view))
            section aria-labelledby="log-title" {
                h2 id="log-title" { "Your bleeding log" }
                @for m in &months { (month(*m, &log, today)) }
                ul class="legend" aria-label="Colours" {
                    @for (v, label) in FLOWS { li { span class={"swatch flow-" (v)} aria-hidden="true" {} (label) } }
                    li { span class="swatch flow-unknown" aria-hidden="true" {} "Nothing logged" }
                }
                p class="hint" { "• bleeding after sex. Days you do not log count as no bleeding once your log has begun. " (log.len()) " days logged." }
            }
            (period_form(token, today, failed.as_ref()))
            (day_form(token, today, failed.as_ref()))
            p { a href="/profile#cycle" { "Contraception, hormone therapy and operations" } " are on your profile." }
        };
        layout_in("cycle", "Your cycle", body).into_string()
    })
}

pub async fn page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let saved = match q.get("saved").map(String::as_str) {
        Some("period") => Some("Period added."),
        Some("day") => Some("Day saved."),
        Some("removed") => Some("Day removed."),
        _ => None,
    };
    render(&state, &headers, auth.user, saved, None).await
}

fn form_value(values: &FormValues, name: &str) -> Value {
    values
        .get(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(Value::from)
        .unwrap_or(Value::Null)
}

pub async fn post_period(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    let body = json!({"start": form_value(&values, "start"), "end": form_value(&values, "end"), "flow": form_value(&values, "flow")});
    match keel_app::cycle::record_period(&state.store, auth.user, &body, state.today()).await {
        Ok(_) => Redirect::to("/cycle?saved=period").into_response(),
        Err(keel_app::AppError::Invalid(errors)) => {
            let failed = Failed {
                form: "period",
                values: &values,
                errors: &errors,
            };
            render(&state, &headers, auth.user, None, Some(failed)).await
        }
        Err(keel_app::AppError::Store(e)) => crate::pages::kit::error_page(e),
    }
}

pub async fn post_day(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    let today = state.today();
    let refuse = |errors: ValidationErrors| {
        let (state, headers, values) = (&state, &headers, &values);
        async move {
            let failed = Failed {
                form: "day",
                values,
                errors: &errors,
            };
            render(state, headers, auth.user, None, Some(failed)).await
        }
    };
    let Some(date) = values.get("date").and_then(keel_core::validate::parse_date) else {
        return refuse(ValidationErrors::single("date", "must be a date")).await;
    };
    if values.get("action") == Some("remove") {
        return match state
            .store
            .delete_bleeding(auth.user, date, date, today)
            .await
        {
            Ok(0) => {
                refuse(ValidationErrors::single(
                    "date",
                    format!("nothing is logged on {}", date.format("%-d %B %Y")),
                ))
                .await
            }
            Ok(_) => Redirect::to("/cycle?saved=removed").into_response(),
            Err(e) => crate::pages::kit::error_page(e),
        };
    }
    let body =
        json!({"flow": form_value(&values, "flow"), "after_sex": values.has("after_sex", "1")});
    match keel_app::cycle::record_day(&state.store, auth.user, date, &body, today).await {
        Ok(_) => Redirect::to("/cycle?saved=day").into_response(),
        Err(keel_app::AppError::Invalid(errors)) => refuse(errors).await,
        Err(keel_app::AppError::Store(e)) => crate::pages::kit::error_page(e),
    }
}
