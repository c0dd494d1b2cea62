//! The Profile page and the first visit: about her (age, height, weight: shared by Bone and
//! Desk), her history (the standing answers of clinical-rules.md section 1, asked once and fed
//! into every check-in's triage) and what she would like help with. The first visit walks the
//! same three forms as three skippable steps after a short welcome.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use keel_core::ValidationErrors;
use keel_core::bone::{BoneProfile, GOALS, RiskFactor};
use keel_core::rules::Question;
use maud::{Markup, html};
use serde_json::Value;
use std::collections::HashMap;

use crate::csrf;
use crate::pages::bone::{text_input, to_json};
use crate::pages::kit::{CheckedForm, FormValues, field_error, layout_in, page_response};
use crate::state::AppState;

/// The three parts of her profile, in the order the first visit asks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    About,
    History,
    Cycle,
    Goals,
}

impl Section {
    const ALL: [Section; 4] = [
        Section::About,
        Section::History,
        Section::Cycle,
        Section::Goals,
    ];

    fn name(self) -> &'static str {
        match self {
            Section::About => "about",
            Section::History => "history",
            Section::Cycle => "cycle",
            Section::Goals => "goals",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Section::About => "About you",
            Section::History => "Your history",
            Section::Cycle => "Your cycle",
            Section::Goals => "What you would like help with",
        }
    }

    fn from_name(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.name() == name)
    }

    fn step(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }
}

/// A yes / no / not sure row for a standing answer.
fn yes_no(values: &FormValues, name: &str, question: &str) -> Markup {
    html! {
        fieldset class="tap" {
            legend { (question) }
            div class="chips" {
                @for (v, label) in [("yes", "Yes"), ("no", "No"), ("", "Not sure")] {
                    @let id = format!("{name}-{}", if v.is_empty() { "unsure" } else { v });
                    input type="radio" id=(id) name=(name) value=(v) checked[values.get(name).unwrap_or("") == v];
                    label for=(id) { (label) }
                }
            }
        }
    }
}

/// The form of one section, posting to `/profile/{section}` and going on to `next`.
fn section_form(
    section: Section,
    values: &FormValues,
    errors: &ValidationErrors,
    token: &str,
    next: &str,
    button: &str,
) -> Markup {
    html! {
        form method="post" action={"/profile/" (section.name())} novalidate {
            (csrf::field(token))
            input type="hidden" name="next" value=(next);
            @match section {
                Section::About => {
                    p class="hint" { "Bone health and your desk set-up both use these; you will not be asked again." }
                    (text_input(values, errors, "age", "Your age", "number", "1"))
                    (text_input(values, errors, "height_cm", "Height (cm)", "number", "0.1"))
                    (text_input(values, errors, "weight_kg", "Weight (kg)", "number", "0.1"))
                }
                Section::History => {
                    p class="hint" { "Asked once, not every day. Keel counts these in every check-in's safety questions; change them here whenever they change." }
                    (yes_no(values, "cancer_history", "Have you ever had cancer?"))
                    (yes_no(values, "known_low_bone_density", "Have you been told you have osteoporosis or osteopenia (low bone density)?"))
                    (yes_no(values, "fragility_fracture", "Have you broken a bone after 40 from a fall from standing height or less?"))
                    (yes_no(values, "glucocorticoids", "Have you taken steroid tablets (such as prednisolone) for 3 months or more?"))
                }
                Section::Cycle => { (crate::pages::cycle::context_fields(values, errors)) }
                Section::Goals => {
                    fieldset class="tap" {
                        legend { "Choose any" }
                        div class="chips" {
                            @for (id, label) in GOALS {
                                input type="checkbox" id={"goal-" (id)} name="goals" value=(id) checked[values.has("goals", id)];
                                label for={"goal-" (id)} { (label) }
                            }
                        }
                        (field_error(errors, "goals"))
                    }
                }
            }
            button type="submit" { (button) }
        }
    }
}

/// Her profile as the forms show it: what the Bone form shows (age, height, weight among it),
/// and her history and goals.
fn values_of(p: &BoneProfile) -> FormValues {
    let mut v = crate::pages::bone::profile_values(p).0;
    let word = |b: Option<bool>| b.map(|b| if b { "yes" } else { "no" }.to_string());
    let answers = p.standing_answers();
    for (k, answer) in [
        ("cancer_history", p.cancer_history),
        ("known_low_bone_density", p.known_low_bone_density),
        (
            "fragility_fracture",
            answers.get(Question::PreviousFragilityFracture),
        ),
        (
            "glucocorticoids",
            answers.get(Question::OralSteroids3Months),
        ),
    ] {
        if let Some(w) = word(answer) {
            v.push((k.to_string(), w));
        }
    }
    for g in &p.goals {
        v.push(("goals".into(), g.clone()));
    }
    v.extend(crate::pages::cycle::context_values(p));
    FormValues(v)
}

