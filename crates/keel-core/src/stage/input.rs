//! The stateless contract's input (section 6), read and checked field by field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use super::{BleedingDay, ContextEntry, ContextKind, Flow, StageInput};
use crate::validate::{FieldReader, ValidationErrors, as_object};

impl StageInput {
    /// Validates the contract's JSON. `today` bounds every date.
    pub fn parse(value: &Value, today: NaiveDate) -> Result<StageInput, ValidationErrors> {
        let object = as_object(value)?;
        let mut r = FieldReader::new(object, "");
        let date = r.date_until("date", today);
        let date = r.require("date", date);
        let bleeding_raw = r.raw("bleeding");
        let context_raw = r.raw("context");
        let mut errors = r.finish();
        let latest = date.unwrap_or(today);
        let mut bleeding = BTreeMap::new();
        if let Some(v) = bleeding_raw {
            let Value::Array(items) = v else {
                errors.add("bleeding", "must be a list of {\"date\", \"flow\"} entries");
                return Err(errors);
            };
            for (i, item) in items.iter().enumerate() {
                let prefix = format!("bleeding[{i}]");
                let Some(object) = item.as_object() else {
                    errors.add(prefix, "must be an object with \"date\" and \"flow\"");
                    continue;
                };
                let mut r = FieldReader::new(object, &prefix);
                let day = r.date("date");
                let day = r.require("date", day);
                let flow = r.choice("flow", Flow::ALL);
                let flow = r.require("flow", flow);
                let after_sex = r.bool("after_sex").unwrap_or(false);
                errors.extend(r.finish());
                let Some(day) = day else { continue };
                if day > latest {
                    errors.add(
                        format!("{prefix}.date"),
                        format!("must not be after the date ({latest})"),
                    );
                    continue;
                }
                if bleeding.contains_key(&day) {
                    errors.add(format!("{prefix}.date"), "is listed twice");
                    continue;
                }
                if let Some(flow) = flow {
                    bleeding.insert(
                        day,
                        BleedingDay {
                            date: day,
                            flow,
                            after_sex,
                        },
                    );
                }
            }
        }
        let context = match context_raw {
            Some(v) => parse_context(v, latest, "context", &mut errors),
            None => Vec::new(),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        match date {
            Some(date) if errors.is_empty() => Ok(StageInput {
                date,
                bleeding,
                context,
            }),
            _ => Err(errors),
        }
    }
}

/// Reads a list of context entries (`kind`, `from`, `to`) at `field`: no date after `latest`,
/// no end before its start. Errors go to `errors`, named by entry (`context[1].to`).
pub fn parse_context(
    v: &Value,
    latest: NaiveDate,
    field: &str,
    errors: &mut ValidationErrors,
) -> Vec<ContextEntry> {
    let mut context = Vec::new();
    let Value::Array(items) = v else {
        errors.add(
            field,
            "must be a list of {\"kind\", \"from\", \"to\"} entries",
        );
        return Vec::new();
    };
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("{field}[{i}]");
        let Some(object) = item.as_object() else {
            errors.add(
                prefix,
                "must be an object with \"kind\", \"from\" and \"to\"",
            );
            continue;
        };
        let mut r = FieldReader::new(object, &prefix);
        let kind = r.choice("kind", ContextKind::ALL);
        let kind = r.require("kind", kind);
        let from = r.date("from");
        let from = r.require("from", from);
        let to = r.date("to");
        errors.extend(r.finish());
        if from.is_some_and(|f| f > latest) {
            errors.add(
                format!("{prefix}.from"),
                format!("must not be after the date ({latest})"),
            );
            continue;
        }
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.add(format!("{prefix}.to"), "must not be before \"from\"");
            continue;
        }
        if to.is_some_and(|t| t > latest) {
            errors.add(
                format!("{prefix}.to"),
                format!("must not be after the date ({latest})"),
            );
            continue;
        }
        if let (Some(kind), Some(from)) = (kind, from) {
            context.push(ContextEntry { kind, from, to });
        }
    }
    context
}

/// The first pair of entries of one kind whose dates overlap (an open end runs on for ever), as
/// indexes: her record may hold a kind again, but not twice at once.
pub fn overlapping(context: &[ContextEntry]) -> Option<(usize, usize)> {
    for (i, a) in context.iter().enumerate() {
        for (j, b) in context.iter().enumerate().skip(i + 1) {
            let a_end = a.to.unwrap_or(NaiveDate::MAX);
            let b_end = b.to.unwrap_or(NaiveDate::MAX);
            if a.kind == b.kind && a.from <= b_end && b.from <= a_end {
                return Some((i, j));
            }
        }
    }
    None
}

/// A period entered in one go, at most this many days.
pub const PERIOD_MAX_DAYS: i64 = 14;

/// One day of the log as `PUT /api/v1/bleeding/{date}` takes it (`flow`, `after_sex`), for
/// `date`, which may not be after `today`.
pub fn parse_log_day(
    value: &Value,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<BleedingDay, ValidationErrors> {
    let object = as_object(value)?;
    let mut r = FieldReader::new(object, "");
    let flow = r.choice("flow", Flow::ALL);
    let flow = r.require("flow", flow);
    let after_sex = r.bool("after_sex").unwrap_or(false);
    let mut errors = r.finish();
    if date > today {
        errors.add("date", format!("must not be after today ({today})"));
    }
    errors.into_result(|| BleedingDay {
        date,
        flow: flow.unwrap_or(Flow::None),
        after_sex,
    })
}

/// A past period (`start`, `end`, optional `flow`, default medium) as the days it covers: not
/// after `today`, the end not before the start, at most [`PERIOD_MAX_DAYS`] days.
pub fn parse_period(value: &Value, today: NaiveDate) -> Result<Vec<BleedingDay>, ValidationErrors> {
    let object = as_object(value)?;
    let mut r = FieldReader::new(object, "");
    let start = r.date_until("start", today);
    let start = r.require("start", start);
    let end = r.date_until("end", today);
    let end = r.require("end", end);
    let flow = r.choice("flow", Flow::ALL).unwrap_or(Flow::Medium);
    let mut errors = r.finish();
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errors.add("end", "must not be before the start");
        } else if (e - s).num_days() + 1 > PERIOD_MAX_DAYS {
            errors.add(
                "end",
                format!("a period entered in one go may last at most {PERIOD_MAX_DAYS} days"),
            );
        }
    }
    if !flow.flow() {
        errors.add("flow", "must be light, medium or heavy for a period");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(s), Some(e)) = (start, end) else {
        return Err(errors);
    };
    Ok(s.iter_days()
        .take_while(|d| *d <= e)
        .map(|date| BleedingDay {
            date,
            flow,
            after_sex: false,
        })
        .collect())
}

/// One day of the log with its date (`date`, `flow`, `after_sex`), as the stage contract and the
/// export write it; the date not after `today`.
pub fn parse_dated_day(value: &Value, today: NaiveDate) -> Result<BleedingDay, ValidationErrors> {
    let object = as_object(value)?;
    let mut r = FieldReader::new(object, "");
    let date = r.date_until("date", today);
    let date = r.require("date", date);
    let flow = r.choice("flow", Flow::ALL);
    let flow = r.require("flow", flow);
    let after_sex = r.bool("after_sex").unwrap_or(false);
    let errors = r.finish();
    errors.into_result(|| BleedingDay {
        date: date.unwrap_or(today),
        flow: flow.unwrap_or(Flow::None),
        after_sex,
    })
}
