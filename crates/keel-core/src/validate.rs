//! Field-level validation errors and the small JSON readers every input parser shares.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

/// One problem with one input field, named the way the JSON body names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The JSON field, with a path for nested values (`history[2].pain`).
    pub field: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

/// Every problem found in one input, in the order the fields were checked: the first
/// [`ValidationErrors::LISTED`] with their messages, the rest counted. A hostile file of a
/// million bad rows costs a count, not a million messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", self.summary())]
pub struct ValidationErrors {
    errors: Vec<FieldError>,
    unlisted: usize,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// How many errors are kept with their messages.
    pub const LISTED: usize = 100;

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        if self.errors.len() < Self::LISTED {
            self.errors.push(FieldError {
                field: field.into(),
                message: message.into(),
            });
        } else {
            self.unlisted += 1;
        }
    }

    /// Adds every error of `other` after these.
    pub fn extend(&mut self, other: ValidationErrors) {
        let room = Self::LISTED - self.errors.len();
        self.unlisted += other.errors.len().saturating_sub(room) + other.unlisted;
        self.errors.extend(other.errors.into_iter().take(room));
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors listed with their messages (the first [`ValidationErrors::LISTED`]).
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// How many errors were found in all.
    pub fn count(&self) -> usize {
        self.errors.len() + self.unlisted
    }

    /// The first message for a field, for showing beside a form control.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// `field: message; field: message`, for a terminal or a log line.
    pub fn summary(&self) -> String {
        let mut text = self
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        if self.unlisted > 0 {
            text.push_str(&format!("; and {} more", self.unlisted));
        }
        text
    }

    /// `Ok(value)` when nothing was recorded, otherwise the errors.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Self> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

/// Reads typed fields out of a JSON object, recording an error per bad field and
/// remembering which keys were read so that unknown keys can be refused.
pub(crate) struct FieldReader<'a> {
    object: &'a Map<String, Value>,
    prefix: String,
    known: Vec<&'static str>,
    pub errors: ValidationErrors,
}

impl<'a> FieldReader<'a> {
    pub fn new(object: &'a Map<String, Value>, prefix: &str) -> Self {
        Self {
            object,
            prefix: prefix.to_string(),
            known: Vec::new(),
            errors: ValidationErrors::new(),
        }
    }

    pub fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    fn error(&mut self, name: &str, message: impl Into<String>) {
        let path = self.path(name);
        self.errors.add(path, message);
    }

    /// The raw value, or `None` when the key is absent or null.
    pub fn raw(&mut self, name: &'static str) -> Option<&'a Value> {
        self.known.push(name);
        match self.object.get(name) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    pub fn bool(&mut self, name: &'static str) -> Option<bool> {
        match self.raw(name)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.error(name, "must be true or false");
                None
            }
        }
    }

    /// A whole number within `min..=max` (a JSON number with no fraction).
    pub fn int(&mut self, name: &'static str, min: i64, max: i64) -> Option<i64> {
        let value = self.raw(name)?;
        let message = format!("must be a whole number from {min} to {max}");
        let Some(n) = value.as_f64() else {
            self.error(name, message);
            return None;
        };
        if n.fract() != 0.0 || n < min as f64 || n > max as f64 {
            self.error(name, message);
            return None;
        }
        Some(n as i64)
    }

    /// A number within `min..=max`, fractions allowed.
    pub fn number(&mut self, name: &'static str, min: f64, max: f64) -> Option<f64> {
        let value = self.raw(name)?;
        match value.as_f64() {
            Some(n) if n.is_finite() && n >= min && n <= max => Some(n),
            _ => {
                self.error(name, format!("must be a number from {min} to {max}"));
                None
            }
        }
    }

