//! How soon she should act: the level of a finding, of a check-in's triage, and what each
//! level tells her to do.

use serde::{Deserialize, Serialize};

/// How soon she should act, from the highest down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TriageLevel {
    None,
    Soon,
    Urgent,
    Emergency,
}

impl TriageLevel {
    pub fn name(self) -> &'static str {
        match self {
            TriageLevel::None => "none",
            TriageLevel::Soon => "soon",
            TriageLevel::Urgent => "urgent",
            TriageLevel::Emergency => "emergency",
        }
    }

    /// What to do, for the level as a whole.
    pub fn action(self) -> &'static str {
        match self {
            TriageLevel::Emergency => {
                "Call your local emergency number (999 in the UK, 112 in Europe, 911 in North America) or go to an emergency department now. Do not wait to see if it passes."
            }
            TriageLevel::Urgent => {
                "Contact a clinician today: ask your GP practice for an urgent appointment, or call your local urgent-care line (111 in the UK)."
            }
            TriageLevel::Soon => {
                "Book an appointment with your GP or physiotherapist within the next two weeks."
            }
            TriageLevel::None => {
                "No warning signs in today's answers. Keep an eye on how you feel and check in again tomorrow."
            }
        }
    }
}
