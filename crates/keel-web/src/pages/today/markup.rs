//! The Today page's markup: emergencies and red flags first, the plan with its forms, and the
//! check-in form.

use crate::csrf;
use crate::pages::kit::{
    FormValues, described_by, field_error, field_label, invalid, movement_list,
};
use chrono::NaiveDate;
use keel_app::views::PlanView;
use keel_core::rules::Question;
use keel_core::triage::TriageLevel;
use keel_core::{DayType, ValidationErrors};
use keel_store::StoredCheckIn;
use maud::{Markup, html};

use super::form::check_in_form;

/// The Today page read afresh rather than kept: right after one of her writes (with its
/// notice), or with a posted form and its errors (status 422), whose handler writes.
/// A form of the Today page sent back with its errors, to show beside its fields with the
/// values she gave.
#[derive(Clone, Copy)]
pub(crate) enum Sent<'a> {
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

/// The forms of the Today page: the check-in form's values and errors, and any other form
/// sent back.
pub(crate) struct TodayForms<'a> {
    pub(crate) values: &'a FormValues,
    pub(crate) errors: &'a ValidationErrors,
    pub(crate) sent: Option<Sent<'a>>,
}

/// What the Today page shows for a day, and the numbers its safety blocks offer to call.
pub(crate) struct TodayData {
    pub(crate) day: keel_app::today::Today,
    pub(crate) phones: crate::safety::Phones,
}