    pub fn string(&mut self, name: &'static str, max_chars: usize) -> Option<&'a str> {
        match self.raw(name)? {
            Value::String(s) if s.chars().count() > max_chars => {
                self.error(name, format!("must be at most {max_chars} characters"));
                None
            }
            Value::String(s) => match text_problem(s) {
                Some(problem) => {
                    self.error(name, problem);
                    None
                }
                None => Some(s.as_str()),
            },
            _ => {
                self.error(name, "must be a string");
                None
            }
        }
    }

    pub fn date(&mut self, name: &'static str) -> Option<NaiveDate> {
        let value = self.raw(name)?;
        match value.as_str().map(parse_date) {
            Some(Some(date)) => Some(date),
            _ => {
                self.error(name, "must be a date written YYYY-MM-DD, from 1900 on");
                None
            }
        }
    }

    /// A date no later than `latest` (her today: nothing recorded or judged lies ahead).
    pub fn date_until(&mut self, name: &'static str, latest: NaiveDate) -> Option<NaiveDate> {
        let date = self.date(name)?;
        if date > latest {
            self.error(name, format!("must not be after today ({latest})"));
            return None;
        }
        Some(date)
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(&mut self, name: &'static str, options: &[(&str, T)]) -> Option<T> {
        let value = self.raw(name)?;
        if let Some(found) = value
            .as_str()
            .and_then(|s| options.iter().find(|(word, _)| *word == s))
        {
            return Some(found.1);
        }
        self.error(name, format!("must be one of {}", list_words(options)));
        None
    }

    /// A list of words from a fixed set; repeats are dropped, order kept.
    pub fn choices<T: Copy + PartialEq>(
        &mut self,
        name: &'static str,
        options: &[(&str, T)],
    ) -> Option<Vec<T>> {
        let value = self.raw(name)?;
        let Value::Array(items) = value else {
            self.error(
                name,
                format!("must be a list drawn from {}", list_words(options)),
            );
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item
                .as_str()
                .and_then(|s| options.iter().find(|(word, _)| *word == s))
            {
                Some((_, v)) if !out.contains(v) => out.push(*v),
                Some(_) => {}
                None => {
                    let path = format!("{}[{i}]", self.path(name));
                    self.errors
                        .add(path, format!("must be one of {}", list_words(options)));
                }
            }
        }
        Some(out)
    }

    pub fn require<T>(&mut self, name: &'static str, value: Option<T>) -> Option<T> {
        if value.is_none() && matches!(self.object.get(name), None | Some(Value::Null)) {
            self.error(name, "is required");
        }
        value
    }

    /// Records an error for every key that no reader asked for.
    pub fn finish(mut self) -> ValidationErrors {
        let prefix = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}.", self.prefix)
        };
        let unknown = unknown_fields(self.object, &self.known, &prefix);
        self.errors.extend(unknown);
        self.errors
    }
}

/// An error, at `prefix` + key, for every key of `object` not in `known`, sorted.
pub fn unknown_fields(
    object: &Map<String, Value>,
    known: &[&str],
    prefix: &str,
) -> ValidationErrors {
    let mut unknown: Vec<&String> = object
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .collect();
    unknown.sort();
    let mut errors = ValidationErrors::new();
    for key in unknown {
        errors.add(format!("{prefix}{key}"), "is not a known field");
    }
    errors
}

/// Why a text cannot be stored, if it cannot: a control character other than a tab or a line
/// break (a NUL, an escape, a bell). One rule for every text field, on every backend:
/// PostgreSQL refuses a NUL outright, and none of these means anything a person wrote.
pub fn text_problem(s: &str) -> Option<String> {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let line_break = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        if c.is_control() && c != '\t' && !line_break {
            return Some(format!(
                "must not contain control characters (found U+{:04X}); tabs and line breaks are fine",
                u32::from(c)
            ));
        }
    }
    None
}

/// A number typed as text (a form field, a CSV cell, a command-line flag), as the JSON value
/// the validators read: an integer, a finite decimal, or else the text itself, which the
/// validator then refuses with the field named. `NaN`, `inf` and numbers past the range of
/// a double (`1e309`) stay text: as JSON numbers they would become null, and a blank field is
/// the only way to say "not answered". The caller leaves a blank out.
pub fn number_from_text(raw: &str) -> Value {
    let raw = raw.trim();
    if let Ok(n) = raw.parse::<i64>() {
        return Value::from(n);
    }
    match raw.parse::<f64>() {
        Ok(n) if n.is_finite() => {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                Value::from(n as i64)
            } else {
                Value::from(n)
            }
        }
        _ => Value::from(raw),
    }
}

/// Earliest date Keel accepts anywhere: nothing a person records is older.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("valid constant date"),
};

/// Parses exactly YYYY-MM-DD (chrono alone would also accept forms like "2026-1-5"), from
/// 1900 on.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // Digits read by hand: a stored year of history is parsed on every save.
    let number = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    NaiveDate::from_ymd_opt(year as i32, month, day).filter(|d| *d >= EARLIEST_DATE)
}

