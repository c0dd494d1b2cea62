//! The report she brings to a clinician: what it shows, gathered once, and its PDF.

use crate::pdf::{PdfDocument, Weight};
use chrono::{Duration, NaiveDate};
use keel_core::ValidationErrors;
use keel_core::bone::BoneAssessment;
use keel_core::triage::TriageLevel;
use keel_store::{Store, StoreError, UserId};

use crate::progress::PainDay;
use crate::views::{self, DISCLAIMER};

/// Everything the report shows, gathered once for both formats.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub from: NaiveDate,
    pub to: NaiveDate,
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

/// Longest period one report covers.
pub const MAX_REPORT_DAYS: i64 = 366;

/// `from` and `to` for a report: both dates, `from` not after `to`, at most a year apart.
pub fn parse_period(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut date = |name: &str, v: Option<&str>| {
        v.and_then(|s| {
            let d = keel_core::validate::parse_date(s);
            if d.is_none() {
                errors.add(name, "must be a date written YYYY-MM-DD, from 1900 on");
            }
            d
        })
    };
    let to_d = date("to", to).unwrap_or(today);
    let from_d = date("from", from).unwrap_or(to_d - Duration::days(89));
    if errors.is_empty() {
        if from_d > to_d {
            errors.add("from", "must not be after to");
        } else if (to_d - from_d).num_days() >= MAX_REPORT_DAYS {
            errors.add("from", "a report covers at most a year");
        }
    }
    errors.into_result(|| (from_d, to_d))
}