/// Her profile with one section replaced by what the form sent (the rest kept).
fn merged(
    kept: &BoneProfile,
    section: Section,
    values: &FormValues,
    today: chrono::NaiveDate,
) -> Result<BoneProfile, ValidationErrors> {
    let mut json = kept.to_json();
    let answer = |name: &str| match values.get(name) {
        Some("yes") => Value::Bool(true),
        Some("no") => Value::Bool(false),
        _ => Value::Null,
    };
    match section {
        Section::About => {
            let sent = to_json(values, &["age", "height_cm", "weight_kg"], &[], &[], &[]);
            for k in ["age", "height_cm", "weight_kg"] {
                json[k] = sent.get(k).cloned().unwrap_or(Value::Null);
            }
        }
        Section::History => {
            json["cancer_history"] = answer("cancer_history");
            json["known_low_bone_density"] = answer("known_low_bone_density");
            let mut factors: Vec<&str> = kept
                .risk_factors
                .iter()
                .filter(|f| {
                    !matches!(
                        f,
                        RiskFactor::FragilityFracture | RiskFactor::Glucocorticoids
                    )
                })
                .map(|f| f.name())
                .collect();
            if answer("fragility_fracture") == Value::Bool(true) {
                factors.push(RiskFactor::FragilityFracture.name());
            }
            if answer("glucocorticoids") == Value::Bool(true) {
                factors.push(RiskFactor::Glucocorticoids.name());
            }
            json["risk_factors"] = serde_json::json!(factors);
            // Absent risk factors read as "no" only once both were answered yes or no.
            json["history_answered"] = Value::Bool(
                answer("fragility_fracture") != Value::Null
                    && answer("glucocorticoids") != Value::Null,
            );
        }
        Section::Cycle => return crate::pages::cycle::merge_context(kept, values, today),
        Section::Goals => {
            let goals: Vec<&str> = values
                .0
                .iter()
                .filter(|(k, _)| k == "goals")
                .map(|(_, v)| v.as_str())
                .collect();
            json["goals"] = serde_json::json!(goals);
        }
    }
    BoneProfile::parse(&json, today)
}

/// Where a form may send her on: a page of Keel's own, else the Profile page.
fn next_page(values: &FormValues, section: Section) -> String {
    match values.get("next") {
        Some(n) if n.starts_with('/') && !n.starts_with("//") => n.to_string(),
        _ => format!("/profile?saved={}#{}", section.name(), section.name()),
    }
}

