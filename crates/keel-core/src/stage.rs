//! Where she is in the transition (clinical-rules.md section 6, STRAW+10) from her bleeding log
//! and her context, and the bleeding findings of section 8 (RF-PMB, RF-BLEED-BETWEEN,
//! RF-LONG-BLEED). Pure: the date comes from the input, nothing is stored.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::level::TriageLevel;

/// How much she bled on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    None,
    Spotting,
    Light,
    Medium,
    Heavy,
}

impl Flow {
    pub const ALL: &'static [(&'static str, Flow)] = &[
        ("none", Flow::None),
        ("spotting", Flow::Spotting),
        ("light", Flow::Light),
        ("medium", Flow::Medium),
        ("heavy", Flow::Heavy),
    ];

    /// Its word in the contract and the store: "none", "spotting", "light", ...
    pub fn name(self) -> &'static str {
        match self {
            Flow::None => "none",
            Flow::Spotting => "spotting",
            Flow::Light => "light",
            Flow::Medium => "medium",
            Flow::Heavy => "heavy",
        }
    }

    /// Any bleeding, spotting included.
    pub fn bleeding(self) -> bool {
        self != Flow::None
    }

    /// A flow day: light, medium or heavy.
    pub fn flow(self) -> bool {
        matches!(self, Flow::Light | Flow::Medium | Flow::Heavy)
    }
}

/// One day of the bleeding log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BleedingDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    pub flow: Flow,
    pub after_sex: bool,
}

/// Something she records that changes what bleeding means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContextKind {
    HormonalContraception,
    HormoneTherapySystemic,
    HormoneTherapyVaginal,
    Hysterectomy,
    EndometrialAblation,
    Oophorectomy,
}

impl ContextKind {
    pub const ALL: &'static [(&'static str, ContextKind)] = &[
        ("hormonal_contraception", ContextKind::HormonalContraception),
        (
            "hormone_therapy_systemic",
            ContextKind::HormoneTherapySystemic,
        ),
        (
            "hormone_therapy_vaginal",
            ContextKind::HormoneTherapyVaginal,
        ),
        ("hysterectomy", ContextKind::Hysterectomy),
        ("endometrial_ablation", ContextKind::EndometrialAblation),
        ("oophorectomy", ContextKind::Oophorectomy),
    ];

    /// Whether it hides what bleeding says about the stage (vaginal-only estrogen does not).
    pub fn masks(self) -> bool {
        matches!(
            self,
            ContextKind::HormonalContraception
                | ContextKind::HormoneTherapySystemic
                | ContextKind::Hysterectomy
                | ContextKind::EndometrialAblation
        )
    }

    /// The contract's word for it.
    pub fn key(self) -> &'static str {
        ContextKind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(w, _)| *w)
            .unwrap_or("hormonal_contraception")
    }

    /// Whether it is an operation (a day, not a span).
    pub fn is_surgery(self) -> bool {
        matches!(
            self,
            ContextKind::Hysterectomy
                | ContextKind::EndometrialAblation
                | ContextKind::Oophorectomy
        )
    }

    /// In her words.
    pub fn words(self) -> &'static str {
        match self {
            ContextKind::HormonalContraception => "hormonal contraception",
            ContextKind::HormoneTherapySystemic => "hormone therapy",
            ContextKind::HormoneTherapyVaginal => "vaginal estrogen",
            ContextKind::Hysterectomy => "a hysterectomy",
            ContextKind::EndometrialAblation => "an endometrial ablation",
            ContextKind::Oophorectomy => "removal of both ovaries",
        }
    }
}

/// A context entry: what, from when, and until when (`None`: still).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContextEntry {
    pub kind: ContextKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub to: Option<NaiveDate>,
}

impl ContextEntry {
    /// Whether it covers any day from `first` to `last`, both included.
    fn covers_any(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.from <= last && self.to.is_none_or(|to| to >= first)
    }
}

/// The stateless contract's input.
#[derive(Debug, Clone, PartialEq)]
pub struct StageInput {
    pub date: NaiveDate,
    /// By date, one entry per day.
    pub bleeding: BTreeMap<NaiveDate, BleedingDay>,
    pub context: Vec<ContextEntry>,
}

/// A period: its first and last bleeding days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end: NaiveDate,
}

