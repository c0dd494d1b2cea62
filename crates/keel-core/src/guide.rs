//! What Keel says about one exercise of the library, beside its steps: the day types whose
//! sessions use it, what the bone-health rules do to it, an easier and a harder one of its
//! family, and whether it matches a search. The exercise pages and the guided session share it.

use std::collections::BTreeSet;

use crate::library::{Exercise, ExerciseFamily, Library};
use crate::movement::{self, Movement};
use crate::plan::{FRACTURE_RISK_EXCLUDED, FRACTURE_RISK_RULE, SESSION_FAMILIES};
use crate::{DayType, bone};

/// The rule that keeps a spine with low bone density from bending, twisting and jumping.
const CAUTION_RULE: &str = "BONE-EXERCISE-CAUTION";

/// The families in the order the library lists them.
pub const FAMILIES: [ExerciseFamily; 9] = [
    ExerciseFamily::Walking,
    ExerciseFamily::DeepCore,
    ExerciseFamily::Glutes,
    ExerciseFamily::Thoracic,
    ExerciseFamily::HipFlexor,
    ExerciseFamily::BoneLoading,
    ExerciseFamily::Impact,
    ExerciseFamily::Balance,
    ExerciseFamily::FlareMobility,
];

/// The day types whose sessions draw on the exercise.
pub fn day_types_of(e: &Exercise) -> Vec<DayType> {
    SESSION_FAMILIES
        .iter()
        .filter(|(d, families)| families.contains(&e.family) && e.day_types.contains(d))
        .map(|(d, _)| *d)
        .collect()
}

/// What the bone-health rules do to it, in sentences, each with the rule that does it (`None`
/// when no rule touches it).
pub fn bone_cautions(e: &Exercise) -> Vec<(String, Option<&'static str>)> {
    let mut out = Vec::new();
    let caution: BTreeSet<Movement> = bone::CAUTION_EXCLUDED.into_iter().collect();
    match e.level_within(e.top_level(), &caution) {
        None => out.push((
            format!(
                "With low bone density on record, Keel leaves it out: it involves {}.",
                movement::in_words(e.tags_at(1).intersection(&caution).copied())
            ),
            Some(CAUTION_RULE),
        )),
        Some(n) if n < e.top_level() => out.push((
            format!(
                "With low bone density on record, Keel keeps it to level {n} ({}): the levels above add {}.",
                e.level(n).name,
                movement::in_words(e.all_tags().intersection(&caution).copied())
            ),
            Some(CAUTION_RULE),
        )),
        Some(_) => {}
    }
    if e.all_tags().contains(&Movement::ModerateImpact) {
        out.push((
            "With a vertebral fracture or a height loss on record, Keel leaves it out: its jolt goes through the spine.".into(),
            Some(CAUTION_RULE),
        ));
    }
    let fracture: BTreeSet<Movement> = caution
        .iter()
        .copied()
        .chain(FRACTURE_RISK_EXCLUDED)
        .collect();
    if e.family != ExerciseFamily::Walking
        && e.id != "position-change"
        && e.level_within(1, &fracture).is_none()
    {
        out.push((
            "While a possible compression fracture waits for a clinician, Keel leaves it out: flare days are walking and changes of position only.".into(),
            Some(FRACTURE_RISK_RULE),
        ));
    }
    if out.is_empty() {
        out.push(("No bone-health rule leaves it out.".into(), None));
    }
    out
}

/// An easier and a harder exercise of the same family: fewer and more demanding movements,
/// then a shorter and a longer ladder.
pub fn alternatives<'a>(
    lib: &'a Library,
    e: &Exercise,
) -> (Option<&'a Exercise>, Option<&'a Exercise>) {
    let weight = |x: &Exercise| (x.all_tags().len(), x.top_level(), x.level(1).dose().len());
    let mut same: Vec<&Exercise> = lib
        .exercises()
        .iter()
        .filter(|x| x.family == e.family && x.id != e.id)
        .collect();
    same.sort_by_key(|x| weight(x));
    let here = weight(e);
    let easier = same.iter().rev().find(|x| weight(x) <= here).copied();
    let harder = same.iter().find(|x| weight(x) > here).copied();
    (
        easier.or(same
            .first()
            .copied()
            .filter(|x| Some(x.id.as_str()) != harder.map(|h| h.id.as_str()))),
        harder,
    )
}

/// Whether the exercise matches a search: its name, purpose, mistake, steps or family, in any
/// case.
pub fn matches(e: &Exercise, q: &str) -> bool {
    let q = q.to_lowercase();
    [&e.name, &e.why, &e.mistake]
        .into_iter()
        .chain(e.cues.iter())
        .any(|t| t.to_lowercase().contains(&q))
        || e.family.label().to_lowercase().contains(&q)
}

#[cfg(test)]
mod tests;
