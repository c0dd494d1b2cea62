//! Section 8: symptom input, the heavy-symptom day's three conditions at their boundaries, its
//! effect on the day type and the plan, and the invariants (symptoms hide no red flag and never
//! raise the day's intensity).

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::daytype::{self, DayType, DayTypeDecision, RecentDay};
use crate::library::Library;
use crate::plan::{self, COOLING_ADVICE, PlanContext, TEN_MINUTE_RULE};
use crate::triage::{self, TriageInput};
use crate::{CheckIn, ValidationErrors};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn parse(v: Value) -> Result<CheckIn, ValidationErrors> {
    CheckIn::parse(&v, today())
}

fn error_for(v: Value, field: &str) -> String {
    let e = parse(v).expect_err("should be refused");
    e.message_for(field)
        .unwrap_or_else(|| panic!("no error for {field}: {e:?}"))
        .to_string()
}

fn log(ratings: &[(Symptom, u8)]) -> SymptomLog {
    SymptomLog {
        ratings: ratings.iter().copied().collect(),
        ..SymptomLog::default()
    }
}

#[test]
fn every_listed_symptom_takes_0_to_4_and_nothing_else() {
    assert_eq!(Symptom::ALL.len(), 12);
    for s in Symptom::ALL {
        for ok in 0..=4 {
            let c = parse(json!({"pain": 2, "symptoms": {s.key(): ok}})).unwrap();
            assert_eq!(c.symptoms.rating(*s), Some(ok as u8), "{}", s.key());
        }
        let field = format!("symptoms.{}", s.key());
        for bad in [json!(5), json!(-1), json!(2.5), json!("2"), json!(true)] {
            error_for(json!({"pain": 2, "symptoms": {s.key(): bad}}), &field);
        }
    }
}

#[test]
fn a_symptom_not_rated_is_unknown_never_zero() {
    let c = parse(json!({"pain": 2, "symptoms": {"hot_flushes": 1, "anxiety": null}})).unwrap();
    assert_eq!(c.symptoms.rating(Symptom::HotFlushes), Some(1));
    assert_eq!(c.symptoms.rating(Symptom::Anxiety), None);
    assert_eq!(c.symptoms.rating(Symptom::LowMood), None);
    assert_eq!(c.to_json()["symptoms"], json!({"hot_flushes": 1}));
    let none = parse(json!({"pain": 2})).unwrap();
    assert!(none.symptoms.is_empty());
    assert!(none.to_compact_json().get("symptoms").is_none());
}

#[test]
fn an_unknown_symptom_is_refused_by_name() {
    let m = error_for(
        json!({"pain": 1, "symptoms": {"hot_flash": 2}}),
        "symptoms.hot_flash",
    );
    assert!(m.contains("hot_flushes"), "{m}");
    error_for(json!({"pain": 1, "symptoms": [2]}), "symptoms");
}

#[test]
fn the_hot_flush_count_is_0_to_100() {
    for ok in [0, 100] {
        assert_eq!(
            parse(json!({"pain": 1, "hot_flush_count": ok}))
                .unwrap()
                .symptoms
                .hot_flush_count,
            Some(ok as u8)
        );
    }
    for bad in [json!(101), json!(-1), json!(1.5)] {
        error_for(
            json!({"pain": 1, "hot_flush_count": bad}),
            "hot_flush_count",
        );
    }
}

#[test]
fn custom_symptoms_have_a_name_of_1_to_40_characters_and_at_most_20() {
    let c =
        parse(json!({"pain": 1, "custom_symptoms": {" tingling ": 2, "é".repeat(40): 0}})).unwrap();
    assert_eq!(c.symptoms.custom.get("tingling"), Some(&2), "trimmed");
    assert_eq!(c.symptoms.custom.len(), 2);
    error_for(
        json!({"pain": 1, "custom_symptoms": {"a".repeat(41): 1}}),
        "custom_symptoms",
    );
    error_for(
        json!({"pain": 1, "custom_symptoms": {"  ": 1}}),
        "custom_symptoms",
    );
    error_for(
        json!({"pain": 1, "custom_symptoms": {"tingling": 5}}),
        "custom_symptoms.tingling",
    );
    let twenty: serde_json::Map<String, Value> =
        (1..=20).map(|i| (format!("s{i}"), json!(1))).collect();
    assert!(parse(json!({"pain": 1, "custom_symptoms": twenty.clone()})).is_ok());
    let mut more = twenty;
    more.insert("s21".into(), json!(1));
    assert!(
        error_for(
            json!({"pain": 1, "custom_symptoms": more}),
            "custom_symptoms"
        )
        .contains("20")
    );
}

