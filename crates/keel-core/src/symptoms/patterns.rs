//! What her symptoms show over time (section 8): each symptom's weekly mean, how each goes with
//! same-day and next-day pain, and the MRS suggestion (product rules, documented in
//! docs/safety.md).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Symptom;
use crate::progress::{ASSOCIATION_DAYS, MIN_PAIRED_DAYS, PATTERN_RHO, Score, spearman, strength};

/// One 7-day span's mean rating of each symptom rated in it (a symptom not rated that week is
/// absent, never 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SymptomWeek {
    /// The last day of the 7-day span.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end: NaiveDate,
    pub means: BTreeMap<String, f64>,
}

/// Weekly means, newest first, for `weeks` 7-day spans ending on `date`; `ratings` maps each
/// symptom (listed or her own) to its ratings by day.
pub fn weekly_means(
    ratings: &BTreeMap<String, BTreeMap<NaiveDate, u8>>,
    date: NaiveDate,
    weeks: usize,
) -> Vec<SymptomWeek> {
    (0..weeks)
        .map(|w| {
            let end = date - Duration::days(7 * w as i64);
            let means = ratings
                .iter()
                .filter_map(|(name, days)| {
                    let span: Vec<f64> = days
                        .range(end - Duration::days(6)..=end)
                        .map(|(_, r)| f64::from(*r))
                        .collect();
                    (!span.is_empty()).then(|| {
                        let m = span.iter().sum::<f64>() / span.len() as f64;
                        (name.clone(), (m * 10.0).round() / 10.0)
                    })
                })
                .collect();
            SymptomWeek { end, means }
        })
        .collect()
}

/// How a symptom goes with pain the same day and the next, over the 90 days before the date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SymptomLink {
    pub symptom: String,
    pub label: String,
    /// Paired days with the same day's pain, and Spearman's rho from 21 of them.
    pub same_day_n: usize,
    pub same_day_rho: Option<f64>,
    pub next_day_n: usize,
    pub next_day_rho: Option<f64>,
    /// A plain sentence, a pattern only from |rho| 0.3, never a cause.
    pub summary: String,
}

fn rho_of(pairs: Vec<(f64, f64)>) -> (usize, Option<f64>) {
    let n = pairs.len();
    if n < MIN_PAIRED_DAYS {
        return (n, None);
    }
    let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
    (n, spearman(&xs, &ys).map(|r| (r * 100.0).round() / 100.0))
}

/// Each symptom with 21 or more rated days paired with pain, against the same day's and the
/// next day's pain (section 8), worded as the other patterns are.
pub fn links(
    pain: &BTreeMap<NaiveDate, u8>,
    ratings: &BTreeMap<String, BTreeMap<NaiveDate, u8>>,
    labels: &BTreeMap<String, String>,
    date: NaiveDate,
) -> Vec<SymptomLink> {
    let from = date - Duration::days(ASSOCIATION_DAYS);
    ratings
        .iter()
        .map(|(name, days)| {
            let pairs = |lag: i64| -> Vec<(f64, f64)> {
                days.range(from..=date)
                    .filter_map(|(d, r)| {
                        pain.get(&(*d + Duration::days(lag)))
                            .filter(|_| *d + Duration::days(lag) <= date)
                            .map(|p| (f64::from(*r), f64::from(*p)))
                    })
                    .collect()
            };
            let (same_day_n, same_day_rho) = rho_of(pairs(0));
            let (next_day_n, next_day_rho) = rho_of(pairs(1));
            let label = labels.get(name).cloned().unwrap_or_else(|| name.clone());
            let summary = link_summary(&label, same_day_n, same_day_rho, next_day_rho);
            SymptomLink {
                symptom: name.clone(),
                label,
                same_day_n,
                same_day_rho,
                next_day_n,
                next_day_rho,
                summary,
            }
        })
        .collect()
}

