use super::*;
use crate::movement::Movement;

#[test]
fn shipped_library_is_valid_and_complete() {
    let lib = Library::builtin();
    // the five families of section 3 have at least three exercises each
    for family in [
        ExerciseFamily::DeepCore,
        ExerciseFamily::Glutes,
        ExerciseFamily::Thoracic,
        ExerciseFamily::HipFlexor,
        ExerciseFamily::Walking,
    ] {
        let n = lib
            .exercises()
            .iter()
            .filter(|e| e.family == family)
            .count();
        assert!(n >= 3, "{family:?} has {n}");
    }
    // every family a day type uses has an exercise for it
    for (day, families) in crate::plan::SESSION_FAMILIES {
        for family in *families {
            assert!(
                !lib.candidates(*family, *day).is_empty(),
                "{day:?} needs {family:?}"
            );
        }
    }
    for e in lib.exercises() {
        assert!(e.levels.len() >= 3, "{}", e.id);
        assert!(e.cues.len() >= 2, "{}", e.id);
    }
}

const ONE: &str = r#"
[notes]
floor = "f"
breathing = "b"
pain = "p"

[[exercise]]
id = "a"
name = "A"
family = "walking"
why = "w"
equipment = []
tags = []
pictures = ["position"]
cues = ["one", "two"]
mistake = "m"
levels = [{ name = "1", minutes = 1 }, { name = "2", minutes = 2 }, { name = "3", minutes = 3 }]
"#;

#[test]
fn a_minimal_library_is_read() {
    let lib = Library::from_toml(ONE).unwrap();
    assert_eq!(lib.exercises().len(), 1);
    // a walk has a ladder to climb: the pain limits apply; it is neither floor nor strength work
    assert_eq!(lib.exercises()[0].safety, ["p"]);
}

#[test]
fn duplicate_ids_are_refused() {
    let twice = format!("{ONE}{}", &ONE[ONE.find("[[exercise]]").unwrap()..]);
    assert!(matches!(
        Library::from_toml(&twice),
        Err(LibraryError::Invalid { .. })
    ));
}

/// Each way a library file can be wrong, and the message that says so.
#[test]
fn bad_library_files_are_refused_with_the_reason() {
    let refused = |from: &str, to: &str| {
        assert!(ONE.contains(from), "{from}");
        let text = ONE.replace(from, to);
        Library::from_toml(&text).expect_err(to).to_string()
    };
    // an unknown tag, on the exercise or on a level
    assert!(refused("tags = []", "tags = [\"jumping\"]").contains("jumping"));
    assert!(
        refused(
            "{ name = \"1\", minutes = 1 }",
            "{ name = \"1\", minutes = 1, tags = [\"jumping\"] }"
        )
        .contains("jumping")
    );
    // a level that repeats the exercise's own tag
    let t = ONE.replace("tags = []", "tags = [\"floor\"]").replace(
        "{ name = \"2\", minutes = 2 }",
        "{ name = \"2\", minutes = 2, tags = [\"floor\"] }",
    );
    assert!(
        Library::from_toml(&t)
            .unwrap_err()
            .to_string()
            .contains("repeats a tag")
    );
    // a level without a dose
    assert!(
        refused("{ name = \"1\", minutes = 1 }", "{ name = \"1\" }").contains("level '1' needs")
    );
    // too few levels
    assert!(refused(", { name = \"3\", minutes = 3 }", "").contains("at least 3 levels"));
    // no pictures, or slots that are not position / start and end
    assert!(refused("pictures = [\"position\"]\n", "").contains("pictures"));
    assert!(refused("pictures = [\"position\"]", "pictures = []").contains("pictures"));
    assert!(refused("pictures = [\"position\"]", "pictures = [\"start\"]").contains("pictures"));
    // cues: missing, one, blank, more than six
    assert!(refused("cues = [\"one\", \"two\"]\n", "").contains("cues"));
    assert!(refused("cues = [\"one\", \"two\"]", "cues = [\"one\"]").contains("2 to 6 cues"));
    assert!(
        refused("cues = [\"one\", \"two\"]", "cues = [\"one\", \" \"]").contains("2 to 6 cues")
    );
    assert!(
        refused(
            "cues = [\"one\", \"two\"]",
            "cues = [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\"]"
        )
        .contains("2 to 6 cues")
    );
    // the notes are required and may not be blank
    assert!(refused("floor = \"f\"\n", "").contains("floor"));
    assert!(refused("pain = \"p\"", "pain = \"\"").contains("notes"));
    // a stop day is not a day to exercise
    assert!(
        refused(
            "family = \"walking\"",
            "family = \"walking\"\nday_types = [\"stop\"]"
        )
        .contains("day_types")
    );
    assert!(matches!(
        Library::from_toml("exercise = 3"),
        Err(LibraryError::Syntax(_))
    ));
}