#[test]
fn the_days_bleeding_takes_a_flow_and_after_sex() {
    let c = parse(json!({"pain": 1, "bleeding": {"flow": "spotting", "after_sex": true}})).unwrap();
    assert_eq!(
        c.symptoms.bleeding,
        Some(DayBleeding {
            flow: Flow::Spotting,
            after_sex: true
        })
    );
    let c = parse(json!({"pain": 1, "bleeding": {"flow": "heavy"}})).unwrap();
    assert!(!c.symptoms.bleeding.unwrap().after_sex);
    error_for(
        json!({"pain": 1, "bleeding": {"flow": "lots"}}),
        "bleeding.flow",
    );
    error_for(json!({"pain": 1, "bleeding": {}}), "bleeding.flow");
    error_for(
        json!({"pain": 1, "bleeding": {"flow": "light", "colour": "red"}}),
        "bleeding.colour",
    );
    error_for(
        json!({"pain": 1, "bleeding": {"flow": "light", "after_sex": "no"}}),
        "bleeding.after_sex",
    );
}

#[test]
fn symptoms_round_trip_through_the_canonical_and_compact_forms() {
    let c = parse(
        json!({"pain": 3, "symptoms": {"night_sweats": 2, "brain_fog": 0},
        "hot_flush_count": 7, "custom_symptoms": {"dry eyes": 1},
        "bleeding": {"flow": "light", "after_sex": false}}),
    )
    .unwrap();
    assert_eq!(CheckIn::parse(&c.to_json(), today()).unwrap(), c);
    assert_eq!(CheckIn::parse(&c.to_compact_json(), today()).unwrap(), c);
    assert_eq!(c.to_json()["hot_flush_count"], json!(7));
    assert_eq!(
        c.to_json()["bleeding"],
        json!({"flow": "light", "after_sex": false})
    );
}

// The heavy-symptom day: each condition at its boundary.

#[test]
fn a_rating_of_3_makes_a_heavy_day_and_2_does_not() {
    for s in Symptom::ALL {
        assert_eq!(heavy_day(&log(&[(*s, 2)]), Some(8)), None, "{}", s.key());
        for r in [3, 4] {
            let h = heavy_day(&log(&[(*s, r)]), Some(8)).expect("heavy");
            assert_eq!(h.symptoms, vec![*s]);
            assert!(h.because.contains(s.words()), "{}", h.because);
        }
    }
}

#[test]
fn ratings_adding_up_to_8_make_a_heavy_day_and_7_do_not() {
    use Symptom::*;
    let seven = log(&[(JointAches, 2), (LowMood, 2), (BrainFog, 2), (Headache, 1)]);
    assert_eq!(heavy_day(&seven, None), None);
    let eight = log(&[
        (JointAches, 2),
        (LowMood, 2),
        (BrainFog, 2),
        (Headache, 2),
        (Anxiety, 0),
    ]);
    let h = heavy_day(&eight, None).expect("heavy at 8");
    assert_eq!(h.symptoms, vec![JointAches, LowMood, BrainFog, Headache]);
    assert!(h.because.contains("adding up to 8"), "{}", h.because);
}

#[test]
fn night_sweats_of_2_with_sleep_of_4_or_less_make_a_heavy_day() {
    use Symptom::NightSweats;
    assert!(heavy_day(&log(&[(NightSweats, 2)]), Some(4)).is_some());
    assert!(heavy_day(&log(&[(NightSweats, 2)]), Some(0)).is_some());
    assert_eq!(heavy_day(&log(&[(NightSweats, 2)]), Some(5)), None);
    assert_eq!(heavy_day(&log(&[(NightSweats, 1)]), Some(2)), None);
    assert_eq!(
        heavy_day(&log(&[(NightSweats, 2)]), None),
        None,
        "sleep not given"
    );
    let h = heavy_day(&log(&[(NightSweats, 2)]), Some(3)).unwrap();
    assert_eq!(h.because, "night sweats moderate with sleep 3/10");
}

