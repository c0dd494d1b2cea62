//! What a movement asks of the body: the tags the exercise library sets on each exercise and
//! level, and the plain words Keel shows for them. The bone rule (BONE-EXERCISE-CAUTION) and the
//! flare rule for a possible fracture (RF-FRACTURE-RISK) exclude movements by these tags.

use serde::{Deserialize, Serialize};

/// One thing a movement does that some people must avoid or limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// Bending the spine forward and back within a range (cat-cow, pelvic tilts).
    FlexionMobility,
    /// Turning the spine within a range (open book, knee rocking).
    RotationMobility,
    /// Spinal bending to the end of its range, or repeated there.
    EndRangeFlexion,
    /// Spinal turning to the end of its range, or held there.
    EndRangeRotation,
    /// Spinal bending while holding or pulling a load (or lifting the trunk against gravity).
    LoadedFlexion,
    /// Spinal turning while holding or pulling a load.
    LoadedRotation,
    /// A small, controlled jolt through the heels (heel drops).
    ModerateImpact,
    /// Jumping and landing.
    HighImpact,
    /// Lying face down.
    ProneLying,
    /// Weight on the knees.
    Kneeling,
    /// Standing on one leg, a fall risk.
    SingleLegLoad,
    /// Done lying or kneeling on the floor: getting down and up is part of it.
    Floor,
}

impl Movement {
    pub const ALL: [Movement; 12] = [
        Movement::FlexionMobility,
        Movement::RotationMobility,
        Movement::EndRangeFlexion,
        Movement::EndRangeRotation,
        Movement::LoadedFlexion,
        Movement::LoadedRotation,
        Movement::ModerateImpact,
        Movement::HighImpact,
        Movement::ProneLying,
        Movement::Kneeling,
        Movement::SingleLegLoad,
        Movement::Floor,
    ];

    /// The tag as written in the library file and the API.
    pub fn name(self) -> &'static str {
        match self {
            Movement::FlexionMobility => "flexion_mobility",
            Movement::RotationMobility => "rotation_mobility",
            Movement::EndRangeFlexion => "end_range_flexion",
            Movement::EndRangeRotation => "end_range_rotation",
            Movement::LoadedFlexion => "loaded_flexion",
            Movement::LoadedRotation => "loaded_rotation",
            Movement::ModerateImpact => "moderate_impact",
            Movement::HighImpact => "high_impact",
            Movement::ProneLying => "prone_lying",
            Movement::Kneeling => "kneeling",
            Movement::SingleLegLoad => "single_leg_load",
            Movement::Floor => "floor",
        }
    }

    /// The movement in her words, as a plan's "leaves out ..." sentence lists it.
    pub fn words(self) -> &'static str {
        match self {
            Movement::FlexionMobility => "bending the back forward and back",
            Movement::RotationMobility => "turning the back",
            Movement::EndRangeFlexion => "bending the back as far as it goes",
            Movement::EndRangeRotation => "twisting as far as you can",
            Movement::LoadedFlexion => "bending forward under load",
            Movement::LoadedRotation => "twisting under load",
            Movement::ModerateImpact => "heel drops and other jolts through the heels",
            Movement::HighImpact => "jumping",
            Movement::ProneLying => "lying face down",
            Movement::Kneeling => "kneeling",
            Movement::SingleLegLoad => "standing on one leg",
            Movement::Floor => "getting down to the floor",
        }
    }

    pub fn from_name(name: &str) -> Option<Movement> {
        Movement::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// A list of movements in her words: "a, b and c".
pub fn in_words(movements: impl IntoIterator<Item = Movement>) -> String {
    let words: Vec<&str> = movements.into_iter().map(Movement::words).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for m in Movement::ALL {
            assert_eq!(Movement::from_name(m.name()), Some(m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.name());
            assert!(!m.words().is_empty());
        }
        assert_eq!(Movement::from_name("jumping"), None);
    }

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(in_words([]), "");
        assert_eq!(in_words([Movement::Kneeling]), "kneeling");
        assert_eq!(
            in_words([
                Movement::Kneeling,
                Movement::HighImpact,
                Movement::ProneLying
            ]),
            "kneeling, jumping and lying face down"
        );
    }
}