fn list_words<T>(options: &[(&str, T)]) -> String {
    options
        .iter()
        .map(|(w, _)| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The body must be a JSON object; anything else is refused as a whole.
pub fn as_object(value: &Value) -> Result<&Map<String, Value>, ValidationErrors> {
    value
        .as_object()
        .ok_or_else(|| ValidationErrors::single("body", "must be a JSON object"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reader_on(value: &Value) -> FieldReader<'_> {
        FieldReader::new(value.as_object().unwrap(), "")
    }

    #[test]
    fn int_accepts_bounds_and_refuses_fractions_and_strings() {
        let v = json!({"a": 0, "b": 10, "c": 11, "d": 2.5, "e": "3", "f": 4.0});
        let mut r = reader_on(&v);
        assert_eq!(r.int("a", 0, 10), Some(0));
        assert_eq!(r.int("b", 0, 10), Some(10));
        assert_eq!(r.int("c", 0, 10), None);
        assert_eq!(r.int("d", 0, 10), None);
        assert_eq!(r.int("e", 0, 10), None);
        assert_eq!(r.int("f", 0, 10), Some(4));
        let errors = r.finish();
        let fields: Vec<_> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["c", "d", "e"]);
    }

    #[test]
    fn unknown_keys_are_named() {
        let v = json!({"pain": 3, "pian": 4});
        let mut r = reader_on(&v);
        r.int("pain", 0, 10);
        let errors = r.finish();
        assert_eq!(errors.message_for("pian"), Some("is not a known field"));
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(parse_date("2026-11-24").is_some());
        assert!(parse_date("2026-1-24").is_none());
        assert!(parse_date("24/11/2026").is_none());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("1899-12-31").is_none());
        assert!(parse_date("1900-01-01").is_some());
        assert!(parse_date("２０26-01-01").is_none());
        assert!(parse_date("2026-+1-24").is_none());
        assert!(parse_date("+026-01-24").is_none());
        assert!(parse_date("2026-00-10").is_none());
        assert!(parse_date("9999-12-31").is_some());
    }

    proptest::proptest! {
        /// Every calendar date from 1900 reads back from its own text.
        #[test]
        fn every_date_reads_back(days in 0i64..800_000) {
            let d = EARLIEST_DATE + chrono::Duration::days(days);
            proptest::prop_assert_eq!(parse_date(&d.to_string()), Some(d));
        }

        /// Near-dates are read exactly as chrono's strict "%Y-%m-%d" reads them.
        #[test]
        fn agrees_with_chrono_on_near_dates(s in "[0-2][0-9]{3}-[01][0-9]-[0-3][0-9]") {
            let chrono = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .ok()
                .filter(|d| *d >= EARLIEST_DATE);
            proptest::prop_assert_eq!(parse_date(&s), chrono, "{}", s);
        }
    }

    #[test]
    fn errors_past_the_listed_ones_are_counted_not_kept() {
        let mut e = ValidationErrors::new();
        for i in 0..250 {
            e.add(format!("rows[{i}]"), "is wrong");
        }
        assert_eq!(e.errors().len(), ValidationErrors::LISTED);
        assert_eq!(e.count(), 250);
        assert_eq!(e.errors()[99].field, "rows[99]");
        assert!(e.summary().ends_with("; and 150 more"), "{}", e.summary());
        let mut first = ValidationErrors::single("a", "x");
        first.extend(e);
        assert_eq!(first.errors().len(), ValidationErrors::LISTED);
        assert_eq!(first.count(), 251);
        assert_eq!(first.errors()[0].field, "a");
    }

    #[test]
    fn numbers_typed_as_text_are_finite_numbers_or_stay_text() {
        assert_eq!(number_from_text("4"), json!(4));
        assert_eq!(number_from_text(" 4.0 "), json!(4));
        assert_eq!(number_from_text("7.5"), json!(7.5));
        assert_eq!(number_from_text("-2"), json!(-2));
        for not_a_number in [
            "NaN", "nan", "inf", "Infinity", "-inf", "1e309", "-1e309", "four", "4,5",
        ] {
            assert_eq!(
                number_from_text(not_a_number),
                json!(not_a_number),
                "{not_a_number}"
            );
        }
        // Through a validator, each is refused with the field named.
        let v = json!({"h": number_from_text("Infinity"), "s": number_from_text("NaN")});
        let mut r = reader_on(&v);
        assert_eq!(r.number("h", 100.0, 250.0), None);
        assert_eq!(r.int("s", 0, 24), None);
        let errors = r.finish();
        assert!(errors.message_for("h").is_some() && errors.message_for("s").is_some());
    }

    #[test]
    fn text_refuses_control_characters_but_keeps_tabs_and_line_breaks() {
        assert_eq!(text_problem("two lines\nand a\ttab\r\nand CRLF"), None);
        for bad in [
            "a\u{0}b",
            "\u{1b}[31m",
            "bell\u{7}",
            "lone\rreturn",
            "\u{85}",
        ] {
            assert!(text_problem(bad).is_some(), "{bad:?}");
        }
        let v = json!({"notes": "a\u{0}@example.org"});
        let mut r = reader_on(&v);
        assert_eq!(r.string("notes", 100), None);
        assert!(r.finish().message_for("notes").unwrap().contains("U+0000"));
    }

    #[test]
    fn choices_name_the_bad_element() {
        let v = json!({"l": ["a", "z", "a"]});
        let mut r = reader_on(&v);
        let got = r.choices("l", &[("a", 1), ("b", 2)]);
        assert_eq!(got, Some(vec![1]));
        assert!(r.finish().message_for("l[1]").is_some());
    }
}