/// Every exercise carries, at every level, exactly the tags of the hand-written table; every
/// row of the table is an exercise of the library.
#[test]
fn every_exercise_carries_the_tags_of_the_hand_written_table() {
    let lib = Library::builtin();
    for e in lib.exercises() {
        let Some((_, own, by_level)) = super::expected::EXPECTED_TAGS
            .iter()
            .find(|(id, _, _)| *id == e.id)
        else {
            panic!("{} is missing from library/expected.rs", e.id);
        };
        for n in 1..=e.top_level() {
            let mut want: BTreeSet<&str> = own.iter().copied().collect();
            for (level, extra) in *by_level {
                if *level == n {
                    want.extend(extra.iter().copied());
                }
            }
            let have: BTreeSet<&str> = e.tags_at(n).into_iter().map(Movement::name).collect();
            assert_eq!(have, want, "{} level {n}", e.id);
        }
        assert!(
            by_level.iter().all(|(n, _)| *n <= e.top_level()),
            "{}",
            e.id
        );
    }
    for (id, _, _) in super::expected::EXPECTED_TAGS {
        assert!(
            lib.get(id).is_some(),
            "{id} is in the table but not the library"
        );
    }
}

/// Flexion and rotation mobility are safe at their smallest range: the first level of every
/// such exercise holds neither end range nor load.
#[test]
fn mobility_starts_within_a_small_range() {
    let risky = [
        Movement::EndRangeFlexion,
        Movement::EndRangeRotation,
        Movement::LoadedFlexion,
        Movement::LoadedRotation,
    ];
    let lib = Library::builtin();
    let mobility: Vec<&Exercise> = lib
        .exercises()
        .iter()
        .filter(|e| {
            let t = e.tags_at(1);
            t.contains(&Movement::FlexionMobility) || t.contains(&Movement::RotationMobility)
        })
        .collect();
    assert!(mobility.len() >= 3);
    for e in mobility {
        assert!(risky.iter().all(|r| !e.tags_at(1).contains(r)), "{}", e.id);
    }
}

#[test]
fn the_safety_notes_reach_every_exercise_they_concern() {
    let lib = Library::builtin();
    let text = include_str!("../../../../content/exercises.toml");
    let notes: toml::Table = toml::from_str(text).unwrap();
    let note = |k: &str| notes["notes"][k].as_str().unwrap().to_string();
    let (floor, breathing, pain) = (note("floor"), note("breathing"), note("pain"));
    assert!(
        floor.contains("roll onto your side") && floor.contains("push yourself up with your arms")
    );
    assert!(breathing.contains("never hold your breath"));
    assert!(pain.contains("5/10") && pain.contains("next morning") && pain.contains("down a leg"));
    for e in lib.exercises() {
        let on_floor = e.all_tags().contains(&Movement::Floor);
        assert_eq!(e.safety.contains(&floor), on_floor, "{}", e.id);
        assert_eq!(
            e.safety.contains(&breathing),
            STRENGTH_FAMILIES.contains(&e.family),
            "{}",
            e.id
        );
        assert_eq!(
            e.safety.contains(&pain),
            e.id != "position-change",
            "{}",
            e.id
        );
    }
}

/// The single-leg work keeps a hand on support at every level.
#[test]
fn single_leg_work_is_done_near_support() {
    let lib = Library::builtin();
    for e in lib.exercises() {
        if !e.all_tags().contains(&Movement::SingleLegLoad) {
            continue;
        }
        let cues = e.cues.join(" ").to_lowercase();
        assert!(
            ["chair", "counter", "banister", "wall", "support"]
                .iter()
                .any(|w| cues.contains(w)),
            "{}: {cues}",
            e.id
        );
    }
}

#[test]
fn doses_read_plainly() {
    let l = |sets, reps, hold, minutes, bouts, per_side| Level {
        name: String::new(),
        sets,
        reps,
        hold_seconds: hold,
        minutes,
        bouts,
        per_side,
        tags: Vec::new(),
    };
    assert_eq!(
        l(Some(2), Some(8), None, None, None, true).dose(),
        "2 x 8 each side"
    );
    assert_eq!(
        l(Some(1), None, Some(60), None, None, true).dose(),
        "hold 60 s each side"
    );
    assert_eq!(
        l(Some(2), None, Some(90), None, None, false).dose(),
        "2 x 90 s hold"
    );
    assert_eq!(l(None, None, None, Some(20), None, false).dose(), "20 min");
    assert_eq!(
        l(None, None, None, Some(5), Some(2), false).dose(),
        "5 min, 2 times through the day"
    );
}
