//! Her data, hers to take: a complete JSON export (with a schema version) that imports back
//! exactly, CSV files zipped, and an HL7 FHIR R4 Bundle (clinical-rules.md section 7).

use std::collections::BTreeSet;
use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use keel_core::activity::Activity;
use keel_core::bone::BoneProfile;
use keel_core::desk::{BreakSettings, DeskInput};
use keel_core::preferences::Preferences;
use keel_core::{CheckIn, Library, ValidationErrors};
use keel_store::{BreakTaken, PostureEntry, Response, UserData};
use serde_json::{Map, Value, json};

pub const SCHEMA: &str = "keel-export";
pub const SCHEMA_VERSION: u64 = 1;

/// The JSON export: everything she recorded, none of the secrets (no password, no tokens).
pub fn to_json(data: &UserData, exported_at: &str) -> Value {
    json!({
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "exported_at": exported_at,
        "check_ins": data.check_ins.iter().map(CheckIn::to_json).collect::<Vec<_>>(),
        "acknowledgements": data.acknowledgements.iter().map(|(r, d)| json!({"rule": r, "acknowledged_on": d.to_string()})).collect::<Vec<_>>(),
        "profile": data.profile.as_ref().map(BoneProfile::to_json),
        "heights": data.heights,
        "dexa": data.dexa,
        "activities": data.activities,
        "preferences": data.preferences.to_json(),
        "desk": data.desk,
        "break_settings": data.break_settings,
        "breaks": data.breaks.iter().map(|b| json!({"taken_at": keel_store::moment_text(b.taken_at), "minutes": b.minutes, "exercise_id": b.exercise_id})).collect::<Vec<_>>(),
        "posture": data.posture.iter().map(|p| json!({"logged_at": keel_store::moment_text(p.logged_at), "posture": p.posture, "minutes": p.minutes})).collect::<Vec<_>>(),
        "questionnaires": data.responses.iter().map(|r| json!({"instrument": r.instrument, "date": r.date.to_string(), "answers": r.answers})).collect::<Vec<_>>(),
    })
}

pub fn now_stamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn list<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    errors: &mut ValidationErrors,
) -> &'a [Value] {
    match object.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.add(key, "must be a list");
            &[]
        }
    }
}

fn nested(errors: &mut ValidationErrors, prefix: String, inner: ValidationErrors) {
    for e in inner.errors() {
        errors.add(format!("{prefix}.{}", e.field), e.message.clone());
    }
}

/// A local time, YYYY-MM-DDTHH:MM:SS with an optional fraction of a second, on or before the
/// day `last`.
fn moment(v: Option<&Value>, last: NaiveDate) -> Option<NaiveDateTime> {
    v?.as_str()
        .and_then(|s| NaiveDateTime::parse_from_str(s, keel_store::MOMENT_FORMAT).ok())
        .filter(|t| t.date() <= last)
}

/// The keys already taken in each list of an import: the store keeps one entry per key, so a
/// second one is an error in the file (named by its path), not a conflict with stored data.
#[derive(Default)]
struct Seen {
    check_ins: BTreeSet<NaiveDate>,
    rules: BTreeSet<String>,
    heights: BTreeSet<NaiveDate>,
    dexa: BTreeSet<(NaiveDate, String)>,
    activities: BTreeSet<(NaiveDate, String)>,
    breaks: BTreeSet<NaiveDateTime>,
    posture: BTreeSet<NaiveDateTime>,
    responses: BTreeSet<(String, NaiveDate)>,
}

/// Whether `key` is new to its list; if not, says so at `path`.
fn first<K: Ord>(
    seen: &mut BTreeSet<K>,
    key: K,
    errors: &mut ValidationErrors,
    path: impl FnOnce() -> String,
) -> bool {
    let new = seen.insert(key);
    if !new {
        errors.add(path(), "appears twice");
    }
    new
}

