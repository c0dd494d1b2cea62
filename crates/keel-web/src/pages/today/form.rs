//! The check-in form: the 0-10 taps, presets, the safety questions, and the optional block of
//! perimenopause symptoms and the day's bleeding (clinical-rules.md section 8).

use crate::csrf;
use crate::pages::kit::{FormValues, described_by, field_error, field_label, invalid};
use chrono::NaiveDate;
use keel_core::ValidationErrors;
use keel_core::checkin::{Location, NOTES_MAX_CHARS};
use keel_core::rules::Question;
use keel_core::symptoms::Symptom;
use maud::{Markup, html};
use serde_json::{Map, Value};

/// A 0-10 row of tap targets.
fn scale(
    values: &FormValues,
    errors: &ValidationErrors,
    name: &str,
    legend: &str,
    hint: &str,
) -> Markup {
    html! {
        fieldset class="tap" aria-invalid=[invalid(errors, name)] aria-describedby=[described_by(errors, name)] {
            legend { (legend) span class="hint" { (hint) } }
            div class="scale" {
                @for i in 0..=10 {
                    @let v = i.to_string();
                    input type="radio" id={(name) "-" (i)} name=(name) value=(v) checked[values.has(name, &v)];
                    label for={(name) "-" (i)} { (i) }
                }
            }
            (field_error(errors, name))
        }
    }
}

/// Presets as tap targets, and a small field for any other value (which wins when filled).
fn presets(
    values: &FormValues,
    errors: &ValidationErrors,
    name: &str,
    legend: &str,
    options: &[(&str, &str)],
    unit: &str,
) -> Markup {
    let current = values.get(name).unwrap_or("");
    let preset = options.iter().any(|(v, _)| *v == current);
    let other = format!("{name}_other");
    let other_value = values
        .get(&other)
        .or((!preset && !current.is_empty()).then_some(current));
    html! {
        fieldset class="tap" aria-invalid=[invalid(errors, name)] aria-describedby=[described_by(errors, name)] {
            legend { (legend) }
            div class="chips" {
                @for (v, label) in options {
                    input type="radio" id={(name) "-" (v)} name=(name) value=(v) checked[preset && current == *v];
                    label for={(name) "-" (v)} { (label) }
                }
                span class="other" {
                    label for=(other) { "Other" }
                    input type="number" id=(other) name=(other) min="0" inputmode="decimal" value=[other_value] aria-label={(legend) ", other (" (unit) ")"};
                    span { (unit) }
                }
            }
            (field_error(errors, name))
        }
    }
}

