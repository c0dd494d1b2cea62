//! Her plan preferences: exercises she never wants, and equipment she does not have.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::library::Library;
use crate::validate::{FieldReader, ValidationErrors, as_object};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    pub excluded_exercises: BTreeSet<String>,
    pub missing_equipment: BTreeSet<String>,
}

impl Preferences {
    /// Validates against the library: every id and every piece of equipment must exist.
    pub fn parse(value: &Value, library: &Library) -> Result<Preferences, ValidationErrors> {
        let object = as_object(value)?;
        let mut r = FieldReader::new(object, "");
        let excluded = r.raw("excluded_exercises");
        let missing = r.raw("missing_equipment");
        let mut errors = r.finish();
        let equipment = library.equipment();
        let excluded_exercises = strings(excluded, "excluded_exercises", &mut errors, |s| {
            library
                .get(s)
                .is_some()
                .then_some(())
                .ok_or("is not an exercise in Keel's library")
        });
        let missing_equipment = strings(missing, "missing_equipment", &mut errors, |s| {
            equipment
                .contains(s)
                .then_some(())
                .ok_or("is not equipment any exercise uses")
        });
        errors.into_result(|| Preferences {
            excluded_exercises,
            missing_equipment,
        })
    }

    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "excluded_exercises": self.excluded_exercises,
            "missing_equipment": self.missing_equipment,
        })
    }
}

fn strings(
    value: Option<&Value>,
    name: &str,
    errors: &mut ValidationErrors,
    check: impl Fn(&str) -> Result<(), &'static str>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(value) = value else { return out };
    let Value::Array(items) = value else {
        errors.add(name, "must be a list of strings");
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(s) => match check(s) {
                Ok(()) => {
                    out.insert(s.to_string());
                }
                Err(why) => errors.add(format!("{name}[{i}]"), why),
            },
            None => errors.add(format!("{name}[{i}]"), "must be a string"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_and_equipment_are_checked() {
        let lib = Library::builtin();
        let p = Preferences::parse(
            &json!({"excluded_exercises": ["dead-bug"], "missing_equipment": ["bench"]}),
            &lib,
        )
        .unwrap();
        assert!(p.excluded_exercises.contains("dead-bug"));
        assert_eq!(Preferences::parse(&p.to_json(), &lib).unwrap(), p);
        let e = Preferences::parse(&json!({"excluded_exercises": ["moonwalk"], "missing_equipment": ["rowing_machine", 3]}), &lib).unwrap_err();
        assert!(e.message_for("excluded_exercises[0]").is_some());
        assert!(e.message_for("missing_equipment[0]").is_some());
        assert!(e.message_for("missing_equipment[1]").is_some());
        assert!(
            Preferences::parse(&json!({"colour": 1}), &lib)
                .unwrap_err()
                .message_for("colour")
                .is_some()
        );
    }
}
