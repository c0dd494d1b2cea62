//! The report's first page: the story of the period in a few lines, and the series its chart
//! and weekly table draw on.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use keel_core::activity::Activity;
use keel_core::bone::BoneAssessment;
use keel_core::progress::{self, WeekMeans};
use keel_core::symptoms::Symptom;
use keel_core::triage::TriageLevel;
use keel_store::{Store, StoreError, StoredCheckIn, UserId};

use super::FindingGroup;

/// How far back the episode is looked for, before the period's end.
pub const HISTORY_DAYS: i64 = 800;
/// The most weeks the weekly table shows.
pub const MAX_WEEKS: usize = 26;

/// The story of the period, in sentences a clinician reads in thirty seconds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// The current episode: since when and how long, or that there is none.
    pub episode: String,
    /// Pain now, and the first and last two weeks' means.
    pub pain: String,
    /// Each warning sign of the period once, with its level and dates.
    pub red_flags: Vec<String>,
    pub bone: String,
    /// The latest score of each questionnaire in the period, with its band.
    pub questionnaires: Vec<String>,
    /// Sessions, walking minutes and breaks a week.
    pub doing: String,
}

/// One recorded day, for the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartDay {
    pub date: NaiveDate,
    pub pain: u8,
    pub sleep: Option<u8>,
    /// Hot flushes rated 0-4, when rated.
    pub hot_flushes: Option<u8>,
    /// A warning sign (soon, urgent or emergency) that day.
    pub flag: bool,
}

/// The chart in one sentence, for a reader who cannot see it.
pub fn chart_description(days: &[ChartDay]) -> String {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return "No check-ins to chart in this period.".into();
    };
    let flagged = days.iter().filter(|d| d.flag).count();
    format!(
        "Pain and sleep each recorded day from {} to {}: pain from {} to {}, {} day{} with a warning sign{}.",
        words(first.date),
        words(last.date),
        first.pain,
        last.pain,
        flagged,
        if flagged == 1 { "" } else { "s" },
        if days.iter().any(|d| d.hot_flushes.is_some()) {
            "; hot flushes as bars along the bottom"
        } else {
            ""
        }
    )
}

pub(super) struct Inputs<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub history: &'a [StoredCheckIn],
    pub period: &'a [StoredCheckIn],
    pub red_flags: &'a [FindingGroup],
    pub bone: Option<&'a BoneAssessment>,
    pub questionnaires: &'a [(NaiveDate, String, f64, Option<String>)],
    pub activities: &'a [Activity],
    pub breaks: usize,
}

