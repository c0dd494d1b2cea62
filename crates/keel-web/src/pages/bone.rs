//! The Bone health page: status from her stored record, and forms to keep it up to date.

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use keel_core::ValidationErrors;
use keel_core::bone::{self, BoneAssessment, BoneProfile, DexaSite, RiskFactor};
use keel_store::BoneRecord;
use maud::{Markup, html};
use serde_json::{Map, Value};
use std::collections::HashMap;

use crate::csrf;
use crate::pages::kit::{FormValues, described_by, field_error, invalid, layout_in, read_form};
use crate::state::AppState;
use keel_app::views;

/// Which form failed, so its errors and values show beside it.
#[derive(Clone, Copy, PartialEq)]
enum Form {
    Profile,
    Height,
    Dexa,
}

pub async fn page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let notice = match q.get("saved").map(String::as_str) {
        Some("profile") => Some("Profile saved."),
        Some("height") => Some("Height recorded."),
        Some("dexa") => Some("Scan result recorded."),
        _ => None,
    };
    render(auth.user, &state, &headers, None, notice, StatusCode::OK).await
}

async fn render(
    user: keel_store::UserId,
    state: &AppState,
    headers: &HeaderMap,
    failed: Option<(Form, &FormValues, &ValidationErrors)>,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    let record = match state.store.bone_record(user).await {
        Ok(r) => r,
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let today = state.today();
    let assessment = views::bone_assessment(&record, today);
    let (token, cookie) = state.csrf.token(headers);
    let empty = ValidationErrors::new();
    let for_form = |f: Form| match failed {
        Some((which, v, e)) if which == f => (Some(v), e),
        _ => (None, &empty),
    };
    let profile_values = profile_values(&record.profile);
    let (pv, pe) = for_form(Form::Profile);
    let (hv, he) = for_form(Form::Height);
    let (dv, de) = for_form(Form::Dexa);
    let body = html! {
        h1 { "Bone health" }
        @if let Some(n) = notice { p class="notice" role="status" { (n) } }
        (status_block(assessment.as_ref(), &record))
        (profile_form(pv.unwrap_or(&profile_values), pe, &token))
        (height_form(&record, hv, he, &token, today))
        (dexa_form(&record, dv, de, &token))
    };
    crate::pages::kit::with_csrf_cookie(
        (status, layout_in("bone", "Bone health", body)).into_response(),
        cookie,
    )
}

fn status_block(assessment: Option<&BoneAssessment>, record: &BoneRecord) -> Markup {
    html! {
        section class="daytype" aria-labelledby="bone-status" {
            h2 id="bone-status" { "Your bone health today" }
            p class="item-links" {
                @for (i, a) in keel_core::content::articles_for("bone").iter().chain(keel_core::content::articles_for("bone_caution").iter()).enumerate() {
                    @if i > 0 { " · " }
                    a class="learn" href={"/learn/" (a.slug)} { (a.title) }
                }
            }
            @match assessment {
                None => p { "Add your age or birth date below and Keel will tell you when a bone density (DEXA) scan is due." },
                Some(a) => {
                    p {
                        strong { @if a.dexa_due { "A DEXA scan is due." } @else { "No scan is due right now." } }
                    }
                    dl class="facts" {
                        @if let Some(o) = a.ost {
                            dt { "OST score" }
                            dd { (format!("{o:.1}")) " (below 2 suggests a scan; it was validated in women after menopause)" }
                        }
                        @if let Some(c) = a.t_score_class {
                            dt { "Latest scan" }
                            dd { (c.label()) }
                        }
                        @if let Some(y) = a.rescan_years {
                            @let last = record.dexa.iter().map(|d| d.date).max();
                            dt { "Next scan" }
                            dd {
                                @if let Some(next) = last.and_then(|l| l.checked_add_months(chrono::Months::new(12 * u32::from(y)))) {
                                    "around " (next.format("%B %Y")) " (" (y) " year" @if y != 1 { "s" } " after your last, on " (last.map(|l| l.format("%-d %B %Y").to_string()).unwrap_or_default()) ")"
                                } @else {
                                    "about " (y) " year" @if y != 1 { "s" } " after your last"
                                }
                            }
                        }
                        dt { "Scans on record" }
                        dd { (record.dexa.len()) }
                    }

                    @if a.findings.is_empty() {
                        p { "No bone-health rule applies to what you have recorded." }
                    } @else {
                        ul class="findings" {
                            // With a scan on record, the self-assessment score's prompt to get one is moot.
                            @for f in a.findings.iter().filter(|f| f.rule != "BONE-OST" || record.dexa.is_empty()) {
                                li { (f.message) " " (crate::pages::kit::why(crate::pages::kit::rule_evidence(&f.rule, &f.source))) }
                            }
                        }
                    }
                    @if a.t_score_class.is_some_and(|c| c != keel_core::bone::TScoreClass::Normal) {
                        section class="helps" aria-labelledby="bone-helps" {
                            h3 id="bone-helps" { "What helps" }
                            ul {
                                li { "Strength work for the big muscle groups on two days a week, and heel drops where allowed: your plan includes them as your bone record allows." }
                                li { "Balance training most days: fewer falls means fewer broken bones." }
                                li { "Enough protein, calcium and vitamin D: worth discussing with your clinician, with any medicine for bone." }
                                li { "Walking most days, and a long, tall spine: no loaded or deep bending and twisting." }
                            }
                        }
                    }
                    p class="hint" { "DEXA is the preferred test for bone density; an MRI of the spine does not measure it. Keel informs and does not diagnose: talk these results through with your clinician." }
                }
            }
        }
    }
}

pub(crate) fn profile_values(p: &BoneProfile) -> FormValues {
    let mut out = Vec::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            out.push((k.to_string(), v));
        }
    };
    put("birth_date", p.birth_date.map(|d| d.to_string()));
    put("age", p.age.map(|a| a.to_string()));
    put("weight_kg", p.weight_kg.map(|w| w.to_string()));
    put("height_cm", p.height_cm.map(|w| w.to_string()));
    put(
        "tallest_height_cm",
        p.tallest_height_cm.map(|w| w.to_string()),
    );
    for r in &p.risk_factors {
        out.push(("risk_factors".into(), r.name().into()));
    }
    if p.vertebral_fracture {
        out.push(("vertebral_fracture".into(), "yes".into()));
    }
    FormValues(out)
}

