//! Progress: pain trends, what goes with better days (rank correlation, never cause), and
//! questionnaires as data-defined instruments (clinical-rules.md section 5).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::triage;
use crate::validate::{ValidationErrors, as_object};

/// One day's figures for the trend views.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DayFigures {
    pub pain: u8,
    pub sleep: Option<u8>,
    pub energy: Option<u8>,
    pub walking_minutes: Option<u16>,
    pub sitting_hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekMeans {
    /// Monday-independent: the 7 days ending on `end`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end: NaiveDate,
    pub check_ins: u32,
    pub pain: Option<f64>,
    pub sleep: Option<f64>,
    pub energy: Option<f64>,
    pub walking_minutes: Option<f64>,
    pub sitting_hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trends {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    /// Mean pain of the 7 days ending on `date` (null without a check-in in them).
    pub pain_7_day_mean: Option<f64>,
    /// Newest first: the 7-day spans ending on `date`, a week before, and so on.
    pub weeks: Vec<WeekMeans>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub episode_start: Option<NaiveDate>,
    pub episode_days: Option<i64>,
    pub trend: triage::Trend,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| (sum / f64::from(n) * 100.0).round() / 100.0)
}

pub fn trends(days: &BTreeMap<NaiveDate, DayFigures>, date: NaiveDate, weeks: usize) -> Trends {
    let week = |end: NaiveDate| {
        let span: Vec<&DayFigures> = days
            .range(end - Duration::days(6)..=end)
            .map(|(_, f)| f)
            .collect();
        WeekMeans {
            end,
            check_ins: span.len() as u32,
            pain: mean(span.iter().map(|f| f64::from(f.pain))),
            sleep: mean(span.iter().filter_map(|f| f.sleep.map(f64::from))),
            energy: mean(span.iter().filter_map(|f| f.energy.map(f64::from))),
            walking_minutes: mean(span.iter().filter_map(|f| f.walking_minutes.map(f64::from))),
            sitting_hours: mean(span.iter().filter_map(|f| f.sitting_hours)),
        }
    };
    let weeks: Vec<WeekMeans> = (0..weeks as i64)
        .map(|i| week(date - Duration::days(7 * i)))
        .collect();
    let series: BTreeMap<NaiveDate, u8> = days.range(..=date).map(|(d, f)| (*d, f.pain)).collect();
    let episode_start = triage::current_episode_start(&series, date);
    Trends {
        date,
        pain_7_day_mean: weeks.first().and_then(|w| w.pain),
        episode_days: episode_start.map(|s| (date - s).num_days()),
        episode_start,
        trend: triage::Trend {
            t1: triage::t1_worsening(&series, date),
            t2: triage::t2_no_improvement(&series, date),
        },
        weeks,
    }
}

/// Ranks from 1, ties sharing the mean of their positions.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for k in &order[i..=j] {
            out[*k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation: Pearson's correlation of the ranks, so ties are handled
/// exactly. `None` with fewer than 3 pairs or when either side does not vary.
pub fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    if xs.len() != ys.len() || xs.len() < 3 {
        return None;
    }
    let (rx, ry) = (ranks(xs), ranks(ys));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    (vx > 0.0 && vy > 0.0).then(|| cov / (vx * vy).sqrt())
}

/// Fewest paired days before Keel shows an association (product rule).
pub const MIN_PAIRED_DAYS: usize = 21;
/// The look-back for associations.
pub const ASSOCIATION_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Association {
    pub factor: String,
    pub label: String,
    /// Days with both the factor and the next day's pain.
    pub n: usize,
    /// Spearman's rho, shown only with at least 21 paired days.
    pub rho: Option<f64>,
    pub strength: String,
    /// A plain sentence that never claims a cause.
    pub summary: String,
}

/// The smallest |rho| shown as a pattern (with at least [`MIN_PAIRED_DAYS`] paired days).
pub const PATTERN_RHO: f64 = 0.3;

pub fn strength(rho: f64) -> &'static str {
    match rho.abs() {
        r if r < 0.1 => "no clear link",
        r if r < 0.3 => "weak",
        r if r < 0.5 => "moderate",
        _ => "strong",
    }
}

/// What a computed link says: a pattern (with its caveat) only when |rho| is at least
/// [`PATTERN_RHO`]; otherwise that there is not enough to say yet.
pub fn pattern_summary(label: &str, r: f64, n: usize) -> String {
    let what = label.to_lowercase();
    if r.abs() < PATTERN_RHO {
        format!(
            "Not enough to say yet: over {n} days, {what} shows no link with next-day pain strong enough to notice."
        )
    } else {
        let s = strength(r);
        let way = if r < 0.0 { "lower" } else { "higher" };
        format!(
            "A {s} link: days with more {what} were often followed by {way} pain ({n} days). This is a pattern, not proof of cause."
        )
    }
}