fn link_summary(label: &str, n: usize, same: Option<f64>, next: Option<f64>) -> String {
    let what = label.to_lowercase();
    if n < MIN_PAIRED_DAYS {
        return format!(
            "Not enough days yet: {what} rated on {n} of the {MIN_PAIRED_DAYS} days needed to look for a link with pain."
        );
    }
    let shown = |r: Option<f64>| r.filter(|r| r.abs() >= PATTERN_RHO);
    let way = |r: f64| if r < 0.0 { "lower" } else { "higher" };
    match (shown(same), shown(next)) {
        (None, None) => format!(
            "Not enough to say yet: over {n} days, {what} shows no link with pain strong enough to notice."
        ),
        (Some(s), None) => format!(
            "A {} link: on days with more {what} your pain was often {} ({n} days). This is a pattern, not proof of cause.",
            strength(s),
            way(s)
        ),
        (None, Some(x)) => format!(
            "A {} link: days with more {what} were often followed by {} pain the next day. This is a pattern, not proof of cause.",
            strength(x),
            way(x)
        ),
        (Some(s), Some(x)) => format!(
            "A {} link: on days with more {what} your pain was often {}, and {} the next day ({n} days). This is a pattern, not proof of cause.",
            strength(s),
            way(s),
            way(x)
        ),
    }
}

/// An MRS domain is high when its score is at least half of its maximum: an average of 2
/// (moderate) per item (product rule).
pub const DOMAIN_HIGH_SHARE: f64 = 0.5;
/// Two responses count as two months running when 21 to 62 days apart (product rule).
pub const RUNNING_DAYS: (i64, i64) = (21, 62);

/// What an MRS domain covers, in her words.
pub fn domain_words(domain: &str) -> &'static str {
    match domain {
        "somatic" => {
            "hot flushes and sweats, a racing heart, sleep problems, and aching joints and muscles"
        }
        "psychological" => "low mood, irritability, anxiety, and physical and mental exhaustion",
        "urogenital" => "sexual problems, bladder problems and vaginal dryness",
        _ => "menopause symptoms",
    }
}

/// The plain suggestion after the MRS (section 8's "what follows"): a total in the moderate
/// or severe band on the latest response, or a domain high on the latest two responses a
/// month apart. `history` is oldest first; `items` are each domain's item count.
pub fn mrs_suggestions(
    history: &[(NaiveDate, Score)],
    items: &BTreeMap<String, usize>,
) -> Vec<String> {
    let Some((last_date, last)) = history.last() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(band) = last
        .band
        .as_deref()
        .filter(|b| *b == "moderate" || *b == "severe")
    {
        out.push(format!(
            "Your latest menopause symptom score ({} of 44, {band}) is high enough to be worth raising with a clinician. Treatments exist, from hormone therapy to other medicines and non-drug approaches, and a clinician can help you weigh them.",
            last.total
        ));
    }
    let high = |s: &Score, d: &str| {
        let max = items.get(d).copied().unwrap_or(0) as f64 * 4.0;
        max > 0.0
            && s.subscales
                .get(d)
                .is_some_and(|v| *v >= max * DOMAIN_HIGH_SHARE)
    };
    if let Some((before_date, before)) = history.iter().rev().nth(1) {
        let apart = (*last_date - *before_date).num_days();
        if (RUNNING_DAYS.0..=RUNNING_DAYS.1).contains(&apart) {
            for d in items.keys() {
                if high(last, d) && high(before, d) {
                    out.push(format!(
                        "Your {} have scored high two months running. This part of the scale covers {}. These symptoms can be treated; it is worth raising with a clinician.",
                        match d.as_str() {
                            "somatic" => "body symptoms",
                            "psychological" => "mood symptoms",
                            "urogenital" => "bladder and sexual health symptoms",
                            _ => "symptoms",
                        },
                        domain_words(d)
                    ));
                }
            }
        }
    }
    out
}

