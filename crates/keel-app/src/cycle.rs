//! Her cycle: the bleeding log's use cases (a day, a past period, a removal) and where she is
//! in the transition, shared by the API, the pages and `keel period`.

use chrono::NaiveDate;
use keel_core::bone::BoneProfile;
use keel_core::stage::{self, BleedingDay, ContextEntry, StageAssessment, StageInput};
use keel_store::{Store, StoreError, UserId};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::AppError;

/// Her stage today, with its evidence, and what she has told Keel about her cycle.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageView {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    #[serde(flatten)]
    pub assessment: StageAssessment,
    /// The stage in her words.
    pub words: String,
    /// Each cycle in words, oldest first (the evidence).
    pub cycles: Vec<String>,
    /// Does she still have periods ("yes", "no", "unsure"), if she has said.
    pub still_periods: Option<String>,
    pub context: Vec<ContextEntry>,
    /// Days in her log.
    pub logged_days: usize,
}

impl StageView {
    /// Whether the check-in should offer the bleeding row: when she has said she still has
    /// periods or is unsure, or once she keeps a log.
    pub fn asks_bleeding(&self) -> bool {
        matches!(self.still_periods.as_deref(), Some("yes" | "unsure")) || self.logged_days > 0
    }
}

/// Works out her stage on `date` from the stored log and her profile's context. Nothing is
/// stored: the stage follows every change to either.
pub async fn stage_view(
    store: &Store,
    user: UserId,
    date: NaiveDate,
) -> Result<StageView, StoreError> {
    let log = store.bleeding_log(user).await?;
    let profile = store.profile(user).await?.unwrap_or_default();
    Ok(view_of(log, &profile, date))
}

/// The view from a log and a profile.
pub fn view_of(
    log: std::collections::BTreeMap<NaiveDate, BleedingDay>,
    profile: &BoneProfile,
    date: NaiveDate,
) -> StageView {
    let logged_days = log.len();
    let input = StageInput {
        date,
        bleeding: log.into_iter().filter(|(d, _)| *d <= date).collect(),
        context: profile.cycle_context.clone(),
    };
    let assessment = stage::assess(&input);
    StageView {
        date,
        words: assessment.words(),
        cycles: assessment.cycle_words(),
        assessment,
        still_periods: profile.still_periods.map(str::to_string),
        context: profile.cycle_context.clone(),
        logged_days,
    }
}

/// Records one day of the log (`flow`, `after_sex`) for `date`.
pub async fn record_day(
    store: &Store,
    user: UserId,
    date: NaiveDate,
    body: &Value,
    today: NaiveDate,
) -> Result<BleedingDay, AppError> {
    let day = stage::parse_log_day(body, date, today)?;
    store.record_bleeding(user, &[day], today).await?;
    Ok(day)
}

/// Records a past period (`start`, `end`, `flow`): every day it covers.
pub async fn record_period(
    store: &Store,
    user: UserId,
    body: &Value,
    today: NaiveDate,
) -> Result<Vec<BleedingDay>, AppError> {
    let days = stage::parse_period(body, today)?;
    store.record_bleeding(user, &days, today).await?;
    Ok(days)
}