/// How each factor on a day goes with pain the next day, over the 90 days before `date`.
/// `factors` maps a factor's id and label to its value per day.
pub fn associations(
    pain: &BTreeMap<NaiveDate, u8>,
    factors: &[(&str, &str, BTreeMap<NaiveDate, f64>)],
    date: NaiveDate,
) -> Vec<Association> {
    let from = date - Duration::days(ASSOCIATION_DAYS);
    factors
        .iter()
        .map(|(id, label, values)| {
            let pairs: Vec<(f64, f64)> = values
                .range(from..date)
                .filter_map(|(d, v)| pain.get(&(*d + Duration::days(1))).map(|p| (*v, f64::from(*p))))
                .collect();
            let n = pairs.len();
            let rho = if n >= MIN_PAIRED_DAYS {
                let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
                spearman(&xs, &ys).map(|r| (r * 100.0).round() / 100.0)
            } else {
                None
            };
            let (strength_word, summary) = match rho {
                None if n < MIN_PAIRED_DAYS => (
                    "not enough data".to_string(),
                    format!("Not enough days yet: {n} of the {MIN_PAIRED_DAYS} needed to look for a link."),
                ),
                None => ("no clear link".to_string(), format!("{label} hardly varied, so Keel cannot tell whether it goes with how you feel.")),
                Some(r) => (strength(r).to_string(), pattern_summary(label, r, n)),
            };
            Association { factor: id.to_string(), label: label.to_string(), n, rho, strength: strength_word, summary }
        })
        .collect()
}

/// A questionnaire defined as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Instrument {
    pub id: String,
    pub name: String,
    pub source: String,
    /// Days between reminders.
    pub every_days: i64,
    pub min: u8,
    pub max: u8,
    /// What the lowest and highest answers mean.
    pub anchors: (String, String),
    pub items: Vec<Item>,
    /// "mean" (one decimal) or "sum".
    pub scoring: String,
    pub subscales: Vec<Subscale>,
    /// Bands on the total: (lowest total, label), ascending.
    pub bands: Vec<(u16, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscale {
    pub id: String,
    pub label: String,
    /// 1-based item numbers.
    pub items: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Score {
    pub total: f64,
    pub band: Option<String>,
    pub subscales: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize)]
struct InstrumentFile {
    instrument: Vec<Instrument>,
}

/// The instruments shipped in `content/questionnaires.toml`, read once.
pub fn instruments() -> &'static [Instrument] {
    static INSTRUMENTS: std::sync::LazyLock<Vec<Instrument>> = std::sync::LazyLock::new(|| {
        toml::from_str::<InstrumentFile>(include_str!("../../../content/questionnaires.toml"))
            .expect("content/questionnaires.toml is validated by its own test")
            .instrument
    });
    &INSTRUMENTS
}

impl Instrument {
    /// Validates answers: an object with every item id and a whole number in range.
    pub fn parse_answers(&self, value: &Value) -> Result<Vec<u8>, ValidationErrors> {
        let object = as_object(value)?;
        let mut errors = ValidationErrors::new();
        let mut out = Vec::new();
        for item in &self.items {
            match object.get(&item.id).and_then(Value::as_f64) {
                Some(v)
                    if v.fract() == 0.0 && v >= f64::from(self.min) && v <= f64::from(self.max) =>
                {
                    out.push(v as u8)
                }
                Some(_) | None if object.contains_key(&item.id) => errors.add(
                    item.id.clone(),
                    format!("must be a whole number from {} to {}", self.min, self.max),
                ),
                _ => errors.add(item.id.clone(), "is required"),
            }
        }
        for key in object.keys() {
            if !self.items.iter().any(|i| &i.id == key) {
                errors.add(key.clone(), "is not an item of this questionnaire");
            }
        }
        errors.into_result(|| out)
    }

    pub fn score(&self, answers: &[u8]) -> Score {
        let sum: u16 = answers.iter().map(|a| u16::from(*a)).sum();
        let total = if self.scoring == "mean" {
            (f64::from(sum) / answers.len().max(1) as f64 * 10.0).round() / 10.0
        } else {
            f64::from(sum)
        };
        let band = self
            .bands
            .iter()
            .rev()
            .find(|(lowest, _)| total >= f64::from(*lowest))
            .map(|(_, label)| label.clone());
        let subscales = self
            .subscales
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    s.items
                        .iter()
                        .filter_map(|i| answers.get(i - 1))
                        .map(|a| f64::from(*a))
                        .sum(),
                )
            })
            .collect();
        Score {
            total,
            band,
            subscales,
        }
    }

    /// Due when never answered or last answered `every_days` or more ago.
    pub fn is_due(&self, last: Option<NaiveDate>, today: NaiveDate) -> bool {
        last.is_none_or(|l| (today - l).num_days() >= self.every_days)
    }
}

#[cfg(test)]
mod tests;
