//! Red-flag triage: the symptom rules, the trend rules T1 and T2, and the stateless contract.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::checkin::{CheckIn, Location, Onset};
use crate::rules::{self, Answers, Question, RED_FLAG_RULES, Symptoms};
use crate::validate::{FieldReader, ValidationErrors, as_object};

pub use crate::level::TriageLevel;

/// One rule that fired, with its source and what it means for her.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// Stable rule id, such as `RF-CES-BLADDER`.
    pub rule: String,
    pub level: TriageLevel,
    /// Source key from the clinical rules.
    pub source: String,
    pub message: String,
}

/// The trend rules' verdicts: `None` means there is not enough data to judge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trend {
    pub t1: Option<bool>,
    pub t2: Option<bool>,
}

impl Trend {
    /// A sentence for people, saying plainly when data is short.
    pub fn describe(&self) -> &'static str {
        match (self.t1, self.t2) {
            (Some(true), _) | (_, Some(true)) => "Your pain trend needs a clinician's look.",
            (None, None) => "Not enough check-ins yet to judge the trend.",
            (None, Some(false)) | (Some(false), None) => {
                "No worrying trend so far, though there are not yet enough check-ins to judge all of it."
            }
            (Some(false), Some(false)) => "No worrying trend in your pain over the last six weeks.",
        }
    }
}

/// The outcome of triage, in the shape of the stateless contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TriageResult {
    pub level: TriageLevel,
    /// Highest level first.
    pub findings: Vec<Finding>,
    /// Emergency questions that were not answered: ask them.
    pub missing: Vec<String>,
    pub trend: Trend,
}

impl TriageResult {
    /// Adds findings from outside the symptom and trend rules (the bleeding rules of section 8)
    /// after the others of their level; the level is the highest finding's. A rule already
    /// listed is not listed again. Adding can only keep or raise the level.
    pub fn add_findings(&mut self, more: Vec<Finding>) {
        for f in more {
            if !self.findings.iter().any(|g| g.rule == f.rule) {
                self.findings.push(f);
            }
        }
        self.findings.sort_by_key(|f| std::cmp::Reverse(f.level));
        self.level = self
            .findings
            .iter()
            .map(|f| f.level)
            .max()
            .unwrap_or(TriageLevel::None);
    }

    pub fn findings_at(&self, level: TriageLevel) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.level == level)
    }

    /// Whether an urgent finding is still open: not every one of them is `muted` (rule ids she
    /// acknowledged). One open urgent finding is enough, whatever else was acknowledged.
    pub fn open_urgent(&self, muted: &[&str]) -> bool {
        self.findings_at(TriageLevel::Urgent)
            .any(|f| !muted.contains(&f.rule.as_str()))
    }
}

/// The questions about her past that are asked once and stored, not asked every day.
pub const STANDING_QUESTIONS: [Question; 4] = [
    Question::CancerHistory,
    Question::KnownLowBoneDensity,
    Question::PreviousFragilityFracture,
    Question::OralSteroids3Months,
];

/// Input of the stateless triage contract (clinical-rules.md section 1).
#[derive(Debug, Clone, PartialEq)]
pub struct TriageInput {
    pub date: NaiveDate,
    pub age: Option<u8>,
    pub pain: u8,
    pub locations: Vec<Location>,
    pub onset: Option<Onset>,
    pub answers: Answers,
    /// Earlier pain scores by date.
    pub history: BTreeMap<NaiveDate, u8>,
}

impl TriageInput {
    /// Validates the contract's JSON. `today` stands in for an absent `date`, and no date may
    /// be after it.
    pub fn parse(value: &Value, today: NaiveDate) -> Result<TriageInput, ValidationErrors> {
        let object = as_object(value)?;
        let mut r = FieldReader::new(object, "");
        let date = r.date_until("date", today);
        let age = r.int("age", 0, 120);
        let pain = r.int("pain", 0, 10);
        let pain = r.require("pain", pain);
        let locations = r.choices("locations", Location::ALL).unwrap_or_default();
        let onset = r.choice("onset", Onset::ALL);
        let answers = Answers::read(&mut r);
        let history_value = r.raw("history");
        let mut errors = r.finish();
        let history = match history_value {
            None => BTreeMap::new(),
            Some(v) => parse_history(v, &mut errors),
        };
        errors.into_result(|| TriageInput {
            date: date.unwrap_or(today),
            age: age.map(|a| a as u8),
            pain: pain.unwrap_or_default() as u8,
            locations,
            onset,
            answers,
            history,
        })
    }