#[test]
fn her_own_symptoms_do_not_set_the_day() {
    let mut l = log(&[]);
    l.custom.insert("tinnitus".into(), 4);
    l.custom.insert("dry skin".into(), 4);
    assert_eq!(heavy_day(&l, Some(1)), None);
}

fn decide(v: Value) -> DayTypeDecision {
    decide_after(v, &[])
}

fn decide_after(v: Value, recent: &[RecentDay]) -> DayTypeDecision {
    let c = parse(v).unwrap();
    let t = triage::evaluate(&TriageInput::from_check_in(&c, Default::default()));
    daytype::decide(&c, &t, t.open_urgent(&[]), recent)
}

#[test]
fn a_heavy_day_turns_steady_and_strong_into_gentle_naming_the_symptoms() {
    let steady = json!({"pain": 3, "sleep": 6, "energy": 5});
    let strong = json!({"pain": 1, "sleep": 8, "energy": 8});
    for base in [steady, strong] {
        let mut v = base.clone();
        v["symptoms"] = json!({"hot_flushes": 3, "joint_aches": 1});
        let d = decide(v);
        assert_eq!(d.day_type, DayType::Gentle);
        assert_eq!(d.rule, "DT-GENTLE");
        assert!(d.reason.contains("hot flushes severe"), "{}", d.reason);
        assert_eq!(d.heavy_symptoms, vec![Symptom::HotFlushes]);
        assert!(d.hot_flushes);
        let plain = decide(base);
        assert!(plain.heavy_symptoms.is_empty());
        assert_ne!(plain.day_type, DayType::Gentle);
    }
}

#[test]
fn on_a_gentle_day_heavy_symptoms_add_to_the_reason() {
    let d = decide(json!({"pain": 5, "symptoms": {"exhaustion": 4}}));
    assert_eq!(d.day_type, DayType::Gentle);
    assert!(d.reason.starts_with("Pain is 5/10"), "{}", d.reason);
    assert!(d.reason.contains("exhaustion very severe"), "{}", d.reason);
    assert_eq!(d.heavy_symptoms, vec![Symptom::Exhaustion]);
}

#[test]
fn flare_and_stop_days_keep_their_own() {
    let flare = decide(json!({"pain": 8, "symptoms": {"anxiety": 4}}));
    assert_eq!(flare.day_type, DayType::Flare);
    assert!(flare.heavy_symptoms.is_empty());
    assert!(!flare.reason.contains("anxiety"));
    let stop = decide(json!({"pain": 2, "chest_pain": true, "symptoms": {"anxiety": 4}}));
    assert_eq!(stop.day_type, DayType::Stop);
    assert!(stop.heavy_symptoms.is_empty());
}

fn heavy_plan(v: Value) -> (plan::Plan, plan::Plan) {
    let lib = Library::builtin();
    let mut ctx = PlanContext::default();
    for f in crate::activity::PROGRESSING {
        ctx.levels.insert(*f, 3);
    }
    let d = decide(v.clone());
    let mut light = v;
    light["symptoms"] = json!({});
    let base = decide(light);
    (
        plan::compose(&lib, today(), &d, &ctx),
        plan::compose(&lib, today(), &base, &ctx),
    )
}

#[test]
fn a_heavy_gentle_day_halves_every_dose_with_the_rounding_rules() {
    let (heavy, plain) = heavy_plan(json!({"pain": 5, "symptoms": {"low_mood": 3}}));
    assert_eq!(heavy.items.len(), plain.items.len());
    assert!(heavy.advice.iter().any(|a| a == TEN_MINUTE_RULE));
    assert!(!plain.advice.iter().any(|a| a == TEN_MINUTE_RULE));
    for (h, p) in heavy.items.iter().zip(&plain.items) {
        assert_eq!(h.exercise_id, p.exercise_id);
        assert_eq!(h.level, p.level, "the level stays, the amount halves");
        match (p.sets, p.reps, p.hold_seconds, p.minutes) {
            (Some(s), _, _, _) if s >= 2 => {
                assert_eq!(h.sets, Some(s / 2), "{}", p.exercise_id);
                assert_eq!((h.reps, h.hold_seconds), (p.reps, p.hold_seconds));
            }
            (_, Some(r), _, _) => assert_eq!(h.reps, Some((r / 2).max(1)), "{}", p.exercise_id),
            (_, None, Some(s), _) => {
                assert_eq!(
                    h.hold_seconds,
                    Some((s / 2).max(20).min(s)),
                    "{}",
                    p.exercise_id
                )
            }
            (_, None, None, Some(m)) => {
                assert_eq!(h.minutes, Some((m / 2).max(5).min(m)), "{}", p.exercise_id)
            }
            _ => panic!("{} has no dose", p.exercise_id),
        }
    }
    let walk = heavy.items.iter().find(|i| i.minutes.is_some()).unwrap();
    assert_eq!(walk.minutes, Some(10), "a 20-minute walk becomes 10");
    assert_eq!(walk.dose, "10 min");
}