pub(crate) fn check_in_form(
    date: NaiveDate,
    values: &FormValues,
    errors: &ValidationErrors,
    token: &str,
    cycle: &SymptomAsk,
    has_stored: bool,
    // Open it although a check-in is stored (an answer is missing); without one, whether to
    // offer "Same as yesterday" (not on a first visit).
    extra: bool,
) -> Markup {
    let open = !has_stored || !errors.is_empty() || extra;
    let offer_same = !has_stored && extra;
    let others_open = Question::ALL.iter().any(|q| {
        !q.is_emergency()
            && !keel_core::triage::STANDING_QUESTIONS.contains(q)
            && values.has("rf", q.name())
    });
    let day = values
        .get("date")
        .and_then(keel_core::validate::parse_date)
        .unwrap_or(date);
    html! {
        details class="checkin" open[open] id="checkin" {
            summary { h2 { @if has_stored { "Update this check-in" } @else { "Check in" } } }
            @if !errors.is_empty() {
                div class="error-summary" role="alert" tabindex="-1" {
                    h3 { "Please check these answers" }
                    ul { @for e in errors.errors() { li { (field_label(&e.field)) " " (e.message) } } }
                }
            }
            @if offer_same {
                p class="same" { a href={"/?date=" (day) "&same=yesterday#checkin"} { "Same as yesterday" } span class="hint" { " fills pain, sleep, energy and the rest; never the safety questions" } }
            }
            form method="post" action="/checkin" novalidate {
                (csrf::field(token))
                input type="hidden" name="asked_other" value="1";
                input type="hidden" name="date" value=(day);
                (field_error(errors, "date"))
                (scale(values, errors, "pain", "Pain right now", "0 none, 10 the worst"))
                fieldset class="tap" {
                    legend { "Where?" }
                    div class="chips" {
                        @for (name, loc) in Location::ALL {
                            input type="checkbox" id={"loc-" (name)} name="locations" value=(name) checked[values.has("locations", name)];
                            label for={"loc-" (name)} { (loc.label()) }
                        }
                    }
                    (field_error(errors, "locations"))
                }
                fieldset class="tap" {
                    legend { "How did this pain start?" }
                    div class="chips" {
                        @for (value, label) in [("gradual", "Gradually"), ("sudden", "Suddenly"), ("", "Not sure")] {
                            @let id = if value.is_empty() { "onset-unsure" } else if value == "sudden" { "onset-sudden" } else { "onset-gradual" };
                            input type="radio" id=(id) name="onset" value=(value) checked[values.get("onset").unwrap_or("") == value];
                            label for=(id) { (label) }
                        }
                    }
                    (field_error(errors, "onset"))
                }
                (scale(values, errors, "sleep", "Sleep last night", "0 very poor, 10 great"))
                (scale(values, errors, "energy", "Energy today", "0 exhausted, 10 full"))
                (presets(values, errors, "stiffness_minutes", "Morning stiffness", &[("0", "None"), ("15", "15 min"), ("30", "30 min"), ("60", "1 hour"), ("120", "2 hours")], "min"))
                (presets(values, errors, "walking_minutes", "Walking today", &[("0", "None"), ("10", "10 min"), ("20", "20 min"), ("30", "30 min"), ("45", "45 min"), ("60", "1 hour")], "min"))
                (presets(values, errors, "sitting_hours", "Sitting today", &[("2", "2 h"), ("4", "4 h"), ("6", "6 h"), ("8", "8 h"), ("10", "10 h")], "h"))
                fieldset class="safety" aria-describedby=[described_by(errors, "emergency_screen")] {
                    legend { "Is any of this new today?" }
                    div class="chips screen" {
                        input type="radio" id="screen-none" name="emergency_screen" value="none" checked[values.has("emergency_screen", "none")];
                        label for="screen-none" { "None of these" }
                        input type="radio" id="screen-some" name="emergency_screen" value="some" checked[values.has("emergency_screen", "some")];
                        label for="screen-some" { "Yes: I tick it below" }
                    }
                    (field_error(errors, "emergency_screen"))
                    ul class="signs" {
                        @for q in Question::EMERGENCY {
                            li class="choice" {
                                input type="checkbox" id={"rf-" (q.name())} name="rf" value=(q.name()) checked[values.has("rf", q.name())];
                                label for={"rf-" (q.name())} { (q.text()) }
                            }
                        }
                    }
                }
                details class="more" open[others_open] {
                    summary { "Anything else new? " span class="hint" { "fever, weight loss, night pain, a fall, one leg weak…" } }
                    p class="hint" { "Tick any that apply. Left unticked, each counts as no. Questions about your past (cancer, bone density, fractures, steroid tablets) are on your " a href="/profile" { "profile" } ", asked once." }
                    @for q in Question::ALL.iter().filter(|q| !q.is_emergency() && !keel_core::triage::STANDING_QUESTIONS.contains(q)) {
                        div class="choice" {
                            input type="checkbox" id={"rf-" (q.name())} name="rf" value=(q.name()) checked[values.has("rf", q.name())];
                            label for={"rf-" (q.name())} { (q.text()) }
                        }
                    }
                }
                (symptom_block(values, errors, cycle))
                details class="more" open[values.get("notes").is_some_and(|n| !n.is_empty()) || invalid(errors, "notes").is_some()] {
                    summary { "Add a note" }
                    div class="field" {
                        label for="notes" { "Notes" }
                        span class="hint" id="notes-hint" { "Anything else about today (up to " (NOTES_MAX_CHARS) " characters)" }
                        textarea id="notes" name="notes" rows="3" maxlength=(NOTES_MAX_CHARS)
                            aria-invalid=[invalid(errors, "notes")] aria-describedby=[described_by(errors, "notes").or(Some("notes-hint".into()))] {
                            (values.get("notes").unwrap_or(""))
                        }
                        (field_error(errors, "notes"))
                    }
                }
                button type="submit" { "Save check-in" }
            }
        }
    }
}

