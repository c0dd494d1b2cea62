//! The daily check-in: built only through `CheckIn::parse`, which states every input rule once.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::rules::{Answers, Question};
use crate::symptoms::SymptomLog;
use crate::validate::{FieldReader, ValidationErrors, as_object};

pub use crate::pain::{Location, Onset};

pub const NOTES_MAX_CHARS: usize = 2000;

/// One day's check-in, valid by construction.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckIn {
    pub date: NaiveDate,
    pub pain: u8,
    pub locations: Vec<Location>,
    pub onset: Option<Onset>,
    pub stiffness_minutes: Option<u16>,
    pub sleep: Option<u8>,
    pub energy: Option<u8>,
    pub sitting_hours: Option<f64>,
    pub walking_minutes: Option<u16>,
    pub notes: Option<String>,
    pub answers: Answers,
    /// Perimenopause symptoms and the day's bleeding (section 8), all optional.
    pub symptoms: SymptomLog,
}

impl CheckIn {
    /// Validates a JSON check-in. `today` is the user's current date; `date` defaults to it
    /// and may not be later. Every bad field is reported, not just the first.
    pub fn parse(value: &Value, today: NaiveDate) -> Result<CheckIn, ValidationErrors> {
        let object = as_object(value)?;
        let mut r = FieldReader::new(object, "");
        let date = r.date("date");
        let pain = r.int("pain", 0, 10);
        let pain = r.require("pain", pain);
        let locations = r.choices("locations", Location::ALL).unwrap_or_default();
        let onset = r.choice("onset", Onset::ALL);
        let stiffness_minutes = r.int("stiffness_minutes", 0, 600);
        let sleep = r.int("sleep", 0, 10);
        let energy = r.int("energy", 0, 10);
        let sitting_hours = r.number("sitting_hours", 0.0, 24.0);
        let walking_minutes = r.int("walking_minutes", 0, 1440);
        let notes = r.string("notes", NOTES_MAX_CHARS);
        let answers = Answers::read(&mut r);
        let symptoms = SymptomLog::read(&mut r);
        let mut errors = r.finish();
        if let Some(d) = date
            && d > today
        {
            errors.add("date", format!("must not be after today ({today})"));
        }
        let notes = notes
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(String::from);
        errors.into_result(|| CheckIn {
            date: date.unwrap_or(today),
            pain: pain.unwrap_or_default() as u8,
            locations,
            onset,
            stiffness_minutes: stiffness_minutes.map(|v| v as u16),
            sleep: sleep.map(|v| v as u8),
            energy: energy.map(|v| v as u8),
            sitting_hours,
            walking_minutes: walking_minutes.map(|v| v as u16),
            notes,
            answers,
            symptoms,
        })
    }

    /// The compact form for storage: absent answers and empty lists are left out, since
    /// `parse` reads an absent field exactly as a null one.
    pub fn to_compact_json(&self) -> Value {
        let mut v = self.to_json();
        if let Value::Object(m) = &mut v {
            m.retain(|_, v| {
                !v.is_null()
                    && v.as_array().is_none_or(|a| !a.is_empty())
                    && v.as_object().is_none_or(|o| !o.is_empty())
            });
        }
        v
    }

    /// The canonical JSON form, shared by the API and the CLI (see the `Serialize` impl).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("a check-in serializes to JSON")
    }
}

