//! The exercise library: families, level ladders, doses, cues and contraindications, as data.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::daytype::DayType;

/// Kinds of exercise the plan draws from (clinical-rules.md section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExerciseFamily {
    DeepCore,
    Glutes,
    Thoracic,
    HipFlexor,
    Walking,
    FlareMobility,
    BoneLoading,
    Balance,
}

impl ExerciseFamily {
    pub fn label(self) -> &'static str {
        match self {
            ExerciseFamily::DeepCore => "Deep core",
            ExerciseFamily::Glutes => "Glutes",
            ExerciseFamily::Thoracic => "Upper-back mobility",
            ExerciseFamily::HipFlexor => "Hip flexor stretch",
            ExerciseFamily::Walking => "Walking",
            ExerciseFamily::FlareMobility => "Gentle mobility",
            ExerciseFamily::BoneLoading => "Bone loading",
            ExerciseFamily::Balance => "Balance",
        }
    }
}

/// Movements an exercise involves that some people must avoid.
pub const CONTRAINDICATION_TAGS: &[&str] = &[
    "loaded_flexion",
    "loaded_rotation",
    "high_impact",
    "prone_lying",
    "kneeling",
];

/// How much of one level to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub name: String,
    #[serde(default)]
    pub sets: Option<u8>,
    #[serde(default)]
    pub reps: Option<u8>,
    #[serde(default)]
    pub hold_seconds: Option<u16>,
    #[serde(default)]
    pub minutes: Option<u16>,
    #[serde(default)]
    pub bouts: Option<u8>,
    #[serde(default)]
    pub per_side: bool,
}

impl Level {
    /// The dose in a few words: "2 x 8 each side", "hold 60 s", "20 min".
    pub fn dose(&self) -> String {
        let side = if self.per_side { " each side" } else { "" };
        match (
            self.sets,
            self.reps,
            self.hold_seconds,
            self.minutes,
            self.bouts,
        ) {
            (Some(s), Some(r), None, None, _) => format!("{s} x {r}{side}"),
            (Some(1), None, Some(h), None, _) => format!("hold {h} s{side}"),
            (Some(s), None, Some(h), None, _) => format!("{s} x {h} s hold{side}"),
            (None, None, None, Some(m), Some(b)) => format!("{m} min, {b} times through the day"),
            (None, None, None, Some(m), None) => format!("{m} min"),
            _ => String::from("as comfortable"),
        }
    }

    fn is_well_formed(&self) -> bool {
        matches!(
            (self.sets, self.reps, self.hold_seconds, self.minutes),
            (Some(s), Some(r), None, None) if s > 0 && r > 0
        ) || matches!(
            (self.sets, self.reps, self.hold_seconds, self.minutes),
            (Some(s), None, Some(h), None) if s > 0 && h > 0
        ) || matches!(
            (self.sets, self.reps, self.hold_seconds, self.minutes),
            (None, None, None, Some(m)) if m > 0
        )
    }
}

fn default_day_types() -> Vec<DayType> {
    vec![DayType::Gentle, DayType::Steady, DayType::Strong]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub id: String,
    pub name: String,
    pub family: ExerciseFamily,
    #[serde(default = "default_day_types")]
    pub day_types: Vec<DayType>,
    pub why: String,
    pub equipment: Vec<String>,
    pub contraindications: Vec<String>,
    pub cues: Vec<String>,
    pub mistake: String,
    pub levels: Vec<Level>,
}

impl Exercise {
    /// The level `n` (1-based), or the top of the ladder when `n` is past it.
    pub fn level(&self, n: u8) -> &Level {
        let i = usize::from(n.max(1)) - 1;
        &self.levels[i.min(self.levels.len() - 1)]
    }

    pub fn top_level(&self) -> u8 {
        self.levels.len() as u8
    }

    pub fn avoids(&self, excluded_tags: &BTreeSet<String>) -> bool {
        !self
            .contraindications
            .iter()
            .any(|t| excluded_tags.contains(t))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LibraryFile {
    exercise: Vec<Exercise>,
}

/// A validated exercise library.
#[derive(Debug, Clone, PartialEq)]
pub struct Library {
    exercises: Vec<Exercise>,
}

/// Why a library file was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LibraryError {
    #[error("the library is not valid TOML for Keel: {0}")]
    Syntax(String),
    #[error("exercise {id}: {problem}")]
    Invalid { id: String, problem: String },
}

/// Fewest levels a ladder may have.
pub const MIN_LEVELS: usize = 3;

impl Library {
    pub fn from_toml(text: &str) -> Result<Library, LibraryError> {
        let file: LibraryFile =
            toml::from_str(text).map_err(|e| LibraryError::Syntax(e.to_string()))?;
        let mut seen = BTreeSet::new();
        for e in &file.exercise {
            let fail = |problem: &str| LibraryError::Invalid {
                id: e.id.clone(),
                problem: problem.to_string(),
            };
            if e.id.is_empty() || !e.id.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                return Err(fail("id must be lowercase words joined by hyphens"));
            }
            if !seen.insert(e.id.clone()) {
                return Err(fail("id is used twice"));
            }
            if !(2..=4).contains(&e.cues.len()) || e.cues.iter().any(|c| c.trim().is_empty()) {
                return Err(fail("needs 2 to 4 cues"));
            }
            if e.why.trim().is_empty() || e.mistake.trim().is_empty() || e.name.trim().is_empty() {
                return Err(fail("needs a name, a why and a common mistake"));
            }
            if e.levels.len() < MIN_LEVELS {
                return Err(fail("needs at least 3 levels"));
            }
            if let Some(l) = e.levels.iter().find(|l| !l.is_well_formed()) {
                return Err(fail(&format!(
                    "level '{}' needs sets and reps, sets and hold_seconds, or minutes",
                    l.name
                )));
            }
            if let Some(t) = e
                .contraindications
                .iter()
                .find(|t| !CONTRAINDICATION_TAGS.contains(&t.as_str()))
            {
                return Err(fail(&format!("unknown contraindication tag '{t}'")));
            }
            if e.day_types.is_empty() || e.day_types.contains(&DayType::Stop) {
                return Err(fail("day_types must name flare, gentle, steady or strong"));
            }
        }
        Ok(Library {
            exercises: file.exercise,
        })
    }