/// A bleeding finding (section 8), shaped as the triage's are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageFinding {
    pub rule: String,
    pub level: TriageLevel,
    pub source: String,
    pub message: String,
}

/// The contract's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageAssessment {
    /// PH-REPRO, PH-EARLY, PH-LATE, PH-POST or PH-UNKNOWN; `None` when there is not enough data.
    pub stage: Option<String>,
    /// +1a, +1b, +1c or +2 (PH-POST only).
    pub substage: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub final_period: Option<NaiveDate>,
    pub periods: Vec<Period>,
    pub cycle_lengths: Vec<i64>,
    pub findings: Vec<StageFinding>,
    /// Why, in her words, with the evidence.
    pub reason: String,
}

/// The bleeding rules of section 8 and their sources: each is a `soon` finding.
pub const BLEEDING_RULES: [(&str, &str); 3] = [
    ("RF-PMB", "NICE-NG12"),
    ("RF-BLEED-BETWEEN", "NHS-HEAVY"),
    ("RF-LONG-BLEED", "NHS-HEAVY"),
];

impl StageAssessment {
    /// The stage in her words: "Early menopause transition (stage -2)".
    pub fn words(&self) -> String {
        match (self.stage.as_deref(), self.substage.as_deref()) {
            (Some("PH-REPRO"), _) => "Reproductive years: regular cycles".into(),
            (Some("PH-EARLY"), _) => "Early menopause transition (stage -2)".into(),
            (Some("PH-LATE"), _) => "Late menopause transition (stage -1)".into(),
            (Some("PH-POST"), Some(sub)) => format!("Postmenopause (stage {sub})"),
            (Some("PH-POST"), None) => "Postmenopause".into(),
            (Some("PH-UNKNOWN"), _) => "Stage not known from bleeding".into(),
            _ => "Not enough data yet".into(),
        }
    }

    /// Each cycle in words, oldest first: "3 March 2026 to 31 March: 28 days".
    pub fn cycle_words(&self) -> Vec<String> {
        self.periods
            .windows(2)
            .map(|w| {
                format!(
                    "{} to {}: {} days",
                    w[0].start.format("%-d %B %Y"),
                    w[1].start.format("%-d %B %Y"),
                    (w[1].start - w[0].start).num_days()
                )
            })
            .collect()
    }
}

/// Days without bleeding between periods that make the late transition (PH-LATE).
pub const LATE_GAP_DAYS: i64 = 60;
/// Days without bleeding after a period that make it the final one (PH-POST).
pub const POST_GAP_DAYS: i64 = 365;
/// A difference between consecutive cycle lengths that counts towards PH-EARLY.
pub const EARLY_DIFFERENCE_DAYS: i64 = 7;
/// Within how many cycles the second difference must follow the first.
pub const EARLY_WITHIN_CYCLES: usize = 10;
/// A bleeding finding counts while its day lies within this many days ending on the date.
pub const FINDING_WINDOW_DAYS: i64 = 90;

/// Periods from the log (section 8): a period's first day is a flow day after at least 2 days
/// without flow, or the log's first flow day (spotting alone starts none); it runs over the
/// following bleeding days, a gap of one day without bleeding allowed, and ends on its last
/// bleeding day. Every flow day is in a period; spotting may lie outside one.
pub fn periods(bleeding: &BTreeMap<NaiveDate, BleedingDay>) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    for day in bleeding.values().filter(|d| d.flow.bleeding()) {
        if let Some(p) = out.last_mut()
            && (day.date - p.end).num_days() <= 2
        {
            p.end = day.date;
            continue;
        }
        if day.flow.flow() {
            out.push(Period {
                start: day.date,
                end: day.date,
            });
        }
    }
    out
}

/// Days from one period's first day to the next's.
pub fn cycle_lengths(periods: &[Period]) -> Vec<i64> {
    periods
        .windows(2)
        .map(|w| (w[1].start - w[0].start).num_days())
        .collect()
}

/// The substage after surgery, by whole years since it.
fn surgical_substage(years: u32) -> &'static str {
    match years {
        0 => "+1a",
        1 => "+1b",
        2..=7 => "+1c",
        _ => "+2",
    }
}