/// The canonical JSON form: every field, absent answers as `null`, in a fixed order. Written
/// straight to the output (a journal of a month is 30 of them).
impl Serialize for CheckIn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = serializer.serialize_map(Some(14 + Question::ALL.len()))?;
        m.serialize_entry("date", &self.date.to_string())?;
        m.serialize_entry("pain", &self.pain)?;
        m.serialize_entry(
            "locations",
            &self.locations.iter().map(|l| l.name()).collect::<Vec<_>>(),
        )?;
        m.serialize_entry("onset", &self.onset.map(Onset::name))?;
        m.serialize_entry("stiffness_minutes", &self.stiffness_minutes)?;
        m.serialize_entry("sleep", &self.sleep)?;
        m.serialize_entry("energy", &self.energy)?;
        m.serialize_entry("sitting_hours", &self.sitting_hours)?;
        m.serialize_entry("walking_minutes", &self.walking_minutes)?;
        m.serialize_entry("notes", &self.notes)?;
        for q in Question::ALL {
            m.serialize_entry(q.name(), &self.answers.get(*q))?;
        }
        let s = &self.symptoms;
        m.serialize_entry("symptoms", &s.ratings_json())?;
        m.serialize_entry("hot_flush_count", &s.hot_flush_count)?;
        m.serialize_entry("custom_symptoms", &s.custom_json())?;
        m.serialize_entry("bleeding", &s.bleeding)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn parse(v: Value) -> Result<CheckIn, ValidationErrors> {
        CheckIn::parse(&v, today())
    }

    fn field_error(v: Value, field: &str) -> String {
        let errors = parse(v).expect_err("should be refused");
        errors
            .message_for(field)
            .unwrap_or_else(|| panic!("no error for {field}: {errors:?}"))
            .to_string()
    }

    /// The canonical form clients read: every field in a fixed order, unanswered as null.
    #[test]
    fn canonical_json_lists_every_field_in_order() {
        let c = parse(
            json!({"date": "2026-11-20", "pain": 4, "locations": ["neck", "lower_back"],
            "onset": "gradual", "sitting_hours": 6.5, "notes": "desk \"day\"", "fever": false}),
        )
        .unwrap();
        let text = serde_json::to_string(&c).unwrap();
        let head = r#"{"date":"2026-11-20","pain":4,"locations":["neck","lower_back"],"onset":"gradual","stiffness_minutes":null,"sleep":null,"energy":null,"sitting_hours":6.5,"walking_minutes":null,"notes":"desk \"day\"","#;
        assert!(text.starts_with(head), "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        let questions: Vec<&str> = Question::ALL.iter().map(|q| q.name()).collect();
        assert_eq!(keys.len(), 14 + questions.len());
        assert_eq!(
            keys[10..10 + questions.len()]
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>(),
            questions
        );
        assert_eq!(
            keys[10 + questions.len()..],
            ["symptoms", "hot_flush_count", "custom_symptoms", "bleeding"]
        );
        assert_eq!(v["fever"], json!(false));
        assert_eq!(v["chest_pain"], Value::Null);
        assert_eq!(c.to_json(), v, "to_json is the same form");
        assert_eq!(parse(v).unwrap(), c, "and reads back as the same check-in");
    }

    #[test]
    fn minimal_check_in_defaults_to_today() {
        let c = parse(json!({"pain": 3})).unwrap();
        assert_eq!(c.date, today());
        assert_eq!(c.pain, 3);
        assert!(c.locations.is_empty());
        assert_eq!(c.answers.missing_emergency().len(), 8);
    }

    #[test]
    fn full_check_in_round_trips_through_json() {
        let v = json!({
            "date": "2026-11-20", "pain": 6, "locations": ["lower_back", "buttock"],
            "onset": "gradual", "stiffness_minutes": 30, "sleep": 5, "energy": 4,
            "sitting_hours": 7.5, "walking_minutes": 25, "notes": "gardening",
            "saddle_numbness": false, "fever": true
        });
        let c = parse(v).unwrap();
        let again = CheckIn::parse(&c.to_json(), today()).unwrap();
        assert_eq!(c, again);
        let compact = CheckIn::parse(&c.to_compact_json(), today()).unwrap();
        assert_eq!(c, compact);
        assert!(c.to_compact_json().get("chest_pain").is_none());
        assert_eq!(c.answers.get(Question::Fever), Some(true));
        assert_eq!(c.answers.get(Question::SaddleNumbness), Some(false));
        assert_eq!(c.answers.get(Question::ChestPain), None);
    }

    #[test]
    fn pain_is_required_and_bounded() {
        assert_eq!(field_error(json!({}), "pain"), "is required");
        assert_eq!(field_error(json!({"pain": null}), "pain"), "is required");
        assert!(field_error(json!({"pain": 11}), "pain").contains("0 to 10"));
        assert!(field_error(json!({"pain": -1}), "pain").contains("0 to 10"));
        assert!(field_error(json!({"pain": 3.5}), "pain").contains("whole number"));
        assert!(field_error(json!({"pain": "7"}), "pain").contains("whole number"));
        assert_eq!(parse(json!({"pain": 0})).unwrap().pain, 0);
        assert_eq!(parse(json!({"pain": 10})).unwrap().pain, 10);
    }

    #[test]
    fn date_must_be_iso_and_not_in_the_future() {
        assert!(
            field_error(json!({"pain": 1, "date": "2026-11-26"}), "date").contains("after today")
        );
        assert!(
            field_error(json!({"pain": 1, "date": "25/11/2026"}), "date").contains("YYYY-MM-DD")
        );
        assert!(field_error(json!({"pain": 1, "date": 20261125}), "date").contains("YYYY-MM-DD"));
        assert_eq!(
            parse(json!({"pain": 1, "date": "2026-11-25"}))
                .unwrap()
                .date,
            today()
        );
    }

    #[test]
    fn every_range_is_checked_at_its_bounds() {
        let cases: &[(&str, f64, f64)] = &[
            ("stiffness_minutes", 0.0, 600.0),
            ("sleep", 0.0, 10.0),
            ("energy", 0.0, 10.0),
            ("sitting_hours", 0.0, 24.0),
            ("walking_minutes", 0.0, 1440.0),
        ];
        for (field, lo, hi) in cases {
            for ok in [lo, hi] {
                assert!(
                    parse(json!({"pain": 1, *field: ok})).is_ok(),
                    "{field}={ok}"
                );
            }
            for bad in [lo - 1.0, hi + 1.0] {
                field_error(json!({"pain": 1, *field: bad}), field);
            }
            field_error(json!({"pain": 1, *field: "many"}), field);
        }
        assert_eq!(
            parse(json!({"pain": 1, "sitting_hours": 6.5}))
                .unwrap()
                .sitting_hours,
            Some(6.5)
        );
        field_error(
            json!({"pain": 1, "walking_minutes": 10.5}),
            "walking_minutes",
        );
    }

    #[test]
    fn notes_are_limited_to_2000_characters() {
        let ok = "é".repeat(2000);
        assert!(parse(json!({"pain": 1, "notes": ok})).is_ok());
        let long = "a".repeat(2001);
        assert!(field_error(json!({"pain": 1, "notes": long}), "notes").contains("2000"));
        assert!(field_error(json!({"pain": 1, "notes": 5}), "notes").contains("string"));
        assert_eq!(
            parse(json!({"pain": 1, "notes": "  "})).unwrap().notes,
            None
        );
    }

    #[test]
    fn locations_and_onset_take_only_known_words() {
        assert!(
            field_error(json!({"pain": 1, "locations": ["knee"]}), "locations[0]")
                .contains("lower_back")
        );
        field_error(json!({"pain": 1, "locations": "lower_back"}), "locations");
        assert!(field_error(json!({"pain": 1, "onset": "slow"}), "onset").contains("sudden"));
        let c = parse(json!({"pain": 1, "locations": ["neck", "neck"]})).unwrap();
        assert_eq!(c.locations, vec![Location::Neck]);
    }

    #[test]
    fn red_flag_answers_must_be_booleans() {
        for q in Question::ALL {
            field_error(json!({"pain": 1, q.name(): "yes"}), q.name());
            let c = parse(json!({"pain": 1, q.name(): true})).unwrap();
            assert_eq!(c.answers.get(*q), Some(true));
        }
    }

    #[test]
    fn unknown_fields_and_non_objects_are_refused() {
        assert_eq!(
            field_error(json!({"pain": 1, "mood": 3}), "mood"),
            "is not a known field"
        );
        assert_eq!(field_error(json!([1, 2]), "body"), "must be a JSON object");
    }

    #[test]
    fn all_errors_are_reported_together() {
        let errors = parse(json!({"pain": 12, "sleep": 11, "energy": -2})).unwrap_err();
        assert_eq!(errors.errors().len(), 3);
    }
}
