//! Where the pain is and how it began: the words the check-in, the rules and the triage
//! contract share.

use serde::{Deserialize, Serialize};

/// Where it hurts, in the triage contract's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Location {
    LowerBack,
    UpperBack,
    Neck,
    Buttock,
    LeftLeg,
    RightLeg,
}

impl Location {
    pub const ALL: &'static [(&'static str, Location)] = &[
        ("lower_back", Location::LowerBack),
        ("upper_back", Location::UpperBack),
        ("neck", Location::Neck),
        ("buttock", Location::Buttock),
        ("left_leg", Location::LeftLeg),
        ("right_leg", Location::RightLeg),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, l)| *l == self)
            .map(|(n, _)| *n)
            .unwrap_or_default()
    }

    pub fn label(self) -> &'static str {
        match self {
            Location::LowerBack => "Lower back",
            Location::UpperBack => "Upper back, between the shoulder blades",
            Location::Neck => "Neck",
            Location::Buttock => "Buttock",
            Location::LeftLeg => "Left leg",
            Location::RightLeg => "Right leg",
        }
    }
}

/// How today's pain began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Onset {
    Sudden,
    Gradual,
}

impl Onset {
    pub const ALL: &'static [(&'static str, Onset)] =
        &[("sudden", Onset::Sudden), ("gradual", Onset::Gradual)];

    pub fn name(self) -> &'static str {
        match self {
            Onset::Sudden => "sudden",
            Onset::Gradual => "gradual",
        }
    }
}
