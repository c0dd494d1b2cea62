//! The activity log and what follows from it: family levels by the progression rule, and the
//! week's progress against the activity targets (clinical-rules.md section 3).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::library::{ExerciseFamily, Library, STRENGTH_FAMILIES};
use crate::validate::{FieldReader, ValidationErrors, as_object};

/// One exercise done on a day, as she reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    pub exercise_id: String,
    pub family: ExerciseFamily,
    /// The ladder level she did.
    pub level: u8,
    pub sets: Option<u8>,
    pub reps: Option<u8>,
    pub hold_seconds: Option<u16>,
    pub minutes: Option<u16>,
    /// Pain during the exercise, 0-10.
    pub pain_during: u8,
    /// How hard it felt, 0-10.
    pub effort: Option<u8>,
}

impl Activity {
    /// Validates a log entry against the library: the exercise must exist and the level be on
    /// its ladder (default: `default_level(family)`).
    pub fn parse(
        value: &Value,
        today: NaiveDate,
        library: &Library,
        default_level: impl Fn(ExerciseFamily) -> u8,
    ) -> Result<Activity, ValidationErrors> {
        let object = as_object(value)?;
        let mut r = FieldReader::new(object, "");
        let date = r.date("date");
        let exercise_id = r.string("exercise_id", 64);
        let exercise_id = r.require("exercise_id", exercise_id);
        let level = r.int("level", 1, 10);
        let sets = r.int("sets", 1, 20);
        let reps = r.int("reps", 1, 200);
        let hold_seconds = r.int("hold_seconds", 1, 3600);
        let minutes = r.int("minutes", 1, 1440);
        let pain_during = r.int("pain_during", 0, 10);
        let pain_during = r.require("pain_during", pain_during);
        let effort = r.int("effort", 0, 10);
        let mut errors = r.finish();
        if date.is_some_and(|d| d > today) {
            errors.add("date", format!("must not be after today ({today})"));
        }
        let exercise = exercise_id.and_then(|id| library.get(id));
        if exercise_id.is_some() && exercise.is_none() {
            errors.add("exercise_id", "is not an exercise in Keel's library");
        }
        if let (Some(e), Some(l)) = (exercise, level)
            && l > i64::from(e.top_level())
        {
            errors.add(
                "level",
                format!("must be from 1 to {} for this exercise", e.top_level()),
            );
        }
        if errors.is_empty()
            && let Some(e) = exercise
        {
            return Ok(Activity {
                date: date.unwrap_or(today),
                exercise_id: e.id.clone(),
                family: e.family,
                level: level
                    .map(|l| l as u8)
                    .unwrap_or_else(|| default_level(e.family).min(e.top_level())),
                sets: sets.map(|v| v as u8),
                reps: reps.map(|v| v as u8),
                hold_seconds: hold_seconds.map(|v| v as u16),
                minutes: minutes.map(|v| v as u16),
                pain_during: pain_during.unwrap_or_default() as u8,
                effort: effort.map(|v| v as u8),
            });
        }
        Err(errors)
    }
}

/// Families whose level follows the progression rule.
pub const PROGRESSING: &[ExerciseFamily] = &[
    ExerciseFamily::DeepCore,
    ExerciseFamily::Glutes,
    ExerciseFamily::Thoracic,
    ExerciseFamily::HipFlexor,
    ExerciseFamily::Walking,
    ExerciseFamily::BoneLoading,
    ExerciseFamily::Impact,
    ExerciseFamily::Balance,
];

/// Completed good sessions at a level that earn the next level (product rule).
pub const SESSIONS_TO_PROGRESS: u8 = 3;
/// Pain during exercise above this moves a family down (PAIN-MON).
pub const PAIN_DURING_LIMIT: u8 = 5;

/// A family's level and why it is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyLevel {
    pub family: ExerciseFamily,
    pub level: u8,
    /// Good sessions counted at this level towards the next.
    pub good_sessions: u8,
    pub reason: String,
}

