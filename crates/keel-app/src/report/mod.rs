//! The report she brings to a clinician: what it shows, gathered once, and its PDF.

use chrono::{Duration, NaiveDate};
use keel_core::bone::BoneAssessment;
use keel_core::triage::TriageLevel;
use keel_store::{Store, StoreError, UserId};

use crate::progress::PainDay;
use crate::views;

/// Everything the report shows, gathered once for both formats.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// What she asked for: sections, paper, name and year of birth.
    pub request: ReportRequest,
    /// The day it was made.
    pub generated: NaiveDate,
    /// The first page's story.
    pub summary: Summary,
    /// Each recorded day of the period: pain, sleep, hot flushes, a warning sign.
    pub series: Vec<ChartDay>,
    /// Weekly means, newest first (at most 26 weeks).
    pub weeks: Vec<keel_core::progress::WeekMeans>,
    /// The desk check in a few lines.
    pub desk: Vec<String>,
    pub profile: Vec<(String, String)>,
    pub risk_factors: Vec<String>,
    pub bone: Option<BoneAssessment>,
    pub dexa: Vec<String>,
    /// Each rule that fired in the period once, with the days it fired on.
    pub red_flags: Vec<FindingGroup>,
    pub pain_days: Vec<PainDay>,
    pub pain_mean: Option<f64>,
    pub check_ins: usize,
    pub questionnaires: Vec<(NaiveDate, String, f64, Option<String>)>,
    pub sessions: usize,
    pub active_days: usize,
    pub breaks: usize,
    pub notes: Vec<(NaiveDate, String)>,
    /// The perimenopause page, when she has recorded any of it.
    pub cycle: Option<cycle::CycleReport>,
}

pub mod cycle;
mod pdf;
pub mod request;
mod summary;

pub use pdf::pdf_report;
pub use request::{ReportRequest, Section};
pub use summary::{ChartDay, Summary, chart_description};

/// The period in words: "4 September to 2 December 2026" (the first year said when it differs).
pub fn period_words(from: NaiveDate, to: NaiveDate) -> String {
    use chrono::Datelike;
    let first = if from.year() == to.year() {
        from.format("%-d %B").to_string()
    } else {
        from.format("%-d %B %Y").to_string()
    };
    format!("{first} to {}", to.format("%-d %B %Y"))
}

/// A rule's findings over the period: said once, with when.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingGroup {
    pub rule: String,
    pub level: String,
    pub message: String,
    /// Runs of consecutive check-ins that carried it: (first day, last day, check-ins).
    pub runs: Vec<(NaiveDate, NaiveDate, usize)>,
}

