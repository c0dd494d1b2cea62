//! The exercise library: families, level ladders, doses, cues and the movements
//! each level involves, as data.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::daytype::DayType;
use crate::movement::Movement;

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
    Impact,
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
            ExerciseFamily::BoneLoading => "Strength for bone",
            ExerciseFamily::Impact => "Impact for bone",
            ExerciseFamily::Balance => "Balance",
        }
    }
}

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
    /// Movements of this level on top of the exercise's own (a bigger range, a load).
    #[serde(default)]
    pub tags: Vec<Movement>,
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
    /// Movements of every level.
    pub tags: Vec<Movement>,
    /// The drawings of the exercise: `["position"]`, or `["start", "end"]` where the movement
    /// matters.
    pub pictures: Vec<String>,
    pub cues: Vec<String>,
    pub mistake: String,
    pub levels: Vec<Level>,
    /// The library's safety notes that apply to it (getting to the floor, breathing, pain
    /// limits), filled in when the library is read.
    #[serde(skip)]
    pub safety: Vec<String>,
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

    /// The movements of level `n` (1-based): the exercise's own and the level's.
    pub fn tags_at(&self, n: u8) -> BTreeSet<Movement> {
        self.tags
            .iter()
            .chain(self.level(n).tags.iter())
            .copied()
            .collect()
    }

    /// Every movement of any level.
    pub fn all_tags(&self) -> BTreeSet<Movement> {
        (1..=self.top_level())
            .flat_map(|n| self.tags_at(n))
            .collect()
    }

    /// The highest level at or below `wanted` free of every `excluded` movement, if any is.
    pub fn level_within(&self, wanted: u8, excluded: &BTreeSet<Movement>) -> Option<u8> {
        (1..=wanted.clamp(1, self.top_level()))
            .rev()
            .find(|n| self.tags_at(*n).is_disjoint(excluded))
    }
}

/// Safety notes written once in the library file and attached to the exercises they concern.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyNotes {
    /// Getting down to the floor and up again the spine-sparing way: every floor exercise.
    pub floor: String,
    /// Breathing on strength work.
    pub breathing: String,
    /// The pain limits of the progression rule: every exercise with a ladder to climb.
    pub pain: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LibraryFile {
    notes: SafetyNotes,
    exercise: Vec<Exercise>,
}

/// Families whose work is strength: their exercises carry the breathing note.
pub const STRENGTH_FAMILIES: &[ExerciseFamily] = &[
    ExerciseFamily::DeepCore,
    ExerciseFamily::Glutes,
    ExerciseFamily::BoneLoading,
];

/// The picture slots an exercise may have.
const PICTURE_SLOTS: &[&[&str]] = &[&["position"], &["start", "end"]];

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
/// Most cues an exercise may have.
pub const MAX_CUES: usize = 6;

/// The notes that concern an exercise: the floor note for floor work, the breathing note for
/// strength work, and the pain limits for everything but the reminder to change position.
fn safety_notes(e: &Exercise, notes: &SafetyNotes) -> Vec<String> {
    let mut out = Vec::new();
    if e.all_tags().contains(&Movement::Floor) {
        out.push(notes.floor.clone());
    }
    if STRENGTH_FAMILIES.contains(&e.family) {
        out.push(notes.breathing.clone());
    }
    let reminder =
        e.family == ExerciseFamily::FlareMobility && e.levels.iter().all(|l| l.minutes.is_some());
    if !reminder {
        out.push(notes.pain.clone());
    }
    out
}

impl Library {
    pub fn from_toml(text: &str) -> Result<Library, LibraryError> {
        let file: LibraryFile =
            toml::from_str(text).map_err(|e| LibraryError::Syntax(e.to_string()))?;
        let mut seen = BTreeSet::new();
        let notes = file.notes;
        if [&notes.floor, &notes.breathing, &notes.pain]
            .iter()
            .any(|n| n.trim().is_empty())
        {
            return Err(LibraryError::Invalid {
                id: "notes".into(),
                problem: "needs floor, breathing and pain notes".into(),
            });
        }
        let mut exercises = file.exercise;
        for e in &mut exercises {
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
            if !(2..=MAX_CUES).contains(&e.cues.len()) || e.cues.iter().any(|c| c.trim().is_empty())
            {
                return Err(fail("needs 2 to 6 cues"));
            }
            if !PICTURE_SLOTS.contains(
                &e.pictures
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice(),
            ) {
                return Err(fail(
                    "pictures must be [\"position\"] or [\"start\", \"end\"]",
                ));
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
            if let Some(l) = e
                .levels
                .iter()
                .find(|l| l.tags.iter().any(|t| e.tags.contains(t)))
            {
                return Err(fail(&format!(
                    "level '{}' repeats a tag the exercise already has",
                    l.name
                )));
            }
            if e.day_types.is_empty() || e.day_types.contains(&DayType::Stop) {
                return Err(fail("day_types must name flare, gentle, steady or strong"));
            }
            e.safety = safety_notes(e, &notes);
        }
        Ok(Library { exercises })
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

    /// The highest level a family climbs to: the top of its longest ladder. An exercise with
    /// a shorter ladder is done at its own top level beyond that.
    pub fn top_level(&self, family: ExerciseFamily) -> u8 {
        self.exercises
            .iter()
            .filter(|e| e.family == family)
            .map(Exercise::top_level)
            .max()
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
pub(crate) mod expected;
#[cfg(test)]
mod tests;