#[test]
fn halving_rounds_down_and_keeps_one_set_20_seconds_and_5_minutes() {
    use crate::library::Level;
    let level = |sets, reps, hold, minutes| Level {
        name: "x".into(),
        sets,
        reps,
        hold_seconds: hold,
        minutes,
        bouts: None,
        per_side: false,
        tags: Vec::new(),
    };
    let cases = [
        (
            level(Some(3), Some(10), None, None),
            (Some(1), Some(10), None, None),
        ),
        (
            level(Some(2), Some(8), None, None),
            (Some(1), Some(8), None, None),
        ),
        (
            level(Some(1), Some(9), None, None),
            (Some(1), Some(4), None, None),
        ),
        (
            level(Some(1), Some(1), None, None),
            (Some(1), Some(1), None, None),
        ),
        (
            level(Some(1), None, Some(60), None),
            (Some(1), None, Some(30), None),
        ),
        (
            level(Some(1), None, Some(30), None),
            (Some(1), None, Some(20), None),
        ),
        (
            level(Some(1), None, Some(15), None),
            (Some(1), None, Some(15), None),
        ),
        (
            level(Some(4), None, Some(30), None),
            (Some(2), None, Some(30), None),
        ),
        (
            level(None, None, None, Some(25)),
            (None, None, None, Some(12)),
        ),
        (
            level(None, None, None, Some(8)),
            (None, None, None, Some(5)),
        ),
        (
            level(None, None, None, Some(4)),
            (None, None, None, Some(4)),
        ),
    ];
    for (mut l, want) in cases {
        let before = (l.sets, l.reps, l.hold_seconds, l.minutes);
        plan::halved(&mut l);
        assert_eq!(
            (l.sets, l.reps, l.hold_seconds, l.minutes),
            want,
            "{before:?}"
        );
    }
}

#[test]
fn hot_flushes_of_2_or_more_bring_the_cooling_advice() {
    let (p, _) =
        heavy_plan(json!({"pain": 3, "sleep": 7, "energy": 6, "symptoms": {"hot_flushes": 2}}));
    assert!(p.advice.iter().any(|a| a == COOLING_ADVICE));
    assert!(
        !p.advice.iter().any(|a| a == TEN_MINUTE_RULE),
        "2 alone is not heavy"
    );
    assert_eq!(p.day_type, DayType::Steady);
    let (p, _) =
        heavy_plan(json!({"pain": 3, "sleep": 7, "energy": 6, "symptoms": {"hot_flushes": 1}}));
    assert!(!p.advice.iter().any(|a| a == COOLING_ADVICE));
}

// Invariants over any symptom input.

fn rank(d: DayType) -> u8 {
    match d {
        DayType::Stop => 0,
        DayType::Flare => 1,
        DayType::Gentle => 2,
        DayType::Steady => 3,
        DayType::Strong => 4,
    }
}

/// The amount of an item, comparable between doses of one exercise at one level.
fn volume(i: &crate::PlanItem) -> u32 {
    let n = |v: Option<u8>| u32::from(v.unwrap_or(1));
    n(i.sets)
        * n(i.reps)
        * u32::from(i.hold_seconds.unwrap_or(1))
        * u32::from(i.minutes.unwrap_or(1))
}

