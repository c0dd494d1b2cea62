//! Today's session: which exercises, at which level and dose, for the kind of day.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::bone::{self, BoneAssessment, CAUTION_EXCLUDED};
use crate::daytype::{DayType, DayTypeDecision};
use crate::library::{Exercise, ExerciseFamily, Level, Library};
use crate::movement::Movement;

use DayType::{Flare, Gentle, Steady, Strong};
use ExerciseFamily::{
    Balance, BoneLoading, DeepCore, FlareMobility, Glutes, HipFlexor, Impact, Thoracic, Walking,
};

/// The families each day type draws on, in the order they appear in the session. Strength for
/// bone comes on steady days too, at a lighter dose, so that two strength days a week are within
/// reach when strong days are rare; balance comes on every day but a flare.
pub const SESSION_FAMILIES: &[(DayType, &[ExerciseFamily])] = &[
    (Flare, &[Walking, FlareMobility]),
    (Gentle, &[Walking, Thoracic, HipFlexor, DeepCore, Balance]),
    (
        Steady,
        &[
            Walking,
            DeepCore,
            Glutes,
            BoneLoading,
            Thoracic,
            HipFlexor,
            Balance,
        ],
    ),
    (
        Strong,
        &[
            Walking,
            DeepCore,
            Glutes,
            BoneLoading,
            Impact,
            Thoracic,
            HipFlexor,
            Balance,
        ],
    ),
];

/// The rule that says how a possible compression fracture limits a flare day.
pub const FRACTURE_RISK_RULE: &str = "RF-FRACTURE-RISK";

/// Movements left out while RF-FRACTURE-RISK is open, on top of the bone caution's: no flexion
/// or rotation mobility, so a flare session is walking and position changes only (section 3).
pub const FRACTURE_RISK_EXCLUDED: [Movement; 3] = [
    Movement::FlexionMobility,
    Movement::RotationMobility,
    Movement::ModerateImpact,
];

/// The movements the safety rules take out of her plan, and the rules that took them out:
/// BONE-EXERCISE-CAUTION from her bone record (`vertebral_fracture` is her recorded answer), and
/// RF-FRACTURE-RISK while it is open (found and not acknowledged).
pub fn safety_exclusions(
    bone: Option<&BoneAssessment>,
    vertebral_fracture: bool,
    fracture_risk_open: bool,
) -> (BTreeSet<Movement>, Vec<&'static str>) {
    let mut movements = BTreeSet::new();
    let mut rules = Vec::new();
    if let Some(a) = bone.filter(|a| a.exercise_caution) {
        movements.extend(bone::caution_exclusions(a, vertebral_fracture));
        rules.push("BONE-EXERCISE-CAUTION");
    }
    if fracture_risk_open {
        movements.extend(CAUTION_EXCLUDED);
        movements.extend(FRACTURE_RISK_EXCLUDED);
        rules.push(FRACTURE_RISK_RULE);
    }
    (movements, rules)
}

/// What the plan must respect about her.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanContext {
    /// Current level per family (1 when absent).
    pub levels: BTreeMap<ExerciseFamily, u8>,
    /// Movements to leave out (from [`safety_exclusions`]).
    pub excluded_movements: BTreeSet<Movement>,
    /// Exercises she has chosen never to see.
    pub excluded_exercises: BTreeSet<String>,
    /// Equipment she does not have.
    pub missing_equipment: BTreeSet<String>,
}

impl PlanContext {
    /// Whether an exercise fits her: not excluded, equipment at hand, and at least its first
    /// level free of every excluded movement.
    pub fn allows(&self, e: &Exercise) -> bool {
        !self.excluded_exercises.contains(&e.id)
            && !e
                .equipment
                .iter()
                .any(|q| self.missing_equipment.contains(q))
            && e.level_within(1, &self.excluded_movements).is_some()
    }

    pub fn level(&self, family: ExerciseFamily) -> u8 {
        self.levels.get(&family).copied().unwrap_or(1).max(1)
    }
}

/// One thing to do today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanItem {
    pub exercise_id: String,
    pub name: String,
    pub family: ExerciseFamily,
    pub level: u8,
    pub level_name: String,
    pub dose: String,
    /// The dose as numbers, for logging what was done.
    pub sets: Option<u8>,
    pub reps: Option<u8>,
    pub hold_seconds: Option<u16>,
    pub minutes: Option<u16>,
    pub cues: Vec<String>,
    /// Safety notes that apply to it: getting to the floor, breathing, pain limits.
    pub safety: Vec<String>,
    pub mistake: String,
    /// Why this item is in today's plan.
    pub why: String,
    /// A step up to try today (strong days): drop back if it hurts.
    pub progression_attempt: bool,
    /// Its level in one line: which, why this one today, and what moves it up (see
    /// [`level_line`]). Filled in once the family's progress is known.
    #[serde(default)]
    pub level_line: String,
}

/// Comfortable sessions at a level that move a family up (section 3's progression rule).
pub const SESSIONS_TO_MOVE_UP: u8 = 3;