    pub fn from_check_in(check_in: &CheckIn, history: BTreeMap<NaiveDate, u8>) -> TriageInput {
        TriageInput {
            date: check_in.date,
            age: None,
            pain: check_in.pain,
            locations: check_in.locations.clone(),
            onset: check_in.onset,
            answers: check_in.answers.clone(),
            history,
        }
    }

    /// Feeds her stored standing answers (clinical-rules.md section 1, "Standing answers") into
    /// the day's input as if answered that day, wherever the day did not answer them itself.
    /// A cancer history from a standing answer counts on the first day of each new episode and
    /// on every later check-in of that episode until she acknowledges RF-CANCER-HISTORY
    /// (`cancer_acknowledged_on`, her latest acknowledgement of it); outside an episode, or
    /// once acknowledged within it, it is left unasked.
    pub fn with_standing_answers(
        mut self,
        standing: &Answers,
        cancer_acknowledged_on: Option<NaiveDate>,
    ) -> TriageInput {
        for q in STANDING_QUESTIONS {
            if self.answers.get(q).is_some() || standing.get(q).is_none() {
                continue;
            }
            let value = standing.get(q);
            if q == Question::CancerHistory && value == Some(true) {
                let episode = current_episode_start(&self.series(), self.date);
                let open = episode
                    .is_some_and(|start| cancer_acknowledged_on.is_none_or(|ack| ack < start));
                if !open {
                    continue;
                }
            }
            self.answers.set(q, value);
        }
        self
    }

    /// Pain scores by date up to the evaluation date, today's score included.
    pub fn series(&self) -> BTreeMap<NaiveDate, u8> {
        let mut series: BTreeMap<NaiveDate, u8> = self
            .history
            .range(..=self.date)
            .map(|(d, p)| (*d, *p))
            .collect();
        series.insert(self.date, self.pain);
        series
    }
}

fn parse_history(value: &Value, errors: &mut ValidationErrors) -> BTreeMap<NaiveDate, u8> {
    let mut out = BTreeMap::new();
    let Value::Array(items) = value else {
        errors.add("history", "must be a list of {\"date\", \"pain\"} entries");
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("history[{i}]");
        let Some(object) = item.as_object() else {
            errors.add(prefix, "must be an object with \"date\" and \"pain\"");
            continue;
        };
        let mut r = FieldReader::new(object, &prefix);
        let date = r.date("date");
        let date = r.require("date", date);
        let pain = r.int("pain", 0, 10);
        let pain = r.require("pain", pain);
        for e in r.finish().errors() {
            errors.add(e.field.clone(), e.message.clone());
        }
        if let (Some(d), Some(p)) = (date, pain) {
            out.insert(d, p as u8);
        }
    }
    out
}

/// Runs every rule. Deterministic: the date comes from the input.
pub fn evaluate(input: &TriageInput) -> TriageResult {
    let symptoms = Symptoms {
        pain: input.pain,
        locations: &input.locations,
        onset: input.onset,
        answers: &input.answers,
    };
    let mut findings: Vec<Finding> = RED_FLAG_RULES
        .iter()
        .filter(|rule| (rule.trigger)(&symptoms))
        .map(|rule| Finding {
            rule: rule.id.to_string(),
            level: rule.level,
            source: rule.source.to_string(),
            message: rule.message.to_string(),
        })
        .collect();
    let series = input.series();
    let trend = Trend {
        t1: t1_worsening(&series, input.date),
        t2: t2_no_improvement(&series, input.date),
    };
    if trend.t1 == Some(true) {
        findings.push(Finding {
            rule: rules::RF_WORSENING_6W.0.into(),
            level: TriageLevel::Soon,
            source: rules::RF_WORSENING_6W.1.into(),
            message: rules::RF_WORSENING_6W_MESSAGE.into(),
        });
    }
    if trend.t2 == Some(true) {
        findings.push(Finding {
            rule: rules::RF_NO_IMPROVEMENT_6W.0.into(),
            level: TriageLevel::Soon,
            source: rules::RF_NO_IMPROVEMENT_6W.1.into(),
            message: rules::RF_NO_IMPROVEMENT_6W_MESSAGE.into(),
        });
    }
    // Stable sort: highest level first, table order within a level.
    findings.sort_by_key(|f| std::cmp::Reverse(f.level));
    let level = findings
        .iter()
        .map(|f| f.level)
        .max()
        .unwrap_or(TriageLevel::None);
    TriageResult {
        level,
        findings,
        missing: input
            .answers
            .missing_emergency()
            .into_iter()
            .map(|q: Question| q.name().to_string())
            .collect(),
        trend,
    }
}