pub async fn gather(
    store: &Store,
    user: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ReportData, StoreError> {
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
        .collect();
    let activities = store.activities(user, from, to).await?;
    let active: std::collections::BTreeSet<NaiveDate> = activities.iter().map(|a| a.date).collect();
    let breaks = store.breaks(user, from, to).await?.len();
    Ok(ReportData {
        from,
        to,
        profile,
        risk_factors: p
            .risk_factors
            .iter()
            .map(|r| r.label().to_string())
            .collect(),
        bone: views::bone_assessment(&record, to),
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
        notes,
        cycle: cycle::gather(store, user, &check_ins, from, to).await?,
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

/// Writes text down A4 pages, wrapped to the page's width as the font measures it, starting a
/// new page when one fills.
struct PdfWriter {
    doc: PdfDocument,
    y: f32,
}

const TOP: f32 = 282.0;
const BOTTOM: f32 = 16.0;
const LEFT: f32 = 16.0;
const WIDTH: f32 = 178.0;

impl PdfWriter {
    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.doc.new_page();
            self.y = TOP;
        }
    }

    fn lines(&mut self, s: &str, size: f32, weight: Weight) {
        let step = size * 0.3528 * 1.35;
        for line in self.doc.wrap(s, size, WIDTH, weight) {
            self.ensure(step);
            self.y -= step;
            match weight {
                Weight::Regular => self.doc.text(LEFT, self.y, size, &line),
                Weight::Bold => self.doc.bold_text(LEFT, self.y, size, &line),
            }
        }
    }

    fn text(&mut self, s: &str, size: f32) {
        self.lines(s, size, Weight::Regular);
    }

    fn heading(&mut self, s: &str) {
        self.y -= 3.0;
        self.lines(s, 13.0, Weight::Bold);
    }

    fn chart(&mut self, days: &[PainDay], from: NaiveDate, to: NaiveDate) {
        let height = 45.0;
        self.ensure(height + 8.0);
        let (x0, y0, w) = (LEFT + 8.0, self.y - height - 2.0, 170.0);
        let span = ((to - from).num_days().max(1)) as f32;
        self.doc
            .line(&[(x0, y0 + height), (x0, y0), (x0 + w, y0)], 0.4);
        for (v, label) in [(0.0, "0"), (5.0, "5"), (10.0, "10")] {
            self.doc
                .text(LEFT, y0 + v / 10.0 * height - 1.0, 7.0, label);
        }
        let points: Vec<(f32, f32)> = days
            .iter()
            .map(|d| {
                let x = x0 + (d.date - from).num_days() as f32 / span * w;
                (x, y0 + f32::from(d.pain) / 10.0 * height)
            })
            .collect();
        if points.len() > 1 {
            self.doc.line(&points, 1.0);
        }
        self.doc.text(x0, y0 - 4.0, 7.0, &from.to_string());
        let end = to.to_string();
        let end_width = self.doc.text_width(&end, 7.0);
        self.doc.text(x0 + w - end_width, y0 - 4.0, 7.0, &end);
        self.y = y0 - 6.0;
    }
}

/// The report as a PDF: DejaVu Sans, subset to the characters used (see `pdf`).
pub fn pdf_report(r: &ReportData) -> Result<Vec<u8>, String> {
    let mut w = PdfWriter {
        doc: PdfDocument::new(&format!("Keel report {} to {}", r.from, r.to)),
        y: TOP,
    };
    w.text(
        &format!("Keel report: {}", period_words(r.from, r.to)),
        17.0,
    );
    w.text(DISCLAIMER, 8.5);
    w.heading("Profile");
    if r.profile.is_empty() {
        w.text("No profile recorded.", 10.0);
    }
    let profile = r
        .profile
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("   ");
    w.text(&profile, 10.0);
    w.heading("Risk factors for osteoporosis");
    w.text(
        &if r.risk_factors.is_empty() {
            "None recorded.".to_string()
        } else {
            r.risk_factors.join("; ")
        },
        10.0,
    );
    w.heading("Bone health");
    for l in bone_lines(r) {
        w.text(&format!("- {l}"), 10.0);
    }
    for d in &r.dexa {
        w.text(&format!("- DEXA {d}"), 10.0);
    }
    w.heading("Red flags in this period");
    if r.red_flags.is_empty() {
        w.text("None.", 10.0);
    }
    for g in &r.red_flags {
        w.text(
            &format!("{} ({}, {}): {}", g.when(), g.level, g.rule, g.message),
            9.5,
        );
    }
    w.heading("Pain");
    w.text(
        &format!(
            "Mean pain {}/10 over {} check-ins.",
            r.pain_mean
                .map(|m| format!("{m:.1}"))
                .unwrap_or_else(|| "-".into()),
            r.check_ins
        ),
        10.0,
    );
    w.chart(&r.pain_days, r.from, r.to);
    w.heading("Questionnaires");
    if r.questionnaires.is_empty() {
        w.text("None answered in this period.", 10.0);
    }
    for (d, name, total, band) in &r.questionnaires {
        w.text(
            &format!(
                "{d}: {name} {total}{}",
                band.as_ref().map(|b| format!(" ({b})")).unwrap_or_default()
            ),
            10.0,
        );
    }
    w.heading("Plan adherence");
    w.text(&adherence(r), 10.0);
    w.heading("Her notes");
    if r.notes.is_empty() {
        w.text("No notes.", 10.0);
    }
    for (d, n) in &r.notes {
        w.text(&format!("{d}: {n}"), 10.0);
    }
    if let Some(c) = &r.cycle {
        w.doc.new_page();
        w.y = TOP;
        w.text("Perimenopause", 15.0);
        w.heading("Stage (STRAW+10)");
        w.text(&c.stage, 10.5);
        w.text(&c.reason, 10.0);
        for l in &c.cycles {
            w.text(&format!("- {l}"), 9.5);
        }
        w.heading("Contraception, hormone therapy and operations");
        if c.context.is_empty() {
            w.text("None recorded.", 10.0);
        }
        for l in &c.context {
            w.text(&format!("- {l}"), 10.0);
        }
        w.heading("Bleeding findings");
        if c.findings.is_empty() {
            w.text("None.", 10.0);
        }
        for (rule, message) in &c.findings {
            w.text(&format!("{rule}: {message}"), 9.5);
        }
        w.heading("Symptoms in this period (mean, 0 none to 4 very severe)");
        if c.symptoms.is_empty() {
            w.text("None rated.", 10.0);
        }
        for (label, mean, n) in &c.symptoms {
            w.text(&format!("{label}: {mean:.1} ({n} days rated)"), 10.0);
        }
        if let Some((m, n)) = c.hot_flush_count {
            w.text(
                &format!("Hot flushes counted: {m:.1} a day ({n} days)"),
                10.0,
            );
        }
        w.heading("Menopause Rating Scale by part");
        if c.mrs.is_empty() {
            w.text("Not answered in this period.", 10.0);
        }
        for cycle::MrsRow {
            date: d,
            parts,
            total,
            band,
        } in &c.mrs
        {
            let parts = parts
                .iter()
                .map(|(l, v)| format!("{l} {v}"))
                .collect::<Vec<_>>()
                .join(", ");
            w.text(
                &format!(
                    "{}: {parts}; total {total} of 44{}",
                    d.format("%-d %B %Y"),
                    band.as_ref().map(|b| format!(" ({b})")).unwrap_or_default()
                ),
                10.0,
            );
        }
    }
    Ok(w.doc.finish())
}