impl FindingGroup {
    /// When it fired, in words: "14 November to 2 December, every check-in (19)"; single days
    /// as "3 November"; runs joined with "; ".
    pub fn when(&self) -> String {
        let day = |d: NaiveDate| d.format("%-d %B").to_string();
        self.runs
            .iter()
            .map(|(a, b, n)| {
                if a == b {
                    day(*a)
                } else {
                    format!("{} to {}, every check-in ({n})", day(*a), day(*b))
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Groups findings by rule, in order of first appearance; a run is broken by a check-in
/// without the finding.
pub fn group_findings(check_ins: &[keel_store::StoredCheckIn]) -> Vec<FindingGroup> {
    let mut groups: Vec<FindingGroup> = Vec::new();
    let mut last_seen: Vec<Option<usize>> = Vec::new();
    for (i, s) in check_ins.iter().enumerate() {
        for f in s
            .triage
            .findings
            .iter()
            .filter(|f| f.level != TriageLevel::None)
        {
            let date = s.check_in.date;
            match groups.iter().position(|g| g.rule == f.rule) {
                Some(k) => {
                    let run = groups[k].runs.last_mut().expect("a group has a run");
                    if last_seen[k].is_some_and(|j| j + 1 == i) {
                        run.1 = date;
                        run.2 += 1;
                    } else {
                        groups[k].runs.push((date, date, 1));
                    }
                    last_seen[k] = Some(i);
                }
                None => {
                    groups.push(FindingGroup {
                        rule: f.rule.clone(),
                        level: f.level.name().to_string(),
                        message: f.message.clone(),
                        runs: vec![(date, date, 1)],
                    });
                    last_seen.push(Some(i));
                }
            }
        }
    }
    groups
}

/// The report as a PDF file: its name and its bytes.
pub struct PdfFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Gathers the report she asked for and writes it as a PDF on a blocking thread.
pub async fn pdf_file(
    store: &Store,
    user: UserId,
    request: &ReportRequest,
    today: NaiveDate,
) -> Result<PdfFile, StoreError> {
    let data = gather(store, user, request, today).await?;
    let name = format!("keel-report-{}-{}.pdf", data.from, data.to);
    match crate::apart(move || pdf_report(&data)).await {
        Ok(bytes) => Ok(PdfFile { name, bytes }),
        Err(e) => {
            tracing::error!(error = %e, "report rendering failed");
            Err(StoreError::Other("report rendering failed".into()))
        }
    }
}

/// Gathers the report she asked for, made on `today`.
pub async fn gather(
    store: &Store,
    user: UserId,
    request: &ReportRequest,
    today: NaiveDate,
) -> Result<ReportData, StoreError> {
    let (from, to) = (request.from, request.to);
    let record = store.bone_record(user).await?;
    let p = &record.profile;
    let mut profile = Vec::new();
    if let Some(age) = p.age_on(to) {
        profile.push(("Age".into(), format!("{age}")));
    }
    if let Some(w) = p.weight_kg {
        profile.push(("Weight".into(), format!("{w:.1} kg")));
    }
    if let Some(h) = p.height_cm {
        profile.push(("Height".into(), format!("{h:.1} cm")));
    }
    if let (Some(w), Some(h)) = (p.weight_kg, p.height_cm) {
        profile.push(("BMI".into(), format!("{:.1}", w / (h / 100.0).powi(2))));
    }
    if let Some(t) = p.tallest_height_cm {
        profile.push((
            "Tallest adult height (recalled)".into(),
            format!("{t:.1} cm"),
        ));
    }
    let check_ins = store.check_ins(user, from, to).await?;
    let red_flags = group_findings(&check_ins);
    let mut notes = Vec::new();
    for s in &check_ins {
        if let Some(n) = &s.check_in.notes {
            notes.push((s.check_in.date, n.clone()));
        }
    }
    let pain_days: Vec<PainDay> = check_ins
        .iter()
        .map(|s| PainDay {
            date: s.check_in.date,
            pain: s.check_in.pain,
        })
        .collect();
    let pain_mean = (!pain_days.is_empty())
        .then(|| pain_days.iter().map(|d| f64::from(d.pain)).sum::<f64>() / pain_days.len() as f64);
    let instruments = keel_core::progress::instruments();
    let questionnaires = store
        .responses(user, None)
        .await?
        .into_iter()
        .filter(|r| r.date >= from && r.date <= to)
        .filter_map(|r| {
            let i = instruments.iter().find(|i| i.id == r.instrument)?;
            let s = i.score(&r.answers);
            Some((r.date, i.name.clone(), s.total, s.band))
        })
        .collect::<Vec<_>>();
    let activities = store.activities(user, from, to).await?;
    let active: std::collections::BTreeSet<NaiveDate> = activities.iter().map(|a| a.date).collect();
    let breaks = store.breaks(user, from, to).await?.len();
    let history = store
        .check_ins(user, to - Duration::days(summary::HISTORY_DAYS), to)
        .await?;
    let bone = views::bone_assessment(&record, to);
    let (summary, series, weeks) = summary::build(summary::Inputs {
        from,
        to,
        history: &history,
        period: &check_ins,
        red_flags: &red_flags,
        bone: bone.as_ref(),
        questionnaires: &questionnaires,
        activities: &activities,
        breaks,
    });
    Ok(ReportData {
        from,
        to,
        profile,
        risk_factors: p
            .risk_factors
            .iter()
            .map(|r| r.label().to_string())
            .collect(),
        bone,
        dexa: record
            .dexa
            .iter()
            .map(|d| {
                format!(
                    "{}: {} T-score {:.1}",
                    d.date.format("%-d %B %Y"),
                    d.site.label(),
                    d.t_score
                )
            })
            .collect(),
        red_flags,
        pain_days,
        pain_mean,
        check_ins: check_ins.len(),
        questionnaires,
        sessions: activities.len(),
        active_days: active.len(),
        breaks,
        notes: if request.has(Section::Notes) {
            notes
        } else {
            Vec::new()
        },
        cycle: if request.has(Section::Cycle) || request.has(Section::Symptoms) {
            cycle::gather(store, user, &check_ins, from, to).await?
        } else {
            None
        },
        desk: if request.has(Section::Desk) {
            summary::desk_lines(store, user).await?
        } else {
            Vec::new()
        },
        request: request.clone(),
        generated: today,
        summary,
        series,
        weeks,
    })
}

pub fn bone_lines(r: &ReportData) -> Vec<String> {
    let mut out = Vec::new();
    match &r.bone {
        None => out.push("No age recorded, so bone-health rules were not applied.".to_string()),
        Some(b) => {
            out.push(if b.dexa_due {
                "A DEXA scan is due.".to_string()
            } else {
                "No DEXA scan due.".to_string()
            });
            if let Some(c) = b.t_score_class {
                out.push(format!("Latest scan: {}.", c.label()));
            }
            if let Some(o) = b.ost {
                out.push(format!("OST score {o:.1} (validated after menopause)."));
            }
            for f in &b.findings {
                out.push(format!("{} ({})", f.message, f.rule));
            }
        }
    }
    out
}

pub fn adherence(r: &ReportData) -> String {
    format!(
        "{} check-ins over {} days; exercise logged on {} days ({} sessions); {} desk breaks.",
        r.check_ins,
        (r.to - r.from).num_days() + 1,
        r.active_days,
        r.sessions,
        r.breaks
    )
}
