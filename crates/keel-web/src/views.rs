//! The JSON shapes the API and the CLI share, built from stored records.

use chrono::NaiveDate;
use keel_core::plan::{self, PlanContext, PlanItem};
use keel_core::triage::TriageResult;
use keel_core::{DayType, DayTypeDecision, Library};
use keel_store::{Saved, StoredCheckIn};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::schema;

/// Keel's standing reminder of what it is and is not.
pub const DISCLAIMER: &str = "Keel gives information to help you look after your back. It does not diagnose. If you are worried, or something changes, contact a clinician.";

/// A saved check-in with what Keel decided from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInRecord {
    #[schema(schema_with = schema::check_in)]
    pub check_in: Value,
    pub day_type: DayTypeDecision,
    pub triage: TriageResult,
    /// On a save: whether this replaced an earlier check-in for the same date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced: Option<bool>,
    pub created_at: String,
    pub updated_at: String,
}

impl CheckInRecord {
    pub fn from_stored(s: &StoredCheckIn) -> Self {
        CheckInRecord {
            check_in: s.check_in.to_json(),
            day_type: s.decision.clone(),
            triage: s.triage.clone(),
            replaced: None,
            created_at: s.created_at.clone(),
            updated_at: s.updated_at.clone(),
        }
    }

    pub fn from_saved(s: &Saved) -> Self {
        CheckInRecord {
            replaced: Some(s.replaced),
            ..Self::from_stored(&s.stored)
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInList {
    pub check_ins: Vec<CheckInRecord>,
}

/// A day's plan, with the safety findings that come before it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub day_type: DayType,
    /// The DT-* rule that chose the day type.
    pub rule: String,
    pub reason: String,
    /// Red-flag findings, highest level first. Emergency findings mean no plan today.
    pub triage: TriageResult,
    /// What to do about the findings, for the highest level.
    pub action: String,
    /// Today's exercises; empty on a stop day.
    pub items: Vec<PlanItem>,
    pub disclaimer: String,
}

impl PlanView {
    pub fn build(library: &Library, stored: &StoredCheckIn, ctx: &PlanContext) -> PlanView {
        let p = plan::compose(library, stored.check_in.date, &stored.decision, ctx);
        PlanView {
            date: p.date,
            day_type: p.day_type,
            rule: p.rule,
            reason: p.reason,
            action: stored.triage.level.action().to_string(),
            triage: stored.triage.clone(),
            items: p.items,
            disclaimer: DISCLAIMER.to_string(),
        }
    }
}
