//! The Today page: her check-in, triaged every time, and the plan for the day; the forms that
//! save a check-in, acknowledge a warning and log what she did.

use crate::csrf;
use crate::pages::kit::{CheckedForm, FormValues, page_response};
use crate::pages::today::markup::{Sent, Shown, TodayData, TodayForms, sent_date, today_markup};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use keel_core::rules::Question;
use keel_core::{CheckIn, ValidationErrors};
use serde_json::{Map, Value};
use std::collections::HashMap;

mod form;
mod markup;

const INT_FIELDS: &[&str] = &[
    "pain",
    "stiffness_minutes",
    "sleep",
    "energy",
    "walking_minutes",
];

const TEXT_FIELDS: &[&str] = &["date", "onset", "notes"];

/// Fields asked as presets with an "other" field beside them.
const PRESET_FIELDS: &[&str] = &["stiffness_minutes", "walking_minutes", "sitting_hours"];

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
    // A value typed into a group's "other" field wins over its presets.
    for k in PRESET_FIELDS {
        if let Some(v) = values
            .get(&format!("{k}_other"))
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            m.insert((*k).into(), keel_core::validate::number_from_text(v));
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
    // The standing questions are not on the daily form: her stored answers stand in for them.
    let daily =
        |q: &&Question| !q.is_emergency() && !keel_core::triage::STANDING_QUESTIONS.contains(q);
    for q in Question::ALL.iter().filter(daily) {
        if ticked.contains(q) {
            m.insert(q.name().into(), Value::Bool(true));
        } else if others_asked {
            m.insert(q.name().into(), Value::Bool(false));
        }
    }
    m.extend(form::symptoms_json(values));
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
        return fresh_today(
            &state,
            &auth,
            &headers,
            date,
            None,
            notice.map(Shown::Notice),
        )
        .await;
    }
    if let Some(rule) = q.get("not_yet") {
        // "Not yet": the advice again, at the top of Today.
        let shown = Some(Shown::NotYet(rule.as_str()));
        return fresh_today(&state, &auth, &headers, date, None, shown).await;
    }
    if q.get("same").map(String::as_str) == Some("yesterday") {
        return same_as_yesterday(&state, &auth, &headers, date).await;
    }
    let page = state
        .views
        .get_or_load(
            (auth.user, auth.revision),
            crate::cache::View::Today(date, today),
            KeptPage::weight,
            || async {
                let data = today_data(&state, auth.user, date).await?;
                let form = TodayForms {
                    values: &data.form_values(date),
                    errors: &ValidationErrors::new(),
                    sent: None,
                };
                let html = today_markup(today, date, &data, &form, None, csrf::PLACEHOLDER);
                Ok::<_, keel_store::StoreError>(KeptPage::new(html.into_string()))
            },
        )
        .await;
    match page {
        Ok(page) => page_response(&state, &headers, StatusCode::OK, |token| {
            page.with_token(token)
        }),
        Err(e) => crate::pages::kit::error_page(e),
    }
}