pub(crate) fn text_input(
    values: &FormValues,
    errors: &ValidationErrors,
    name: &str,
    label: &str,
    kind: &str,
    step: &str,
) -> Markup {
    html! {
        div class="field" {
            label for=(name) { (label) }
            input type=(kind) id=(name) name=(name) step=[(kind == "number").then_some(step)] inputmode=[(kind == "number").then_some("decimal")]
                value=[values.get(name)] aria-invalid=[invalid(errors, name)] aria-describedby=[described_by(errors, name)];
            (field_error(errors, name))
        }
    }
}

fn profile_form(values: &FormValues, errors: &ValidationErrors, token: &str) -> Markup {
    html! {
        section class="panel" aria-labelledby="profile-title" {
            h2 id="profile-title" { "About you" }
            form method="post" action="/bone/profile" novalidate {
                (csrf::field(token))
                (text_input(values, errors, "birth_date", "Birth date", "date", ""))
                (text_input(values, errors, "age", "Or your age", "number", "1"))
                (text_input(values, errors, "weight_kg", "Weight (kg)", "number", "0.1"))
                (text_input(values, errors, "height_cm", "Height now (cm)", "number", "0.1"))
                (text_input(values, errors, "tallest_height_cm", "Tallest height you remember as an adult (cm)", "number", "0.1"))
                fieldset {
                    legend { "Risk factors for thinning bones" }
                    @for (name, r) in RiskFactor::ALL {
                        div class="choice" {
                            input type="checkbox" id={"rf-" (name)} name="risk_factors" value=(name) checked[values.has("risk_factors", name)];
                            label for={"rf-" (name)} { (r.label()) }
                        }
                    }
                    (field_error(errors, "risk_factors"))
                }
                div class="choice" {
                    input type="checkbox" id="vertebral_fracture" name="vertebral_fracture" value="yes" checked[values.has("vertebral_fracture", "yes")];
                    label for="vertebral_fracture" { "I have had a fracture in a bone of the spine (vertebral fracture)" }
                }
                button type="submit" { "Save profile" }
            }
        }
    }
}

fn height_form(
    record: &BoneRecord,
    values: Option<&FormValues>,
    errors: &ValidationErrors,
    token: &str,
    today: chrono::NaiveDate,
) -> Markup {
    let fallback = FormValues(vec![("date".into(), today.to_string())]);
    let values = values.unwrap_or(&fallback);
    html! {
        section class="panel" aria-labelledby="height-title" {
            h2 id="height-title" { "Height measurements" }
            p class="hint" { "Measure without shoes, against a wall, at the same time of day. A loss of 2 cm or more is worth a check." }
            @if !record.heights.is_empty() {
                table {
                    caption { "Your heights" }
                    thead { tr { th scope="col" { "Date" } th scope="col" { "Height (cm)" } } }
                    tbody { @for h in &record.heights { tr { td { (h.date.format("%-d %B %Y")) } td { (format!("{:.1}", h.cm)) } } } }
                }
            }
            form method="post" action="/bone/height" novalidate {
                (csrf::field(token))
                (text_input(values, errors, "date", "Date measured", "date", ""))
                (text_input(values, errors, "cm", "Height (cm)", "number", "0.1"))
                button type="submit" { "Add height" }
            }
        }
    }
}

