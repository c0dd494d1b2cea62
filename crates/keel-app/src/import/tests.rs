//! The import of a Keel export, field by field.

use super::*;
use serde_json::json;

use crate::export::to_json;

#[test]
fn imports_refuse_what_is_not_a_keel_export() {
    let lib = Library::builtin();
    let e = parse(
        &json!({"check_ins": []}),
        &lib,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
    )
    .unwrap_err();
    assert!(e.message_for("schema").is_some());
    let e = parse(&json!({"schema": SCHEMA, "schema_version": 1, "check_ins": [{"date": "2026-01-01", "pain": 12}]}), &lib, chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()).unwrap_err();
    assert!(e.message_for("check_ins[0].pain").is_some());
    let e = parse(&json!({"schema": SCHEMA, "schema_version": 1, "check_ins": [{"date": "2026-01-01", "pain": 1}, {"date": "2026-01-01", "pain": 2}]}), &lib, chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()).unwrap_err();
    assert!(e.message_for("check_ins[1].date").is_some());
}

// The import, field by field: a complete export built from valid data, every leaf of it
// described (the values it takes, where a bad one is named), and properties that break
// leaves or add keys and check that the refusal names the place.

use std::sync::LazyLock;

use keel_core::checkin::NOTES_MAX_CHARS;
use keel_core::rules::Question;
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};

const STAMP: &str = "2026-11-25T12:00:00Z";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, keel_store::MOMENT_FORMAT).unwrap()
}