/// An item's level in one line, the one story a plan item tells about it: the level and the
/// ladder's top, why this level today, and what moves it up. `current` is the family's level
/// and `good_sessions` the comfortable sessions counted towards the next; `moved` the
/// family's last move ("Up to level 2: ...") when there was one.
pub fn level_line(
    item: &PlanItem,
    top: u8,
    current: u8,
    good_sessions: u8,
    moved: Option<&str>,
    day_type: DayType,
) -> String {
    let usual = current.clamp(1, top);
    let today = if day_type == Flare {
        "gentle work only on a flare day".to_string()
    } else if item.progression_attempt {
        format!("a step up from your level {usual} to try today")
    } else if item.level < usual && day_type == Gentle && item.family == DeepCore {
        format!("one below your usual {usual}, for a lighter day")
    } else if item.level < usual {
        "kept lower to protect your spine".to_string()
    } else {
        "your current level".to_string()
    };
    let next = if day_type == Flare {
        "Your usual levels come back when the flare settles.".to_string()
    } else if top <= 1 {
        "It has one level: keep it up.".to_string()
    } else if usual >= top {
        "The top of its ladder: keep it up.".to_string()
    } else {
        let left = SESSIONS_TO_MOVE_UP.saturating_sub(good_sessions).max(1);
        format!(
            "{left} more comfortable session{} at level {usual} (pain during at most 5/10, no rise of 2 the next morning) move{} you up to level {}.",
            if left == 1 { "" } else { "s" },
            if left == 1 { "s" } else { "" },
            usual + 1
        )
    };
    let moved = moved
        .filter(|m| m.starts_with("Up to") || m.starts_with("Down to"))
        .map(|m| format!(" {m}"))
        .unwrap_or_default();
    format!("Level {} of {top}, {today}.{moved} {next}", item.level)
}

/// Today's plan: the kind of day and what to do (nothing on a stop day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub date: NaiveDate,
    pub day_type: DayType,
    /// The DT-* rule that chose the day type.
    pub rule: String,
    pub reason: String,
    pub items: Vec<PlanItem>,
    /// Advice for the whole session: the ten-minute rule on a heavy-symptom day, keeping cool
    /// with hot flushes (section 8).
    #[serde(default)]
    pub advice: Vec<String>,
}

/// The ten-minute rule of a heavy-symptom day (section 8).
pub const TEN_MINUTE_RULE: &str = "Start with 10 minutes, then decide whether to go on: stopping there still counts as a session done.";
/// The cooling advice for a day with hot flushes rated 2 or more (section 8).
pub const COOLING_ADVICE: &str = "With hot flushes today: move in a cool room, keep water to hand, and wear layers you can take off.";

/// Composes the session for a day. Deterministic: the same decision, context and date give
/// the same plan; the exercise within a family rotates by date for variety. No item holds a
/// movement of `ctx.excluded_movements` at the level it is planned at.
pub fn compose(
    library: &Library,
    date: NaiveDate,
    decision: &DayTypeDecision,
    ctx: &PlanContext,
) -> Plan {
    let day_type = decision.day_type;
    let heavy = day_type == Gentle && !decision.heavy_symptoms.is_empty();
    let families = SESSION_FAMILIES
        .iter()
        .find(|(d, _)| *d == day_type)
        .map(|(_, f)| *f)
        .unwrap_or(&[]);
    let day_number = i64::from(date.num_days_from_ce());
    let attempt_family = if day_number % 2 == 0 {
        DeepCore
    } else {
        Glutes
    };
    let mut items = Vec::new();
    for (slot, family) in families.iter().enumerate() {
        let candidates: Vec<&Exercise> = library
            .candidates(*family, day_type)
            .into_iter()
            .filter(|e| ctx.allows(e))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        if day_type == Flare && *family == FlareMobility {
            // A flare day takes all of the gentle mobility: each is short and unloaded.
            for e in candidates {
                items.push(item(e, 1, flare_why(e), Dose::AsLevel, false));
            }
            continue;
        }
        let pick =
            candidates[(day_number + slot as i64).rem_euclid(candidates.len() as i64) as usize];
        let current = ctx.level(*family);
        let (wanted, why, dose) = match (day_type, family) {
            (Flare, _) => (1, flare_why(pick), Dose::AsLevel),
            (Gentle, Walking) => (
                1,
                "A 20-minute walk keeps you moving on a lighter day.".into(),
                Dose::AsLevel,
            ),
            (Gentle, DeepCore) => {
                let lower = current.saturating_sub(1).max(1);
                (
                    lower,
                    "Deep core at a lighter level, to keep the habit without strain.".to_string(),
                    Dose::AsLevel,
                )
            }
            (Strong, f) if *f == attempt_family && current < pick.top_level() => (
                current + 1,
                "A strong day: a step up to try. Go back down if pain during it passes 5/10.".into(),
                Dose::AsLevel,
            ),
            (Steady, BoneLoading) => (
                current,
                "Strength for bone at a lighter dose (one set fewer) on a steady day, so two strength days a week are within reach even when strong days are rare.".into(),
                Dose::OneSetFewer,
            ),
            (Strong, BoneLoading) => (
                current,
                "Strength for bone on a strong day: muscles pulling on bone help keep it dense. The last two repetitions should feel hard.".into(),
                Dose::AsLevel,
            ),
            (Strong, Impact) => (
                current,
                "A small jolt through the heels on a strong day: impact tells the hip and spine bones to stay strong.".into(),
                Dose::AsLevel,
            ),
            (_, Balance) => (
                current,
                "A few minutes of balance: steadier on your feet, fewer falls that break bones.".into(),
                Dose::AsLevel,
            ),
            (_, Walking) => (
                current,
                "20-30 minutes of walking a day is the backbone of recovery.".into(),
                Dose::AsLevel,
            ),
            (_, HipFlexor) => (
                current,
                "A daily stretch for hips that sitting has tightened.".into(),
                Dose::AsLevel,
            ),
            (_, Thoracic) => (
                current,
                "Keeps the upper back mobile so the lower back does less.".into(),
                Dose::AsLevel,
            ),
            (_, f) => (
                current,
                format!("{}, at your level.", f.label()),
                Dose::AsLevel,
            ),
        };
        let dose = if heavy { Dose::Half } else { dose };
        let wanted = wanted.min(pick.top_level());
        let level = pick
            .level_within(wanted, &ctx.excluded_movements)
            .unwrap_or(1);
        let (why, attempt) = if level < wanted {
            (
                format!(
                    "Kept to {}: a smaller, pain-free range that protects your spine.",
                    pick.level(level).name.to_lowercase()
                ),
                false,
            )
        } else {
            let attempt = day_type == Strong && *family == attempt_family && level > current;
            (why, attempt)
        };
        items.push(item(pick, level, why, dose, attempt));
    }
    let mut advice = Vec::new();
    if heavy {
        advice.push(TEN_MINUTE_RULE.to_string());
    }
    if decision.hot_flushes && !items.is_empty() {
        advice.push(COOLING_ADVICE.to_string());
    }
    Plan {
        date,
        day_type,
        rule: decision.rule.clone(),
        reason: decision.reason.clone(),
        items,
        advice,
    }
}

