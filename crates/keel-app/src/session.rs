//! The guided session: the day's plan as steps (all of it, or a ten-minute version), how long
//! each takes, an easier swap for a step, logging a step as done, and which steps are done.
//! Without JavaScript each "done" is one activity logged as it is made ([`log_step`]), so a
//! session stopped half way keeps what was done; with it, the page keeps her answers and the
//! summary logs them all in one save ([`log_session`]). Either way, doing a step again
//! replaces its entry.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use keel_core::activity::Activity;
use keel_core::{DayType, Library, PlanItem, ValidationErrors, guide};
use keel_store::{Store, StoreError, UserId};
use serde_json::{Map, Value};

use crate::AppError;
use crate::views::{self, PlanView};

/// The ten-minute version's length, in seconds.
pub const SHORT_SECONDS: u32 = 10 * 60;

/// Why a day has no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSession {
    /// No check-in for the day yet: the check-in decides the day type.
    CheckInFirst,
    /// A stop day: a warning sign comes first.
    WarningSignFirst,
}

/// The day's plan for a session, or why there is none.
pub async fn plan(
    store: &Store,
    library: &Library,
    user: UserId,
    date: NaiveDate,
) -> Result<Result<PlanView, NoSession>, StoreError> {
    Ok(match views::plan_for(store, library, user, date).await? {
        None => Err(NoSession::CheckInFirst),
        Some(p) if p.day_type == DayType::Stop || p.items.is_empty() => {
            Err(NoSession::WarningSignFirst)
        }
        Some(p) => Ok(p),
    })
}

/// About how long an item takes, in seconds: its minutes; or each repetition 4 s, each hold
/// its seconds, both sides where it says so, and 30 s of rest between sets.
pub fn seconds(item: &PlanItem) -> u32 {
    if let Some(m) = item.minutes {
        return u32::from(m) * 60;
    }
    let sides = if item.dose.contains("each side") {
        2
    } else {
        1
    };
    let sets = u32::from(item.sets.unwrap_or(1));
    let one = match (item.reps, item.hold_seconds) {
        (Some(r), _) => u32::from(r) * 4,
        (None, Some(h)) => u32::from(h),
        _ => 60,
    };
    sets * one * sides + sets.saturating_sub(1) * 30
}

/// The session's steps: the whole plan, or the ten-minute version (the plan in order, a walk
/// cut to what fits, until ten minutes are filled).
pub fn steps(plan: &PlanView, short: bool) -> Vec<PlanItem> {
    if !short {
        return plan.items.clone();
    }
    let mut out = Vec::new();
    let mut used = 0;
    for item in &plan.items {
        let mut item = item.clone();
        let mut s = seconds(&item);
        if let Some(m) = item.minutes.filter(|_| used + s > SHORT_SECONDS) {
            let fit = ((SHORT_SECONDS - used) / 60).min(u32::from(m));
            if fit < 3 {
                continue;
            }
            item.minutes = Some(fit as u16);
            item.dose = format!("{fit} min");
            s = fit * 60;
        }
        if used + s > SHORT_SECONDS {
            continue;
        }
        used += s;
        out.push(item);
    }
    out
}

/// The easier exercise of the step's family, at its first level, in place of the step: only
/// one whose first level holds none of the movements her plan leaves out.
pub fn easier(lib: &Library, plan: &PlanView, item: &PlanItem) -> Option<PlanItem> {
    let e = lib.get(&item.exercise_id)?;
    let x = guide::alternatives(lib, e).0?;
    let excluded: BTreeSet<_> = plan.excluded_movements.iter().copied().collect();
    if x.level_within(1, &excluded) != Some(1) {
        return None;
    }
    Some(keel_core::plan::item_at(
        x,
        1,
        format!("An easier swap for {}.", item.name),
    ))
}

/// The steps with step `n` (from 1) swapped for its easier exercise when `swap` asks and
/// there is one; and whether it was swapped.
pub fn steps_swapped(
    lib: &Library,
    plan: &PlanView,
    short: bool,
    n: usize,
    swap: bool,
) -> (Vec<PlanItem>, bool) {
    let mut all = steps(plan, short);
    if swap
        && let Some(i) = n.checked_sub(1).filter(|i| *i < all.len())
        && let Some(x) = easier(lib, plan, &all[i])
    {
        all[i] = x;
        return (all, true);
    }
    (all, false)
}