fn dexa_form(
    record: &BoneRecord,
    values: Option<&FormValues>,
    errors: &ValidationErrors,
    token: &str,
) -> Markup {
    let fallback = FormValues::default();
    let values = values.unwrap_or(&fallback);
    html! {
        section class="panel" aria-labelledby="dexa-title" {
            h2 id="dexa-title" { "DEXA scan results" }
            @if !record.dexa.is_empty() {
                table {
                    caption { "Your scans" }
                    thead { tr { th scope="col" { "Date" } th scope="col" { "Site" } th scope="col" { "T-score" } } }
                    tbody { @for d in &record.dexa { tr { td { (d.date.format("%-d %B %Y")) } td { (d.site.label()) } td { (format!("{:.1}", d.t_score)) } } } }
                }
            }
            form method="post" action="/bone/dexa" novalidate {
                (csrf::field(token))
                (text_input(values, errors, "date", "Scan date", "date", ""))
                div class="field" {
                    label for="site" { "Site" }
                    select id="site" name="site" aria-invalid=[invalid(errors, "site")] aria-describedby=[described_by(errors, "site")] {
                        @for (name, site) in DexaSite::ALL {
                            option value=(name) selected[values.has("site", name)] { (site.label()) }
                        }
                    }
                    (field_error(errors, "site"))
                }
                (text_input(values, errors, "t_score", "T-score (for example -1.7)", "number", "0.1"))
                button type="submit" { "Add result" }
            }
        }
    }
}

/// Form strings to the JSON the core validates; numbers that do not parse stay strings so
/// the core names them.
pub(crate) fn to_json(
    values: &FormValues,
    numbers: &[&str],
    texts: &[&str],
    lists: &[&str],
    flags: &[&str],
) -> Value {
    let mut m = Map::new();
    for (k, v) in &values.0 {
        let v = v.trim();
        if numbers.contains(&k.as_str()) && !v.is_empty() {
            m.insert(k.clone(), keel_core::validate::number_from_text(v));
        } else if texts.contains(&k.as_str()) && !v.is_empty() {
            m.insert(k.clone(), Value::from(v));
        } else if lists.contains(&k.as_str())
            && let Value::Array(items) = m.entry(k.clone()).or_insert_with(|| Value::Array(vec![]))
        {
            items.push(Value::from(v));
        }
    }
    for f in flags {
        m.insert(f.to_string(), Value::Bool(values.has(f, "yes")));
    }
    Value::Object(m)
}

enum Saved {
    Profile(Box<BoneProfile>),
    Height(bone::HeightMeasurement),
    Dexa(bone::DexaResult),
}

async fn handle(user: keel_store::UserId, state: AppState, req: Request, form: Form) -> Response {
    let headers = req.headers().clone();
    let (_, values) = match read_form(&state, req).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let today = state.today();
    let saved = match form {
        Form::Profile => {
            let json = to_json(
                &values,
                &["age", "weight_kg", "height_cm", "tallest_height_cm"],
                &["birth_date"],
                &["risk_factors"],
                &["vertebral_fracture"],
            );
            // The rest of her profile (history, goals) is not on this form: kept as it is.
            let kept = match state.store.profile(user).await {
                Ok(p) => p.unwrap_or_default(),
                Err(e) => return crate::pages::kit::error_page(e),
            };
            BoneProfile::parse(&json, today).map(|p| {
                Saved::Profile(Box::new(BoneProfile {
                    cancer_history: kept.cancer_history,
                    known_low_bone_density: kept.known_low_bone_density,
                    history_answered: kept.history_answered,
                    goals: kept.goals,
                    welcomed: kept.welcomed,
                    ..p
                }))
            })
        }
        Form::Height => bone::parse_height(&to_json(&values, &["cm"], &["date"], &[], &[]), today)
            .map(Saved::Height),
        Form::Dexa => bone::parse_dexa(
            &to_json(&values, &["t_score"], &["date", "site"], &[], &[]),
            today,
        )
        .map(Saved::Dexa),
    };
    let saved = match saved {
        Ok(s) => s,
        Err(e) => {
            return render(
                user,
                &state,
                &headers,
                Some((form, &values, &e)),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let result = match saved {
        Saved::Profile(p) => state.store.save_profile(user, &p).await.map(|_| "profile"),
        Saved::Height(h) => state.store.add_height(user, &h).await.map(|_| "height"),
        Saved::Dexa(d) => state.store.add_dexa(user, &d).await.map(|_| "dexa"),
    };
    match result {
        Ok(what) => Redirect::to(&format!("/bone?saved={what}")).into_response(),
        Err(e) => crate::pages::kit::error_page(e),
    }
}

pub async fn post_profile(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    req: Request,
) -> Response {
    handle(auth.user, state, req, Form::Profile).await
}

pub async fn post_height(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    req: Request,
) -> Response {
    handle(auth.user, state, req, Form::Height).await
}

pub async fn post_dexa(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    req: Request,
) -> Response {
    handle(auth.user, state, req, Form::Dexa).await
}
