//! Her data coming back: a Keel JSON export (validated through the same constructors as every
//! other input, every problem named by its path, nothing written unless all is valid) and
//! check-ins from another tracker's CSV (`csv`).

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use keel_core::activity::Activity;
use keel_core::bone::BoneProfile;
use keel_core::desk::{BreakSettings, DeskInput};
use keel_core::preferences::Preferences;
use keel_core::{CheckIn, Library, ValidationErrors};
use keel_store::{BreakTaken, PostureEntry, Response, UserData};
use keel_store::{Store, UserId};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::export::{SCHEMA, SCHEMA_VERSION};

pub mod csv;
#[cfg(test)]
mod tests;

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

/// An error for each key of a list entry that is not one of `known` (and for an entry that is
/// not an object at all, which the entry's own check then names).
fn unknown_in_entry(
    v: &Value,
    known: &[&str],
    list: &str,
    i: usize,
    errors: &mut ValidationErrors,
) {
    if let Some(entry) = v.as_object() {
        errors.extend(keel_core::validate::unknown_fields(
            entry,
            known,
            &format!("{list}[{i}]."),
        ));
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

/// The bleeding log (one entry per date, each as `PUT /api/v1/bleeding/{date}` checks it; a
/// check-in's own bleeding is written after it) and her own symptoms over all check-ins and
/// her profile (at most 20): any problem refuses the whole file.
fn cycle(
    object: &Map<String, Value>,
    data: &mut UserData,
    errors: &mut ValidationErrors,
    far: NaiveDate,
) {
    let mut dates = BTreeSet::new();
    for (i, v) in list(object, "bleeding", errors).iter().enumerate() {
        match keel_core::stage::parse_dated_day(v, far) {
            Ok(d) => {
                if first(&mut dates, d.date, errors, || format!("bleeding[{i}].date")) {
                    data.bleeding.push(d)
                }
            }
            Err(e) => nested(errors, format!("bleeding[{i}]"), e),
        }
    }
    let mut names: Vec<String> = data
        .profile
        .as_ref()
        .map(|p| p.custom_symptoms.clone())
        .unwrap_or_default();
    for (i, c) in data.check_ins.iter().enumerate() {
        for n in c.symptoms.custom.keys() {
            if !names.contains(n) {
                names.push(n.clone());
                if names.len() == keel_core::symptoms::CUSTOM_MAX + 1 {
                    errors.add(
                        format!("check_ins[{i}].custom_symptoms"),
                        format!(
                            "brings her own symptoms to more than {}",
                            keel_core::symptoms::CUSTOM_MAX
                        ),
                    );
                }
            }
        }
    }
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
        "bleeding",
    ];
    errors.extend(keel_core::validate::unknown_fields(object, &known, ""));
    match object.get("exported_at") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) if chrono::DateTime::parse_from_rfc3339(t).is_ok() => {}
        Some(_) => errors.add(
            "exported_at",
            "must be a date and time, as text (RFC 3339, such as 2026-11-24T08:00:00Z)",
        ),
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
        unknown_in_entry(
            v,
            &["rule", "acknowledged_on"],
            "acknowledgements",
            i,
            &mut errors,
        );
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
        unknown_in_entry(
            v,
            &["taken_at", "minutes", "exercise_id"],
            "breaks",
            i,
            &mut errors,
        );
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
        unknown_in_entry(
            v,
            &["logged_at", "posture", "minutes"],
            "posture",
            i,
            &mut errors,
        );
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
    cycle(object, &mut data, &mut errors, far);
    let instruments = keel_core::progress::instruments();
    for (i, v) in list(object, "questionnaires", &mut errors)
        .iter()
        .enumerate()
    {
        unknown_in_entry(
            v,
            &["instrument", "date", "answers"],
            "questionnaires",
            i,
            &mut errors,
        );
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

/// What an import of a Keel export brought in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Imported {
    pub check_ins: usize,
    pub activities: usize,
    pub questionnaires: usize,
}

/// Replaces all of her data with a Keel export, in one transaction: a file with any error
/// changes nothing, and every error is named by its path. `via` says where it came from, for
/// her security log.
pub async fn import_export(
    store: &Store,
    library: &Library,
    user: UserId,
    value: &Value,
    today: NaiveDate,
    via: &str,
) -> Result<Imported, AppError> {
    let data = parse(value, library, today)?;
    store.replace_user_data(user, &data).await?;
    store
        .audit(
            user,
            "import",
            &format!("{} check-ins {via}", data.check_ins.len()),
        )
        .await?;
    Ok(Imported {
        check_ins: data.check_ins.len(),
        activities: data.activities.len(),
        questionnaires: data.responses.len(),
    })
}