/// Works out each family's level on `date` from the log and the check-ins' pain scores, in
/// date order: after 3 sessions at a level with pain during <= 5 and next-morning pain no more
/// than 1 above the pre-session score, up one; pain during > 5 or next-morning pain up by 2 or
/// more, down one. A session counts once the next morning's check-in is known; sessions on
/// `date` itself and sessions done at another level (a trial step up) do not count.
pub fn family_levels(
    activities: &[Activity],
    pain_by_date: &BTreeMap<NaiveDate, u8>,
    date: NaiveDate,
    library: &Library,
) -> BTreeMap<ExerciseFamily, FamilyLevel> {
    /// The last thing that happened to a family; its sentence is written once, at the end.
    #[derive(Clone, Copy)]
    enum Event {
        Start,
        Counting,
        Up,
        Top,
        PainDuring(u8, NaiveDate, bool),
        Rise(i16, NaiveDate, bool),
    }
    struct State {
        level: u8,
        good: u8,
        event: Event,
    }
    let mut states: Vec<State> = PROGRESSING
        .iter()
        .map(|_| State {
            level: 1,
            good: 0,
            event: Event::Start,
        })
        .collect();
    let tops: Vec<u8> = PROGRESSING.iter().map(|f| library.top_level(*f)).collect();
    let exercise_tops: std::collections::HashMap<&str, u8> = library
        .exercises()
        .iter()
        .map(|e| (e.id.as_str(), e.top_level()))
        .collect();
    let mut last_judged: Vec<Option<NaiveDate>> = vec![None; PROGRESSING.len()];

    let mut sorted: Vec<&Activity> = activities.iter().filter(|a| a.date < date).collect();
    // By day, then by exercise within a family: families are judged apart, so their order
    // within a day changes nothing, and comparing the family first spares most comparisons of
    // exercise names (which were a fifth of the time over a long log).
    sorted.sort_by(|a, b| {
        (a.date, a.family, &a.exercise_id).cmp(&(b.date, b.family, &b.exercise_id))
    });
    // Pain by day as a dense table over the span the log covers, for constant-time lookups.
    // Days are counted from the common era once each: date arithmetic per lookup was most of
    // the cost over a long log.
    let first = sorted.first().map(|a| a.date).unwrap_or(date);
    let day = |d: NaiveDate| i64::from(d.num_days_from_ce() - first.num_days_from_ce());
    let span = usize::try_from(day(date) + 2).unwrap_or(0);
    let mut pain = vec![None; span];
    for (d, p) in pain_by_date.range(first..) {
        if let Some(slot) = usize::try_from(day(*d)).ok().and_then(|i| pain.get_mut(i)) {
            *slot = Some(*p);
        }
    }
    let pain_on = |i: i64| {
        usize::try_from(i)
            .ok()
            .and_then(|i| pain.get(i).copied().flatten())
    };

    for a in sorted {
        let Some(i) = PROGRESSING.iter().position(|f| *f == a.family) else {
            continue;
        };
        let state = &mut states[i];
        // A session at an exercise's own top counts at the family's level above it.
        let at = exercise_tops
            .get(a.exercise_id.as_str())
            .map_or(state.level, |top| state.level.min(*top));
        if a.level != at {
            continue;
        }
        // One judgement per family and day: several exercises of a family on a day are one session.
        if last_judged[i] == Some(a.date) {
            continue;
        }
        let today = day(a.date);
        let rise = match (pain_on(today), pain_on(today + 1)) {
            (Some(p), Some(n)) => Some(i16::from(n) - i16::from(p)),
            _ => None,
        };
        last_judged[i] = Some(a.date);
        if a.pain_during > PAIN_DURING_LIMIT || rise.is_some_and(|r| r >= 2) {
            let from = state.level;
            state.level = from.saturating_sub(1).max(1);
            state.good = 0;
            let moved = state.level < from;
            state.event = if a.pain_during > PAIN_DURING_LIMIT {
                Event::PainDuring(a.pain_during, a.date, moved)
            } else {
                Event::Rise(rise.unwrap_or_default(), a.date, moved)
            };
            continue;
        }
        if rise.is_none() {
            continue;
        }
        state.good += 1;
        state.event = Event::Counting;
        if state.good >= SESSIONS_TO_PROGRESS {
            state.good = 0;
            if state.level < tops[i] {
                state.level += 1;
                state.event = Event::Up;
            } else {
                state.event = Event::Top;
            }
        }
    }
    PROGRESSING
        .iter()
        .zip(states)
        .zip(tops)
        .map(|((family, s), top)| {
            let down = |moved: bool, why: String| {
                if moved {
                    format!("Down to level {}: {why}.", s.level)
                } else {
                    format!("Staying at level 1: {why}.")
                }
            };
            let reason = match s.event {
                Event::Start => "Starting at level 1.".to_string(),
                Event::Counting => format!(
                    "Level {}: {} of {SESSIONS_TO_PROGRESS} comfortable sessions towards the next level.",
                    s.level, s.good
                ),
                Event::Up => format!(
                    "Up to level {}: three sessions at level {} with pain at most {PAIN_DURING_LIMIT}/10.",
                    s.level,
                    s.level - 1
                ),
                Event::Top => format!("At the top level ({top}): keep it up."),
                Event::PainDuring(p, d, moved) => down(moved, format!("pain during it was {p}/10 on {d}")),
                Event::Rise(r, d, moved) => down(moved, format!("next-morning pain rose by {r} after {d}")),
            };
            (*family, FamilyLevel { family: *family, level: s.level, good_sessions: s.good, reason })
        })
        .collect()
}