/// A window counts when it holds at least this many pain scores (product rule).
pub const WINDOW_MIN_SCORES: usize = 3;

/// Mean pain of the 7-day window `index` weeks back (W0 ends on `date`), if it counts.
fn window_mean(series: &BTreeMap<NaiveDate, u8>, date: NaiveDate, index: i64) -> Option<f64> {
    let end = date - Duration::days(7 * index);
    let start = end - Duration::days(6);
    mean_between(series, start, end)
}

fn mean_between(series: &BTreeMap<NaiveDate, u8>, start: NaiveDate, end: NaiveDate) -> Option<f64> {
    let scores: Vec<f64> = series
        .range(start..=end)
        .map(|(_, p)| f64::from(*p))
        .collect();
    (scores.len() >= WINDOW_MIN_SCORES).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
}

/// T1: six counting windows, none really better than the one before, and W0 at least a
/// point above W5. `None` when any window lacks scores.
pub fn t1_worsening(series: &BTreeMap<NaiveDate, u8>, date: NaiveDate) -> Option<bool> {
    let means: Vec<f64> = (0..6)
        .map(|i| window_mean(series, date, i))
        .collect::<Option<Vec<_>>>()?;
    let no_improvement = means.windows(2).all(|pair| pair[0] >= pair[1] - 0.5 - 1e-9);
    Some(no_improvement && means[0] - means[5] >= 1.0 - 1e-9)
}

/// Days without pain >= 3 that end one episode and let the next begin.
const EPISODE_GAP_DAYS: i64 = 14;

/// The start of the episode running on `date`, if one is: the first day with pain >= 3 after
/// 14 or more days without (or after the first check-in); it ends after 14 days below 3.
pub fn current_episode_start(
    series: &BTreeMap<NaiveDate, u8>,
    date: NaiveDate,
) -> Option<NaiveDate> {
    let mut start: Option<NaiveDate> = None;
    let mut last_high: Option<NaiveDate> = None;
    for (day, pain) in series.range(..=date) {
        if *pain < 3 {
            continue;
        }
        let new_episode = match last_high {
            None => true,
            // at least 14 days strictly between the two high days
            Some(prev) => (*day - prev).num_days() > EPISODE_GAP_DAYS,
        };
        if new_episode {
            start = Some(*day);
        }
        last_high = Some(*day);
    }
    let last = last_high?;
    ((date - last).num_days() < EPISODE_GAP_DAYS).then_some(start?)
}

/// Age in days at which an episode counts as long (six weeks).
pub const LONG_EPISODE_DAYS: i64 = 42;

/// T2: an episode of 42+ days whose last week is not meaningfully better than its first.
/// `None` when either week holds too few scores to judge.
pub fn t2_no_improvement(series: &BTreeMap<NaiveDate, u8>, date: NaiveDate) -> Option<bool> {
    let Some(start) = current_episode_start(series, date) else {
        return Some(false);
    };
    if (date - start).num_days() < LONG_EPISODE_DAYS {
        return Some(false);
    }
    let first = mean_between(series, start, start + Duration::days(6))?;
    let now = window_mean(series, date, 0)?;
    let meaningful = f64::max(2.0, 0.3 * first);
    Some(now > first - meaningful + 1e-9)
}

#[cfg(test)]
mod tests;