pub async fn page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let profile = match state.store.profile(auth.user).await {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => return crate::pages::kit::error_page(e),
    };
    render(
        &state,
        &headers,
        auth.user,
        &profile,
        q.get("saved").map(String::as_str),
        None,
    )
    .await
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    user: keel_store::UserId,
    profile: &BoneProfile,
    saved: Option<&str>,
    failed: Option<(Section, &FormValues, &ValidationErrors)>,
) -> Response {
    let stored = values_of(profile);
    let none = ValidationErrors::new();
    let stage = match keel_app::cycle::stage_view(&state.store, user, state.today()).await {
        Ok(v) => v,
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page_response(state, headers, status, |token| {
        let body = html! {
            h1 { "Your profile" }
            p class="hint" { "What Keel knows about you, in one place. Bone, Desk and every check-in read it." }
            @for section in Section::ALL {
                section class="panel" id=(section.name()) aria-labelledby={(section.name()) "-title"} {
                    h2 id={(section.name()) "-title"} { (section.title()) }
                    @if section == Section::Cycle {
                        p { "Where you are: " a href="/cycle" { (stage.words) } ". " span class="hint" { (stage.assessment.reason) } }
                    }
                    @if saved == Some(section.name()) { p class="notice" role="status" { "Saved." } }
                    @match failed {
                        Some((s, values, errors)) if s == section => {
                            (section_form(section, values, errors, token, "", "Save"))
                        }
                        _ => { (section_form(section, &stored, &none, token, "", "Save")) }
                    }
                }
            }
            p { a href="/bone" { "Bone health: heights, scans and risk factors" } " · " a href="/desk" { "Desk set-up" } }
        };
        layout_in("account", "Profile", body).into_string()
    })
}

pub async fn post_section(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(headers, values): CheckedForm,
) -> Response {
    let Some(section) = Section::from_name(&name) else {
        return crate::pages::kit::not_found().await;
    };
    let kept = match state.store.profile(auth.user).await {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => return crate::pages::kit::error_page(e),
    };
    match merged(&kept, section, &values, state.today()) {
        Ok(p) => match state.store.save_profile(auth.user, &p).await {
            Ok(()) => Redirect::to(&next_page(&values, section)).into_response(),
            Err(e) => crate::pages::kit::error_page(e),
        },
        Err(errors) => {
            if values
                .get("next")
                .is_some_and(|n| n.starts_with("/welcome"))
            {
                return welcome_step(
                    &state,
                    &headers,
                    auth.user,
                    section,
                    Some((&values, &errors)),
                )
                .await;
            }
            render(
                &state,
                &headers,
                auth.user,
                &kept,
                None,
                Some((section, &values, &errors)),
            )
            .await
        }
    }
}

// ---------------------------------------------------------------- the first visit

/// What Keel does and does not do, said once on the first visit.
pub(crate) fn welcome_card(token: &str) -> Markup {
    html! {
        section class="panel welcome" aria-labelledby="welcome-title" {
            h2 id="welcome-title" { "Welcome to Keel" }
            p { "Keel is a daily companion for back pain, posture and bone health through perimenopause. Each morning a one-minute check-in tells you what kind of day it is and gives you a plan to match, and it checks every time for the warning signs that need a clinician." }
            p { "Keel informs; it does not diagnose or replace your clinician. Your data stays on this server, yours to export or delete." }
            p { "Four short steps help it fit you. Each can be skipped and changed later on your profile." }
            div class="row" {
                a class="button" href="/welcome/about" { "Start: 4 short steps" }
                form method="post" action="/welcome/done" {
                    (csrf::field(token))
                    button type="submit" class="secondary" { "Skip, check in now" }
                }
            }
        }
    }
}

async fn welcome_step(
    state: &AppState,
    headers: &HeaderMap,
    user: keel_store::UserId,
    section: Section,
    failed: Option<(&FormValues, &ValidationErrors)>,
) -> Response {
    // What she has answered already shows, so that going through again changes nothing unasked.
    let stored = match state.store.profile(user).await {
        Ok(p) => values_of(&p.unwrap_or_default()),
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let next = Section::ALL
        .get(section.step())
        .map(|s| format!("/welcome/{}", s.name()));
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let none = ValidationErrors::new();
    let (values, errors) = failed.unwrap_or((&stored, &none));
    page_response(state, headers, status, |token| {
        let after = next.clone().unwrap_or_else(|| "/welcome/finish".into());
        let body = html! {
            p class="hint" { "Step " (section.step()) " of " (Section::ALL.len()) }
            h1 { (section.title()) }
            (section_form(section, values, errors, token, &after, if next.is_some() { "Save and go on" } else { "Save and finish" }))
            @match &next {
                Some(n) => { p { a href=(n) { "Skip this step" } } }
                None => {
                    form method="post" action="/welcome/done" {
                        (csrf::field(token))
                        button type="submit" class="secondary" { "Skip and finish" }
                    }
                }
            }
        };
        layout_in("today", section.title(), body).into_string()
    })
}

pub async fn step(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if name == "finish" {
        // The last step saved: the welcome is done.
        return finish_page(&state, &headers).await;
    }
    match Section::from_name(&name) {
        Some(section) => welcome_step(&state, &headers, auth.user, section, None).await,
        None => crate::pages::kit::not_found().await,
    }
}

async fn finish_page(state: &AppState, headers: &HeaderMap) -> Response {
    page_response(state, headers, StatusCode::OK, |token| {
        let body = html! {
            h1 { "All set" }
            p { "Thank you. Your profile is saved; change it any time from Account." }
            form method="post" action="/welcome/done" {
                (csrf::field(token))
                button type="submit" { "Go to today's check-in" }
            }
        };
        layout_in("today", "All set", body).into_string()
    })
}

/// Finishing or skipping the welcome: it is not shown again.
pub async fn post_done(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    CheckedForm(_, _): CheckedForm,
) -> Response {
    let mut p = match state.store.profile(auth.user).await {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => return crate::pages::kit::error_page(e),
    };
    p.welcomed = true;
    match state.store.save_profile(auth.user, &p).await {
        Ok(()) => Redirect::to("/#checkin").into_response(),
        Err(e) => crate::pages::kit::error_page(e),
    }
}
