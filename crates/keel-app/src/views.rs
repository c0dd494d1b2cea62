//! The JSON shapes the API and the CLI share, built from stored records.

use chrono::NaiveDate;
use keel_core::activity::{Activity, FamilyLevel, WeekSummary, family_levels, week_summary};
use keel_core::bone::{self, BoneAssessment};
use keel_core::movement::Movement;
use keel_core::plan::{self, PlanContext, PlanItem};
use keel_core::triage::TriageResult;
use keel_core::{DayType, DayTypeDecision, Library};
use keel_store::{
    Acknowledgement, BoneRecord, PlanInputs, PlanRecord, Saved, Store, StoreError, StoredCheckIn,
    UserId,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema;

/// Keel's standing reminder of what it is and is not.
pub const DISCLAIMER: &str = "Keel gives information to help you look after your back. It does not diagnose. If you are worried, or something changes, contact a clinician.";

/// A saved check-in with what Keel decided from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInRecord {
    #[schema(schema_with = schema::check_in)]
    pub check_in: keel_core::CheckIn,
    pub day_type: DayTypeDecision,
    pub triage: TriageResult,
    /// On a save: whether this replaced an earlier check-in for the same date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced: Option<bool>,
    pub created_at: String,
    pub updated_at: String,
}

impl CheckInRecord {
    pub fn from_stored(s: StoredCheckIn) -> Self {
        CheckInRecord {
            check_in: s.check_in,
            day_type: s.decision,
            triage: s.triage,
            replaced: None,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }

    pub fn from_saved(s: Saved) -> Self {
        CheckInRecord {
            replaced: Some(s.replaced),
            ..Self::from_stored(s.stored)
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
    /// Findings she has acknowledged ("I have seen a clinician"): still listed, but muted.
    pub acknowledged: Vec<AcknowledgementView>,
    /// Movements left out of the plan, and the rule that left them out (the first of
    /// `exclusion_rules`).
    pub excluded_movements: Vec<Movement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusion_rule: Option<String>,
    /// Every rule that left movements out: BONE-EXERCISE-CAUTION, RF-FRACTURE-RISK.
    pub exclusion_rules: Vec<String>,
    /// Each family's level and why (the progression rule).
    pub levels: Vec<FamilyLevel>,
    /// What she has logged as done that day.
    pub logged: Vec<Activity>,
    /// Today's exercises; empty on a stop day.
    pub items: Vec<PlanItem>,
    /// Advice for the whole session (the ten-minute rule, keeping cool with hot flushes).
    pub advice: Vec<String>,
    /// The listed symptoms that made today a heavy-symptom day (doses about half).
    pub heavy_symptoms: Vec<keel_core::symptoms::Symptom>,
    pub disclaimer: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcknowledgementView {
    pub rule: String,
    #[schema(value_type = String, format = Date)]
    pub acknowledged_on: NaiveDate,
    /// The last day on which repeats are muted.
    #[schema(value_type = String, format = Date)]
    pub muted_until: NaiveDate,
}

impl From<&Acknowledgement> for AcknowledgementView {
    fn from(a: &Acknowledgement) -> Self {
        AcknowledgementView {
            rule: a.rule.clone(),
            acknowledged_on: a.acknowledged_on,
            muted_until: a.muted_until,
        }
    }
}

/// The bone assessment of her stored record on a date, or `None` while her age is unknown.
pub fn bone_assessment(record: &BoneRecord, date: NaiveDate) -> Option<BoneAssessment> {
    record
        .profile
        .input(date, &record.heights, &record.dexa)
        .map(|input| bone::assess(&input))
}

/// Builds a day's plan view from everything stored for her, or `None` without a check-in.
pub async fn plan_for(
    store: &Store,
    library: &Library,
    user: UserId,
    date: NaiveDate,
) -> Result<Option<PlanView>, StoreError> {
    Ok(day_plan(store, library, user, date).await?.1)
}

/// How far back progression looks (two years of sessions).
pub const PROGRESSION_DAYS: i64 = 730;

/// Each family's level on a date, from the log and the check-ins.
pub async fn levels_on(
    store: &Store,
    library: &Library,
    user: UserId,
    date: NaiveDate,
) -> Result<Vec<FamilyLevel>, StoreError> {
    let inputs = inputs_on(store, library, user, date).await?;
    Ok(levels_and_log(&inputs, date, library).levels)
}

/// What a day's plan is made from (see [`Store::plan_inputs`]), with the log of the
/// progression window.
async fn inputs_on(
    store: &Store,
    library: &Library,
    user: UserId,
    date: NaiveDate,
) -> Result<PlanInputs, StoreError> {
    store.plan_inputs(user, date, log_from(date), library).await
}

/// The levels on a date and what was logged that day.
struct LevelsAndLog {
    levels: Vec<FamilyLevel>,
    logged_today: Vec<Activity>,
}

fn levels_and_log(inputs: &PlanInputs, date: NaiveDate, library: &Library) -> LevelsAndLog {
    LevelsAndLog {
        levels: family_levels(&inputs.activities, &inputs.pain, date, library)
            .into_values()
            .collect(),
        logged_today: inputs
            .activities
            .iter()
            .filter(|a| a.date == date)
            .cloned()
            .collect(),
    }
}

/// The week holding `date`, against the activity targets.
pub async fn week_for(
    store: &Store,
    user: UserId,
    date: NaiveDate,
) -> Result<WeekSummary, StoreError> {
    // The streak may reach back before the week, so read a longer span of the log.
    let from = date - chrono::Duration::days(400);
    let activities = store
        .activities(user, from, date + chrono::Duration::days(7))
        .await?;
    let (_, walking) = store
        .daily_figures(user, from, date + chrono::Duration::days(7))
        .await?;
    let breaks = store
        .break_minutes(
            user,
            date - chrono::Duration::days(7),
            date + chrono::Duration::days(7),
        )
        .await?;
    Ok(week_summary(&activities, &walking, &breaks, date))
}

/// What the plan must respect on a date: levels, bone caution and her preferences.
pub async fn context_for(
    store: &Store,
    library: &Library,
    user: UserId,
    date: NaiveDate,
) -> Result<PlanContext, StoreError> {
    let inputs = inputs_on(store, library, user, date).await?;
    let bone = bone_assessment(&inputs.record.bone, date);
    let (ctx, _) = plan_context(
        inputs.stored.as_ref(),
        &inputs.record,
        bone.as_ref(),
        &levels_and_log(&inputs, date, library),
    );
    Ok(ctx)
}

/// Whether RF-FRACTURE-RISK is open on the day of `stored`: found that day and not acknowledged.
fn fracture_risk_open(stored: Option<&StoredCheckIn>, record: &PlanRecord) -> bool {
    stored.is_some_and(|s| {
        let date = s.check_in.date;
        s.triage
            .findings
            .iter()
            .any(|f| f.rule == plan::FRACTURE_RISK_RULE)
            && !record
                .acknowledgements
                .iter()
                .any(|a| a.rule == plan::FRACTURE_RISK_RULE && a.is_active_on(date))
    })
}

/// What the plan composer needs: her levels, her preferences, and the movements the safety
/// rules take out (with the rules that took them out).
fn plan_context(
    stored: Option<&StoredCheckIn>,
    record: &PlanRecord,
    bone: Option<&BoneAssessment>,
    read: &LevelsAndLog,
) -> (PlanContext, Vec<&'static str>) {
    let (excluded_movements, rules) = plan::safety_exclusions(
        bone,
        record.bone.profile.vertebral_fracture,
        fracture_risk_open(stored, record),
    );
    let ctx = PlanContext {
        levels: read.levels.iter().map(|l| (l.family, l.level)).collect(),
        excluded_movements,
        excluded_exercises: record.preferences.excluded_exercises.clone(),
        missing_equipment: record.preferences.missing_equipment.clone(),
    };
    (ctx, rules)
}

/// A day's plan, and what it was made from, in one read of the store (see
/// [`Store::plan_inputs`]): the plan is `None` without a check-in that day.
pub async fn day_plan(
    store: &Store,
    library: &Library,
    user: UserId,
    date: NaiveDate,
) -> Result<(PlanInputs, Option<PlanView>), StoreError> {
    let inputs = inputs_on(store, library, user, date).await?;
    let plan = plan_of(&inputs, library, date);
    Ok((inputs, plan))
}

/// The first day of the log a day's plan reads.
pub fn log_from(date: NaiveDate) -> NaiveDate {
    date - chrono::Duration::days(PROGRESSION_DAYS)
}

/// A day's plan from what it is made of: `None` without a check-in that day.
pub fn plan_of(inputs: &PlanInputs, library: &Library, date: NaiveDate) -> Option<PlanView> {
    inputs.stored.as_ref().map(|stored| {
        plan_view(
            library,
            stored,
            &inputs.record,
            levels_and_log(inputs, date, library),
        )
    })
}

/// The plan view from a check-in, her record and the levels and log of its day.
fn plan_view(
    library: &Library,
    stored: &StoredCheckIn,
    record: &PlanRecord,
    read: LevelsAndLog,
) -> PlanView {
    let date = stored.check_in.date;
    let bone = bone_assessment(&record.bone, date);
    let (ctx, rules) = plan_context(Some(stored), record, bone.as_ref(), &read);
    let acks: Vec<AcknowledgementView> = record
        .acknowledgements
        .iter()
        .filter(|a| a.is_active_on(date) && stored.triage.findings.iter().any(|f| f.rule == a.rule))
        .map(AcknowledgementView::from)
        .collect();
    let mut view = PlanView::build(library, stored, &ctx);
    view.acknowledged = acks;
    view.levels = read.levels;
    // One story about each item's level (issue 25): the family's progress, the item's ladder.
    for item in &mut view.items {
        let top = library.get(&item.exercise_id).map_or(1, |e| e.top_level());
        let family = view.levels.iter().find(|l| l.family == item.family);
        item.level_line = plan::level_line(
            item,
            top,
            family.map_or(1, |l| l.level),
            family.map_or(0, |l| l.good_sessions),
            family.map(|l| l.reason.as_str()),
            view.day_type,
        );
    }
    view.logged = read.logged_today;
    view.exclusion_rule = rules.first().map(|r| r.to_string());
    view.exclusion_rules = rules.iter().map(|r| r.to_string()).collect();
    view
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
            acknowledged: Vec::new(),
            excluded_movements: ctx.excluded_movements.iter().copied().collect(),
            exclusion_rule: None,
            exclusion_rules: Vec::new(),
            levels: Vec::new(),
            logged: Vec::new(),
            items: p.items,
            advice: p.advice,
            heavy_symptoms: stored.decision.heavy_symptoms.clone(),
            disclaimer: DISCLAIMER.to_string(),
        }
    }
}

/// The iCalendar of the next seven days' sessions, from `today`. A day with a check-in uses
/// its real plan; later days are planned as steady days at her current levels.
pub async fn sessions_calendar(
    store: &Store,
    library: &Library,
    user: UserId,
    today: NaiveDate,
) -> Result<String, StoreError> {
    let mut plans = Vec::new();
    let ctx = context_for(store, library, user, today).await?;
    for date in keel_core::calendar::next_seven_days(today) {
        let plan = match day_plan(store, library, user, date).await?.1 {
            Some(v) => plan::Plan {
                date,
                day_type: v.day_type,
                rule: v.rule,
                reason: v.reason,
                items: v.items,
                advice: v.advice,
            },
            None => {
                let decision = DayTypeDecision {
                    day_type: DayType::Steady,
                    rule: DayType::Steady.rule_id().into(),
                    reason:
                        "Planned as a steady day: your check-in that morning decides the real plan."
                            .into(),
                    heavy_symptoms: Vec::new(),
                    hot_flushes: false,
                };
                plan::compose(library, date, &decision, &ctx)
            }
        };
        plans.push(plan);
    }
    Ok(keel_core::calendar::sessions_calendar(
        &plans,
        &user.0.to_string(),
        chrono::Utc::now().naive_utc(),
    ))
}

/// An earlier urgent finding she has not said she took to a clinician: each later check-in
/// within 14 days asks about it (safety-netting, clinical-rules.md section 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub rule: String,
    pub message: String,
    /// The first check-in in the window that carried it.
    pub since: NaiveDate,
}

/// The first day whose urgent findings the follow-ups of `date` look at.
pub fn follow_ups_from(date: NaiveDate) -> NaiveDate {
    date - chrono::Duration::days(keel_core::rules::MUTE_DAYS)
}

/// The follow-ups of the day of `today`: urgent findings of the check-ins in the 14 days
/// before it (oldest first, from [`follow_ups_from`] on), each once, less those acknowledged
/// since and those the day shows itself.
pub fn follow_ups_of(
    earlier: &[(NaiveDate, TriageResult)],
    today: &StoredCheckIn,
    acks: &[Acknowledgement],
) -> Vec<FollowUp> {
    let mut out: Vec<FollowUp> = Vec::new();
    for (on, triage) in earlier {
        for f in triage.findings_at(keel_core::TriageLevel::Urgent) {
            let seen_since = acks
                .iter()
                .any(|a| a.rule == f.rule && a.acknowledged_on >= *on);
            let shown_today = today.triage.findings.iter().any(|g| g.rule == f.rule);
            if seen_since || shown_today || out.iter().any(|n| n.rule == f.rule) {
                continue;
            }
            out.push(FollowUp {
                rule: f.rule.clone(),
                message: f.message.clone(),
                since: *on,
            });
        }
    }
    out
}
