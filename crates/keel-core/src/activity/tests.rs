use super::*;
use serde_json::json;

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).unwrap() + Duration::days(n)
}

fn session(d: i64, exercise: &str, family: ExerciseFamily, level: u8, pain_during: u8) -> Activity {
    Activity {
        date: day(d),
        exercise_id: exercise.into(),
        family,
        level,
        sets: None,
        reps: None,
        hold_seconds: None,
        minutes: None,
        pain_during,
        effort: None,
    }
}

fn core(d: i64, level: u8, pain: u8) -> Activity {
    session(d, "dead-bug", ExerciseFamily::DeepCore, level, pain)
}

fn steady_pain(days: i64, pain: u8) -> BTreeMap<NaiveDate, u8> {
    (0..days).map(|d| (day(d), pain)).collect()
}

fn level_on(acts: &[Activity], pain: &BTreeMap<NaiveDate, u8>, on: i64) -> FamilyLevel {
    family_levels(acts, pain, day(on), &Library::builtin())[&ExerciseFamily::DeepCore].clone()
}

#[test]
fn three_comfortable_sessions_move_up_one_level() {
    let pain = steady_pain(20, 3);
    let acts = [core(0, 1, 5), core(2, 1, 4), core(4, 1, 5)];
    let two = level_on(&acts[..2], &pain, 10);
    assert_eq!((two.level, two.good_sessions), (1, 2));
    let three = level_on(&acts, &pain, 10);
    assert_eq!(three.level, 2);
    assert_eq!(
        three.reason,
        "Up to level 2: three sessions at level 1 with pain at most 5/10."
    );
}

#[test]
fn a_session_counts_only_once_the_next_morning_is_known() {
    let mut pain = steady_pain(4, 3);
    let acts = [core(0, 1, 2), core(1, 1, 2), core(4, 1, 2)];
    // no check-in on day 5: the third session is pending
    assert_eq!(level_on(&acts, &pain, 6).level, 1);
    pain.insert(day(4), 3);
    pain.insert(day(5), 3);
    assert_eq!(level_on(&acts, &pain, 6).level, 2);
    // nor does a session on the evaluation date count
    assert_eq!(level_on(&acts, &pain, 4).level, 1);
}

#[test]
fn next_morning_rise_of_one_is_fine_and_two_moves_down() {
    let mut pain = steady_pain(20, 3);
    pain.insert(day(1), 4); // +1 after day 0
    pain.insert(day(3), 4); // +1 after day 2
    pain.insert(day(5), 4); // +1 after day 4
    let acts = [core(0, 1, 2), core(2, 1, 2), core(4, 1, 2)];
    assert_eq!(level_on(&acts, &pain, 10).level, 2);
    // now at level 2, a +2 rise moves back down
    let mut more = acts.to_vec();
    more.push(core(7, 2, 2));
    pain.insert(day(8), 5);
    let l = level_on(&more, &pain, 10);
    assert_eq!(l.level, 1);
    assert!(l.reason.contains("rose by 2"), "{}", l.reason);
}

#[test]
fn pain_during_above_five_moves_down_and_five_does_not() {
    let pain = steady_pain(30, 2);
    let up: Vec<Activity> = [0, 1, 2].iter().map(|d| core(*d, 1, 5)).collect();
    assert_eq!(level_on(&up, &pain, 10).level, 2);
    let mut down = up.clone();
    down.push(core(5, 2, 6));
    let l = level_on(&down, &pain, 10);
    assert_eq!(l.level, 1);
    assert_eq!(
        l.reason,
        format!("Down to level 1: pain during it was 6/10 on {}.", day(5))
    );
    // never below level 1
    let floor = [core(0, 1, 9)];
    assert_eq!(level_on(&floor, &pain, 10).level, 1);
}

#[test]
fn a_bad_session_resets_the_count() {
    let pain = steady_pain(30, 2);
    let acts = [
        core(0, 1, 2),
        core(1, 1, 2),
        core(2, 1, 7),
        core(3, 1, 2),
        core(4, 1, 2),
    ];
    let l = level_on(&acts, &pain, 10);
    assert_eq!((l.level, l.good_sessions), (1, 2));
}