/// Validates an export for import, through the same constructors as every other input.
/// Every problem is reported with its path, and nothing is written unless all is valid.
pub fn parse(
    value: &Value,
    library: &Library,
    today: NaiveDate,
) -> Result<UserData, ValidationErrors> {
    let object = keel_core::validate::as_object(value)?;
    let mut errors = ValidationErrors::new();
    if object.get("schema").and_then(Value::as_str) != Some(SCHEMA) {
        errors.add(
            "schema",
            format!("must be \"{SCHEMA}\": this is not a Keel export"),
        );
    }
    match object.get("schema_version").and_then(Value::as_u64) {
        Some(SCHEMA_VERSION) => {}
        _ => errors.add("schema_version", format!("must be {SCHEMA_VERSION}")),
    }
    let known = [
        "schema",
        "schema_version",
        "exported_at",
        "check_ins",
        "acknowledgements",
        "profile",
        "heights",
        "dexa",
        "activities",
        "preferences",
        "desk",
        "break_settings",
        "breaks",
        "posture",
        "questionnaires",
    ];
    errors.extend(keel_core::validate::unknown_fields(object, &known, ""));
    if !matches!(
        object.get("exported_at"),
        None | Some(Value::Null | Value::String(_))
    ) {
        errors.add("exported_at", "must be a date and time, as text");
    }
    // Nothing in an export can be dated after the day it is imported.
    let far = today;
    let mut data = UserData::default();
    let mut seen = Seen::default();
    for (i, v) in list(object, "check_ins", &mut errors).iter().enumerate() {
        match CheckIn::parse(v, far) {
            Ok(_) if v.get("date").is_none_or(Value::is_null) => {
                errors.add(format!("check_ins[{i}].date"), "is required in an export")
            }
            Ok(c) => {
                if first(&mut seen.check_ins, c.date, &mut errors, || {
                    format!("check_ins[{i}].date")
                }) {
                    data.check_ins.push(c)
                }
            }
            Err(e) => nested(&mut errors, format!("check_ins[{i}]"), e),
        }
    }
    for (i, v) in list(object, "acknowledgements", &mut errors)
        .iter()
        .enumerate()
    {
        let rule = v.get("rule").and_then(Value::as_str);
        let on = v
            .get("acknowledged_on")
            .and_then(Value::as_str)
            .and_then(keel_core::validate::parse_date);
        match (rule, on) {
            (Some(_), Some(d)) if d > far => errors.add(
                format!("acknowledgements[{i}].acknowledged_on"),
                "must not be after today",
            ),
            (Some(r), Some(d)) if keel_core::rules::check_acknowledgeable(r).is_ok() => {
                if first(&mut seen.rules, r.to_string(), &mut errors, || {
                    format!("acknowledgements[{i}].rule")
                }) {
                    data.acknowledgements.push((r.to_string(), d))
                }
            }
            _ => errors.add(
                format!("acknowledgements[{i}]"),
                "must have a non-emergency rule and an acknowledged_on date",
            ),
        }
    }
    match object.get("profile") {
        None | Some(Value::Null) => {}
        Some(v) => match BoneProfile::parse(v, far) {
            Ok(p) => data.profile = Some(p),
            Err(e) => nested(&mut errors, "profile".into(), e),
        },
    }
    for (i, v) in list(object, "heights", &mut errors).iter().enumerate() {
        match keel_core::bone::parse_height(v, far) {
            Ok(h) => {
                if first(&mut seen.heights, h.date, &mut errors, || {
                    format!("heights[{i}].date")
                }) {
                    data.heights.push(h)
                }
            }
            Err(e) => nested(&mut errors, format!("heights[{i}]"), e),
        }
    }
    for (i, v) in list(object, "dexa", &mut errors).iter().enumerate() {
        match keel_core::bone::parse_dexa(v, far) {
            Ok(d) => {
                if first(
                    &mut seen.dexa,
                    (d.date, format!("{:?}", d.site)),
                    &mut errors,
                    || format!("dexa[{i}]"),
                ) {
                    data.dexa.push(d)
                }
            }
            Err(e) => nested(&mut errors, format!("dexa[{i}]"), e),
        }
    }
    for (i, v) in list(object, "activities", &mut errors).iter().enumerate() {
        // The export carries the family the library derives; parse checks the rest.
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("family");
        }
        match Activity::parse(&v, far, library, |_| 1) {
            Ok(a) => {
                if first(
                    &mut seen.activities,
                    (a.date, a.exercise_id.clone()),
                    &mut errors,
                    || format!("activities[{i}]"),
                ) {
                    data.activities.push(a)
                }
            }
            Err(e) => nested(&mut errors, format!("activities[{i}]"), e),
        }
    }
    match object.get("preferences") {
        None | Some(Value::Null) => {}
        Some(v) => match Preferences::parse(v, library) {
            Ok(p) => data.preferences = p,
            Err(e) => nested(&mut errors, "preferences".into(), e),
        },
    }
    match object.get("desk") {
        None | Some(Value::Null) => {}
        Some(v) => match DeskInput::parse(v) {
            Ok(d) => data.desk = Some(d.to_json()),
            Err(e) => nested(&mut errors, "desk".into(), e),
        },
    }
    match object.get("break_settings") {
        None | Some(Value::Null) => {}
        Some(v) => match BreakSettings::parse(v) {
            Ok(s) => data.break_settings = Some(s.to_json()),
            Err(e) => nested(&mut errors, "break_settings".into(), e),
        },
    }
    for (i, v) in list(object, "breaks", &mut errors).iter().enumerate() {
        let at = moment(v.get("taken_at"), far);
        let minutes = v
            .get("minutes")
            .and_then(Value::as_u64)
            .filter(|m| (1..=60).contains(m));
        // Absent or null: a break without a named exercise. Anything else must be one.
        let exercise = match v.get("exercise_id") {
            None | Some(Value::Null) => Some(None),
            Some(id) => id
                .as_str()
                .filter(|id| library.get(id).is_some())
                .map(|id| Some(id.to_string())),
        };
        match (at, minutes, exercise) {
            (Some(taken_at), Some(m), Some(exercise)) => {
                if first(&mut seen.breaks, taken_at, &mut errors, || {
                    format!("breaks[{i}].taken_at")
                }) {
                    data.breaks.push(BreakTaken {
                        taken_at,
                        minutes: m as u16,
                        exercise_id: exercise,
                    })
                }
            }
            _ => errors.add(
                format!("breaks[{i}]"),
                "needs taken_at (YYYY-MM-DDTHH:MM:SS, not after today), minutes from 1 to 60, and no exercise_id but a known one",
            ),
        }
    }
    for (i, v) in list(object, "posture", &mut errors).iter().enumerate() {
        let at = moment(v.get("logged_at"), far);
        let posture = v
            .get("posture")
            .and_then(Value::as_str)
            .filter(|p| *p == "sit" || *p == "stand");
        let minutes = v
            .get("minutes")
            .and_then(Value::as_u64)
            .filter(|m| (1..=1440).contains(m));
        match (at, posture, minutes) {
            (Some(logged_at), Some(p), Some(m)) => {
                if first(&mut seen.posture, logged_at, &mut errors, || {
                    format!("posture[{i}].logged_at")
                }) {
                    data.posture.push(PostureEntry {
                        logged_at,
                        posture: p.into(),
                        minutes: m as u32,
                    })
                }
            }
            _ => errors.add(
                format!("posture[{i}]"),
                "needs logged_at (not after today), posture (sit or stand) and minutes",
            ),
        }
    }
    let instruments = keel_core::progress::instruments();
    for (i, v) in list(object, "questionnaires", &mut errors)
        .iter()
        .enumerate()
    {
        let inst = v
            .get("instrument")
            .and_then(Value::as_str)
            .and_then(|id| instruments.iter().find(|x| x.id == id));
        let date = v
            .get("date")
            .and_then(Value::as_str)
            .and_then(keel_core::validate::parse_date)
            .filter(|d| *d <= far);
        // Every answer a whole number that fits a score; one that does not spoils the list.
        let answers: Option<Vec<u8>> = v.get("answers").and_then(Value::as_array).and_then(|a| {
            a.iter()
                .map(|x| x.as_u64().and_then(|n| u8::try_from(n).ok()))
                .collect()
        });
        match (inst, date, answers) {
            (Some(ins), Some(d), Some(a))
                if a.len() == ins.items.len()
                    && a.iter().all(|x| *x >= ins.min && *x <= ins.max) =>
            {
                if !first(
                    &mut seen.responses,
                    (ins.id.clone(), d),
                    &mut errors,
                    || format!("questionnaires[{i}]"),
                ) {
                    continue;
                }
                let total = ins.score(&a).total;
                data.responses.push(Response {
                    instrument: ins.id.clone(),
                    date: d,
                    answers: a,
                    total,
                });
            }
            _ => errors.add(
                format!("questionnaires[{i}]"),
                "needs a known instrument, a date not after today and one answer in range per item",
            ),
        }
    }
    errors.into_result(|| data)
}