/// Her data with every list filled, built through the same constructors as any input, and
/// with optional fields both given and left out (a null leaf gets broken too).
fn full_data(lib: &Library) -> UserData {
    let check_in = |v: Value| CheckIn::parse(&v, today()).unwrap();
    let mut answered = json!({"date": "2026-11-20", "pain": 4,
        "locations": ["lower_back", "buttock"], "onset": "gradual", "stiffness_minutes": 30,
        "sleep": 6, "energy": 5, "sitting_hours": 7.5, "walking_minutes": 40,
        "notes": "long day at the desk",
        "symptoms": {"hot_flushes": 3, "night_sweats": 0, "brain_fog": 2},
        "hot_flush_count": 9, "custom_symptoms": {"dry eyes": 1},
        "bleeding": {"flow": "spotting", "after_sex": true}});
    for q in Question::ALL {
        answered[q.name()] = json!(false);
    }
    let activity = |v: Value| Activity::parse(&v, today(), lib, |_| 1).unwrap();
    let dead_bug_top = lib.get("dead-bug").unwrap().top_level();
    let instruments = keel_core::progress::instruments();
    let response = |id: &str, date: &str, answers: Vec<u8>| {
        let ins = instruments.iter().find(|i| i.id == id).unwrap();
        Response {
            instrument: id.into(),
            date: date.parse().unwrap(),
            total: ins.score(&answers).total,
            answers,
        }
    };
    UserData {
        check_ins: vec![
            check_in(answered),
            check_in(json!({"date": "2026-11-21", "pain": 0})),
            check_in(
                json!({"date": "2026-11-25", "pain": 10, "locations": ["neck"],
                "onset": "sudden", "notes": "tab\tand\nline", "fever": true, "night_pain": false}),
            ),
        ],
        acknowledgements: vec![
            ("RF-NIGHT-PAIN".into(), "2026-11-01".parse().unwrap()),
            ("RF-WORSENING-6W".into(), "2026-10-15".parse().unwrap()),
        ],
        profile: Some(
            BoneProfile::parse(
                &json!({"birth_date": "1968-04-02", "age": 58, "weight_kg": 61.5,
                    "height_cm": 164.0, "tallest_height_cm": 166.0,
                    "risk_factors": ["early_menopause", "family_osteoporosis"],
                    "vertebral_fracture": false, "still_periods": "unsure",
                    "cycle_context": [{"kind": "hormone_therapy_vaginal", "from": "2025-01-10", "to": null},
                        {"kind": "hormonal_contraception", "from": "2010-01-01", "to": "2015-06-30"}],
                    "custom_symptoms": ["dry eyes", "tinnitus"]}),
                today(),
            )
            .unwrap(),
        ),
        heights: vec![
            keel_core::bone::parse_height(&json!({"date": "2025-05-01", "cm": 165.5}), today())
                .unwrap(),
            keel_core::bone::parse_height(&json!({"date": "2026-05-01", "cm": 164.8}), today())
                .unwrap(),
        ],
        dexa: vec![
            keel_core::bone::parse_dexa(
                &json!({"date": "2025-06-01", "site": "lumbar_spine", "t_score": -1.7}),
                today(),
            )
            .unwrap(),
            keel_core::bone::parse_dexa(
                &json!({"date": "2025-06-01", "site": "total_hip", "t_score": -1.2}),
                today(),
            )
            .unwrap(),
        ],
        activities: vec![
            activity(
                json!({"date": "2026-11-23", "exercise_id": "glute-bridge", "level": 1,
                "sets": 2, "reps": 10, "pain_during": 2, "effort": 5}),
            ),
            activity(json!({"date": "2026-11-24", "exercise_id": "dead-bug",
                "level": dead_bug_top, "hold_seconds": 30, "minutes": 10, "pain_during": 0})),
        ],
        preferences: Preferences::parse(
            &json!({"excluded_exercises": ["hip-thrust"], "missing_equipment": ["bench"]}),
            lib,
        )
        .unwrap(),
        desk: Some(
            DeskInput::parse(&json!({"stature_cm": 165.0, "popliteal_height_cm": 42.0,
                "sitting_elbow_height_cm": 22.0, "sitting_eye_height_cm": 75.0,
                "seat_height_cm": 45.0, "desk_height_cm": 72.0, "screen_top_height_cm": 120.0,
                "screen_distance_cm": 60.0, "feet_flat": true, "knees_about_90": false,
                "longest_sitting_minutes": 90, "standing_desk": true, "sitting_hours": 6.0}))
            .unwrap()
            .to_json(),
        ),
        break_settings: Some(
            BreakSettings::parse(&json!({"start": "08:30", "end": "17:30",
                "interval_minutes": 45, "working_days": ["mon", "wed", "fri"]}))
            .unwrap()
            .to_json(),
        ),
        breaks: vec![
            BreakTaken {
                taken_at: at("2026-11-24T10:15:00"),
                minutes: 5,
                exercise_id: Some("dead-bug".into()),
            },
            BreakTaken {
                taken_at: at("2026-11-25T09:00:00.250"),
                minutes: 3,
                exercise_id: None,
            },
        ],
        posture: vec![
            PostureEntry {
                logged_at: at("2026-11-24T09:00:00"),
                posture: "sit".into(),
                minutes: 120,
            },
            PostureEntry {
                logged_at: at("2026-11-24T11:00:00"),
                posture: "stand".into(),
                minutes: 30,
            },
        ],
        responses: vec![
            response("peg", "2026-11-01", vec![4, 5, 3]),
            response("mrs", "2026-11-02", vec![3, 0, 2, 1, 1, 0, 2, 1, 0, 1, 4]),
        ],
        bleeding: vec![
            keel_core::stage::parse_dated_day(&json!({"date": "2026-10-28", "flow": "light"}), today())
                .unwrap(),
            keel_core::stage::parse_dated_day(&json!({"date": "2026-10-29", "flow": "heavy", "after_sex": false}), today())
                .unwrap(),
            keel_core::stage::parse_dated_day(&json!({"date": "2026-11-20", "flow": "spotting", "after_sex": true}), today())
                .unwrap(),
        ],
    }
}

/// The library and the full export, built once for all the cases below.
fn fixture() -> &'static (Library, Value) {
    static FIXTURE: LazyLock<(Library, Value)> = LazyLock::new(|| {
        let lib = Library::builtin();
        let doc = to_json(&full_data(&lib), STAMP);
        (lib, doc)
    });
    &FIXTURE
}

