use super::*;
use crate::movement::Movement;

fn decision(day_type: DayType) -> DayTypeDecision {
    DayTypeDecision {
        day_type,
        rule: day_type.rule_id().into(),
        reason: "test".into(),
        heavy_symptoms: Vec::new(),
        hot_flushes: false,
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
    assert_eq!(
        families(&p),
        [Walking, Thoracic, HipFlexor, DeepCore, Balance]
    );
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
fn steady_day_has_its_families_at_current_level_and_lighter_strength_work() {
    let mut ctx = PlanContext::default();
    ctx.levels.insert(Glutes, 2);
    ctx.levels.insert(BoneLoading, 2);
    let lib = Library::builtin();
    let p = compose(&lib, date(), &decision(Steady), &ctx);
    assert_eq!(
        families(&p),
        [
            Walking,
            DeepCore,
            Glutes,
            BoneLoading,
            Thoracic,
            HipFlexor,
            Balance
        ]
    );
    assert_eq!(p.items[2].level, 2);
    // strength for bone: the level's dose with one set fewer, and the reason said
    let strength = &p.items[3];
    let level = lib.get(&strength.exercise_id).unwrap().level(2);
    assert_eq!(strength.level, 2);
    assert_eq!(strength.sets, level.sets.map(|s| (s - 1).max(1)));
    assert!(
        strength.why.contains("two strength days a week"),
        "{}",
        strength.why
    );
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
        [
            Walking,
            DeepCore,
            Glutes,
            BoneLoading,
            Impact,
            Thoracic,
            HipFlexor,
            Balance
        ]
    );
    let impact = p.items.iter().find(|i| i.family == Impact).unwrap();
    assert_eq!(
        (impact.exercise_id.as_str(), impact.dose.as_str()),
        ("heel-drops", "1 x 10")
    );
    let attempts: Vec<_> = p.items.iter().filter(|i| i.progression_attempt).collect();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].level, 2);
}

/// The equipment each exercise needs, written out by hand from content/exercises.toml.
const NEEDS: &[(&str, &[&str])] = &[
    (
        "resistance_band",
        &[
            "pallof-press",
            "band-row",
            "band-woodchop",
            "band-pull-apart",
        ],
    ),
    ("step", &["step-up"]),
    ("bench", &["hip-thrust"]),
    (
        "chair",
        &[
            "seated-extension",
            "sit-to-stand",
            "single-leg-hinge",
            "split-squat",
            "overhead-press",
        ],
    ),
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
            "side-plank",
        ],
    ),
];

/// The hand-written tags of an exercise at a level (library/expected.rs), as names.
fn expected_tags(id: &str, level: u8) -> BTreeSet<&'static str> {
    let (_, own, by_level) = crate::library::expected::EXPECTED_TAGS
        .iter()
        .find(|(i, _, _)| *i == id)
        .unwrap_or_else(|| panic!("{id} is not in the expected-tags table"));
    let mut out: BTreeSet<&str> = own.iter().copied().collect();
    for (n, extra) in *by_level {
        if *n == level {
            out.extend(extra.iter().copied());
        }
    }
    out
}

/// The exercises `ctx` rules out by her choices, by the hand-written equipment table.
fn ruled_out(ctx: &PlanContext) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    for (thing, ids) in NEEDS {
        if ctx.missing_equipment.contains(*thing) {
            out.extend(ids.iter().copied());
        }
    }
    out
}

