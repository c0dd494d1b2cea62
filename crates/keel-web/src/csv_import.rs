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
        for r in &self.rejected {
            for fe in &r.errors {
                e.add(format!("rows[{}].{}", r.line, fe.field), fe.message.clone());
            }
        }
        let unlisted = self.rejected_count - self.rejected.len();
        if unlisted > 0 {
            e.add(
                "rows",
                format!(
                    "{unlisted} more rows are refused (only the first {REJECTED_LISTED} are listed)"
                ),
            );
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn rows_are_checked_and_rejections_explained() {
        let text = "Day,Pain level,Slept,Where\n03/11/2026,4,6,lower_back;buttock\n04/11/2026,eleven,6,\n05/11/2026,12,6,\n2026-11-06,3,,\n07/11/2026,2,7,knee\n";
        let r = check(
            text,
            &mapping(&[
                ("date", "Day"),
                ("pain", "Pain level"),
                ("sleep", "Slept"),
                ("locations", "Where"),
            ]),
            "%d/%m/%Y",
            today(),
        )
        .unwrap();
        assert_eq!(r.rows, 5);
        assert_eq!(r.valid, 1);
        let lines: Vec<usize> = r.rejected.iter().map(|x| x.line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
        assert_eq!(r.rejected[0].errors[0].field, "pain");
        assert_eq!(r.rejected[2].errors[0].field, "date");
        assert_eq!(r.rejected[3].errors[0].field, "locations[0]");
        assert_eq!(r.check_ins[0].locations.len(), 2);
    }

    #[test]
    fn mapping_must_name_keel_fields_and_real_columns() {
        let e = check(
            "A,B\n1,2\n",
            &mapping(&[("date", "A"), ("pian", "B")]),
            "%Y-%m-%d",
            today(),
        )
        .unwrap_err();
        assert!(e.message_for("mapping.pian").is_some());
        assert!(e.message_for("mapping.pain").is_some());
        let e = check(
            "A,B\n1,2\n",
            &mapping(&[("date", "A"), ("pain", "C")]),
            "%Y-%m-%d",
            today(),
        )
        .unwrap_err();
        assert!(e.message_for("mapping.pain").unwrap().contains("\"C\""));
    }

    proptest::proptest! {
        #[test]
        fn any_file_gets_a_report_or_a_named_error_and_never_a_panic(text in "(?s).{0,600}") {
            let _ = check(&text, &mapping(&[("date", "date"), ("pain", "pain"), ("notes", "notes")]), "%Y-%m-%d", today());
        }

        #[test]
        fn structured_garbage_rows_are_rejected_not_imported(cells in proptest::collection::vec(("[0-9a-z/-]{0,12}", "[-0-9.x]{0,4}"), 1..30)) {
            let mut text = String::from("date,pain\n");
            for (d, p) in &cells {
                text.push_str(&format!("{d},{p}\n"));
            }
            let r = check(&text, &mapping(&[("date", "date"), ("pain", "pain")]), "%Y-%m-%d", today()).unwrap();
            proptest::prop_assert_eq!(r.valid + r.rejected.len(), r.rows);
            for c in &r.check_ins {
                proptest::prop_assert!(c.pain <= 10 && c.date <= today());
            }
        }
    }
}
