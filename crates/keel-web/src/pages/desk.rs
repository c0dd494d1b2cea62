//! The Desk page: the workstation check, with a side-view drawing of the heights it
//! recommends.

use crate::csrf;
use crate::pages::kit::{CheckedForm, FormValues, described_by, field_error, invalid, layout_in};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use keel_app::desk::{DESK, desk_input};
use keel_core::ValidationErrors;
use keel_core::desk::{self, DeskAssessment, DeskInput};
use maud::{Markup, html};
use serde_json::{Map, Value};

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
            line x1="20" y1=(y(cm)) x2="612" y2=(y(cm)) class="level" {}
            text x="612" y=(y(cm) - 6.0) text-anchor="end" class="label" { (label) " " (format!("{cm:.1}")) " cm" }
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
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let a = desk::assess(&input);
    let (token, cookie) = state.csrf.token(headers);
    let stored_values = values_of(&input);
    let empty = ValidationErrors::new();
    let (values, errors) = failed.unwrap_or((&stored_values, &empty));
    let body = html! {
        h1 { "Desk set-up" }
        @if let Some(l) = crate::pages::learn::article_link("desk") { p { (l) } }
        section class="daytype" aria-labelledby="heights-title" {
            h2 id="heights-title" { "Heights for you" }
            @if a.seat_height.is_none() && a.desk_height.is_none() {
                p { "Enter your height below (or your own measurements) to see the seat, desk and screen heights that fit you." }
            } @else {
                dl class="facts" {
                    @if let Some(h) = a.seat_height { dt { "Seat height" } dd { (format!("{:.1}", h.cm)) " cm, " (basis_note(Some(h))) " " (crate::pages::kit::why("Rule ERG-SEAT-HEIGHT.")) } }
                    @if let Some(h) = a.desk_height { dt { "Desk height" } dd { (format!("{:.1}", h.cm)) " cm, " (basis_note(Some(h))) " " (crate::pages::kit::why("Rule ERG-DESK-HEIGHT.")) } }
                    @if let Some(h) = a.eye_height { dt { "Top of the screen" } dd { "at or just below " (format!("{:.1}", h.cm)) " cm, 50-100 cm away " (crate::pages::kit::why("Rule ERG-MONITOR.")) } }
                }
                figure { (side_view(&a)) figcaption { "The drawing marks the seat, desk and eye-level heights listed above." } }
            }
            @if !a.findings.is_empty() {
                h3 { "What to change" }
                ul class="findings" {
                    @for f in &a.findings { li { (f.fix) " " (crate::pages::kit::why(crate::pages::kit::rule_evidence(&f.rule, &f.source))) } }
                }
            }
            p class="hint" { "Heights from your stature are averages for adults: starting points. Your own measurements, when you enter them, replace them." }
        }
        (desk_form(values, errors, &token))
    };
    crate::pages::kit::with_csrf_cookie(
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
            Err(e) => crate::pages::kit::error_page(e),
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
