//! Check-ins from other trackers: a CSV file, a mapping from Keel's fields to its columns,
//! and a dry run that says what would be imported and which rows are refused and why.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use keel_core::{CheckIn, ValidationErrors};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// Keel fields a column can fill.
pub const MAPPABLE: &[&str] = &[
    "date",
    "pain",
    "locations",
    "onset",
    "stiffness_minutes",
    "sleep",
    "energy",
    "sitting_hours",
    "walking_minutes",
    "notes",
];
/// The fields every mapping must fill.
pub const REQUIRED: &[&str] = &["date", "pain"];
const NUMBER_FIELDS: &[&str] = &[
    "pain",
    "stiffness_minutes",
    "sleep",
    "energy",
    "sitting_hours",
    "walking_minutes",
];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejectedRow {
    /// 1-based line in the file, the header being line 1.
    pub line: usize,
    pub errors: Vec<keel_core::FieldError>,
}

/// The most data rows one file may have: more than a century of daily check-ins. A longer
/// file is refused before its rows are checked.
pub const MAX_ROWS: usize = 40_000;
/// How many refused rows a report lists; the rest are counted in `rejected_count`.
pub const REJECTED_LISTED: usize = 100;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CsvReport {
    pub rows: usize,
    pub valid: usize,
    /// The first refused rows (at most 100), each with every reason it was refused.
    pub rejected: Vec<RejectedRow>,
    /// How many rows were refused in all, listed or not.
    pub rejected_count: usize,
    /// Whether the check-ins were saved (never on a dry run, never with rejected rows).
    pub imported: bool,
    #[serde(skip)]
    pub check_ins: Vec<CheckIn>,
}

/// Parses `field=Column` pairs, checking that each field is Keel's and each column exists.
pub fn parse_mapping(
    pairs: &BTreeMap<String, String>,
    headers: &[String],
) -> Result<BTreeMap<String, usize>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut out = BTreeMap::new();
    for (field, column) in pairs {
        if !MAPPABLE.contains(&field.as_str()) {
            errors.add(
                format!("mapping.{field}"),
                format!("is not a Keel field; use one of {}", MAPPABLE.join(", ")),
            );
            continue;
        }
        match headers.iter().position(|h| h.trim() == column.trim()) {
            Some(i) => {
                out.insert(field.clone(), i);
            }
            None => errors.add(
                format!("mapping.{field}"),
                format!("column \"{column}\" is not in the file's header"),
            ),
        }
    }
    for &required in REQUIRED {
        if !pairs.contains_key(required) {
            errors.add(format!("mapping.{required}"), "is required");
        }
    }
    errors.into_result(|| out)
}

/// Reads the file and validates every row through the check-in constructor.
pub fn check(
    text: &str,
    mapping: &BTreeMap<String, String>,
    date_format: &str,
    today: NaiveDate,
) -> Result<CsvReport, ValidationErrors> {
    check_with_progress(text, mapping, date_format, today, |_| {})
}