#[test]
fn a_full_export_is_accepted_and_reads_back_as_the_same_data() {
    let lib = Library::builtin();
    let data = full_data(&lib);
    let doc = to_json(&data, STAMP);
    // Nothing below may pass by being empty: every section holds something.
    for (key, v) in doc.as_object().unwrap() {
        let empty = v.is_null() || v.as_array().is_some_and(Vec::is_empty);
        assert!(!empty, "{key} is empty in the fixture");
    }
    let back = parse(&doc, &lib, today()).unwrap_or_else(|e| panic!("{}", e.summary()));
    assert_eq!(back, data);
    assert_eq!(to_json(&back, STAMP), doc);
}

/// One step of a path into the export: a key of an object or a position in a list.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    At(usize),
}

/// A path as Keel names it in its errors: `check_ins[2].pain`, `profile.height_cm`.
fn path_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => out.push_str(&format!(".{k}")),
            Step::At(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn pointer(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| match s {
            Step::Key(k) => format!("/{k}"),
            Step::At(i) => format!("/{i}"),
        })
        .collect()
}

/// Every scalar (null included) and every object in `v`, by path.
fn walk(
    v: &Value,
    here: &mut Vec<Step>,
    leaves: &mut Vec<Vec<Step>>,
    objects: &mut Vec<Vec<Step>>,
) {
    match v {
        Value::Object(m) => {
            objects.push(here.clone());
            for (k, x) in m {
                here.push(Step::Key(k.clone()));
                walk(x, here, leaves, objects);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                here.push(Step::At(i));
                walk(x, here, leaves, objects);
                here.pop();
            }
        }
        _ => leaves.push(here.clone()),
    }
}

fn leaves(doc: &Value) -> Vec<Vec<Step>> {
    let (mut leaves, mut objects) = (Vec::new(), Vec::new());
    walk(doc, &mut Vec::new(), &mut leaves, &mut objects);
    leaves
}

fn objects(doc: &Value) -> Vec<Vec<Step>> {
    let (mut leaves, mut objects) = (Vec::new(), Vec::new());
    walk(doc, &mut Vec::new(), &mut leaves, &mut objects);
    objects
}

/// What a leaf takes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A whole number in a range.
    Int(i64, i64),
    /// A finite number in a range.
    Number(f64, f64),
    /// YYYY-MM-DD, from 1900, not after today.
    Date,
    /// YYYY-MM-DDTHH:MM:SS with an optional fraction, not after today.
    Moment,
    /// HH:MM.
    Time,
    /// One word of a closed set (a location, a rule id, an exercise id).
    Word,
    /// Free text of at most this many characters, no control characters.
    Text(usize),
    /// An object of its own fields, or null.
    Object,
    /// A name: text of 1 to this many characters once trimmed, no control characters.
    Name(usize),
    Bool,
    SchemaVersion,
    /// An RFC 3339 date and time, or nothing: it is written, not read back.
    ExportedAt,
    /// Written by the export, derived again on import: whatever it holds is ignored.
    Derived,
}

#[derive(Debug, Clone)]
struct Field {
    kind: Kind,
    /// Whether null (or leaving it out) is refused.
    required: bool,
    /// The error fields that may name a bad value here: its path, and for the lists the
    /// import reads key by key (acknowledgements, breaks, posture, questionnaires) the
    /// entry, which is where those refusals are named.
    named: Vec<String>,
}

fn key_at(doc: &Value, steps: &[Step], key: &str) -> Value {
    doc.pointer(&format!("{}/{key}", pointer(steps)))
        .cloned()
        .unwrap_or_default()
}