#[test]
fn the_equipment_table_matches_the_library() {
    let lib = Library::builtin();
    for e in lib.exercises() {
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

// ---------------------------------------------------------------- the safety rules' exclusions

/// The movements BONE-EXERCISE-CAUTION always drops (section 2: a, b, c), by name.
const CAUTION: &[&str] = &[
    "end_range_flexion",
    "end_range_rotation",
    "loaded_flexion",
    "loaded_rotation",
    "high_impact",
];

/// A bone record as the stateless contract would carry it, assessed.
fn assessed(v: serde_json::Value) -> bone::BoneAssessment {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    bone::assess(&bone::BoneInput::parse(&v, today).expect("valid bone input"))
}

/// One bone state: how it reads, and what the rule must leave out of her plan.
struct Case {
    bone: Option<serde_json::Value>,
    vertebral_fracture: bool,
    fracture_risk_open: bool,
    /// Hand-written: the movements no plan may hold.
    excluded: &'static [&'static str],
    /// Hand-written: heel drops on a strong day.
    heel_drops: bool,
}

/// Every day type, every level a family can be at, four weeks of dates: no planned item holds
/// a movement of `excluded` (by the hand-written tag table), and heel drops are on a strong
/// day exactly when allowed.
fn check(case: Case) {
    let lib = Library::builtin();
    let a = case.bone.map(assessed);
    let (movements, rules) =
        safety_exclusions(a.as_ref(), case.vertebral_fracture, case.fracture_risk_open);
    let names: BTreeSet<&str> = movements.iter().map(|m| m.name()).collect();
    let mut want: BTreeSet<&str> = case.excluded.iter().copied().collect();
    if case.fracture_risk_open {
        want.extend(["flexion_mobility", "rotation_mobility", "moderate_impact"]);
        want.extend(CAUTION);
    }
    assert_eq!(names, want);
    assert_eq!(rules.contains(&"RF-FRACTURE-RISK"), case.fracture_risk_open);
    assert_eq!(
        rules.contains(&"BONE-EXERCISE-CAUTION"),
        a.as_ref().is_some_and(|a| a.exercise_caution)
    );
    for level in 1..=5 {
        let ctx = PlanContext {
            levels: crate::activity::PROGRESSING
                .iter()
                .map(|f| (*f, level))
                .collect(),
            excluded_movements: movements.clone(),
            ..PlanContext::default()
        };
        for d in 0..28 {
            let day = date() + chrono::Duration::days(d);
            for dt in [Flare, Gentle, Steady, Strong] {
                let p = compose(&lib, day, &decision(dt), &ctx);
                for i in &p.items {
                    let tags = expected_tags(&i.exercise_id, i.level);
                    let hit: Vec<_> = tags.intersection(&want).collect();
                    assert!(
                        hit.is_empty(),
                        "{} level {} on {dt:?}: {hit:?}",
                        i.exercise_id,
                        i.level
                    );
                }
                if dt == Strong {
                    let has = p.items.iter().any(|i| i.exercise_id == "heel-drops");
                    assert_eq!(
                        has,
                        case.heel_drops && !case.fracture_risk_open,
                        "level {level}"
                    );
                }
                if dt == Flare && case.fracture_risk_open {
                    let ids: Vec<&str> = p.items.iter().map(|i| i.exercise_id.as_str()).collect();
                    assert_eq!(ids, ["walk-short-bouts", "position-change"]);
                }
            }
        }
    }
}

fn dexa(t: f64) -> serde_json::Value {
    serde_json::json!([{ "date": "2025-01-10", "site": "lumbar_spine", "t_score": t }])
}

#[test]
fn no_bone_record_excludes_nothing() {
    check(Case {
        bone: None,
        vertebral_fracture: false,
        fracture_risk_open: false,
        excluded: &[],
        heel_drops: true,
    });
}

#[test]
fn osteopenia_at_its_lowest_keeps_every_movement() {
    // T-score -2.49 is low bone mass: the caution does not apply
    let v = serde_json::json!({"date": "2026-11-24", "age": 52, "dexa": dexa(-2.49)});
    check(Case {
        bone: Some(v),
        vertebral_fracture: false,
        fracture_risk_open: false,
        excluded: &[],
        heel_drops: true,
    });
}

#[test]
fn osteoporosis_drops_end_range_loaded_and_high_impact_but_keeps_heel_drops() {
    let v = serde_json::json!({"date": "2026-11-24", "age": 52, "dexa": dexa(-2.5)});
    check(Case {
        bone: Some(v),
        vertebral_fracture: false,
        fracture_risk_open: false,
        excluded: CAUTION,
        heel_drops: true,
    });
}

#[test]
fn severe_osteoporosis_with_a_wrist_fracture_keeps_heel_drops() {
    let v = serde_json::json!({"date": "2026-11-24", "age": 58, "dexa": dexa(-3.1), "risk_factors": ["fragility_fracture"]});
    check(Case {
        bone: Some(v),
        vertebral_fracture: false,
        fracture_risk_open: false,
        excluded: CAUTION,
        heel_drops: true,
    });
}

const CAUTION_AND_HEEL_DROPS: &[&str] = &[
    "end_range_flexion",
    "end_range_rotation",
    "loaded_flexion",
    "loaded_rotation",
    "high_impact",
    "moderate_impact",
];

#[test]
fn a_vertebral_fracture_drops_heel_drops_too() {
    let v = serde_json::json!({"date": "2026-11-24", "age": 60, "vertebral_fracture": true});
    check(Case {
        bone: Some(v),
        vertebral_fracture: true,
        fracture_risk_open: false,
        excluded: CAUTION_AND_HEEL_DROPS,
        heel_drops: false,
    });
}

#[test]
fn height_loss_of_two_centimetres_drops_heel_drops_and_one_less_drops_nothing() {
    let at = |now: f64| serde_json::json!({"date": "2026-11-24", "age": 55, "height_cm": now, "heights": [{"date": "2024-01-10", "cm": 165.0}]});
    check(Case {
        bone: Some(at(163.0)),
        vertebral_fracture: false,
        fracture_risk_open: false,
        excluded: CAUTION_AND_HEEL_DROPS,
        heel_drops: false,
    });
    check(Case {
        bone: Some(at(163.1)),
        vertebral_fracture: false,
        fracture_risk_open: false,
        excluded: &[],
        heel_drops: true,
    });
}

#[test]
fn historical_height_loss_of_four_centimetres_drops_heel_drops_and_less_drops_nothing() {
    let at = |tallest: f64| serde_json::json!({"date": "2026-11-24", "age": 55, "height_cm": 160.0, "tallest_height_cm": tallest});
    check(Case {
        bone: Some(at(164.0)),
        vertebral_fracture: false,
        fracture_risk_open: false,
        excluded: CAUTION_AND_HEEL_DROPS,
        heel_drops: false,
    });
    check(Case {
        bone: Some(at(163.9)),
        vertebral_fracture: false,
        fracture_risk_open: false,
        excluded: &[],
        heel_drops: true,
    });
}

#[test]
fn osteoporosis_with_height_loss_drops_heel_drops() {
    let v = serde_json::json!({"date": "2026-11-24", "age": 62, "dexa": dexa(-2.8), "height_cm": 158.0, "tallest_height_cm": 162.5});
    check(Case {
        bone: Some(v),
        vertebral_fracture: false,
        fracture_risk_open: false,
        excluded: CAUTION_AND_HEEL_DROPS,
        heel_drops: false,
    });
}

#[test]
fn an_open_fracture_risk_makes_a_flare_walking_and_position_changes_only() {
    check(Case {
        bone: None,
        vertebral_fracture: false,
        fracture_risk_open: true,
        excluded: &[],
        heel_drops: false,
    });
    let v = serde_json::json!({"date": "2026-11-24", "age": 52, "dexa": dexa(-2.7)});
    check(Case {
        bone: Some(v),
        vertebral_fracture: false,
        fracture_risk_open: true,
        excluded: CAUTION,
        heel_drops: false,
    });
}

#[test]
fn under_the_caution_mobility_is_planned_at_its_smallest_range_with_the_reason() {
    let lib = Library::builtin();
    let a = assessed(serde_json::json!({"date": "2026-11-24", "age": 52, "dexa": dexa(-2.6)}));
    let (movements, _) = safety_exclusions(Some(&a), false, false);
    let ctx = PlanContext {
        levels: [(Thoracic, 3)].into_iter().collect(),
        excluded_movements: movements,
        ..PlanContext::default()
    };
    let free = PlanContext {
        levels: ctx.levels.clone(),
        ..PlanContext::default()
    };
    let mut capped = 0;
    for d in 0..60 {
        let day = date() + chrono::Duration::days(d);
        let p = compose(&lib, day, &decision(Steady), &ctx);
        if let Some(i) = p.items.iter().find(|i| i.exercise_id == "open-book") {
            assert_eq!(i.level, 1);
            assert!(i.why.contains("smaller, pain-free range"), "{}", i.why);
            capped += 1;
            // the same day without the caution plans the full range
            let q = compose(&lib, day, &decision(Steady), &free);
            assert_eq!(
                q.items
                    .iter()
                    .find(|i| i.exercise_id == "open-book")
                    .unwrap()
                    .level,
                3
            );
        }
    }
    assert!(capped > 0, "open book never planned in two months");
}

/// Without any exclusion, the movements the rule drops do reach plans: the checks above are not
/// vacuous.
#[test]
fn without_exclusions_the_dropped_movements_are_planned() {
    let lib = Library::builtin();
    let mut seen = BTreeSet::new();
    for level in 1..=5 {
        let ctx = PlanContext {
            levels: crate::activity::PROGRESSING
                .iter()
                .map(|f| (*f, level))
                .collect(),
            ..PlanContext::default()
        };
        for d in 0..28 {
            let day = date() + chrono::Duration::days(d);
            for dt in [Flare, Gentle, Steady, Strong] {
                for i in compose(&lib, day, &decision(dt), &ctx).items {
                    seen.extend(expected_tags(&i.exercise_id, i.level));
                }
            }
        }
    }
    for tag in [
        "end_range_rotation",
        "loaded_flexion",
        "loaded_rotation",
        "moderate_impact",
        "flexion_mobility",
        "rotation_mobility",
    ] {
        assert!(seen.contains(tag), "{tag} never planned");
    }
}

use proptest::prelude::*;

fn arb_context() -> impl Strategy<Value = PlanContext> {
    let lib = Library::builtin();
    let ids: Vec<String> = lib.exercises().iter().map(|e| e.id.clone()).collect();
    let equipment: Vec<String> = lib.equipment().into_iter().map(String::from).collect();
    let tags: Vec<Movement> = Movement::ALL.to_vec();
    (
        proptest::sample::subsequence(tags.clone(), 0..=tags.len()),
        proptest::sample::subsequence(ids.clone(), 0..=8),
        proptest::sample::subsequence(equipment.clone(), 0..=equipment.len()),
        proptest::collection::vec(1u8..=6, crate::activity::PROGRESSING.len()),
    )
        .prop_map(|(tags, ids, equipment, levels)| PlanContext {
            levels: crate::activity::PROGRESSING
                .iter()
                .copied()
                .zip(levels)
                .collect(),
            excluded_movements: tags.into_iter().collect(),
            excluded_exercises: ids.into_iter().collect(),
            missing_equipment: equipment.into_iter().collect(),
        })
}

/// A bone record from its parts: lowest T-score (or no scan), a vertebral fracture, height now
/// against an earlier measurement and against her tallest.
fn arb_bone() -> impl Strategy<Value = (Option<serde_json::Value>, bool)> {
    (
        proptest::option::of(-40i32..=10),
        any::<bool>(),
        0u32..=30,
        0u32..=60,
        any::<bool>(),
    )
        .prop_map(|(t, vf, lost_mm, shorter_mm, recorded)| {
            if !recorded {
                return (None, vf);
            }
            let now = 160.0;
            let mut v = serde_json::json!({
                "date": "2026-11-24", "age": 55, "height_cm": now,
                "tallest_height_cm": now + f64::from(shorter_mm) / 10.0,
                "heights": [{"date": "2024-01-10", "cm": now + f64::from(lost_mm) / 10.0}],
                "vertebral_fracture": vf,
            });
            if let Some(t) = t {
                v["dexa"] = dexa(f64::from(t) / 10.0);
            }
            (Some(v), vf)
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
        let excluded: BTreeSet<&str> = ctx.excluded_movements.iter().map(|m| m.name()).collect();
        for i in &p.items {
            let e = lib.get(&i.exercise_id).unwrap();
            prop_assert!(!out.contains(e.id.as_str()), "{} on {:?}", e.id, dt);
            prop_assert!(!ctx.excluded_exercises.contains(&e.id), "{} on {:?}", e.id, dt);
            prop_assert!(e.day_types.contains(&dt));
            prop_assert!(i.level >= 1 && i.level <= e.top_level());
            prop_assert!(!i.why.is_empty());
            let hit: Vec<_> = expected_tags(&i.exercise_id, i.level).into_iter().filter(|t| excluded.contains(t)).collect();
            prop_assert!(hit.is_empty(), "{} level {}: {:?}", i.exercise_id, i.level, hit);
        }
    }

    /// For every bone state and day type, no movement the rule excludes reaches the plan. What
    /// is excluded is read off the assessment's findings, by hand: the caution's list, and heel
    /// drops with a vertebral fracture or a height-loss finding.
    #[test]
    fn no_bone_state_lets_an_excluded_movement_into_the_plan(
        (bone, vf) in arb_bone(),
        fracture_risk_open in any::<bool>(),
        level in 1u8..=6,
        offset in 0i64..730,
        dt in proptest::sample::select(vec![Flare, Gentle, Steady, Strong]),
    ) {
        let lib = Library::builtin();
        let a = bone.map(assessed);
        let caution = a.as_ref().is_some_and(|a| a.has("BONE-EXERCISE-CAUTION"));
        let height_loss = a.as_ref().is_some_and(|a| a.has("BONE-HEIGHT-PROSPECTIVE") || a.has("BONE-HEIGHT-HISTORICAL"));
        let mut excluded: BTreeSet<&str> = BTreeSet::new();
        if caution || fracture_risk_open {
            excluded.extend(CAUTION);
        }
        if (caution && (vf || height_loss)) || fracture_risk_open {
            excluded.insert("moderate_impact");
        }
        if fracture_risk_open {
            excluded.extend(["flexion_mobility", "rotation_mobility"]);
        }
        let (movements, _) = safety_exclusions(a.as_ref(), vf && a.is_some(), fracture_risk_open);
        let ctx = PlanContext {
            levels: crate::activity::PROGRESSING.iter().map(|f| (*f, level)).collect(),
            excluded_movements: movements,
            ..PlanContext::default()
        };
        let p = compose(&lib, date() + chrono::Duration::days(offset), &decision(dt), &ctx);
        for i in &p.items {
            let hit: Vec<_> = expected_tags(&i.exercise_id, i.level).into_iter().filter(|t| excluded.contains(t)).collect();
            prop_assert!(hit.is_empty(), "{} level {} on {:?}: {:?}", i.exercise_id, i.level, dt, hit);
        }
        if dt == Strong && !excluded.contains("moderate_impact") {
            prop_assert!(p.items.iter().any(|i| i.exercise_id == "heel-drops"));
        }
    }
}

/// One story about levels (issue 25): over every day type and family level, each item's line
/// names its own level within its own ladder, says why today, and what moves it up, and
/// nothing else on the item names a level that could contradict it.
#[test]
fn each_item_tells_one_story_about_its_level() {
    let lib = Library::builtin();
    for day_type in [Flare, Gentle, Steady, Strong] {
        for current in 1..=5u8 {
            for good in 0..=2u8 {
                let mut ctx = PlanContext::default();
                for f in crate::activity::PROGRESSING {
                    ctx.levels.insert(*f, current);
                }
                let p = compose(&lib, date(), &decision(day_type), &ctx);
                for item in &p.items {
                    let top = lib.get(&item.exercise_id).unwrap().top_level();
                    let usual = ctx.level(item.family).clamp(1, top);
                    let line = level_line(item, top, ctx.level(item.family), good, None, day_type);
                    let head = format!("Level {} of {top}, ", item.level);
                    assert!(line.starts_with(&head), "{line}");
                    assert!(item.level <= top, "{}", item.exercise_id);
                    assert!(
                        !item.why.contains("level ") || item.why.contains("lighter level"),
                        "{}: the reason leaves the level to its line: {}",
                        item.exercise_id,
                        item.why
                    );
                    if day_type == Flare {
                        assert!(line.contains("flare"), "{line}");
                        continue;
                    }
                    if usual < top {
                        let next = format!("up to level {}", usual + 1);
                        assert!(line.contains(&next), "{}: {line}", item.exercise_id);
                        let left = 3 - good;
                        assert!(
                            line.contains(&format!("{left} more comfortable session")),
                            "{line}"
                        );
                    } else {
                        assert!(line.contains("keep it up"), "{line}");
                    }
                    if item.progression_attempt {
                        assert!(
                            line.contains("a step up") && item.level == usual + 1,
                            "{line}"
                        );
                    } else if day_type == Gentle && item.family == DeepCore && item.level < usual {
                        assert!(
                            line.contains(&format!("one below your usual {usual}")),
                            "{line}"
                        );
                        assert_eq!(item.level, usual - 1);
                    } else if day_type == Gentle && item.family == DeepCore && current > 1 {
                        assert_eq!(
                            item.level,
                            top.min(current - 1),
                            "one below, within its ladder"
                        );
                    } else if item.level == usual {
                        assert!(line.contains("your current level"), "{line}");
                    }
                    // No number in the line goes past the ladder's top.
                    for n in line
                        .split(|c: char| !c.is_ascii_digit())
                        .filter_map(|t| t.parse::<u8>().ok())
                    {
                        assert!(n <= top.max(10), "{line}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_familys_move_is_told_in_its_line() {
    let lib = Library::builtin();
    let mut ctx = PlanContext::default();
    ctx.levels.insert(Glutes, 2);
    let p = compose(&lib, date(), &decision(Steady), &ctx);
    let item = p.items.iter().find(|i| i.family == Glutes).unwrap();
    let top = lib.get(&item.exercise_id).unwrap().top_level();
    let line = level_line(
        item,
        top,
        2,
        0,
        Some("Up to level 2: three sessions at level 1 with pain at most 5/10."),
        Steady,
    );
    assert!(line.contains("Up to level 2: three sessions"), "{line}");
    let line = level_line(item, top, 2, 0, Some("Counting: 1 of 3."), Steady);
    assert!(!line.contains("Counting"), "only a move is told: {line}");
}