/// How the planned dose relates to the level's.
#[derive(Clone, Copy, PartialEq)]
enum Dose {
    AsLevel,
    /// One set fewer (at least one): strength work on a steady day.
    OneSetFewer,
    /// About half the volume (section 8's heavy-symptom day): half the sets where there are 2
    /// or more, otherwise half the reps or seconds, or half the minutes; rounded down, never
    /// below one set, 20 s or 5 minutes.
    Half,
}

/// Shortest hold and walk a halved dose keeps (a shorter one stays as it is).
pub const HALF_MIN_SECONDS: u16 = 20;
pub const HALF_MIN_MINUTES: u16 = 5;

/// Half of `v`, rounded down, not below `floor` (nor above `v`).
fn halve(v: u16, floor: u16) -> u16 {
    (v / 2).max(floor).min(v)
}

/// A level's dose at about half its volume (see [`Dose::Half`]).
pub fn halved(l: &mut Level) {
    match (l.sets, l.reps, l.hold_seconds, l.minutes) {
        (Some(s), _, _, _) if s >= 2 => l.sets = Some(s / 2),
        (_, Some(r), _, _) => l.reps = Some((r / 2).max(1)),
        (_, None, Some(h), _) => l.hold_seconds = Some(halve(h, HALF_MIN_SECONDS)),
        (_, None, None, Some(m)) => l.minutes = Some(halve(m, HALF_MIN_MINUTES)),
        _ => {}
    }
}

fn flare_why(e: &Exercise) -> String {
    match e.family {
        Walking => {
            "Short, easy walks: keep moving without tiring a sore back. No loaded exercise today."
                .into()
        }
        _ => format!("{}: gentle, unloaded movement for a flare day.", e.name),
    }
}

/// An exercise at one of its levels, at that level's own dose, as a plan item (a swap in a
/// guided session).
pub fn item_at(e: &Exercise, level: u8, why: String) -> PlanItem {
    item(e, level, why, Dose::AsLevel, false)
}

fn item(e: &Exercise, level: u8, why: String, dose: Dose, progression_attempt: bool) -> PlanItem {
    let mut l: Level = e.level(level).clone();
    match dose {
        Dose::OneSetFewer => l.sets = l.sets.map(|s| s.saturating_sub(1).max(1)),
        Dose::Half => halved(&mut l),
        Dose::AsLevel => {}
    }
    PlanItem {
        exercise_id: e.id.clone(),
        name: e.name.clone(),
        family: e.family,
        level: level.min(e.top_level()),
        level_name: l.name.clone(),
        dose: l.dose(),
        sets: l.sets,
        reps: l.reps,
        hold_seconds: l.hold_seconds,
        minutes: l.minutes,
        cues: e.cues.clone(),
        safety: e.safety.clone(),
        mistake: e.mistake.clone(),
        why,
        progression_attempt,
        level_line: String::new(),
    }
}

#[cfg(test)]
mod tests;