/// Describes a leaf of the export. A leaf nobody described fails the tests: a new field
/// in the export must say here what it takes.
fn describe(doc: &Value, steps: &[Step], lib: &Library) -> Field {
    use Kind::*;
    let path = path_text(steps);
    let Some(Step::Key(section)) = steps.first() else {
        panic!("{path}: the export is an object")
    };
    let key = steps
        .iter()
        .rev()
        .find_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::At(_) => None,
        })
        .unwrap();
    let entry = &steps[..2.min(steps.len())];
    let question = Question::ALL.iter().any(|q| q.name() == key);
    let under = |name: &str| steps.iter().any(|s| matches!(s, Step::Key(k) if k == name));
    let (kind, required) = match (section.as_str(), key) {
        ("check_ins", _) if under("symptoms") || under("custom_symptoms") => (Int(0, 4), false),
        ("check_ins", "hot_flush_count") => (Int(0, 100), false),
        ("check_ins", "flow") => (Word, true),
        ("check_ins", "after_sex") => (Bool, false),
        // A day without bleeding: null, or an object that must hold a flow.
        ("check_ins", "bleeding") => (Object, false),
        ("profile", "still_periods") => (Word, false),
        ("profile", "kind") => (Word, true),
        ("profile", "from") => (Date, true),
        ("profile", "to") => (Date, false),
        ("profile", "custom_symptoms") => (Name(40), true),
        ("bleeding", "date") => (Date, true),
        ("bleeding", "flow") => (Word, true),
        ("bleeding", "after_sex") => (Bool, false),
        ("schema", _) => (Word, true),
        ("schema_version", _) => (SchemaVersion, true),
        ("exported_at", _) => (ExportedAt, false),
        ("check_ins", "date") => (Date, true),
        ("check_ins", "pain") => (Int(0, 10), true),
        ("check_ins", "locations") => (Word, true),
        ("check_ins", "onset") => (Word, false),
        ("check_ins", "stiffness_minutes") => (Int(0, 600), false),
        ("check_ins", "sleep" | "energy") => (Int(0, 10), false),
        ("check_ins", "sitting_hours") => (Number(0.0, 24.0), false),
        ("check_ins", "walking_minutes") => (Int(0, 1440), false),
        ("check_ins", "notes") => (Text(NOTES_MAX_CHARS), false),
        ("check_ins", _) if question => (Bool, false),
        ("acknowledgements", "rule") => (Word, true),
        ("acknowledgements", "acknowledged_on") => (Date, true),
        ("profile", "birth_date") => (Date, false),
        ("profile", "age") => (Int(0, 120), false),
        ("profile", "weight_kg") => (Number(20.0, 350.0), false),
        ("profile", "height_cm" | "tallest_height_cm") => (Number(90.0, 250.0), false),
        ("profile", "risk_factors") => (Word, true),
        ("profile", "vertebral_fracture") => (Bool, false),
        (
            "profile",
            "cancer_history" | "known_low_bone_density" | "history_answered" | "welcomed",
        ) => (Bool, false),
        ("profile", "goals") => (Word, true),
        ("heights", "date") => (Date, true),
        ("heights", "cm") => (Number(90.0, 250.0), true),
        ("dexa", "date") => (Date, true),
        ("dexa", "site") => (Word, true),
        ("dexa", "t_score") => (Number(-10.0, 10.0), true),
        ("activities", "date") => (Date, false),
        ("activities", "exercise_id") => (Word, true),
        ("activities", "family") => (Derived, false),
        ("activities", "level") => {
            let id = key_at(doc, entry, "exercise_id");
            let top = lib.get(id.as_str().unwrap()).unwrap().top_level();
            (Int(1, i64::from(top)), false)
        }
        ("activities", "sets") => (Int(1, 20), false),
        ("activities", "reps") => (Int(1, 200), false),
        ("activities", "hold_seconds") => (Int(1, 3600), false),
        ("activities", "minutes") => (Int(1, 1440), false),
        ("activities", "pain_during") => (Int(0, 10), true),
        ("activities", "effort") => (Int(0, 10), false),
        ("preferences", "excluded_exercises" | "missing_equipment") => (Word, true),
        ("desk", "stature_cm") => (Number(120.0, 220.0), false),
        ("desk", "popliteal_height_cm") => (Number(25.0, 65.0), false),
        ("desk", "sitting_elbow_height_cm") => (Number(10.0, 40.0), false),
        ("desk", "sitting_eye_height_cm") => (Number(50.0, 100.0), false),
        ("desk", "seat_height_cm") => (Number(20.0, 100.0), false),
        ("desk", "desk_height_cm") => (Number(40.0, 140.0), false),
        ("desk", "screen_top_height_cm") => (Number(40.0, 220.0), false),
        ("desk", "screen_distance_cm") => (Number(10.0, 300.0), false),
        ("desk", "feet_flat" | "knees_about_90" | "hips_not_below_knees" | "standing_desk") => {
            (Bool, false)
        }
        ("desk", "longest_sitting_minutes") => (Int(0, 1440), false),
        ("desk", "standing_hours" | "sitting_hours") => (Number(0.0, 24.0), false),
        ("break_settings", "start" | "end") => (Time, false),
        ("break_settings", "interval_minutes") => (Int(10, 120), false),
        ("break_settings", "working_days") => (Word, true),
        ("breaks", "taken_at") => (Moment, true),
        ("breaks", "minutes") => (Int(1, 60), true),
        ("breaks", "exercise_id") => (Word, false),
        ("posture", "logged_at") => (Moment, true),
        ("posture", "posture") => (Word, true),
        ("posture", "minutes") => (Int(1, 1440), true),
        ("questionnaires", "instrument") => (Word, true),
        ("questionnaires", "date") => (Date, true),
        ("questionnaires", "answers") => {
            let id = key_at(doc, entry, "instrument");
            let ins = keel_core::progress::instruments()
                .iter()
                .find(|i| Some(i.id.as_str()) == id.as_str())
                .unwrap();
            (Int(i64::from(ins.min), i64::from(ins.max)), true)
        }
        _ => panic!("{path} is in the export but not described here: say what it takes"),
    };
    let mut named = vec![path.clone()];
    if kind == Object {
        named.push(format!("{path}.flow"));
    }
    if matches!(
        section.as_str(),
        "acknowledgements" | "breaks" | "posture" | "questionnaires"
    ) {
        named.push(path_text(entry));
    }
    Field {
        kind,
        required,
        named,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Refused,
    Accepted,
}

