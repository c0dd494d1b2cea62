//! What the Today page shows for a day, read from her data in one go: the day's check-in and
//! plan, the bone screening reminder, questionnaires due, safety-netting of earlier urgent
//! findings, her first visit, what the symptom block offers, her stage and what her MRS answers
//! suggest.

use chrono::NaiveDate;
use keel_core::Library;
use keel_core::bone::BoneAssessment;
use keel_core::progress::Instrument;
use keel_store::{Store, StoreError, StoredCheckIn, UserId};

use crate::views::{self, FollowUp, PlanView};

/// The Today page's content for a day.
pub struct Today {
    pub stored: Option<StoredCheckIn>,
    pub plan: Option<PlanView>,
    pub bone: Option<BoneAssessment>,
    /// Questionnaires due that day, in words.
    pub due: Vec<String>,
    /// Her first visit: the welcome comes first.
    pub first_visit: bool,
    /// Urgent findings of the days before that she has not said she took to a clinician.
    pub netting: Vec<FollowUp>,
    /// What the check-in's symptom block offers her.
    pub symptoms: SymptomAsk,
    /// Her stage in a few words, when there is something to say.
    pub stage: Option<String>,
    /// What her MRS answers make worth raising with a clinician.
    pub suggestions: Vec<String>,
}

/// What the check-in's symptom block offers her.
pub struct SymptomAsk {
    /// Her own symptoms, offered every day.
    pub custom: Vec<String>,
    /// Whether to offer the bleeding row: unless she has said she no longer has periods.
    pub asks_bleeding: bool,
    /// Open the block by itself: she chose symptoms as a goal.
    pub open: bool,
}

/// Reads what Today shows for `date`.
pub async fn today(
    store: &Store,
    library: &Library,
    user: UserId,
    date: NaiveDate,
) -> Result<Today, StoreError> {
    // One read serves the whole page: the day's check-in and plan, the bone screening
    // reminder, the questionnaires, the follow-ups and whether this is her first visit.
    let read = store
        .today_inputs(
            user,
            date,
            views::log_from(date),
            views::follow_ups_from(date),
            library,
        )
        .await?;
    let inputs = read.plan;
    let plan = views::plan_of(&inputs, library, date);
    let bone = views::bone_assessment(&inputs.record.bone, date);
    let stored = inputs.stored;
    let questionnaires = crate::progress::questionnaires_from(&read.responses, date);
    let suggestions = crate::progress::suggestions(&questionnaires);
    let due = questionnaires
        .into_iter()
        .filter(|q| q.due)
        .map(|q| reminder_words(&q.instrument))
        .collect();
    // Safety-netting (clinical-rules.md section 1), asked on each later check-in.
    let netting = match &stored {
        Some(today) => views::follow_ups_of(&read.earlier, today, &inputs.record.acknowledgements),
        None => Vec::new(),
    };
    // The first visit: no check-in ever, and the welcome not yet seen or skipped.
    let first_visit =
        stored.is_none() && !inputs.record.bone.profile.welcomed && !read.any_check_in;
    let profile = &inputs.record.bone.profile;
    let view = crate::cycle::view_of(inputs.bleeding.clone(), profile, date);
    let symptoms = SymptomAsk {
        custom: profile.custom_symptoms.clone(),
        asks_bleeding: view.asks_bleeding(),
        open: profile.goals.iter().any(|g| g == "symptoms"),
    };
    // Her stage, small, once she has told Keel anything about her cycle.
    let stage = (view.logged_days > 0 || !view.context.is_empty()).then(|| view.words.clone());
    Ok(Today {
        stored,
        plan,
        bone,
        due,
        first_visit,
        netting,
        symptoms,
        stage,
        suggestions,
    })
}

/// A questionnaire reminder in her words: how long, how often, what it is about.
pub fn reminder_words(i: &Instrument) -> String {
    let often = match i.every_days {
        7 => "weekly",
        30 => "monthly",
        _ => "regular",
    };
    let about = match i.id.as_str() {
        "peg" => "pain check",
        "mrs" => "check of menopause symptoms",
        _ => "check",
    };
    let minutes = i.items.len().div_ceil(6).max(1);
    format!("A {minutes}-minute {often} {about}")
}
