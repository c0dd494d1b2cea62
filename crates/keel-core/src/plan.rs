//! Today's session: which exercises, at which level and dose, for the kind of day.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::daytype::{DayType, DayTypeDecision};
use crate::library::{Exercise, ExerciseFamily, Library};

use DayType::{Flare, Gentle, Steady, Strong};
use ExerciseFamily::{BoneLoading, DeepCore, FlareMobility, Glutes, HipFlexor, Thoracic, Walking};

/// The families each day type draws on, in the order they appear in the session.
pub const SESSION_FAMILIES: &[(DayType, &[ExerciseFamily])] = &[
    (Flare, &[Walking, FlareMobility]),
    (Gentle, &[Walking, Thoracic, HipFlexor, DeepCore]),
    (Steady, &[Walking, DeepCore, Glutes, Thoracic, HipFlexor]),
    (
        Strong,
        &[Walking, DeepCore, Glutes, Thoracic, HipFlexor, BoneLoading],
    ),
];

/// What the plan must respect about her.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanContext {
    /// Current level per family (1 when absent).
    pub levels: BTreeMap<ExerciseFamily, u8>,
    /// Contraindication tags to avoid (from the bone assessment or her own choice).
    pub excluded_tags: BTreeSet<String>,
    /// Exercises she has chosen never to see.
    pub excluded_exercises: BTreeSet<String>,
    /// Equipment she does not have.
    pub missing_equipment: BTreeSet<String>,
}

impl PlanContext {
    /// Whether an exercise fits her: no excluded movement, not excluded, equipment at hand.
    pub fn allows(&self, e: &Exercise) -> bool {
        e.avoids(&self.excluded_tags)
            && !self.excluded_exercises.contains(&e.id)
            && !e
                .equipment
                .iter()
                .any(|q| self.missing_equipment.contains(q))
    }
}

impl PlanContext {
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
    pub mistake: String,
    /// Why this item is in today's plan.
    pub why: String,
    /// A step up to try today (strong days): drop back if it hurts.
    pub progression_attempt: bool,
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
}