/// Values to put in place of `current`, each with what the import must make of it: the
/// wrong type, a number just or far out of range, a date that is not one or lies ahead,
/// a word not in the set, a NUL. Values that are fine for the field (null where it is
/// optional, any text in free text) are listed as accepted, never as refused.
fn mutations(field: &Field, current: &Value) -> Vec<(Value, Expect)> {
    use Expect::*;
    let refused: Vec<Value> = match field.kind {
        Kind::Int(lo, hi) => vec![
            json!(lo - 1),
            json!(hi + 1),
            json!(lo as f64 + 0.5),
            json!(lo.to_string()),
            json!(true),
        ],
        Kind::Number(lo, hi) => vec![
            json!(lo - 1.0),
            json!(hi + 1.0),
            json!(lo - 0.01),
            json!(hi + 0.01),
            json!(lo.to_string()),
            json!("NaN"),
            json!(false),
        ],
        Kind::Date => vec![
            json!("2026-11-26"),
            json!("2026-02-30"),
            json!("25/11/2026"),
            json!("2026-1-5"),
            json!("1899-12-31"),
            json!(""),
            json!("\u{0}"),
            json!(20261125),
            json!(true),
        ],
        Kind::Moment => vec![
            json!("2026-11-26T00:00:00"),
            json!("2026-11-25"),
            json!("2026-11-25 08:00:00"),
            json!("2026-11-25T08:00"),
            json!("2026-02-30T08:00:00"),
            json!(""),
            json!("\u{0}"),
            json!(5),
            json!(true),
        ],
        Kind::Time => vec![
            json!("25:00"),
            json!("9:00"),
            json!("noon"),
            json!("12:345"),
            json!("\u{0}"),
            json!(900),
            json!(true),
        ],
        Kind::Word => {
            let mut v = vec![
                json!("not-a-word"),
                json!(""),
                json!("\u{0}"),
                json!(7),
                json!(true),
            ];
            if let Some(s) = current.as_str() {
                v.push(json!(format!("{s} ")));
                if s.to_uppercase() != s {
                    v.push(json!(s.to_uppercase()));
                }
            }
            v
        }
        Kind::Text(max) => vec![
            json!("\u{0}"),
            json!("a bell \u{7}"),
            json!("x".repeat(max + 1)),
            json!(5),
            json!(true),
        ],
        Kind::Object => vec![json!("light"), json!(5), json!(true)],
        Kind::Name(max) => vec![
            json!("\u{0}"),
            json!("a bell \u{7}"),
            json!("x".repeat(max + 1)),
            json!(""),
            json!("   "),
            json!(5),
            json!(true),
        ],
        Kind::Bool => vec![json!("yes"), json!("true"), json!(1), json!(0)],
        Kind::SchemaVersion => vec![
            json!(0),
            json!(2),
            json!("1"),
            json!(1.5),
            json!(-1),
            json!(true),
        ],
        Kind::ExportedAt => vec![json!(5), json!(true), json!("not a date"), json!("")],
        Kind::Derived => vec![],
    };
    let mut out: Vec<(Value, Expect)> = refused.into_iter().map(|v| (v, Refused)).collect();
    match field.kind {
        Kind::Derived => out.extend(
            [json!("not-a-family"), json!(5), json!({}), Value::Null].map(|v| (v, Accepted)),
        ),
        Kind::ExportedAt => {
            out.extend([json!("2026-11-24T08:00:00+01:00"), Value::Null].map(|v| (v, Accepted)))
        }
        Kind::Text(_) => {
            out.extend([json!("tab\tand\r\nline breaks"), json!("")].map(|v| (v, Accepted)))
        }
        _ => {}
    }
    if field.kind != Kind::Derived {
        out.extend([json!({}), json!([])].map(|v| (v, Refused)));
    }
    if !matches!(field.kind, Kind::Derived | Kind::ExportedAt) {
        let null = if field.required { Refused } else { Accepted };
        out.push((Value::Null, null));
    }
    out
}