/// Moderate activity per week and muscle-strengthening days (WHO-PA), hip flexor daily (SEED).
pub const WEEKLY_MODERATE_MINUTES: u32 = 150;
pub const WEEKLY_STRENGTH_DAYS: u32 = 2;

/// One day of the week's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    /// Walking and other moderate minutes, each walk counted once.
    pub moderate_minutes: u32,
    pub strength: bool,
    pub hip_flexor_stretch: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekSummary {
    /// Monday of the week.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub week_start: NaiveDate,
    pub days: Vec<WeekDay>,
    pub moderate_minutes: u32,
    pub moderate_target: u32,
    pub strength_days: u32,
    pub strength_target: u32,
    /// Days in a row, ending on the summary date (or the day before, if today is not yet done),
    /// with a hip flexor stretch logged.
    pub hip_flexor_streak: u32,
}

/// Summarises the ISO week (Monday to Sunday) holding `date`. Walking minutes on a day are
/// the larger of the check-in's figure and the logged walking, so a walk is never counted twice;
/// desk breaks taken add their minutes.
pub fn week_summary(
    activities: &[Activity],
    walking_by_date: &BTreeMap<NaiveDate, u16>,
    break_minutes_by_date: &BTreeMap<NaiveDate, u32>,
    date: NaiveDate,
) -> WeekSummary {
    let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    let days: Vec<WeekDay> = (0..7)
        .map(|i| {
            let d = monday + Duration::days(i);
            let on_day = || activities.iter().filter(move |a| a.date == d);
            let logged_walk: u32 = on_day()
                .filter(|a| a.family == ExerciseFamily::Walking)
                .map(|a| u32::from(a.minutes.unwrap_or(0)))
                .sum();
            let checkin_walk = u32::from(walking_by_date.get(&d).copied().unwrap_or(0));
            WeekDay {
                date: d,
                // Desk breaks are movement of their own, on top of walks.
                moderate_minutes: logged_walk.max(checkin_walk)
                    + break_minutes_by_date.get(&d).copied().unwrap_or(0),
                strength: on_day().any(|a| STRENGTH_FAMILIES.contains(&a.family)),
                hip_flexor_stretch: on_day().any(|a| a.family == ExerciseFamily::HipFlexor),
            }
        })
        .collect();
    let stretched: BTreeSet<NaiveDate> = activities
        .iter()
        .filter(|a| a.family == ExerciseFamily::HipFlexor)
        .map(|a| a.date)
        .collect();
    let mut day = if stretched.contains(&date) {
        date
    } else {
        date - Duration::days(1)
    };
    let mut streak = 0;
    while stretched.contains(&day) {
        streak += 1;
        day -= Duration::days(1);
    }
    WeekSummary {
        week_start: monday,
        moderate_minutes: days.iter().map(|d| d.moderate_minutes).sum(),
        moderate_target: WEEKLY_MODERATE_MINUTES,
        strength_days: days.iter().filter(|d| d.strength).count() as u32,
        strength_target: WEEKLY_STRENGTH_DAYS,
        hip_flexor_streak: streak,
        days,
    }
}

#[cfg(test)]
mod tests;