/// Composes the session for a day. Deterministic: the same decision, context and date give
/// the same plan; the exercise within a family rotates by date for variety.
pub fn compose(
    library: &Library,
    date: NaiveDate,
    decision: &DayTypeDecision,
    ctx: &PlanContext,
) -> Plan {
    let day_type = decision.day_type;
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
                items.push(item(e, 1, flare_why(e), false));
            }
            continue;
        }
        let pick =
            candidates[(day_number + slot as i64).rem_euclid(candidates.len() as i64) as usize];
        let current = ctx.level(*family);
        let (level, why, attempt) = match (day_type, family) {
            (Flare, _) => (1, flare_why(pick), false),
            (Gentle, Walking) => (
                1,
                "A 20-minute walk keeps you moving on a lighter day.".into(),
                false,
            ),
            (Gentle, DeepCore) => {
                let lower = current.saturating_sub(1).max(1);
                (
                    lower,
                    format!(
                        "Deep core one level below your usual (level {lower}), to keep the habit without strain."
                    ),
                    false,
                )
            }
            (Strong, f) if *f == attempt_family && current < pick.top_level() => (
                current + 1,
                format!(
                    "A strong day: try level {} today. Go back to level {current} if pain during it passes 5/10.",
                    current + 1
                ),
                true,
            ),
            (Strong, BoneLoading) => (
                current,
                "Bone loading on a strong day: muscles pulling on bone help keep it dense.".into(),
                false,
            ),
            (_, Walking) => (
                current,
                "20-30 minutes of walking a day is the backbone of recovery.".into(),
                false,
            ),
            (_, HipFlexor) => (
                current,
                "A daily stretch for hips that sitting has tightened.".into(),
                false,
            ),
            (_, Thoracic) => (
                current,
                "Keeps the upper back mobile so the lower back does less.".into(),
                false,
            ),
            (_, f) => (
                current,
                format!("{} at your current level ({current}).", f.label()),
                false,
            ),
        };
        items.push(item(pick, level, why, attempt));
    }
    Plan {
        date,
        day_type,
        rule: decision.rule.clone(),
        reason: decision.reason.clone(),
        items,
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

fn item(e: &Exercise, level: u8, why: String, progression_attempt: bool) -> PlanItem {
    let l = e.level(level);
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
        mistake: e.mistake.clone(),
        why,
        progression_attempt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(day_type: DayType) -> DayTypeDecision {
        DayTypeDecision {
            day_type,
            rule: day_type.rule_id().into(),
            reason: "test".into(),
        }
    }

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn families(plan: &Plan) -> Vec<ExerciseFamily> {
        plan.items.iter().map(|i| i.family).collect()
    }

    #[test]
    fn stop_day_has_no_plan() {
        let p = compose(
            &Library::builtin(),
            date(),
            &decision(DayType::Stop),
            &PlanContext::default(),
        );
        assert!(p.items.is_empty());
        assert_eq!(p.rule, "DT-STOP");
    }

    #[test]
    fn flare_day_is_short_walks_and_gentle_mobility_only() {
        let lib = Library::builtin();
        let p = compose(&lib, date(), &decision(Flare), &PlanContext::default());
        assert_eq!(p.items[0].exercise_id, "walk-short-bouts");
        assert!(p.items.iter().any(|i| i.exercise_id == "cat-cow"));
        assert!(p.items.iter().any(|i| i.exercise_id == "pelvic-tilt"));
        assert!(p.items.iter().any(|i| i.exercise_id == "position-change"));
        for i in &p.items {
            assert!(
                matches!(i.family, Walking | FlareMobility),
                "{}",
                i.exercise_id
            );
        }
    }

    #[test]
    fn gentle_day_has_walk_thoracic_hip_flexor_and_core_one_level_down() {
        let mut ctx = PlanContext::default();
        ctx.levels.insert(DeepCore, 3);
        let p = compose(&Library::builtin(), date(), &decision(Gentle), &ctx);
        assert_eq!(families(&p), [Walking, Thoracic, HipFlexor, DeepCore]);
        assert_eq!(p.items[0].dose, "20 min");
        assert_eq!(p.items[3].level, 2);
        let p1 = compose(
            &Library::builtin(),
            date(),
            &decision(Gentle),
            &PlanContext::default(),
        );
        assert_eq!(p1.items[3].level, 1);
    }

    #[test]
    fn steady_day_has_the_five_families_at_current_level() {
        let mut ctx = PlanContext::default();
        ctx.levels.insert(Glutes, 2);
        let p = compose(&Library::builtin(), date(), &decision(Steady), &ctx);
        assert_eq!(
            families(&p),
            [Walking, DeepCore, Glutes, Thoracic, HipFlexor]
        );
        assert_eq!(p.items[2].level, 2);
        assert!(p.items.iter().all(|i| !i.progression_attempt));
        assert!(
            p.items
                .iter()
                .all(|i| !i.why.is_empty() && i.cues.len() >= 2)
        );
    }

    #[test]
    fn strong_day_adds_bone_loading_and_one_progression_attempt() {
        let p = compose(
            &Library::builtin(),
            date(),
            &decision(Strong),
            &PlanContext::default(),
        );
        assert_eq!(
            families(&p),
            [Walking, DeepCore, Glutes, Thoracic, HipFlexor, BoneLoading]
        );
        let attempts: Vec<_> = p.items.iter().filter(|i| i.progression_attempt).collect();
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].level, 2);
    }

    /// The exercises each contraindication tag and each piece of equipment rules out, written
    /// out by hand from content/exercises.toml: the plan is held to this table, not to the
    /// predicate it filters with.
    const TAGGED: &[(&str, &[&str])] = &[
        ("kneeling", &["bird-dog", "low-lunge-stretch", "cat-cow"]),
        ("high_impact", &["heel-drops"]),
        ("loaded_flexion", &["curl-up"]),
        ("loaded_rotation", &["band-woodchop"]),
        ("prone_lying", &["prone-press-up"]),
    ];
    const NEEDS: &[(&str, &[&str])] = &[
        (
            "resistance_band",
            &["pallof-press", "band-row", "band-woodchop"],
        ),
        ("bench", &["hip-thrust"]),
        ("chair", &["seated-extension", "sit-to-stand"]),
        ("cushion", &["low-lunge-stretch"]),
        ("bed", &["edge-of-bed-stretch"]),
        ("towel", &["towel-extension"]),
        (
            "mat",
            &[
                "dead-bug",
                "bird-dog",
                "heel-slide",
                "glute-bridge",
                "clamshell",
                "open-book",
                "cat-cow",
                "pelvic-tilt",
                "knee-rocking",
                "curl-up",
                "prone-press-up",
            ],
        ),
    ];

    /// The exercises `ctx` rules out, by the hand-written tables.
    fn ruled_out(ctx: &PlanContext) -> BTreeSet<&'static str> {
        let mut out = BTreeSet::new();
        for (tag, ids) in TAGGED {
            if ctx.excluded_tags.contains(*tag) {
                out.extend(ids.iter().copied());
            }
        }
        for (thing, ids) in NEEDS {
            if ctx.missing_equipment.contains(*thing) {
                out.extend(ids.iter().copied());
            }
        }
        out
    }

    #[test]
    fn the_hand_written_tables_match_the_library() {
        let lib = Library::builtin();
        for e in lib.exercises() {
            let tagged: Vec<&str> = TAGGED
                .iter()
                .filter(|(_, ids)| ids.contains(&e.id.as_str()))
                .map(|(t, _)| *t)
                .collect();
            let mut tags: Vec<&str> = e.contraindications.iter().map(String::as_str).collect();
            tags.sort();
            let mut tagged = tagged;
            tagged.sort();
            assert_eq!(tags, tagged, "{}", e.id);
            let mut needs: Vec<&str> = NEEDS
                .iter()
                .filter(|(_, ids)| ids.contains(&e.id.as_str()))
                .map(|(t, _)| *t)
                .collect();
            needs.sort();
            let mut equipment: Vec<&str> = e.equipment.iter().map(String::as_str).collect();
            equipment.sort();
            assert_eq!(equipment, needs, "{}", e.id);
        }
    }

    #[test]
    fn excluded_movements_never_appear() {
        let lib = Library::builtin();
        for (tag, ids) in TAGGED {
            let mut ctx = PlanContext::default();
            ctx.excluded_tags.insert((*tag).into());
            let mut seen_without = BTreeSet::new();
            for d in 0..30 {
                let day = date() + chrono::Duration::days(d);
                for dt in [Flare, Gentle, Steady, Strong] {
                    let p = compose(&lib, day, &decision(dt), &ctx);
                    for i in &p.items {
                        assert!(
                            !ids.contains(&i.exercise_id.as_str()),
                            "{tag}: {} on {dt:?}",
                            i.exercise_id
                        );
                    }
                    let free = compose(&lib, day, &decision(dt), &PlanContext::default());
                    seen_without.extend(free.items.into_iter().map(|i| i.exercise_id));
                }
            }
            // Not vacuous: without the exclusion, some of these do appear in a month of plans.
            assert!(
                ids.iter().any(|id| seen_without.contains(*id)),
                "{tag}: {ids:?} never planned at all"
            );
        }
    }

    #[test]
    fn excluded_exercises_and_missing_equipment_are_respected() {
        let lib = Library::builtin();
        let mut ctx = PlanContext::default();
        ctx.excluded_exercises.insert("dead-bug".into());
        ctx.missing_equipment.insert("resistance_band".into());
        ctx.missing_equipment.insert("bench".into());
        for d in 0..30 {
            let day = date() + chrono::Duration::days(d);
            let p = compose(&lib, day, &decision(Strong), &ctx);
            let out = ruled_out(&ctx);
            for i in &p.items {
                assert_ne!(i.exercise_id, "dead-bug");
                assert!(!out.contains(i.exercise_id.as_str()), "{}", i.exercise_id);
            }
        }
    }

    use proptest::prelude::*;

    fn arb_context() -> impl Strategy<Value = PlanContext> {
        let lib = Library::builtin();
        let ids: Vec<String> = lib.exercises().iter().map(|e| e.id.clone()).collect();
        let equipment: Vec<String> = lib.equipment().into_iter().map(String::from).collect();
        let tags: Vec<String> = crate::library::CONTRAINDICATION_TAGS
            .iter()
            .map(|t| t.to_string())
            .collect();
        (
            proptest::sample::subsequence(tags.clone(), 0..=tags.len()),
            proptest::sample::subsequence(ids.clone(), 0..=8),
            proptest::sample::subsequence(equipment.clone(), 0..=equipment.len()),
            proptest::collection::vec(1u8..=3, 8),
        )
            .prop_map(|(tags, ids, equipment, levels)| PlanContext {
                levels: [
                    DeepCore,
                    Glutes,
                    Thoracic,
                    HipFlexor,
                    Walking,
                    FlareMobility,
                    BoneLoading,
                ]
                .into_iter()
                .zip(levels)
                .collect(),
                excluded_tags: tags.into_iter().collect(),
                excluded_exercises: ids.into_iter().collect(),
                missing_equipment: equipment.into_iter().collect(),
            })
    }

    proptest! {
        #[test]
        fn no_plan_ever_holds_an_exercise_she_cannot_do(
            ctx in arb_context(),
            offset in 0i64..3650,
            dt in proptest::sample::select(vec![Flare, Gentle, Steady, Strong]),
        ) {
            let lib = Library::builtin();
            let day = date() + chrono::Duration::days(offset);
            let p = compose(&lib, day, &decision(dt), &ctx);
            let out = ruled_out(&ctx);
            for i in &p.items {
                let e = lib.get(&i.exercise_id).unwrap();
                prop_assert!(!out.contains(e.id.as_str()), "{} on {:?}", e.id, dt);
                prop_assert!(!ctx.excluded_exercises.contains(&e.id), "{} on {:?}", e.id, dt);
                prop_assert!(e.day_types.contains(&dt));
                prop_assert!(i.level >= 1 && i.level <= e.top_level());
                prop_assert!(!i.why.is_empty());
            }
        }
    }
}