fn words(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

pub(super) fn build(i: Inputs) -> (Summary, Vec<ChartDay>, Vec<WeekMeans>) {
    let figures = crate::progress::day_figures(i.history);
    let span_days = (i.to - i.from).num_days() + 1;
    let weeks_wanted = (span_days as usize).div_ceil(7).clamp(1, MAX_WEEKS);
    let trends = progress::trends(&figures, i.to, weeks_wanted);
    let episode = match (trends.episode_start, trends.episode_days) {
        (Some(start), Some(days)) => format!(
            "Current episode of back pain (pain 3/10 or more) since {}: {} days.",
            words(start),
            days + 1
        ),
        _ => "No current episode of back pain (pain 3/10 or more) at the end of the period.".into(),
    };
    let series: Vec<ChartDay> = i
        .period
        .iter()
        .map(|s| ChartDay {
            date: s.check_in.date,
            pain: s.check_in.pain,
            sleep: s.check_in.sleep,
            hot_flushes: s.check_in.symptoms.rating(Symptom::HotFlushes),
            flag: s
                .triage
                .findings
                .iter()
                .any(|f| f.level >= TriageLevel::Soon),
        })
        .collect();
    let pain = match (series.first(), series.last()) {
        (Some(first), Some(last)) => {
            let window = |a: NaiveDate, b: NaiveDate| {
                mean(
                    &series
                        .iter()
                        .filter(|d| d.date >= a && d.date <= b)
                        .map(|d| f64::from(d.pain))
                        .collect::<Vec<_>>(),
                )
            };
            let early = window(first.date, first.date + Duration::days(13));
            let late = window(last.date - Duration::days(13), last.date);
            let trend = match (early, late) {
                (Some(e), Some(l))
                    if span_days >= 28 && (last.date - first.date).num_days() >= 27 =>
                {
                    let way = if l <= e - 1.0 {
                        "lower"
                    } else if l >= e + 1.0 {
                        "higher"
                    } else {
                        "about the same"
                    };
                    format!(" First two weeks' mean {e:.1}, last two weeks' {l:.1}: {way}.")
                }
                _ => " Too short a record to compare its start and end.".into(),
            };
            format!(
                "Pain {}/10 on {} (the last check-in).{trend}",
                last.pain,
                words(last.date)
            )
        }
        _ => "No check-ins in this period.".into(),
    };
    let red_flags = i
        .red_flags
        .iter()
        .map(|g| format!("{} ({}, {}): {}", g.rule, g.level, g.when(), g.message))
        .collect();
    let bone = match i.bone {
        None => "Bone health: no age recorded, so the rules were not applied.".to_string(),
        Some(b) => {
            let scan = b
                .t_score_class
                .map(|c| format!("latest scan {}", c.label().to_lowercase()))
                .unwrap_or_else(|| "no scan on record".into());
            let due = if b.dexa_due {
                "a DEXA scan is due"
            } else {
                "no scan due"
            };
            let caution = if b.exercise_caution {
                "; exercise adapted for bone (BONE-EXERCISE-CAUTION)"
            } else {
                ""
            };
            format!("Bone health: {scan}; {due}{caution}.")
        }
    };
    let mut latest: BTreeMap<&str, &(NaiveDate, String, f64, Option<String>)> = BTreeMap::new();
    for q in i.questionnaires {
        latest.insert(q.1.as_str(), q);
    }
    let questionnaires = latest
        .values()
        .map(|(d, name, total, band)| {
            format!(
                "{name}: {total}{} on {}",
                band.as_ref().map(|b| format!(" ({b})")).unwrap_or_default(),
                words(*d)
            )
        })
        .collect();
    let weeks_in = span_days as f64 / 7.0;
    let mut walking: BTreeMap<NaiveDate, f64> = i
        .period
        .iter()
        .map(|s| {
            (
                s.check_in.date,
                f64::from(s.check_in.walking_minutes.unwrap_or(0)),
            )
        })
        .collect();
    for a in i
        .activities
        .iter()
        .filter(|a| a.family == keel_core::ExerciseFamily::Walking)
    {
        let w = walking.entry(a.date).or_insert(0.0);
        *w = w.max(f64::from(a.minutes.unwrap_or(0)));
    }
    let doing = format!(
        "Exercise: {:.1} sessions a week; walking {:.0} minutes a week; {:.1} desk breaks a week.",
        i.activities.len() as f64 / weeks_in,
        walking.values().sum::<f64>() / weeks_in,
        i.breaks as f64 / weeks_in
    );
    // The weekly table from the first recorded week on.
    let first = series.first().map(|d| d.date).unwrap_or(i.to);
    let weeks = trends
        .weeks
        .into_iter()
        .filter(|w| w.end >= first)
        .collect();
    (
        Summary {
            episode,
            pain,
            red_flags,
            bone,
            questionnaires,
            doing,
        },
        series,
        weeks,
    )
}

/// The desk check in a few lines: what to change, or that nothing needs to.
pub(super) async fn desk_lines(store: &Store, user: UserId) -> Result<Vec<String>, StoreError> {
    let input = crate::desk::desk_input(store, user).await?;
    if input == keel_core::desk::DeskInput::default() {
        return Ok(vec!["No desk check recorded.".into()]);
    }
    let a = keel_core::desk::assess(&input);
    let mut out: Vec<String> = a
        .findings
        .iter()
        .map(|f| format!("{} ({})", f.fix, f.rule))
        .collect();
    if out.is_empty() {
        out.push("The desk check found nothing to change.".into());
    }
    Ok(out)
}