#[test]
fn sessions_at_another_level_and_repeats_in_a_day_do_not_count() {
    let pain = steady_pain(30, 2);
    let acts = [core(0, 2, 2), core(1, 2, 2), core(2, 2, 2)];
    assert_eq!(
        level_on(&acts, &pain, 10).level,
        1,
        "trial steps up are not counted"
    );
    let same_day = [
        core(0, 1, 2),
        session(0, "bird-dog", ExerciseFamily::DeepCore, 1, 2),
        session(0, "pallof-press", ExerciseFamily::DeepCore, 1, 2),
    ];
    assert_eq!(level_on(&same_day, &pain, 10).good_sessions, 1);
}

#[test]
fn the_top_of_the_ladder_holds() {
    // dead bug's ladder has five levels, the longest of the deep core family
    let pain = steady_pain(40, 2);
    let acts: Vec<Activity> = (0..18)
        .map(|d| core(d, (d / 3 + 1).min(5) as u8, 2))
        .collect();
    let l = level_on(&acts, &pain, 30);
    assert_eq!(l.level, 5);
    assert!(l.reason.contains("top level"), "{}", l.reason);
}

#[test]
fn a_session_at_a_shorter_ladder_s_top_counts_at_the_family_level() {
    // at deep core level 4 (past bird dog's three levels), bird dog is done at its level 3
    let pain = steady_pain(40, 2);
    let mut acts: Vec<Activity> = (0..9).map(|d| core(d, (d / 3 + 1) as u8, 2)).collect();
    assert_eq!(level_on(&acts, &pain, 12).level, 4);
    acts.extend((9..12).map(|d| session(d, "bird-dog", ExerciseFamily::DeepCore, 3, 2)));
    assert_eq!(level_on(&acts, &pain, 15).level, 5);
    // while at level 2, a bird dog at level 3 is a step up tried, not a session at the level
    let early = [core(0, 1, 2), core(1, 1, 2), core(2, 1, 2)];
    let mut tried = early.to_vec();
    tried.extend((3..6).map(|d| session(d, "bird-dog", ExerciseFamily::DeepCore, 3, 2)));
    assert_eq!(level_on(&tried, &pain, 10).level, 2);
}

#[test]
fn walks_count_once_and_the_week_runs_monday_to_sunday() {
    // 2026-11-02 is a Monday
    let mut walk = session(0, "brisk-walk", ExerciseFamily::Walking, 1, 1);
    walk.minutes = Some(30);
    let mut walk2 = session(1, "brisk-walk", ExerciseFamily::Walking, 1, 1);
    walk2.minutes = Some(10);
    let acts = vec![
        walk,
        walk2,
        core(0, 1, 2),
        session(2, "glute-bridge", ExerciseFamily::Glutes, 1, 2),
        session(5, "low-lunge-stretch", ExerciseFamily::HipFlexor, 1, 1),
        session(6, "low-lunge-stretch", ExerciseFamily::HipFlexor, 1, 1),
    ];
    let mut walking = BTreeMap::new();
    walking.insert(day(0), 30u16); // the same walk, in the check-in
    walking.insert(day(1), 25u16); // the check-in knows more than the log
    walking.insert(day(3), 45u16);
    let w = week_summary(&acts, &walking, &BTreeMap::new(), day(6));
    assert_eq!(w.week_start, day(0));
    assert_eq!(w.days.len(), 7);
    assert_eq!(w.days[0].moderate_minutes, 30);
    assert_eq!(w.days[1].moderate_minutes, 25);
    assert_eq!(w.moderate_minutes, 30 + 25 + 45);
    assert_eq!(w.strength_days, 2);
    assert_eq!(w.hip_flexor_streak, 2);
    let mut breaks = BTreeMap::new();
    breaks.insert(day(0), 6u32);
    assert_eq!(
        week_summary(&acts, &walking, &breaks, day(6)).days[0].moderate_minutes,
        36,
        "breaks add"
    );
    // on a day with no stretch yet, the streak up to yesterday still stands
    let w = week_summary(&acts, &walking, &BTreeMap::new(), day(7));
    assert_eq!(w.hip_flexor_streak, 2);
    assert_eq!(w.week_start, day(7));
    let w = week_summary(&acts, &walking, &BTreeMap::new(), day(8));
    assert_eq!(w.hip_flexor_streak, 0);
}