/// The substage after a final period known only in hindsight (a year has passed, so +1a is over).
fn natural_substage(years: u32) -> &'static str {
    match years {
        0 | 1 => "+1b",
        2..=7 => "+1c",
        _ => "+2",
    }
}

fn words(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// Works out the stage (the first rule that holds, in the order of section 6) and the
/// bleeding findings.
pub fn assess(input: &StageInput) -> StageAssessment {
    let date = input.date;
    let periods = periods(&input.bleeding);
    let cycles = cycle_lengths(&periods);
    let findings = bleeding_findings(input, &periods);
    let result = |stage: Option<&str>, substage: Option<&str>, final_period, reason: String| {
        StageAssessment {
            stage: stage.map(str::to_string),
            substage: substage.map(str::to_string),
            final_period,
            periods: periods.clone(),
            cycle_lengths: cycles.clone(),
            findings: findings.clone(),
            reason,
        }
    };

    // 1. Surgical menopause.
    if let Some(surgery) = input
        .context
        .iter()
        .filter(|c| c.kind == ContextKind::Oophorectomy && c.from <= date)
        .map(|c| c.from)
        .min()
    {
        let years = date.years_since(surgery).unwrap_or(0);
        return result(
            Some("PH-POST"),
            Some(surgical_substage(years)),
            Some(surgery),
            format!(
                "Your menopause is surgical: both ovaries were removed on {}.",
                words(surgery)
            ),
        );
    }
    // 2. A context that masks what bleeding says.
    let year_before = date - Duration::days(POST_GAP_DAYS);
    if let Some(c) = input
        .context
        .iter()
        .find(|c| c.kind.masks() && c.covers_any(year_before, date))
    {
        return result(
            Some("PH-UNKNOWN"),
            None,
            None,
            format!(
                "Your bleeding cannot show your stage: you have recorded {} (from {}) in the past year, which changes or stops periods.",
                c.kind.words(),
                words(c.from)
            ),
        );
    }
    // 3. A period followed by a year without bleeding: the final period.
    let bleeding_days: Vec<NaiveDate> = input
        .bleeding
        .values()
        .filter(|d| d.flow.bleeding())
        .map(|d| d.date)
        .collect();
    for p in &periods {
        let next = bleeding_days.iter().find(|d| **d > p.end);
        let gap = match next {
            Some(n) => (*n - p.end).num_days() - 1,
            None => (date - p.end).num_days(),
        };
        if gap >= POST_GAP_DAYS {
            let years = date.years_since(p.start).unwrap_or(0);
            return result(
                Some("PH-POST"),
                Some(natural_substage(years)),
                Some(p.start),
                format!(
                    "Your last period began on {} and was followed by {gap} days without bleeding: a year or more, so it was your final period.",
                    words(p.start)
                ),
            );
        }
    }
    // 4. 60 days or more without bleeding.
    for w in periods.windows(2) {
        let gap = (w[1].start - w[0].end).num_days() - 1;
        if gap >= LATE_GAP_DAYS {
            return result(
                Some("PH-LATE"),
                None,
                None,
                format!(
                    "You went {gap} days without a period, from {} to {}: 60 days or more marks the late transition.",
                    words(w[0].end),
                    words(w[1].start)
                ),
            );
        }
    }
    if let Some(last) = periods.last() {
        let gap = (date - last.end).num_days();
        if gap >= LATE_GAP_DAYS {
            return result(
                Some("PH-LATE"),
                None,
                None,
                format!(
                    "It is {gap} days since your last period ended on {}: 60 days or more marks the late transition.",
                    words(last.end)
                ),
            );
        }
    }
    // 5. A persistent difference of 7 days or more between consecutive cycles.
    let big: Vec<usize> = cycles
        .windows(2)
        .enumerate()
        .filter(|(_, w)| (w[1] - w[0]).abs() >= EARLY_DIFFERENCE_DAYS)
        .map(|(i, _)| i)
        .collect();
    if let Some((i, j)) = big.iter().enumerate().find_map(|(k, i)| {
        big.get(k + 1)
            .filter(|j| **j - i <= EARLY_WITHIN_CYCLES)
            .map(|j| (*i, *j))
    }) {
        let describe = |k: usize| {
            format!(
                "a {}-day difference between your cycles starting {} and {}",
                (cycles[k + 1] - cycles[k]).abs(),
                periods[k].start.format("%-d %B"),
                periods[k + 1].start.format("%-d %B")
            )
        };
        return result(
            Some("PH-EARLY"),
            None,
            None,
            format!(
                "Your cycle lengths vary: {}, and again {}. Two such changes of 7 days or more within 10 cycles mark the early transition.",
                describe(i),
                describe(j)
            ),
        );
    }
    // 6. Regular cycles.
    if cycles.len() >= 2 {
        return result(
            Some("PH-REPRO"),
            None,
            None,
            format!(
                "Your last {} cycles were {} days: regular, with no long gaps.",
                cycles.len(),
                cycles
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    // 7. Not enough data.
    result(
        None,
        None,
        None,
        format!(
            "Not enough data yet: {} complete cycle{} logged, and at least 2 are needed.",
            cycles.len(),
            if cycles.len() == 1 { "" } else { "s" }
        ),
    )
}

/// The bleeding rules of section 8, each once, when a day that triggers it lies within the 90
/// days ending on the date.
fn bleeding_findings(input: &StageInput, periods: &[Period]) -> Vec<StageFinding> {
    let date = input.date;
    let recent = |d: NaiveDate| d <= date && (date - d).num_days() < FINDING_WINDOW_DAYS;
    let mut out = Vec::new();
    let finding = |rule: &str, source: &str, message: &str| StageFinding {
        rule: rule.into(),
        level: TriageLevel::Soon,
        source: source.into(),
        message: message.into(),
    };
    let bleeding: Vec<&BleedingDay> = input
        .bleeding
        .values()
        .filter(|d| d.flow.bleeding())
        .collect();
    let in_period = |d: NaiveDate| periods.iter().any(|p| p.start <= d && d <= p.end);
    // RF-PMB: bleeding a year or more after the end of the period before it, not on systemic
    // hormone therapy.
    let pmb = bleeding.iter().any(|d| {
        let before = periods.iter().rev().find(|p| p.end < d.date);
        let on_hrt = input
            .context
            .iter()
            .any(|c| c.kind == ContextKind::HormoneTherapySystemic && c.covers_any(d.date, d.date));
        recent(d.date)
            && !on_hrt
            // "365 days or more after the end of the period before it" (section 8's row).
            && before.is_some_and(|p| (d.date - p.end).num_days() >= POST_GAP_DAYS)
    });
    if pmb {
        out.push(finding(
            "RF-PMB",
            "NICE-NG12",
            "Bleeding a year or more after your last period needs checking: book an appointment within the next two weeks.",
        ));
    }
    // RF-BLEED-BETWEEN: a third bleeding day outside any period between two period starts (or
    // after the last), or bleeding after sex.
    let mut between = false;
    for (k, p) in periods.iter().enumerate() {
        let until = periods.get(k + 1).map(|n| n.start);
        let third = bleeding
            .iter()
            .filter(|d| d.date > p.start && until.is_none_or(|u| d.date < u) && !in_period(d.date))
            .nth(2);
        if third.is_some_and(|d| recent(d.date)) {
            between = true;
        }
    }
    if between || bleeding.iter().any(|d| d.after_sex && recent(d.date)) {
        out.push(finding(
            "RF-BLEED-BETWEEN",
            "NHS-HEAVY",
            "Bleeding between periods or after sex should be checked: book an appointment within the next two weeks.",
        ));
    }
    // RF-LONG-BLEED: flow on 8 or more days in a row.
    let mut run = 0;
    let mut last: Option<NaiveDate> = None;
    let mut long = false;
    for d in input.bleeding.values().filter(|d| d.flow.flow()) {
        run = if last.is_some_and(|l| (d.date - l).num_days() == 1) {
            run + 1
        } else {
            1
        };
        last = Some(d.date);
        if run == 8 && recent(d.date) {
            long = true;
        }
    }
    if long {
        out.push(finding(
            "RF-LONG-BLEED",
            "NHS-HEAVY",
            "A period lasting more than 7 days should be checked: book an appointment within the next two weeks.",
        ));
    }
    out
}

mod input;
pub use input::{
    PERIOD_MAX_DAYS, overlapping, parse_context, parse_dated_day, parse_log_day, parse_period,
};

#[cfg(test)]
mod tests;