fn arb_symptoms() -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(proptest::option::of(0u8..=4), Symptom::ALL.len()),
        proptest::option::of(0u8..=100),
        proptest::collection::vec(("[a-z]{1,12}", 0u8..=4), 0..4),
        proptest::option::of((0usize..5, any::<bool>())),
    )
        .prop_map(|(ratings, count, custom, bleeding)| {
            let mut v = json!({});
            let symptoms: serde_json::Map<String, Value> = Symptom::ALL
                .iter()
                .zip(ratings)
                .filter_map(|(s, r)| r.map(|r| (s.key().to_string(), json!(r))))
                .collect();
            v["symptoms"] = Value::Object(symptoms);
            if let Some(c) = count {
                v["hot_flush_count"] = json!(c);
            }
            v["custom_symptoms"] =
                Value::Object(custom.into_iter().map(|(n, r)| (n, json!(r))).collect());
            if let Some((f, after_sex)) = bleeding {
                v["bleeding"] = json!({"flow": Flow::ALL[f].0, "after_sex": after_sex});
            }
            v
        })
}

fn arb_day() -> impl Strategy<Value = Value> {
    let questions: Vec<&'static str> = crate::rules::Question::ALL
        .iter()
        .map(|q| q.name())
        .collect();
    (
        0u8..=10,
        proptest::option::of(0u8..=10),
        proptest::option::of(0u8..=10),
        proptest::collection::vec(proptest::option::of(any::<bool>()), questions.len()),
    )
        .prop_map(move |(pain, sleep, energy, answers)| {
            let mut v = json!({"pain": pain});
            if let Some(s) = sleep {
                v["sleep"] = json!(s);
            }
            if let Some(e) = energy {
                v["energy"] = json!(e);
            }
            for (q, a) in questions.iter().zip(answers) {
                if let Some(a) = a {
                    v[*q] = json!(a);
                }
            }
            v
        })
}

proptest! {
    /// No symptom, count, custom symptom or bleeding entry changes what triage finds: the red
    /// flags of section 1 read none of them.
    #[test]
    fn symptoms_never_hide_or_lower_a_red_flag(day in arb_day(), extra in arb_symptoms()) {
        let plain = parse(day.clone()).unwrap();
        let mut with = day;
        for (k, v) in extra.as_object().unwrap() {
            with[k] = v.clone();
        }
        let with = parse(with).unwrap();
        let a = triage::evaluate(&TriageInput::from_check_in(&plain, Default::default()));
        let b = triage::evaluate(&TriageInput::from_check_in(&with, Default::default()));
        prop_assert_eq!(&a, &b);
        let da = daytype::decide(&plain, &a, a.open_urgent(&[]), &[]);
        let db = daytype::decide(&with, &b, b.open_urgent(&[]), &[]);
        if da.day_type == DayType::Stop {
            prop_assert_eq!(db.day_type, DayType::Stop);
        }
    }

    /// A heavy-symptom day never raises the day's intensity: the day type is never above the
    /// one without symptoms, and no planned item does more than it would have.
    #[test]
    fn a_heavy_symptom_day_never_raises_intensity(day in arb_day(), extra in arb_symptoms()) {
        let lib = Library::builtin();
        let plain = parse(day.clone()).unwrap();
        let mut with = day;
        for (k, v) in extra.as_object().unwrap() {
            with[k] = v.clone();
        }
        let with = parse(with).unwrap();
        let t = triage::evaluate(&TriageInput::from_check_in(&plain, Default::default()));
        let da = daytype::decide(&plain, &t, t.open_urgent(&[]), &[]);
        let db = daytype::decide(&with, &t, t.open_urgent(&[]), &[]);
        prop_assert!(rank(db.day_type) <= rank(da.day_type));
        if da.day_type == db.day_type {
            let ctx = PlanContext::default();
            let pa = plan::compose(&lib, today(), &da, &ctx);
            let pb = plan::compose(&lib, today(), &db, &ctx);
            prop_assert_eq!(pa.items.len(), pb.items.len());
            for (x, y) in pa.items.iter().zip(&pb.items) {
                prop_assert_eq!(&x.exercise_id, &y.exercise_id);
                prop_assert!(y.level <= x.level);
                prop_assert!(volume(y) <= volume(x), "{} {:?} {:?}", x.exercise_id, x.dose, y.dose);
            }
        }
    }
}
