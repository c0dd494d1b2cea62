use super::*;
use serde_json::json;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.051
}

fn desk(v: Value) -> DeskAssessment {
    assess(&DeskInput::parse(&v).expect("valid desk input"))
}

fn rules(a: &DeskAssessment) -> Vec<&str> {
    a.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn heights_from_stature_for_several_statures() {
    // (stature, seat = 0.25 s + 3, desk = seat + 0.145 s, eye = seat + 0.46 s)
    for (stature, seat, desk_h, eye) in [
        (150.0, 40.5, 62.25, 109.5),
        (160.0, 43.0, 66.2, 116.6),
        (172.0, 46.0, 70.94, 125.12),
        (185.0, 49.25, 76.075, 134.35),
    ] {
        let a = desk(json!({"stature_cm": stature}));
        let s = a.seat_height.unwrap();
        assert!(close(s.cm, seat), "{stature}: seat {}", s.cm);
        assert_eq!(s.basis, Basis::EstimatedFromStature);
        assert!(close(a.desk_height.unwrap().cm, desk_h), "{stature}: desk");
        assert!(close(a.eye_height.unwrap().cm, eye), "{stature}: eye");
        assert!(a.findings.is_empty());
    }
}

#[test]
fn measured_values_win_over_estimates() {
    let a = desk(json!({"stature_cm": 160.0, "popliteal_height_cm": 44.0}));
    let seat = a.seat_height.unwrap();
    assert_eq!((seat.cm, seat.basis), (47.0, Basis::Measured));
    // the desk mixes a measured seat with an estimated elbow: still an estimate
    let d = a.desk_height.unwrap();
    assert!(close(d.cm, 47.0 + 23.2));
    assert_eq!(d.basis, Basis::EstimatedFromStature);
    let all = desk(
        json!({"popliteal_height_cm": 44.0, "sitting_elbow_height_cm": 24.0, "sitting_eye_height_cm": 76.0}),
    );
    assert_eq!(
        all.desk_height.unwrap(),
        Height {
            cm: 71.0,
            basis: Basis::Measured
        }
    );
    assert_eq!(
        all.eye_height.unwrap(),
        Height {
            cm: 123.0,
            basis: Basis::Measured
        }
    );
    let none = desk(json!({}));
    assert!(none.seat_height.is_none() && none.desk_height.is_none() && none.eye_height.is_none());
}

#[test]
fn seat_and_desk_within_two_cm_need_no_change() {
    // stature 160: seat 43, desk 66.2
    assert!(rules(&desk(json!({"stature_cm": 160.0, "seat_height_cm": 45.0}))).is_empty());
    assert!(rules(&desk(json!({"stature_cm": 160.0, "seat_height_cm": 41.0}))).is_empty());
    let high = desk(json!({"stature_cm": 160.0, "seat_height_cm": 45.5}));
    assert_eq!(rules(&high), ["ERG-SEAT-HEIGHT"]);
    assert!(high.findings[0].fix.starts_with("Lower your seat"));
    let low = desk(json!({"stature_cm": 160.0, "seat_height_cm": 40.5}));
    assert!(low.findings[0].fix.starts_with("Raise your seat"));
    assert!(rules(&desk(json!({"stature_cm": 160.0, "desk_height_cm": 68.2}))).is_empty());
    let desk_high = desk(json!({"stature_cm": 160.0, "desk_height_cm": 74.0}));
    assert_eq!(rules(&desk_high), ["ERG-DESK-HEIGHT"]);
    assert!(desk_high.findings[0].fix.contains("footrest"));
    assert_eq!(
        rules(&desk(json!({"stature_cm": 160.0, "desk_height_cm": 62.0}))),
        ["ERG-DESK-HEIGHT"]
    );
}

#[test]
fn screen_top_at_or_slightly_below_eye_level_and_an_arm_away() {
    // stature 160: eye at 116.6 cm
    assert!(
        rules(&desk(
            json!({"stature_cm": 160.0, "screen_top_height_cm": 117.6})
        ))
        .is_empty()
    );
    assert_eq!(
        rules(&desk(
            json!({"stature_cm": 160.0, "screen_top_height_cm": 117.7})
        )),
        ["ERG-MONITOR"]
    );
    assert!(
        rules(&desk(
            json!({"stature_cm": 160.0, "screen_top_height_cm": 106.6})
        ))
        .is_empty()
    );
    let low = desk(json!({"stature_cm": 160.0, "screen_top_height_cm": 106.5}));
    assert!(low.findings[0].fix.starts_with("Raise the screen"));
    for (d, ok) in [(49.0, false), (50.0, true), (100.0, true), (101.0, false)] {
        assert_eq!(
            rules(&desk(json!({"screen_distance_cm": d}))).is_empty(),
            ok,
            "{d} cm"
        );
    }
}

#[test]
fn chair_breaks_and_sit_stand_rules() {
    let a =
        desk(json!({"feet_flat": false, "knees_about_90": true, "hips_not_below_knees": false}));
    assert_eq!(rules(&a), ["ERG-CHAIR", "ERG-CHAIR"]);
    assert!(rules(&desk(json!({"longest_sitting_minutes": 30}))).is_empty());
    assert_eq!(
        rules(&desk(json!({"longest_sitting_minutes": 31}))),
        ["ERG-BREAK"]
    );
    assert_eq!(
        rules(&desk(
            json!({"standing_desk": true, "standing_hours": 7.0, "sitting_hours": 1.0})
        )),
        ["ERG-SIT-STAND"]
    );
    assert!(
        rules(&desk(
            json!({"standing_desk": true, "standing_hours": 4.0, "sitting_hours": 4.0})
        ))
        .is_empty()
    );
    assert_eq!(
        rules(&desk(
            json!({"standing_desk": true, "standing_hours": 0.5, "sitting_hours": 7.5})
        )),
        ["ERG-SIT-STAND"]
    );
    assert!(
        rules(&desk(
            json!({"standing_desk": false, "standing_hours": 8.0, "sitting_hours": 0.0})
        ))
        .is_empty()
    );
}

#[test]
fn bad_desk_input_names_the_field() {
    for (v, field) in [
        (json!({"stature_cm": 90}), "stature_cm"),
        (json!({"stature_cm": "tall"}), "stature_cm"),
        (json!({"feet_flat": "yes"}), "feet_flat"),
        (json!({"screen_distance_cm": -1}), "screen_distance_cm"),
        (json!({"chair": 1}), "chair"),
    ] {
        let e = DeskInput::parse(&v).unwrap_err();
        assert!(e.message_for(field).is_some(), "{v}");
    }
}

fn at(d: &str, t: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&format!("{d} {t}"), "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn break_schedule_with_an_injected_clock() {
    let s = BreakSettings::default();
    let slots = s.slots();
    assert_eq!(slots.first().unwrap().format("%H:%M").to_string(), "09:30");
    assert_eq!(slots.last().unwrap().format("%H:%M").to_string(), "16:30");
    assert_eq!(slots.len(), 15);
    // Wednesday 2026-11-25
    assert_eq!(
        s.next_break(at("2026-11-25", "08:00")),
        Some(at("2026-11-25", "09:30"))
    );
    assert_eq!(
        s.next_break(at("2026-11-25", "09:30")),
        Some(at("2026-11-25", "09:30"))
    );
    assert_eq!(
        s.next_break(at("2026-11-25", "09:31")),
        Some(at("2026-11-25", "10:00"))
    );
    assert_eq!(
        s.next_break(at("2026-11-25", "16:45")),
        Some(at("2026-11-26", "09:30"))
    );
    // Friday evening: next break is Monday
    assert_eq!(
        s.next_break(at("2026-11-27", "17:00")),
        Some(at("2026-11-30", "09:30"))
    );
    let custom = BreakSettings::parse(
        &json!({"start": "08:00", "end": "09:00", "interval_minutes": 20, "working_days": ["sat"]}),
    )
    .unwrap();
    assert_eq!(custom.slots().len(), 2);
    assert_eq!(
        custom.next_break(at("2026-11-25", "12:00")),
        Some(at("2026-11-28", "08:20"))
    );
    assert!(
        BreakSettings::parse(&json!({"start": "9am"}))
            .unwrap_err()
            .message_for("start")
            .is_some()
    );
    assert!(
        BreakSettings::parse(&json!({"start": "10:00", "end": "09:00"}))
            .unwrap_err()
            .message_for("end")
            .is_some()
    );
    assert!(
        BreakSettings::parse(&json!({"interval_minutes": 5}))
            .unwrap_err()
            .message_for("interval_minutes")
            .is_some()
    );
    assert_eq!(BreakSettings::parse(&s.to_json()).unwrap(), s);
}

#[test]
fn break_routines_come_from_the_library_and_take_turns() {
    let lib = crate::Library::builtin();
    for (i, id) in BREAK_EXERCISES.iter().enumerate() {
        let r = break_routine(&lib, i).unwrap_or_else(|| panic!("{id} is in the library"));
        assert_eq!(r.exercise_id, *id);
        assert_eq!(r.minutes, 2);
        assert!(r.cues.len() >= 2);
    }
    assert_eq!(
        break_routine(&lib, 4).unwrap().exercise_id,
        BREAK_EXERCISES[0]
    );
}

#[test]
fn a_seat_to_lower_and_a_desk_too_high_never_say_raise_the_chair() {
    // stature 160: seat 43 (hers 49: lower it 6 cm), desk 66.2 (hers 74)
    let a = desk(json!({"stature_cm": 160.0, "seat_height_cm": 49.0, "desk_height_cm": 74.0}));
    assert_eq!(rules(&a), ["ERG-SEAT-HEIGHT", "ERG-DESK-HEIGHT"]);
    assert!(
        a.findings[0]
            .fix
            .starts_with("Lower your seat by about 6 cm"),
        "{}",
        a.findings[0].fix
    );
    let desk_fix = &a.findings[1].fix;
    assert!(!desk_fix.contains("raise your chair"), "{desk_fix}");
    assert!(desk_fix.contains("keyboard tray"), "{desk_fix}");
    // with the seat right, a high desk still says raise the chair and use a footrest
    let b = desk(json!({"stature_cm": 160.0, "seat_height_cm": 43.0, "desk_height_cm": 74.0}));
    assert!(
        b.findings[0].fix.contains("raise your chair"),
        "{}",
        b.findings[0].fix
    );
}

#[test]
fn a_break_s_cues_fit_a_two_minute_break() {
    let lib = crate::Library::builtin();
    for n in 0..BREAK_EXERCISES.len() {
        let r = break_routine(&lib, n).expect("every break exercise is in the library");
        assert_eq!(r.minutes, 2);
        for c in &r.cues {
            assert!(
                !c.contains("10 minutes") && !c.contains("up to 10"),
                "{}: {c}",
                r.name
            );
        }
    }
}