/// Logs a step as done on `date`, at its planned dose, with the pain during it and the effort
/// as she gave them (checked by the activity's own rules): the activity, and whether it
/// replaced the step's earlier entry.
pub async fn log_step(
    store: &Store,
    library: &Library,
    user: UserId,
    (date, item): (NaiveDate, &PlanItem),
    pain_during: Option<&str>,
    effort: Option<&str>,
    today: NaiveDate,
) -> Result<(Activity, bool), AppError> {
    let body = step_body(date, item, pain_during, effort);
    crate::activities::log_activity(store, library, user, &body, today).await
}

/// A step done on `date` at its planned dose, as an activity's JSON body, with her answers as
/// she gave them.
fn step_body(
    date: NaiveDate,
    item: &PlanItem,
    pain_during: Option<&str>,
    effort: Option<&str>,
) -> Value {
    let mut m = Map::new();
    m.insert("date".into(), Value::from(date.to_string()));
    m.insert("exercise_id".into(), Value::from(item.exercise_id.clone()));
    m.insert("level".into(), Value::from(item.level));
    for (k, v) in [
        ("sets", item.sets.map(u16::from)),
        ("reps", item.reps.map(u16::from)),
        ("hold_seconds", item.hold_seconds),
        ("minutes", item.minutes),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), Value::from(v));
        }
    }
    for (k, v) in [("pain_during", pain_during), ("effort", effort)] {
        if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
            m.insert(k.into(), keel_core::validate::number_from_text(v));
        }
    }
    Value::Object(m)
}

/// A step as she marked it done in a session kept by the page: its number (from 1), the
/// exercise she did (the planned one or its easier swap) and her answers as she gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneStep {
    pub step: usize,
    pub exercise_id: String,
    pub pain_during: Option<String>,
    pub effort: Option<String>,
}

/// Logs a session at its end, in one save: every step she marked done, at its dose, all or
/// none. A step's problems are named by its number: `s2_pain_during`, `s3_exercise` (a step
/// that is not in the session, an exercise that is neither the step's nor its easier swap, a
/// step given twice). Saved again, the same steps replace their entries. The count saved.
pub async fn log_session(
    store: &Store,
    library: &Library,
    user: UserId,
    plan: &PlanView,
    (date, short): (NaiveDate, bool),
    done: &[DoneStep],
    today: NaiveDate,
) -> Result<usize, AppError> {
    let mut errors = ValidationErrors::new();
    if done.is_empty() {
        errors.add(
            "steps",
            "Nothing was marked done: mark an exercise done first.",
        );
    }
    let planned = steps(plan, short);
    let mut seen = BTreeSet::new();
    let mut activities = Vec::with_capacity(done.len());
    for d in done {
        let field = |name: &str| format!("s{}_{name}", d.step);
        let Some(item) = d.step.checked_sub(1).and_then(|i| planned.get(i)) else {
            errors.add(
                field("exercise"),
                format!("This session has no step {}.", d.step),
            );
            continue;
        };
        if !seen.insert(d.step) {
            errors.add(
                field("exercise"),
                format!("Step {} is given twice.", d.step),
            );
            continue;
        }
        let swap = easier(library, plan, item);
        let Some(item) = [Some(item), swap.as_ref()]
            .into_iter()
            .flatten()
            .find(|i| i.exercise_id == d.exercise_id)
        else {
            errors.add(
                field("exercise"),
                format!(
                    "Step {} is {}, or its easier swap: not {:?}.",
                    d.step, item.name, d.exercise_id
                ),
            );
            continue;
        };
        let body = step_body(date, item, d.pain_during.as_deref(), d.effort.as_deref());
        match Activity::parse(&body, today, library, |_| item.level) {
            Ok(a) => activities.push(a),
            Err(e) => {
                for fe in e.errors() {
                    errors.add(field(&fe.field), fe.message.clone());
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    store.log_activities(user, &activities).await?;
    Ok(activities.len())
}

/// Whether each step is done: its exercise logged that day, or an easier one of its family
/// swapped in (logged, and not itself a step).
pub fn done(plan: &PlanView, steps: &[PlanItem]) -> Vec<bool> {
    steps
        .iter()
        .map(|s| {
            plan.logged.iter().any(|l| {
                l.exercise_id == s.exercise_id
                    || (l.family == s.family
                        && !steps.iter().any(|o| o.exercise_id == l.exercise_id))
            })
        })
        .collect()
}
