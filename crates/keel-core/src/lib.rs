//! Keel's domain core: validated inputs, safety rules, day types and the daily plan. No I/O.
#![forbid(unsafe_code)]

pub mod bone;
pub mod checkin;
pub mod daytype;
pub mod library;
pub mod plan;
pub mod rules;
pub mod triage;
pub mod validate;

pub use checkin::{CheckIn, Location, Onset};
pub use daytype::{DayType, DayTypeDecision, RecentDay};
pub use library::{ExerciseFamily, Library};
pub use plan::{Plan, PlanItem};
pub use triage::{Finding, TriageLevel, TriageResult};
pub use validate::{FieldError, ValidationErrors};