    /// The library shipped in `content/exercises.toml`.
    pub fn builtin() -> Library {
        Library::from_toml(include_str!("../../../content/exercises.toml"))
            .expect("content/exercises.toml is validated by its own test")
    }

    pub fn exercises(&self) -> &[Exercise] {
        &self.exercises
    }

    pub fn get(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// Every piece of equipment some exercise needs, sorted.
    pub fn equipment(&self) -> BTreeSet<&str> {
        self.exercises
            .iter()
            .flat_map(|e| e.equipment.iter().map(String::as_str))
            .collect()
    }

    /// The highest level every exercise of a family reaches.
    pub fn top_level(&self, family: ExerciseFamily) -> u8 {
        self.exercises
            .iter()
            .filter(|e| e.family == family)
            .map(Exercise::top_level)
            .min()
            .unwrap_or(1)
    }

    /// Exercises of a family usable on a day type, in file order.
    pub fn candidates(&self, family: ExerciseFamily, day_type: DayType) -> Vec<&Exercise> {
        self.exercises
            .iter()
            .filter(|e| e.family == family && e.day_types.contains(&day_type))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_library_is_valid_and_complete() {
        let lib = Library::builtin();
        // the five families of section 3 have at least three exercises each
        for family in [
            ExerciseFamily::DeepCore,
            ExerciseFamily::Glutes,
            ExerciseFamily::Thoracic,
            ExerciseFamily::HipFlexor,
            ExerciseFamily::Walking,
        ] {
            let n = lib
                .exercises()
                .iter()
                .filter(|e| e.family == family)
                .count();
            assert!(n >= 3, "{family:?} has {n}");
        }
        // every family a day type uses has an exercise for it
        for (day, families) in crate::plan::SESSION_FAMILIES {
            for family in *families {
                assert!(
                    !lib.candidates(*family, *day).is_empty(),
                    "{day:?} needs {family:?}"
                );
            }
        }
        for e in lib.exercises() {
            assert!(e.levels.len() >= 3, "{}", e.id);
            assert!(e.cues.len() >= 2, "{}", e.id);
        }
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let one = r#"
[[exercise]]
id = "a"
name = "A"
family = "walking"
why = "w"
equipment = []
contraindications = []
cues = ["one", "two"]
mistake = "m"
levels = [{ name = "1", minutes = 1 }, { name = "2", minutes = 2 }, { name = "3", minutes = 3 }]
"#;
        assert!(Library::from_toml(one).is_ok());
        let twice = format!("{one}{one}");
        assert!(matches!(
            Library::from_toml(&twice),
            Err(LibraryError::Invalid { .. })
        ));
        let bad_tag = one.replace(
            "contraindications = []",
            "contraindications = [\"jumping\"]",
        );
        assert!(Library::from_toml(&bad_tag).is_err());
        let one_cue = one.replace("cues = [\"one\", \"two\"]", "cues = [\"one\"]");
        assert!(Library::from_toml(&one_cue).is_err());
        let two_levels = one.replace(", { name = \"3\", minutes = 3 }", "");
        assert!(Library::from_toml(&two_levels).is_err());
        let no_dose = one.replace("{ name = \"1\", minutes = 1 }", "{ name = \"1\" }");
        assert!(Library::from_toml(&no_dose).is_err());
        assert!(matches!(
            Library::from_toml("exercise = 3"),
            Err(LibraryError::Syntax(_))
        ));
    }

    #[test]
    fn doses_read_plainly() {
        let l = |sets, reps, hold, minutes, bouts, per_side| Level {
            name: String::new(),
            sets,
            reps,
            hold_seconds: hold,
            minutes,
            bouts,
            per_side,
        };
        assert_eq!(
            l(Some(2), Some(8), None, None, None, true).dose(),
            "2 x 8 each side"
        );
        assert_eq!(
            l(Some(1), None, Some(60), None, None, true).dose(),
            "hold 60 s each side"
        );
        assert_eq!(
            l(Some(2), None, Some(90), None, None, false).dose(),
            "2 x 90 s hold"
        );
        assert_eq!(l(None, None, None, Some(20), None, false).dose(), "20 min");
        assert_eq!(
            l(None, None, None, Some(5), Some(2), false).dose(),
            "5 min, 2 times through the day"
        );
    }
}