/// What Today shows above its content after one of her own actions.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shown<'a> {
    /// A sentence: "Check-in saved.", and the like.
    Notice(&'a str),
    /// She answered "not yet" about an earlier urgent finding (its rule): the advice again.
    NotYet(&'a str),
}

impl TodayData {
    /// The check-in form's values: the day's check-in, or an empty form for the day.
    pub(crate) fn form_values(&self, date: NaiveDate) -> FormValues {
        self.day
            .stored
            .as_ref()
            .map(|s| {
                let mut v = FormValues::from_check_in(&s.check_in);
                v.0.extend(super::form::symptom_values(&s.check_in));
                v
            })
            .unwrap_or_else(|| FormValues(vec![("date".into(), date.to_string())]))
    }
}

/// The Today page for a day, with `token` in its forms. `today` is the server's date: the
/// heading says "Today" on that day only.
pub(crate) fn today_markup(
    today: NaiveDate,
    date: NaiveDate,
    data: &TodayData,
    form: &TodayForms,
    shown: Option<Shown<'_>>,
    token: &str,
) -> Markup {
    let sent = form.sent;
    let is_today = date == today;
    let heading = if is_today {
        format!("Today, {}", date.format("%A %-d %B"))
    } else {
        date.format("%A %-d %B %Y").to_string()
    };
    let phones = &data.phones;
    let keel_app::today::Today {
        stored,
        plan,
        bone,
        due,
        first_visit,
        netting,
        symptoms: cycle,
        stage,
        suggestions,
    } = &data.day;
    let stored = stored.as_ref();
    // While today is an emergency, no day shows a plan.
    let paused = !is_today && crate::safety::emergency_now().is_some();
    let result = html! {
        @if let (Some(plan), Some(s)) = (&plan, stored) {
            section id="result" aria-label="Today's result" {
                (sent_elsewhere(plan, sent))
                (safety_block(plan, s, token, sent, phones))
                (acknowledged_block(plan))
                @if paused {
                    p class="hint" { "This day's plan is not shown while today's emergency comes first." }
                } @else {
                    (plan_block(plan, token, sent))
                }
            }
        }
    };
    // An emergency comes before anything else on the page, reminders included.
    let emergency = plan
        .as_ref()
        .is_some_and(|p| p.triage.level == TriageLevel::Emergency);
    let previous = date.pred_opt();
    let next = date.succ_opt().filter(|d| *d <= today);
    let body = html! {
        h1 { (heading) }
        @if emergency { (result) }
        nav class="daynav" aria-label="Days" {
            @if let Some(p) = previous { a href={"/?date=" (p)} { "← " (p.format("%a %-d %b")) } }
            a href={"/journal?month=" (date.format("%Y-%m"))} { "Journal" }
            @if let Some(n) = next {
                a href=(if n == today { "/".to_string() } else { format!("/?date={n}") }) { (n.format("%a %-d %b")) " →" }
            } @else { span {} }
        }
        @if let Some(words) = stage.as_ref().filter(|_| !emergency) {
            p class="stage-line" { "Your cycle: " a href="/cycle" { (words) } }
        }
        @if let Some(Shown::NotYet(rule)) = shown {
            @if let Some(n) = netting.iter().find(|n| n.rule == rule) {
                section class="alert urgent" role="alert" aria-labelledby="not-yet-title" {
                    h2 id="not-yet-title" { "Please contact a clinician today" }
                    p { (n.message) }
                    p class="action" { (TriageLevel::Urgent.action()) }
                    p class="calls" { (crate::safety::call(&phones.urgent, "Call")) }
                }
            }
        } @else if let Some(Shown::Notice(n)) = shown.filter(|_| !emergency) {
            p class="notice" role="status" { (n) }
        }
        @if is_today && !emergency {
            @for n in netting.iter() {
                section class="alert urgent netting" aria-labelledby={"net-" (n.rule)} {
                    h2 id={"net-" (n.rule)} { "Have you reached a clinician about this?" }
                    p { (n.message) " " span class="hint" { "Since " (n.since.format("%-d %B")) "." } }
                    div class="row" {
                        form method="post" action="/acknowledge" class="ack" {
                            (csrf::field(token))
                            input type="hidden" name="rule" value=(n.rule);
                            input type="hidden" name="date" value=(date.to_string());
                            button type="submit" { "Yes, I have" }
                        }
                        a class="button secondary" href={"/?not_yet=" (n.rule) "#not-yet-title"} { "Not yet" }
                    }
                }
            }
        }
        @if *first_visit && is_today && !emergency {
            (crate::pages::profile::welcome_card(token))
        }
        @if stored.is_none() {
            (check_in_form(date, form.values, form.errors, token, cycle, false, !*first_visit))
        }
        @if !emergency { (result) }
        @if let Some(s) = stored {
            @let unanswered = !s.triage.missing.is_empty() && s.check_in.pain > 0 && !emergency;
            (check_in_form(date, form.values, form.errors, token, cycle, true, unanswered))
        }
        @if is_today && !emergency && !suggestions.is_empty() {
            aside class="reminder" aria-label="Worth raising with a clinician" {
                @for s in suggestions.iter() { p { (s) } }
                p { a href="/report" { "Your report for the appointment" } " · " a href="/progress#peri-title" { "Your symptoms over time" } }
            }
        }
        @if !due.is_empty() && is_today && !emergency && !*first_visit {
            aside class="reminder" aria-label="Reminders" {
                @for d in due.iter() { p { (d) " is due. " a href="/progress#q-title" { "Answer it on Progress" } } }
            }
        }
        @if let Some(b) = bone.as_ref().filter(|b| b.dexa_due && !emergency) {
            section class="alert soon" aria-labelledby="bone-due-title" {
                h2 id="bone-due-title" { "A bone density scan is due" }
                @for f in b.findings.iter().filter(|f| matches!(f.rule.as_str(), "BONE-DEXA-50" | "BONE-DEXA-RISK" | "BONE-DEXA-65" | "BONE-REPEAT-DUE" | "BONE-OST")) {
                    p { (f.message) } (crate::pages::kit::why(crate::pages::kit::rule_evidence(&f.rule, &f.source)))
                }
                p { a href="/bone" { "See your bone health and record a result" } }
            }
        }
    };
    // Today's own page shows the day's findings first; any other day starts with today's
    // emergency, if there is one.
    crate::pages::kit::layout_with("today", &heading, body, !is_today)
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
                    (crate::pages::kit::why(crate::pages::kit::rule_evidence(&f.rule, &f.source)))
                    @if level != TriageLevel::Emergency {
                        @let topic = if keel_core::stage::BLEEDING_RULES.iter().any(|(r, _)| *r == f.rule) { "bleeding" } else { "red_flags" };
                        @if let Some(l) = crate::pages::learn::article_link(topic) { " " (l) }
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
                                span class="hint" { "You said you had seen a clinician on " (a.acknowledged_on.format("%-d %B")) "; this stays quiet until " (a.muted_until.format("%-d %B")) "." }
                                (crate::pages::kit::why(crate::pages::kit::rule_evidence(&f.rule, &f.source)))
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
    phones: &crate::safety::Phones,
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
                p class="calls" { (crate::safety::call(&phones.emergency, "Call")) }
                (finding_list(plan, TriageLevel::Emergency, token, sent))
                p { "There is no exercise plan today. Your safety comes first." }
            }
        }
        @if t.findings_at(TriageLevel::Urgent).any(|f| !plan.acknowledged.iter().any(|a| a.rule == f.rule)) {
            section class="alert urgent" role="alert" aria-labelledby="urgent-title" {
                h2 id="urgent-title" { "Contact a clinician today" }
                p class="action" { (TriageLevel::Urgent.action()) }
                p class="calls" { (crate::safety::call(&phones.urgent, "Call")) }
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
        // On an emergency day the one thing to do is get help: no more questions.
        @if !missing.is_empty() && stored.check_in.pain > 0 && t.level != TriageLevel::Emergency {
            section class="alert missing" role="alert" aria-labelledby="missing-title" {
                h2 id="missing-title" { "Some safety questions are unanswered" }
                p { "Keel cannot rule out an emergency without these answers. " a href="#checkin" { "Answer them now" } " (the check-in form is open below):" }
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
pub(crate) fn sent_date(values: &FormValues, today: NaiveDate) -> NaiveDate {
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

fn plan_block(plan: &PlanView, token: &str, sent: Option<Sent<'_>>) -> Markup {
    html! {
        // A stop day's one message is the emergency block above it.
        @if plan.day_type != DayType::Stop {
        section class={"daytype " (plan.day_type.name())} aria-labelledby="daytype-title" {
            h2 id="daytype-title" { (plan.day_type.title()) }
            p class="reason" { (plan.reason) }
            (crate::pages::kit::why(if plan.heavy_symptoms.is_empty() {
                format!("The day type follows Keel's rule {}, from your pain, sleep and energy today and your last two weeks.", plan.rule)
            } else {
                format!("The day type follows Keel's rule {}, with the heavy-symptom day: a listed symptom rated 3 or 4, ratings adding up to 8 or more, or night sweats 2+ with sleep 4/10 or less. Doses are about half.", plan.rule)
            }))
            @if !plan.advice.is_empty() {
                ul class="advice" { @for a in &plan.advice { li { (a) } } }
            }
            @let topic = if plan.day_type == DayType::Flare { Some("flare") } else if !plan.heavy_symptoms.is_empty() { Some("heavy_day") } else { None };
            @if let Some(l) = topic.and_then(crate::pages::learn::article_link) { p { (l) } }
            @if plan.day_type != DayType::Stop {
                @let next = plan.items.iter().find(|i| !plan.logged.iter().any(|l| l.exercise_id == i.exercise_id));
                @match next {
                    Some(i) => { p class="next" { strong { "Next: " } a href={"#item-" (i.exercise_id)} { (i.name) } ", " (i.dose) "." } }
                    None if !plan.items.is_empty() => { p class="next" { strong { "All done for today." } " Well done: rest, and check in again tomorrow." } }
                    None => {}
                }
                @if !plan.items.is_empty() {
                    @let total: u32 = plan.items.iter().map(keel_app::session::seconds).sum();
                    p class="row start" {
                        a class="button" href={"/session?date=" (plan.date)} { "Start, step by step (about " (total.div_ceil(60)) " min)" }
                        a class="button secondary" href={"/session?date=" (plan.date) "&short=1"} { "Ten minutes today" }
                    }
                }
            }
        }
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
                                " · " (item.level_name)
                                @if item.progression_attempt { " · " em { "step up" } }
                            }
                            p class="why" { (item.why) }
                            p class="item-links" {
                                a href={"/exercises/" (item.exercise_id)} { "Pictures and steps" }
                                @if let Some(l) = crate::pages::learn::article_link(&keel_core::content::family_topic(item.family)) { " · " (l) }
                            }
                            ul class="cues" { @for c in &item.cues { li { (c) } } }
                            p class="mistake" { strong { "Watch out: " } (item.mistake) }
                            @if !item.safety.is_empty() {
                                details class="how-safe" {
                                    summary { "Doing it safely" }
                                    ul { @for n in &item.safety { li { (n) } } }
                                }
                            }
                            @if !item.level_line.is_empty() { p class="level-reason" { (item.level_line) } }
                            (done_form(plan, item, token, sent.and_then(|s| s.log_for(&item.exercise_id))))
                        }
                    }
                }
                @if plan.exclusion_rules.iter().any(|r| r == keel_core::plan::FRACTURE_RISK_RULE) {
                    p class="hint" {
                        "Until a clinician has checked your back for a possible fracture, today is walking and changes of position only: no bending, twisting or loaded exercise. "
                        (crate::pages::kit::why(format!("Rule {}.", keel_core::plan::FRACTURE_RISK_RULE)))
                    }
                } @else if let Some(rule) = &plan.exclusion_rule {
                    p class="hint" {
                        "To protect your spine, this plan leaves out " (movement_list(&plan.excluded_movements)) ". Bending and turning stay small and pain-free. "
                        (crate::pages::kit::why(format!("Rule {rule}.")))
                    }
                }
                p class="hint" { "Stop any exercise that makes pain shoot down a leg or rise above 5/10, and choose an easier version next time." }
            }
        }
    }
}

/// The fields "same as yesterday" may fill: none of them a safety answer.
pub(crate) const SAME_AS_YESTERDAY: &[&str] = &[
    "pain",
    "locations",
    "stiffness_minutes",
    "sleep",
    "energy",
    "sitting_hours",
    "walking_minutes",
];