use keel_app::today::SymptomAsk;

/// The form field of a listed symptom's rating.
fn symptom_field(s: Symptom) -> String {
    format!("sym_{}", s.key())
}

/// The form field of one of her own symptoms.
const OWN_PREFIX: &str = "own:";

/// One 0-4 row: the symptom's name, then five taps (none of them ticked: not rated).
fn rating_row(
    values: &FormValues,
    errors: &ValidationErrors,
    name: &str,
    id: &str,
    label: &str,
    error_at: &str,
) -> Markup {
    html! {
        fieldset class="rate" aria-invalid=[invalid(errors, error_at)] aria-describedby=[described_by(errors, error_at)] {
            legend { (label) }
            div class="scale four" {
                @for i in 0..=keel_core::symptoms::RATING_MAX {
                    @let v = i.to_string();
                    input type="radio" id={(id) "-" (i)} name=(name) value=(v) checked[values.has(name, &v)];
                    label for={(id) "-" (i)} title=(keel_core::symptoms::RATING_WORDS[usize::from(i)]) { (i) }
                }
            }
            (field_error(errors, error_at))
        }
    }
}

/// The optional block of section 8: the listed symptoms 0-4, "no symptoms today", the
/// hot-flush count, her own symptoms and a new one, and the day's bleeding.
fn symptom_block(values: &FormValues, errors: &ValidationErrors, cycle: &SymptomAsk) -> Markup {
    let rated = values.0.iter().any(|(k, _)| {
        k.starts_with("sym_")
            || k.starts_with(OWN_PREFIX)
            || k == "no_symptoms"
            || k == "bleeding_flow"
    });
    let failed = errors.errors().iter().any(|e| {
        ["symptoms", "custom_symptoms", "hot_flush_count", "bleeding"]
            .iter()
            .any(|p| e.field.starts_with(p))
    });
    html! {
        details class="more symptoms" open[cycle.open || rated || failed] id="symptoms" {
            summary { "Perimenopause symptoms " span class="hint" { "optional: hot flushes, sleep, mood, aches…" } }
            p class="hint" { "0 none · 1 mild · 2 moderate · 3 severe · 4 very severe. Leave a row untouched if you would rather not say." }
            div class="choice" {
                input type="checkbox" id="no-symptoms" name="no_symptoms" value="1" checked[values.has("no_symptoms", "1")];
                label for="no-symptoms" { "No symptoms today" span class="hint" { " (counts every row left untouched as 0)" } }
            }
            @for s in Symptom::ALL {
                (rating_row(values, errors, &symptom_field(*s), &format!("sym-{}", s.key()), s.label(), &format!("symptoms.{}", s.key())))
            }
            div class="field short" {
                label for="hot_flush_count" { "Hot flushes counted today" }
                input type="number" id="hot_flush_count" name="hot_flush_count" min="0" max="100" inputmode="numeric"
                    value=[values.get("hot_flush_count")] aria-invalid=[invalid(errors, "hot_flush_count")] aria-describedby=[described_by(errors, "hot_flush_count")];
                (field_error(errors, "hot_flush_count"))
            }
            @for (i, name) in cycle.custom.iter().enumerate() {
                (rating_row(values, errors, &format!("{OWN_PREFIX}{name}"), &format!("own-{i}"), name, &format!("custom_symptoms.{name}")))
            }
            div class="field own" {
                label for="own_new_name" { "A symptom of your own" span class="hint" { " (up to 40 characters; kept for tomorrow)" } }
                input type="text" id="own_new_name" name="own_new_name" maxlength="40" value=[values.get("own_new_name")]
                    aria-invalid=[invalid(errors, "custom_symptoms")] aria-describedby=[described_by(errors, "custom_symptoms")];
                (field_error(errors, "custom_symptoms"))
            }
            (rating_row(values, errors, "own_new", "own-new", "How much today?", "custom_symptoms.new"))
            @if cycle.asks_bleeding {
                fieldset class="tap" aria-invalid=[invalid(errors, "bleeding.flow")] aria-describedby=[described_by(errors, "bleeding.flow")] {
                    legend { "Bleeding today " span class="hint" { "a period, spotting, or none" } }
                    div class="chips" {
                        @for (v, label) in [("none", "None"), ("spotting", "Spotting"), ("light", "Light"), ("medium", "Medium"), ("heavy", "Heavy")] {
                            input type="radio" id={"flow-" (v)} name="bleeding_flow" value=(v) checked[values.has("bleeding_flow", v)];
                            label for={"flow-" (v)} { (label) }
                        }
                    }
                    div class="choice" {
                        input type="checkbox" id="after-sex" name="after_sex" value="1" checked[values.has("after_sex", "1")];
                        label for="after-sex" { "It came after sex" }
                    }
                    (field_error(errors, "bleeding.flow"))
                    p class="hint" { "Past periods go on " a href="/cycle" { "your cycle" } "." }
                }
            }
        }
    }
}

