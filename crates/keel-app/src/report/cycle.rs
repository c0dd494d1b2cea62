//! The report's perimenopause page: her stage and its evidence, cycle lengths, bleeding
//! findings, symptom means for the period, the MRS by part, and her context with its dates.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use keel_core::stage::ContextEntry;
use keel_core::symptoms::Symptom;
use keel_store::{Store, StoreError, StoredCheckIn, UserId};

/// What the report's perimenopause page says.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleReport {
    pub stage: String,
    pub reason: String,
    /// Each cycle in the record, oldest first, in words.
    pub cycles: Vec<String>,
    /// The bleeding findings on the report's last day (rule, message).
    pub findings: Vec<(String, String)>,
    /// Each symptom rated in the period: its label, mean and how many days it was rated.
    pub symptoms: Vec<(String, f64, usize)>,
    /// Mean hot flushes counted a day, and on how many days.
    pub hot_flush_count: Option<(f64, usize)>,
    /// MRS responses in the period.
    pub mrs: Vec<MrsRow>,
    /// Contraception, hormone therapy and operations, with dates.
    pub context: Vec<String>,
}

/// One MRS response: its date, each part's score with its label, the total and its band.
#[derive(Debug, Clone, PartialEq)]
pub struct MrsRow {
    pub date: NaiveDate,
    pub parts: Vec<(String, f64)>,
    pub total: f64,
    pub band: Option<String>,
}

fn date_words(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A context entry in words: "Hormone therapy from 1 March 2025, ongoing".
pub fn context_words(c: &ContextEntry) -> String {
    let what = c.kind.words();
    let mut what = what
        .strip_prefix("a ")
        .or(what.strip_prefix("an "))
        .unwrap_or(what)
        .to_string();
    if let Some(first) = what.get(..1) {
        what = first.to_uppercase() + &what[1..];
    }
    if c.kind.is_surgery() {
        format!("{what} on {}", date_words(c.from))
    } else {
        match c.to {
            Some(to) => format!("{what} from {} to {}", date_words(c.from), date_words(to)),
            None => format!("{what} from {}, ongoing", date_words(c.from)),
        }
    }
}

/// The page, or `None` when there is nothing of her cycle, symptoms or MRS to say.
pub async fn gather(
    store: &Store,
    user: UserId,
    check_ins: &[StoredCheckIn],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<CycleReport>, StoreError> {
    let view = crate::cycle::stage_view(store, user, to).await?;
    let mut ratings: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut counts = Vec::new();
    for s in check_ins {
        for (sym, r) in &s.check_in.symptoms.ratings {
            ratings.entry(sym.label().to_string()).or_default().push(*r);
        }
        for (name, r) in &s.check_in.symptoms.custom {
            ratings
                .entry(format!("{name} (her own)"))
                .or_default()
                .push(*r);
        }
        if let Some(c) = s.check_in.symptoms.hot_flush_count {
            counts.push(f64::from(c));
        }
    }
    // The listed symptoms in the scale's order, then hers.
    let order = |label: &str| {
        Symptom::ALL
            .iter()
            .position(|s| s.label() == label)
            .unwrap_or(Symptom::ALL.len())
    };
    let mut symptoms: Vec<(String, f64, usize)> = ratings
        .into_iter()
        .map(|(label, rs)| {
            let mean = rs.iter().map(|r| f64::from(*r)).sum::<f64>() / rs.len() as f64;
            (label, (mean * 10.0).round() / 10.0, rs.len())
        })
        .collect();
    symptoms.sort_by_key(|(l, _, _)| order(l));
    let instruments = keel_core::progress::instruments();
    let mrs_instrument = instruments.iter().find(|i| i.id == "mrs");
    let mrs = match mrs_instrument {
        Some(i) => store
            .responses(user, None)
            .await?
            .into_iter()
            .filter(|r| r.instrument == "mrs" && r.date >= from && r.date <= to)
            .map(|r| {
                let s = i.score(&r.answers);
                let parts = i
                    .subscales
                    .iter()
                    .map(|sub| {
                        (
                            sub.label.clone(),
                            s.subscales.get(&sub.id).copied().unwrap_or(0.0),
                        )
                    })
                    .collect();
                MrsRow {
                    date: r.date,
                    parts,
                    total: s.total,
                    band: s.band,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let hot_flush_count = (!counts.is_empty()).then(|| {
        let m = counts.iter().sum::<f64>() / counts.len() as f64;
        ((m * 10.0).round() / 10.0, counts.len())
    });
    if view.logged_days == 0 && view.context.is_empty() && symptoms.is_empty() && mrs.is_empty() {
        return Ok(None);
    }
    Ok(Some(CycleReport {
        stage: view.words.clone(),
        reason: view.assessment.reason.clone(),
        cycles: view.cycles.clone(),
        findings: view
            .assessment
            .findings
            .iter()
            .map(|f| (f.rule.clone(), f.message.clone()))
            .collect(),
        symptoms,
        hot_flush_count,
        mrs,
        context: view.context.iter().map(context_words).collect(),
    }))
}