/// The day's form filled with yesterday's answers to the questions that are not about safety
/// (pain, where, sleep, energy, stiffness, sitting, walking); never a safety answer, which she
/// gives again each day.
async fn same_as_yesterday(
    state: &AppState,
    auth: &crate::auth::Auth,
    headers: &HeaderMap,
    date: NaiveDate,
) -> Response {
    let yesterday = date.pred_opt().unwrap_or(date);
    let previous = match state.store.check_in(auth.user, yesterday).await {
        Ok(p) => p,
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let Some(previous) = previous else {
        let notice = "There is no check-in for yesterday to copy.";
        return fresh_today_with(
            state,
            auth,
            headers,
            date,
            None,
            Some(Shown::Notice(notice)),
            None,
        )
        .await;
    };
    let mut values = FormValues(vec![("date".into(), date.to_string())]);
    values.0.extend(
        FormValues::from_check_in(&previous.check_in)
            .0
            .into_iter()
            .filter(|(k, _)| markup::SAME_AS_YESTERDAY.contains(&k.as_str())),
    );
    let notice = "Filled in from yesterday: change anything that is different, answer the safety questions, then save.";
    fresh_today_with(
        state,
        auth,
        headers,
        date,
        None,
        Some(Shown::Notice(notice)),
        Some(&values),
    )
    .await
}

async fn fresh_today(
    state: &AppState,
    auth: &crate::auth::Auth,
    headers: &HeaderMap,
    date: NaiveDate,
    sent: Option<Sent<'_>>,
    shown: Option<Shown<'_>>,
) -> Response {
    fresh_today_with(state, auth, headers, date, sent, shown, None).await
}

async fn fresh_today_with(
    state: &AppState,
    auth: &crate::auth::Auth,
    headers: &HeaderMap,
    date: NaiveDate,
    sent: Option<Sent<'_>>,
    shown: Option<Shown<'_>>,
    prefill: Option<&FormValues>,
) -> Response {
    let data = match today_data(state, auth.user, date).await {
        Ok(d) => d,
        Err(e) => return crate::pages::kit::error_page(e),
    };
    let fresh = prefill.map_or_else(|| data.form_values(date), |p| FormValues(p.0.clone()));
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
        today_markup(state.today(), date, &data, &form, shown, token).into_string()
    })
}

/// The Today page as every visitor gets it, kept with her data: rendered once with
/// [`csrf::PLACEHOLDER`] where the token goes, and cut there, so that each visitor's own
/// token is put in without rendering the page again.
struct KeptPage {
    parts: Vec<String>,
}

impl KeptPage {
    fn new(html: String) -> Self {
        // memchr's search: `str::split` by a string walks the whole page a byte at a time.
        let mut parts = Vec::new();
        let mut at = 0;
        for found in memchr::memmem::find_iter(html.as_bytes(), csrf::PLACEHOLDER) {
            parts.push(html[at..found].to_string());
            at = found + csrf::PLACEHOLDER.len();
        }
        parts.push(html[at..].to_string());
        KeptPage { parts }
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
        Err(e) => crate::pages::kit::error_page(e),
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
        Err(keel_store::StoreError::Invalid(errors)) => {
            let sent = Sent::CheckIn(&values, &errors);
            fresh_today(&state, &auth, &headers, check_in.date, Some(sent), None).await
        }
        Err(e) => crate::pages::kit::error_page(e),
    }
}

async fn today_data(
    state: &AppState,
    user: keel_store::UserId,
    date: NaiveDate,
) -> Result<TodayData, keel_store::StoreError> {
    let day = keel_app::today::today(&state.store, &state.library, user, date).await?;
    Ok(TodayData {
        day,
        phones: state.phones.clone(),
    })
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
    let logged = keel_app::activities::log_activity(
        &state.store,
        &state.library,
        auth.user,
        &Value::Object(m),
        today,
    )
    .await;
    match logged {
        Ok((activity, _)) => Redirect::to(&format!(
            "/?date={}&saved=logged#item-{}",
            activity.date, activity.exercise_id
        ))
        .into_response(),
        Err(keel_app::AppError::Invalid(errors)) => {
            let date = sent_date(&values, today);
            let sent = Sent::Log(&values, &errors);
            fresh_today(&state, &auth, &headers, date, Some(sent), None).await
        }
        Err(keel_app::AppError::Store(e)) => crate::pages::kit::error_page(e),
    }
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
    fn a_kept_page_takes_each_visitor_s_token_wherever_the_placeholder_was() {
        let p = csrf::PLACEHOLDER;
        for html in [
            String::new(),
            "<p>no form</p>".to_string(),
            format!("{p}<form>{p}{p}</form><input value=\"{p}\">{p}"),
            format!("<a>{p}</a>"),
        ] {
            let kept = KeptPage::new(html.clone());
            assert_eq!(
                kept.with_token("tok-123"),
                html.replace(p, "tok-123"),
                "{html}"
            );
        }
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