/// Why the result is not a refusal naming each broken field (one of its `named`) and
/// nothing else, if it is not.
fn refusal_problem(
    result: &Result<UserData, ValidationErrors>,
    broken: &[Field],
) -> Option<String> {
    let errors = match result {
        Ok(_) => return Some("accepted".into()),
        Err(e) => e,
    };
    for f in broken {
        if !errors.errors().iter().any(|e| f.named.contains(&e.field)) {
            return Some(format!(
                "no error names {}: {}",
                f.named.join(" or "),
                errors.summary()
            ));
        }
    }
    if let Some(e) = errors
        .errors()
        .iter()
        .find(|e| !broken.iter().any(|f| f.named.contains(&e.field)))
    {
        return Some(format!("an error elsewhere: {}: {}", e.field, e.message));
    }
    None
}

/// Every leaf, every listed value: the sweep the properties below sample from.
#[test]
fn every_field_refuses_each_invalid_value_and_names_it() {
    let (lib, doc) = fixture();
    let mut failures = Vec::new();
    let mut checked = 0;
    for steps in leaves(doc) {
        let field = describe(doc, &steps, lib);
        let at = pointer(&steps);
        for (value, expect) in mutations(&field, doc.pointer(&at).unwrap()) {
            let mut broken = doc.clone();
            *broken.pointer_mut(&at).unwrap() = value.clone();
            let result = parse(&broken, lib, today());
            let problem = match expect {
                Expect::Refused => refusal_problem(&result, std::slice::from_ref(&field)),
                Expect::Accepted => result.err().map(|e| format!("refused: {}", e.summary())),
            };
            if let Some(p) = problem {
                failures.push(format!("{} = {value}: {p}", path_text(&steps)));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} broken exports were judged wrongly:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The leaves some value is refused at (all but the derived ones).
fn refusable_leaves() -> Vec<Vec<Step>> {
    let (lib, doc) = fixture();
    leaves(doc)
        .into_iter()
        .filter(|s| describe(doc, s, lib).kind != Kind::Derived)
        .collect()
}

/// The list entry (or the settings object) a leaf is in: two broken values in one entry
/// can hide each other (a level cannot be judged against an unknown exercise).
fn entry_of(steps: &[Step]) -> String {
    match steps.get(1) {
        Some(Step::At(_)) => path_text(&steps[..2]),
        _ => path_text(&steps[..1]),
    }
}

/// Every object of the export: the whole document, each list entry, each settings object.
fn checked_objects() -> Vec<Vec<Step>> {
    // Her own symptoms are a map of names she chose: any name is a key there.
    objects(&fixture().1)
        .into_iter()
        .filter(|o| !matches!(o.last(), Some(Step::Key(k)) if k == "custom_symptoms"))
        .collect()
}

proptest! {
    #[test]
    fn a_broken_value_is_refused_with_its_path_named(
        steps in select(refusable_leaves()),
        choice in any::<Index>(),
    ) {
        let (lib, doc) = fixture();
        let field = describe(doc, &steps, lib);
        let at = pointer(&steps);
        let refused: Vec<Value> = mutations(&field, doc.pointer(&at).unwrap())
            .into_iter()
            .filter(|(_, e)| *e == Expect::Refused)
            .map(|(v, _)| v)
            .collect();
        let value = choice.get(&refused).clone();
        let mut broken = doc.clone();
        *broken.pointer_mut(&at).unwrap() = value.clone();
        let problem = refusal_problem(&parse(&broken, lib, today()), &[field]);
        prop_assert!(problem.is_none(), "{} = {}: {}", path_text(&steps), value, problem.unwrap_or_default());
    }

    #[test]
    fn every_broken_value_is_reported_not_just_the_first(
        picked in subsequence(refusable_leaves(), 2..=4),
        choices in proptest::collection::vec(any::<Index>(), 4),
    ) {
        let (lib, doc) = fixture();
        let mut broken = doc.clone();
        let (mut fields, mut what, mut entries) = (Vec::new(), Vec::new(), BTreeSet::new());
        for (steps, choice) in picked.iter().zip(&choices) {
            if !entries.insert(entry_of(steps)) {
                continue;
            }
            let field = describe(doc, steps, lib);
            let at = pointer(steps);
            let refused: Vec<Value> = mutations(&field, doc.pointer(&at).unwrap())
                .into_iter()
                .filter(|(_, e)| *e == Expect::Refused)
                .map(|(v, _)| v)
                .collect();
            let value = choice.get(&refused).clone();
            what.push(format!("{} = {value}", path_text(steps)));
            *broken.pointer_mut(&at).unwrap() = value;
            fields.push(field);
        }
        let problem = refusal_problem(&parse(&broken, lib, today()), &fields);
        prop_assert!(problem.is_none(), "{}: {}", what.join(", "), problem.unwrap_or_default());
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_path(
        object in select(checked_objects()),
        key in "[a-z][a-z_]{0,15}",
        value in prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i32>().prop_map(Value::from),
            "[ -~]{0,8}".prop_map(Value::from),
        ],
    ) {
        let (lib, doc) = fixture();
        let mut broken = doc.clone();
        let target = broken.pointer_mut(&pointer(&object)).unwrap().as_object_mut().unwrap();
        prop_assume!(!target.contains_key(&key));
        target.insert(key.clone(), value);
        let path = if object.is_empty() { key } else { format!("{}.{key}", path_text(&object)) };
        let fields: Vec<String> = match parse(&broken, lib, today()) {
            Ok(_) => vec![],
            Err(e) => e.errors().iter().map(|e| e.field.clone()).collect(),
        };
        prop_assert_eq!(fields, vec![path]);
    }
}