/// As `check`, calling `progress` with the number of rows read every 1,000 rows.
pub fn check_with_progress(
    text: &str,
    mapping: &BTreeMap<String, String>,
    date_format: &str,
    today: NaiveDate,
    mut progress: impl FnMut(usize),
) -> Result<CsvReport, ValidationErrors> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ValidationErrors::single("file", format!("cannot read the header row: {e}")))?
        .iter()
        .map(String::from)
        .collect();
    let columns = parse_mapping(mapping, &headers)?;
    let mut report = CsvReport {
        rows: 0,
        valid: 0,
        rejected: Vec::new(),
        rejected_count: 0,
        imported: false,
        check_ins: Vec::new(),
    };
    let mut seen = std::collections::BTreeSet::new();
    // One record buffer for the whole file: memory stays flat however long it is.
    let mut record = csv::StringRecord::new();
    loop {
        let line = report.rows + 2;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                report.rows += 1;
                report.refuse(line, "row", e.to_string());
                // A broken row (bad UTF-8, say) is skipped; an I/O error would repeat.
                if e.is_io_error() {
                    break;
                }
                continue;
            }
        }
        report.rows += 1;
        if report.rows > MAX_ROWS {
            return Err(ValidationErrors::single(
                "csv",
                format!(
                    "has more than {MAX_ROWS} rows; split it into files of at most {MAX_ROWS} rows and import each"
                ),
            ));
        }
        if report.rows.is_multiple_of(1000) {
            progress(report.rows);
        }
        let mut m = Map::new();
        let mut errors = ValidationErrors::new();
        for (field, col) in &columns {
            let raw = record.get(*col).unwrap_or("").trim();
            if raw.is_empty() {
                continue;
            }
            let value = match field.as_str() {
                "date" => match NaiveDate::parse_from_str(raw, date_format) {
                    Ok(d) => Value::from(d.to_string()),
                    Err(_) => {
                        errors.add(
                            "date",
                            format!("\"{raw}\" does not match the date format {date_format}"),
                        );
                        continue;
                    }
                },
                "locations" => Value::Array(
                    raw.split([';', '|'])
                        .map(|s| Value::from(s.trim()))
                        .filter(|v| v != "")
                        .collect(),
                ),
                "onset" => Value::from(raw.to_lowercase()),
                f if NUMBER_FIELDS.contains(&f) => keel_core::validate::number_from_text(raw),
                _ => Value::from(raw),
            };
            m.insert(field.clone(), value);
        }
        if !m.contains_key("date") && errors.message_for("date").is_none() {
            errors.add("date", "is empty");
        }
        match CheckIn::parse(&Value::Object(m), today) {
            Ok(c) if errors.is_empty() => {
                if seen.insert(c.date) {
                    report.valid += 1;
                    report.check_ins.push(c);
                } else {
                    report.refuse(line, "date", format!("{} appears more than once", c.date));
                }
            }
            Ok(_) => report.refuse_with(line, errors),
            Err(e) => {
                let mut all = errors;
                all.extend(e);
                report.refuse_with(line, all);
            }
        }
    }
    Ok(report)
}

impl CsvReport {
    fn refuse(&mut self, line: usize, field: &str, message: String) {
        self.refuse_with(line, ValidationErrors::single(field, message));
    }

    /// Counts a refused row, and lists it while fewer than [`REJECTED_LISTED`] are.
    fn refuse_with(&mut self, line: usize, errors: ValidationErrors) {
        self.rejected_count += 1;
        if self.rejected.len() < REJECTED_LISTED {
            self.rejected.push(RejectedRow {
                line,
                errors: errors.errors().to_vec(),
            });
        }
    }

    /// The refused rows as field errors (`rows[LINE].field`), for an import that cannot go
    /// ahead: those listed, and a count of the rest.
    pub fn refusals(&self) -> ValidationErrors {
        let mut e = ValidationErrors::new();
        // The count first: the list of errors is itself capped, and the count must not be
        // what is left out.
        if self.rejected_count > self.rejected.len() {
            e.add(
                "rows",
                format!(
                    "{} rows are refused; the first {} are listed",
                    self.rejected_count,
                    self.rejected.len()
                ),
            );
        }
        for r in &self.rejected {
            for fe in &r.errors {
                e.add(format!("rows[{}].{}", r.line, fe.field), fe.message.clone());
            }
        }
        e
    }
}

/// Saves the check-ins of a checked CSV file (see [`check`]), all or none: with any refused
/// row nothing is saved and the refusal lists them. `via` says where it came from, for her
/// security log.
pub async fn save(
    store: &keel_store::Store,
    user: keel_store::UserId,
    report: &mut CsvReport,
    via: &str,
) -> Result<usize, crate::AppError> {
    if report.rejected_count > 0 {
        return Err(report.refusals().into());
    }
    let n = store.import_check_ins(user, &report.check_ins).await?;
    store
        .audit(user, "import", &format!("{n} check-ins from CSV {via}"))
        .await?;
    report.imported = true;
    Ok(n)
}

#[cfg(test)]
mod tests;