fn csv_field(s: &str) -> String {
    let s = neutralised(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

/// A cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return) gets a leading `'`, which spreadsheets show as text; a number such as
/// a T-score of -1.7 stays as it is.
fn neutralised(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && s.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A settings object (profile, desk, breaks, preferences) as `field,value` rows: lists joined
/// with `;`, anything nested as its JSON text.
fn settings_rows(value: Option<&Value>) -> Vec<Vec<String>> {
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    };
    value
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| vec![k.clone(), cell(v)])
        .collect()
}

fn csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = header.join(",") + "\r\n";
    for r in rows {
        out.push_str(&r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// One CSV file per kind of record, with a header row and ISO 8601 dates, zipped.
pub fn to_csv_zip(data: &UserData) -> Result<Vec<u8>, String> {
    let questions: Vec<&str> = keel_core::rules::Question::ALL
        .iter()
        .map(|q| q.name())
        .collect();
    // The same columns, in the same order, that a CSV import can map.
    let mut header = crate::csv_import::MAPPABLE.to_vec();
    header.extend(questions.iter());
    let files = vec![
        (
            "check_ins.csv",
            csv(
                &header,
                data.check_ins.iter().map(|c| {
                    let mut row = vec![
                        c.date.to_string(),
                        c.pain.to_string(),
                        c.locations
                            .iter()
                            .map(|l| l.name())
                            .collect::<Vec<_>>()
                            .join(";"),
                        opt(c.onset.map(|o| o.name())),
                        opt(c.stiffness_minutes),
                        opt(c.sleep),
                        opt(c.energy),
                        opt(c.sitting_hours),
                        opt(c.walking_minutes),
                        c.notes.clone().unwrap_or_default(),
                    ];
                    row.extend(
                        keel_core::rules::Question::ALL
                            .iter()
                            .map(|q| opt(c.answers.get(*q))),
                    );
                    row
                }),
            ),
        ),
        (
            "activities.csv",
            csv(
                &[
                    "date",
                    "exercise_id",
                    "level",
                    "sets",
                    "reps",
                    "hold_seconds",
                    "minutes",
                    "pain_during",
                    "effort",
                ],
                data.activities.iter().map(|a| {
                    vec![
                        a.date.to_string(),
                        a.exercise_id.clone(),
                        a.level.to_string(),
                        opt(a.sets),
                        opt(a.reps),
                        opt(a.hold_seconds),
                        opt(a.minutes),
                        a.pain_during.to_string(),
                        opt(a.effort),
                    ]
                }),
            ),
        ),
        (
            "heights.csv",
            csv(
                &["date", "cm"],
                data.heights
                    .iter()
                    .map(|h| vec![h.date.to_string(), h.cm.to_string()]),
            ),
        ),
        (
            "dexa.csv",
            csv(
                &["date", "site", "t_score"],
                data.dexa.iter().map(|d| {
                    vec![
                        d.date.to_string(),
                        d.site.name().into(),
                        d.t_score.to_string(),
                    ]
                }),
            ),
        ),
        (
            "breaks.csv",
            csv(
                &["taken_at", "minutes", "exercise_id"],
                data.breaks.iter().map(|b| {
                    vec![
                        keel_store::moment_text(b.taken_at),
                        b.minutes.to_string(),
                        opt(b.exercise_id.clone()),
                    ]
                }),
            ),
        ),
        (
            "posture.csv",
            csv(
                &["logged_at", "posture", "minutes"],
                data.posture.iter().map(|p| {
                    vec![
                        keel_store::moment_text(p.logged_at),
                        p.posture.clone(),
                        p.minutes.to_string(),
                    ]
                }),
            ),
        ),
        (
            "acknowledgements.csv",
            csv(
                &["rule", "acknowledged_on"],
                data.acknowledgements
                    .iter()
                    .map(|(rule, on)| vec![rule.clone(), on.to_string()]),
            ),
        ),
        (
            "profile.csv",
            csv(
                &["field", "value"],
                settings_rows(data.profile.as_ref().map(BoneProfile::to_json).as_ref()).into_iter(),
            ),
        ),
        (
            "desk.csv",
            csv(
                &["field", "value"],
                settings_rows(data.desk.as_ref()).into_iter(),
            ),
        ),
        (
            "break_settings.csv",
            csv(
                &["field", "value"],
                settings_rows(data.break_settings.as_ref()).into_iter(),
            ),
        ),
        (
            "preferences.csv",
            csv(
                &["field", "value"],
                settings_rows(Some(&data.preferences.to_json())).into_iter(),
            ),
        ),
        (
            "questionnaires.csv",
            csv(
                &["date", "instrument", "answers", "total"],
                data.responses.iter().map(|r| {
                    vec![
                        r.date.to_string(),
                        r.instrument.clone(),
                        r.answers
                            .iter()
                            .map(u8::to_string)
                            .collect::<Vec<_>>()
                            .join(";"),
                        r.total.to_string(),
                    ]
                }),
            ),
        ),
    ];
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in files {
            zip.start_file(name, options).map_err(|e| e.to_string())?;
            zip.write_all(body.as_bytes()).map_err(|e| e.to_string())?;
        }
        zip.finish().map_err(|e| e.to_string())?;
    }
    Ok(buf.into_inner())
}

fn observation(
    id: String,
    code: &str,
    display: &str,
    date: String,
    value: Value,
    category: &str,
) -> Value {
    json!({
        "fullUrl": format!("urn:uuid:{id}"),
        "resource": {
            "resourceType": "Observation",
            "id": id,
            "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": category}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": display}], "text": display},
            "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"},
            "effectiveDateTime": date,
            "valueQuantity": value,
        }
    })
}