#[test]
fn log_entries_are_validated_against_the_library() {
    let lib = Library::builtin();
    let today = day(10);
    let ok = Activity::parse(
        &json!({"exercise_id": "dead-bug", "pain_during": 3, "effort": 5, "sets": 2, "reps": 8}),
        today,
        &lib,
        |_| 2,
    )
    .unwrap();
    assert_eq!(
        (ok.family, ok.level, ok.date),
        (ExerciseFamily::DeepCore, 2, today)
    );
    let cases = [
        (json!({"pain_during": 3}), "exercise_id"),
        (
            json!({"exercise_id": "moonwalk", "pain_during": 3}),
            "exercise_id",
        ),
        (json!({"exercise_id": "dead-bug"}), "pain_during"),
        (
            json!({"exercise_id": "dead-bug", "pain_during": 11}),
            "pain_during",
        ),
        (
            json!({"exercise_id": "dead-bug", "pain_during": 1, "effort": -1}),
            "effort",
        ),
        (
            json!({"exercise_id": "dead-bug", "pain_during": 1, "level": 6}),
            "level",
        ),
        (
            json!({"exercise_id": "dead-bug", "pain_during": 1, "minutes": 0}),
            "minutes",
        ),
        (
            json!({"exercise_id": "dead-bug", "pain_during": 1, "date": day(11).to_string()}),
            "date",
        ),
        (
            json!({"exercise_id": "dead-bug", "pain_during": 1, "speed": 3}),
            "speed",
        ),
    ];
    for (v, field) in cases {
        let e = Activity::parse(&v, today, &lib, |_| 1).expect_err(&v.to_string());
        assert!(
            e.message_for(field).is_some(),
            "{v} should name {field}: {e:?}"
        );
    }
}

/// The levels do not depend on the order the log comes in: days in order, and within a day
/// each family's sessions by exercise name, however they were given.
#[test]
fn levels_do_not_depend_on_the_order_of_the_log() {
    use ExerciseFamily::{DeepCore, Glutes, Thoracic};
    let library = Library::builtin();
    let mut log = Vec::new();
    for d in 0..40 {
        // Two exercises of one family on a day: the first by name is the one judged.
        log.push(session(
            d,
            "dead-bug",
            DeepCore,
            1 + (d as u8 / 12).min(2),
            if d % 7 == 3 { 7 } else { 2 },
        ));
        log.push(session(
            d,
            "bird-dog",
            DeepCore,
            1 + (d as u8 / 12).min(2),
            1,
        ));
        log.push(session(
            d,
            "glute-bridge",
            Glutes,
            1 + (d as u8 / 12).min(2),
            if d % 5 == 0 { 6 } else { 1 },
        ));
        log.push(session(d, "towel-extension", Thoracic, 1, 0));
    }
    let mut pain = steady_pain(60, 2);
    pain.insert(day(20), 5);
    let sorted = family_levels(&log, &pain, day(41), &library);
    let mut reversed = log.clone();
    reversed.reverse();
    assert_eq!(family_levels(&reversed, &pain, day(41), &library), sorted);
    let mut by_family = log.clone();
    by_family.sort_by(|a, b| {
        (b.family, &a.exercise_id, a.date).cmp(&(a.family, &b.exercise_id, b.date))
    });
    assert_eq!(family_levels(&by_family, &pain, day(41), &library), sorted);
    // The judged session is the first by name: "bird-dog" (pain 1) before "dead-bug".
    let core = &sorted[&DeepCore];
    assert!(core.level >= 2, "{core:?}");
}