/// The listed symptoms' labels, for the links.
pub fn labels(custom: impl Iterator<Item = String>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = Symptom::ALL
        .iter()
        .map(|s| (s.key().to_string(), s.label().to_string()))
        .collect();
    for c in custom {
        out.entry(c.clone()).or_insert(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() - Duration::days(n)
    }

    fn score(total: f64, somatic: f64, psychological: f64, urogenital: f64) -> Score {
        let band = match total as u16 {
            0..=4 => "none or little",
            5..=8 => "mild",
            9..=15 => "moderate",
            _ => "severe",
        };
        Score {
            total,
            band: Some(band.into()),
            subscales: [
                ("somatic".to_string(), somatic),
                ("psychological".to_string(), psychological),
                ("urogenital".to_string(), urogenital),
            ]
            .into(),
        }
    }

    fn items() -> BTreeMap<String, usize> {
        [
            ("somatic".to_string(), 4),
            ("psychological".to_string(), 4),
            ("urogenital".to_string(), 3),
        ]
        .into()
    }

    #[test]
    fn a_moderate_or_severe_total_brings_the_suggestion_and_mild_does_not() {
        assert!(mrs_suggestions(&[(d(0), score(8.0, 3.0, 3.0, 2.0))], &items()).is_empty());
        let s = mrs_suggestions(&[(d(0), score(9.0, 3.0, 4.0, 2.0))], &items());
        assert_eq!(s.len(), 1);
        assert!(
            s[0].contains("9 of 44, moderate") && s[0].contains("Treatments exist"),
            "{s:?}"
        );
        assert!(
            mrs_suggestions(&[(d(0), score(22.0, 8.0, 8.0, 6.0))], &items())[0].contains("severe")
        );
        assert!(mrs_suggestions(&[], &items()).is_empty());
    }

    #[test]
    fn a_domain_high_two_months_running_brings_its_own_suggestion() {
        // Mood 8 of 16 is high; 7 is not. Total kept mild so only the domain speaks.
        let high = score(8.0, 0.0, 8.0, 0.0);
        let low = score(7.0, 0.0, 7.0, 0.0);
        let s = mrs_suggestions(&[(d(30), high.clone()), (d(0), high.clone())], &items());
        assert_eq!(s.len(), 1, "{s:?}");
        assert!(
            s[0].contains("mood symptoms") && s[0].contains("low mood"),
            "{s:?}"
        );
        assert!(
            mrs_suggestions(&[(d(30), low.clone()), (d(0), high.clone())], &items()).is_empty()
        );
        assert!(mrs_suggestions(&[(d(30), high.clone()), (d(0), low)], &items()).is_empty());
        // Not a month apart: 20 days, or 63.
        assert!(
            mrs_suggestions(&[(d(20), high.clone()), (d(0), high.clone())], &items()).is_empty()
        );
        assert!(
            mrs_suggestions(&[(d(63), high.clone()), (d(0), high.clone())], &items()).is_empty()
        );
        assert_eq!(
            mrs_suggestions(&[(d(21), high.clone()), (d(0), high.clone())], &items()).len(),
            1
        );
        assert_eq!(
            mrs_suggestions(&[(d(62), high.clone()), (d(0), high)], &items()).len(),
            1
        );
        // Bladder and sexual health: 6 of 12.
        let u = score(6.0, 0.0, 0.0, 6.0);
        assert!(
            mrs_suggestions(&[(d(30), u.clone()), (d(0), u)], &items())[0]
                .contains("vaginal dryness")
        );
    }

    #[test]
    fn weekly_means_leave_a_week_without_ratings_out() {
        let mut r = BTreeMap::new();
        r.insert(
            "hot_flushes".to_string(),
            [(d(0), 3), (d(1), 2), (d(9), 1)].into(),
        );
        let w = weekly_means(&r, d(0), 3);
        assert_eq!(w[0].means["hot_flushes"], 2.5);
        assert_eq!(w[1].means["hot_flushes"], 1.0);
        assert!(w[2].means.is_empty(), "not rated is not 0");
    }

    #[test]
    fn links_need_21_days_and_read_same_and_next_day_pain() {
        let mut pain = BTreeMap::new();
        let mut sweats = BTreeMap::new();
        for n in 0..30 {
            let r = (n % 5) as u8;
            sweats.insert(d(n), r);
            // Pain follows the same day's rating exactly.
            pain.insert(d(n), r + 2);
        }
        let mut ratings = BTreeMap::new();
        ratings.insert("night_sweats".to_string(), sweats.clone());
        let l = &links(&pain, &ratings, &labels(std::iter::empty()), d(0))[0];
        assert_eq!(l.same_day_n, 30);
        assert_eq!(l.same_day_rho, Some(1.0));
        assert_eq!(l.next_day_n, 29, "the last day has no next day yet");
        assert!(
            l.summary.contains("strong link") && l.summary.contains("not proof"),
            "{}",
            l.summary
        );
        let few: BTreeMap<NaiveDate, u8> = sweats.into_iter().take(20).collect();
        ratings.insert("night_sweats".to_string(), few);
        let l = &links(&pain, &ratings, &labels(std::iter::empty()), d(0))[0];
        assert_eq!(l.same_day_rho, None);
        assert!(
            l.summary.starts_with("Not enough days yet"),
            "{}",
            l.summary
        );
    }
}
