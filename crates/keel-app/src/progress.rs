//! Progress: weekly trends, pain by day, what goes with her better days, and the
//! questionnaires with their reminders and scores.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use keel_core::ValidationErrors;
use keel_core::progress::{self, Association, DayFigures, Instrument, Score, Trends};
use keel_core::symptoms::patterns::{self, SymptomLink, SymptomWeek};
use keel_store::{Store, StoreError, UserId};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoredResponse {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub answers: Vec<u8>,
    pub score: Score,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionnaireStatus {
    pub instrument: Instrument,
    pub due: bool,
    /// Oldest first.
    pub history: Vec<ScoredResponse>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgressView {
    pub trends: Trends,
    /// Pain per day over the last 90 days, oldest first.
    pub pain_days: Vec<PainDay>,
    pub associations: Vec<Association>,
    pub questionnaires: Vec<QuestionnaireStatus>,
    /// Her stage, with its periods and cycle lengths (the timeline).
    pub stage: crate::cycle::StageView,
    /// Each symptom's weekly mean, newest first (listed symptoms by key, hers by name).
    pub symptom_weeks: Vec<SymptomWeek>,
    /// Each rated symptom against same-day and next-day pain.
    pub symptom_links: Vec<SymptomLink>,
    /// After the MRS: what is worth raising with a clinician.
    pub mrs_suggestions: Vec<String>,
}

/// The MRS history, oldest first, and each domain's item count.
pub fn mrs_history(
    q: &[QuestionnaireStatus],
) -> (Vec<(NaiveDate, Score)>, BTreeMap<String, usize>) {
    let Some(mrs) = q.iter().find(|s| s.instrument.id == "mrs") else {
        return (Vec::new(), BTreeMap::new());
    };
    (
        mrs.history
            .iter()
            .map(|h| (h.date, h.score.clone()))
            .collect(),
        mrs.instrument
            .subscales
            .iter()
            .map(|s| (s.id.clone(), s.items.len()))
            .collect(),
    )
}

/// The MRS suggestions of section 8's "what follows", from her questionnaires.
pub fn suggestions(q: &[QuestionnaireStatus]) -> Vec<String> {
    let (history, items) = mrs_history(q);
    patterns::mrs_suggestions(&history, &items)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PainDay {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub pain: u8,
}

/// A chart's series in runs of consecutive days, for lines that break where a day was not
/// recorded or has no value: each point is its day and its value, days in order.
pub fn runs(
    points: impl IntoIterator<Item = (NaiveDate, Option<f64>)>,
) -> Vec<Vec<(NaiveDate, f64)>> {
    let mut out: Vec<Vec<(NaiveDate, f64)>> = Vec::new();
    let mut prev: Option<NaiveDate> = None;
    for (date, value) in points {
        match value {
            Some(v) => {
                let joined = prev.is_some_and(|p| (date - p).num_days() == 1);
                match out.last_mut() {
                    Some(run) if joined => run.push((date, v)),
                    _ => out.push(vec![(date, v)]),
                }
                prev = Some(date);
            }
            None => prev = None,
        }
    }
    out
}

/// The pain chart in one sentence, for a reader who cannot see it: its span and check-ins,
/// the first and last pain, the lowest and highest.
pub fn pain_description(days: &[PainDay], start: NaiveDate, end: NaiveDate) -> String {
    match (days.first(), days.last()) {
        (Some(f), Some(l)) => format!(
            "Daily pain from {} to {}: {} check-ins, from {} at the start to {} at the end, lowest {} and highest {}.",
            start.format("%-d %B"),
            end.format("%-d %B"),
            days.len(),
            f.pain,
            l.pain,
            days.iter().map(|d| d.pain).min().unwrap_or(0),
            days.iter().map(|d| d.pain).max().unwrap_or(0)
        ),
        _ => "No check-ins in the last 90 days yet.".to_string(),
    }
}

/// Weeks of means shown.
pub const TREND_WEEKS: usize = 12;

/// Each check-in's figures by date, as the trends read them (Progress and the report).
pub fn day_figures(check_ins: &[keel_store::StoredCheckIn]) -> BTreeMap<NaiveDate, DayFigures> {
    check_ins
        .iter()
        .map(|s| {
            let c = &s.check_in;
            (
                c.date,
                DayFigures {
                    pain: c.pain,
                    sleep: c.sleep,
                    energy: c.energy,
                    walking_minutes: c.walking_minutes,
                    sitting_hours: c.sitting_hours,
                },
            )
        })
        .collect()
}

pub async fn questionnaires(
    store: &Store,
    user: UserId,
    today: NaiveDate,
) -> Result<Vec<QuestionnaireStatus>, StoreError> {
    let responses = store.responses(user, None).await?;
    Ok(questionnaires_from(&responses, today))
}

/// Each questionnaire's history and whether it is due, from her responses (oldest first).
pub fn questionnaires_from(
    responses: &[keel_store::Response],
    today: NaiveDate,
) -> Vec<QuestionnaireStatus> {
    progress::instruments()
        .iter()
        .map(|i| {
            let history: Vec<ScoredResponse> = responses
                .iter()
                .filter(|r| r.instrument == i.id)
                .map(|r| ScoredResponse {
                    date: r.date,
                    answers: r.answers.clone(),
                    score: i.score(&r.answers),
                })
                .collect();
            QuestionnaireStatus {
                due: i.is_due(history.last().map(|h| h.date), today),
                instrument: i.clone(),
                history,
            }
        })
        .collect()
}

pub async fn progress_for(
    store: &Store,
    user: UserId,
    date: NaiveDate,
) -> Result<ProgressView, StoreError> {
    let from = date - Duration::days(7 * TREND_WEEKS as i64 + 366);
    let check_ins = store.check_ins(user, from, date).await?;
    let days = day_figures(&check_ins);
    let trends = progress::trends(&days, date, TREND_WEEKS);
    let since = date - Duration::days(progress::ASSOCIATION_DAYS);
    let pain: BTreeMap<NaiveDate, u8> = days.iter().map(|(d, f)| (*d, f.pain)).collect();
    let activities = store.activities(user, since, date).await?;
    let breaks = store.breaks(user, since, date).await?;
    let mut walking: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut sitting = BTreeMap::new();
    let mut sleep = BTreeMap::new();
    let mut sessions: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut break_counts: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for (d, f) in days.range(since..) {
        walking.insert(*d, f64::from(f.walking_minutes.unwrap_or(0)));
        if let Some(s) = f.sitting_hours {
            sitting.insert(*d, s);
        }
        if let Some(s) = f.sleep {
            sleep.insert(*d, f64::from(s));
        }
        // days she checked in count as days with zero sessions or breaks unless she logged some
        sessions.insert(*d, 0.0);
        break_counts.insert(*d, 0.0);
    }
    for a in &activities {
        if a.family == keel_core::ExerciseFamily::Walking {
            let logged = f64::from(a.minutes.unwrap_or(0));
            let w = walking.entry(a.date).or_insert(0.0);
            *w = w.max(logged);
        }
        *sessions.entry(a.date).or_insert(0.0) += 1.0;
    }
    for b in &breaks {
        *break_counts.entry(b.taken_at.date()).or_insert(0.0) += 1.0;
    }
    let associations = progress::associations(
        &pain,
        &[
            ("walking_minutes", "Walking minutes", walking),
            ("sitting_hours", "Sitting hours", sitting),
            ("sleep", "Sleep quality", sleep),
            ("sessions", "Exercise sessions done", sessions),
            ("breaks", "Desk breaks taken", break_counts),
        ],
        date,
    );
    let pain_days = days
        .range(date - Duration::days(89)..=date)
        .map(|(d, f)| PainDay {
            date: *d,
            pain: f.pain,
        })
        .collect();
    // Each symptom's ratings by day: the listed ones by key, hers by name.
    let mut ratings: BTreeMap<String, BTreeMap<NaiveDate, u8>> = BTreeMap::new();
    for s in &check_ins {
        let c = &s.check_in;
        for (sym, r) in &c.symptoms.ratings {
            ratings
                .entry(sym.key().to_string())
                .or_default()
                .insert(c.date, *r);
        }
        for (name, r) in &c.symptoms.custom {
            ratings.entry(name.clone()).or_default().insert(c.date, *r);
        }
    }
    let labels = patterns::labels(ratings.keys().cloned());
    let questionnaires = questionnaires(store, user, date).await?;
    Ok(ProgressView {
        trends,
        pain_days,
        associations,
        stage: crate::cycle::stage_view(store, user, date).await?,
        symptom_weeks: patterns::weekly_means(&ratings, date, 8),
        symptom_links: patterns::links(&pain, &ratings, &labels, date),
        mrs_suggestions: suggestions(&questionnaires),
        questionnaires,
    })
}

/// Validates and stores one response.
pub async fn save(
    store: &Store,
    user: UserId,
    instrument: &Instrument,
    answers: &Value,
    date: NaiveDate,
) -> Result<Result<ScoredResponse, ValidationErrors>, StoreError> {
    let parsed = match instrument.parse_answers(answers) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let score = instrument.score(&parsed);
    store
        .save_response(
            user,
            &keel_store::Response {
                instrument: instrument.id.clone(),
                date,
                answers: parsed.clone(),
                total: score.total,
            },
        )
        .await?;
    Ok(Ok(ScoredResponse {
        date,
        answers: parsed,
        score,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    #[test]
    fn a_line_breaks_at_a_missing_day_and_a_missing_value() {
        let runs = runs([
            (d(1), Some(3.0)),
            (d(2), Some(4.0)),
            (d(4), Some(5.0)),
            (d(5), None),
            (d(6), Some(2.0)),
            (d(7), Some(1.0)),
        ]);
        assert_eq!(
            runs,
            vec![
                vec![(d(1), 3.0), (d(2), 4.0)],
                vec![(d(4), 5.0)],
                vec![(d(6), 2.0), (d(7), 1.0)],
            ]
        );
        assert!(super::runs([(d(1), None)]).is_empty());
    }
}