/// The block's fields as the check-in's JSON: `symptoms`, `hot_flush_count`,
/// `custom_symptoms` and `bleeding`. A rating left untouched is not rated, unless "no
/// symptoms today" is ticked, which makes it 0.
pub(crate) fn symptoms_json(values: &FormValues) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let none = values.has("no_symptoms", "1");
    let mut ratings = Map::new();
    for s in Symptom::ALL {
        match values
            .get(&symptom_field(*s))
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(v) => {
                ratings.insert(s.key().into(), keel_core::validate::number_from_text(v));
            }
            None if none => {
                ratings.insert(s.key().into(), Value::from(0));
            }
            None => {}
        }
    }
    if !ratings.is_empty() {
        out.push(("symptoms".into(), Value::Object(ratings)));
    }
    if let Some(v) = values
        .get("hot_flush_count")
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        out.push((
            "hot_flush_count".into(),
            keel_core::validate::number_from_text(v),
        ));
    }
    let mut own = Map::new();
    for (k, v) in &values.0 {
        if let Some(name) = k.strip_prefix(OWN_PREFIX)
            && !v.trim().is_empty()
        {
            own.insert(name.into(), keel_core::validate::number_from_text(v.trim()));
        }
    }
    if let Some(name) = values.get("own_new_name").filter(|n| !n.trim().is_empty()) {
        let rating = values
            .get("own_new")
            .map(str::trim)
            .filter(|v| !v.is_empty());
        own.insert(
            name.into(),
            rating
                .map(keel_core::validate::number_from_text)
                .unwrap_or(Value::Null),
        );
    }
    if !own.is_empty() {
        out.push(("custom_symptoms".into(), Value::Object(own)));
    }
    if let Some(flow) = values.get("bleeding_flow").filter(|f| !f.is_empty()) {
        out.push((
            "bleeding".into(),
            serde_json::json!({"flow": flow, "after_sex": values.has("after_sex", "1")}),
        ));
    }
    out
}

/// The form's values for a stored check-in's symptom block.
pub(crate) fn symptom_values(c: &keel_core::CheckIn) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = c
        .symptoms
        .ratings
        .iter()
        .map(|(s, r)| (symptom_field(*s), r.to_string()))
        .collect();
    out.extend(
        c.symptoms
            .custom
            .iter()
            .map(|(n, r)| (format!("{OWN_PREFIX}{n}"), r.to_string())),
    );
    if let Some(b) = c.symptoms.bleeding {
        out.push(("bleeding_flow".into(), b.flow.name().into()));
        if b.after_sex {
            out.push(("after_sex".into(), "1".into()));
        }
    }
    out
}