fn quantity(v: f64, unit: &str, code: &str) -> Value {
    json!({"value": v, "unit": unit, "system": "http://unitsofmeasure.org", "code": code})
}

/// A deterministic UUID-shaped id for a resource, so repeated exports keep their ids.
fn rid(kind: u8, n: usize) -> String {
    format!("00000000-0000-4000-8{kind:03x}-{n:012x}")
}

/// An HL7 FHIR R4 Bundle of type `collection`: one Patient (no real identity), pain, height,
/// weight and BMI Observations with LOINC codes and UCUM units, and QuestionnaireResponses
/// for PEG and MRS.
pub fn to_fhir(data: &UserData, exported_at: &str) -> Value {
    let mut entries = vec![json!({
        "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "resource": {"resourceType": "Patient", "id": "00000000-0000-4000-8000-000000000001", "gender": "female",
                     "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Keel user</div>"}}
    })];
    for (n, c) in data.check_ins.iter().enumerate() {
        entries.push(observation(
            rid(1, n),
            "72514-3",
            "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
            c.date.to_string(),
            quantity(f64::from(c.pain), "{score}", "{score}"),
            "survey",
        ));
    }
    for (n, h) in data.heights.iter().enumerate() {
        entries.push(observation(
            rid(2, n),
            "8302-2",
            "Body height",
            h.date.to_string(),
            quantity(h.cm, "cm", "cm"),
            "vital-signs",
        ));
    }
    if let Some(p) = &data.profile {
        let day = exported_at.get(..10).unwrap_or_default().to_string();
        if let Some(w) = p.weight_kg {
            entries.push(observation(
                rid(3, 0),
                "29463-7",
                "Body weight",
                day.clone(),
                quantity(w, "kg", "kg"),
                "vital-signs",
            ));
        }
        if let Some(h) = p.height_cm {
            entries.push(observation(
                rid(3, 1),
                "8302-2",
                "Body height",
                day.clone(),
                quantity(h, "cm", "cm"),
                "vital-signs",
            ));
            if let Some(w) = p.weight_kg {
                let bmi = (w / (h / 100.0).powi(2) * 10.0).round() / 10.0;
                entries.push(observation(
                    rid(3, 2),
                    "39156-5",
                    "Body mass index (BMI) [Ratio]",
                    day,
                    quantity(bmi, "kg/m2", "kg/m2"),
                    "vital-signs",
                ));
            }
        }
    }
    let instruments = keel_core::progress::instruments();
    for (n, r) in data.responses.iter().enumerate() {
        let Some(ins) = instruments.iter().find(|i| i.id == r.instrument) else {
            continue;
        };
        let id = rid(4, n);
        let items: Vec<Value> = ins
            .items
            .iter()
            .zip(&r.answers)
            .map(|(item, a)| json!({"linkId": item.id, "text": item.text, "answer": [{"valueInteger": a}]}))
            .collect();
        entries.push(json!({
            "fullUrl": format!("urn:uuid:{id}"),
            "resource": {
                "resourceType": "QuestionnaireResponse",
                "id": id,
                "status": "completed",
                "questionnaire": format!("urn:keel:questionnaire:{}", ins.id),
                "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"},
                "authored": r.date.to_string(),
                "item": items,
            }
        }));
    }
    json!({"resourceType": "Bundle", "type": "collection", "timestamp": exported_at, "entry": entries})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

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

    proptest::proptest! {
        #[test]
        fn the_import_parser_never_panics_on_hostile_input(s in ".{0,400}") {
            let lib = Library::builtin();
            if let Ok(v) = serde_json::from_str::<Value>(&s) {
                let _ = parse(&v, &lib, chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
            }
        }

        #[test]
        fn the_import_parser_survives_random_exports(pain in proptest::collection::vec(proptest::prelude::any::<i16>(), 0..20), junk in proptest::prelude::any::<String>()) {
            let lib = Library::builtin();
            let check_ins: Vec<Value> = pain.iter().enumerate().map(|(i, p)| json!({"date": format!("2026-01-{:02}", i % 28 + 1), "pain": p, "notes": junk})).collect();
            let v = json!({"schema": SCHEMA, "schema_version": 1, "check_ins": check_ins, "breaks": [{"taken_at": junk}]});
            let _ = parse(&v, &lib, chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        }
    }
}
