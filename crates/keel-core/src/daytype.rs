//! The kind of day (clinical-rules.md section 3): first matching row wins, with its reason.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::checkin::CheckIn;
use crate::symptoms::{self, COOLING_HOT_FLUSHES, Symptom};
use crate::triage::{TriageLevel, TriageResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayType {
    Stop,
    Flare,
    Gentle,
    Steady,
    Strong,
}

impl DayType {
    pub const ALL: &'static [DayType] = &[
        DayType::Stop,
        DayType::Flare,
        DayType::Gentle,
        DayType::Steady,
        DayType::Strong,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DayType::Stop => "stop",
            DayType::Flare => "flare",
            DayType::Gentle => "gentle",
            DayType::Steady => "steady",
            DayType::Strong => "strong",
        }
    }

    pub fn from_name(name: &str) -> Option<DayType> {
        Self::ALL.iter().copied().find(|d| d.name() == name)
    }

    pub fn rule_id(self) -> &'static str {
        match self {
            DayType::Stop => "DT-STOP",
            DayType::Flare => "DT-FLARE",
            DayType::Gentle => "DT-GENTLE",
            DayType::Steady => "DT-STEADY",
            DayType::Strong => "DT-STRONG",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            DayType::Stop => "Stop: get help now",
            DayType::Flare => "Flare day",
            DayType::Gentle => "Gentle day",
            DayType::Steady => "Steady day",
            DayType::Strong => "Strong day",
        }
    }

    /// Flare and stop days both hold back a strong day after them.
    fn is_flare_like(self) -> bool {
        matches!(self, DayType::Stop | DayType::Flare)
    }
}

/// An earlier day as the day-type rules need it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecentDay {
    pub date: NaiveDate,
    pub pain: u8,
    pub day_type: Option<DayType>,
}

/// The day type with the rule that chose it and why, in her words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayTypeDecision {
    pub day_type: DayType,
    /// The DT-* rule id.
    pub rule: String,
    pub reason: String,
    /// The listed symptoms that made a gentle day a heavy-symptom day (section 8): its plan is
    /// cut to about half. Empty on any other day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heavy_symptoms: Vec<Symptom>,
    /// Hot flushes rated 2 or more: the plan adds the cooling advice.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hot_flushes: bool,
}

/// Median pain of check-ins in the 14 days before `date` (today excluded), if there are any.
pub fn recent_median(recent: &[RecentDay], date: NaiveDate) -> Option<f64> {
    let from = date - Duration::days(14);
    let mut scores: Vec<u8> = recent
        .iter()
        .filter(|d| d.date >= from && d.date < date)
        .map(|d| d.pain)
        .collect();
    if scores.is_empty() {
        return None;
    }
    scores.sort_unstable();
    let n = scores.len();
    Some(if n % 2 == 1 {
        f64::from(scores[n / 2])
    } else {
        (f64::from(scores[n / 2 - 1]) + f64::from(scores[n / 2])) / 2.0
    })
}

/// Decides the day type. `open_urgent` says whether an urgent finding is open (not muted by an
/// acknowledgement); emergency findings always stop the plan whatever was acknowledged. Then the
/// heavy-symptom day (section 8): a day that would be steady or strong is gentle, and a gentle
/// day's reason names the symptoms; stop and flare days keep their own.
pub fn decide(
    check_in: &CheckIn,
    triage: &TriageResult,
    open_urgent: bool,
    recent: &[RecentDay],
) -> DayTypeDecision {
    let mut d = decide_from_pain(check_in, triage, open_urgent, recent);
    if d.day_type == DayType::Stop {
        return d;
    }
    d.hot_flushes = check_in
        .symptoms
        .rating(Symptom::HotFlushes)
        .is_some_and(|r| r >= COOLING_HOT_FLUSHES);
    let Some(heavy) = symptoms::heavy_day(&check_in.symptoms, check_in.sleep) else {
        return d;
    };
    match d.day_type {
        DayType::Steady | DayType::Strong => {
            d.day_type = DayType::Gentle;
            d.rule = DayType::Gentle.rule_id().to_string();
            d.reason = format!(
                "Your symptoms are heavy today ({}): a gentle day at about half the usual amount.",
                heavy.because
            );
        }
        DayType::Gentle => {
            d.reason = format!(
                "{} Your symptoms are heavy today too ({}), so the amounts are about half.",
                d.reason, heavy.because
            );
        }
        DayType::Flare | DayType::Stop => return d,
    }
    d.heavy_symptoms = heavy.symptoms;
    d
}

/// The rows of section 3's table, from pain, sleep, energy and triage.
fn decide_from_pain(
    check_in: &CheckIn,
    triage: &TriageResult,
    open_urgent: bool,
    recent: &[RecentDay],
) -> DayTypeDecision {
    let decision = |day_type: DayType, reason: String| DayTypeDecision {
        day_type,
        rule: day_type.rule_id().to_string(),
        reason,
        heavy_symptoms: Vec::new(),
        hot_flushes: false,
    };
    let pain = check_in.pain;
    if triage.level == TriageLevel::Emergency {
        let rules: Vec<&str> = triage
            .findings_at(TriageLevel::Emergency)
            .map(|f| f.rule.as_str())
            .collect();
        return decision(
            DayType::Stop,
            format!(
                "Your answers include an emergency warning sign ({}). No exercise today: get help first.",
                rules.join(", ")
            ),
        );
    }
    if open_urgent {
        return decision(
            DayType::Flare,
            "A warning sign needs a clinician today, so the plan stays gentle until you have been seen.".into(),
        );
    }
    if pain >= 7 {
        return decision(
            DayType::Flare,
            format!("Pain is {pain}/10, which is high: today is about easing it, not training."),
        );
    }
    if let Some(median) = recent_median(recent, check_in.date)
        && f64::from(pain) >= median + 3.0
    {
        return decision(
            DayType::Flare,
            format!(
                "Pain is {pain}/10, at least 3 points above your usual {} over the last two weeks.",
                format_score(median)
            ),
        );
    }
    if (4..=6).contains(&pain) {
        return decision(
            DayType::Gentle,
            format!("Pain is {pain}/10: move, but keep the load light today."),
        );
    }
    if let Some(sleep) = check_in.sleep.filter(|s| *s <= 3) {
        return decision(
            DayType::Gentle,
            format!("Sleep was {sleep}/10: a tired body does better with a lighter day."),
        );
    }
    if let Some(energy) = check_in.energy.filter(|e| *e <= 3) {
        return decision(
            DayType::Gentle,
            format!("Energy is {energy}/10: a lighter day will still keep you moving."),
        );
    }
    let recent_flare = recent.iter().any(|d| {
        let back = (check_in.date - d.date).num_days();
        (1..=2).contains(&back) && d.day_type.is_some_and(DayType::is_flare_like)
    });
    let rested = check_in.energy.is_some_and(|e| e >= 7) && check_in.sleep.is_some_and(|s| s >= 6);
    if pain <= 2 && rested && !recent_flare {
        return decision(
            DayType::Strong,
            format!(
                "Pain is {pain}/10 with good sleep and energy, and no flare in the last two days: a day to build strength."
            ),
        );
    }
    let why = if pain <= 2 && rested {
        "You had a flare in the last two days, so today stays steady rather than strong."
            .to_string()
    } else if pain <= 2 {
        format!(
            "Pain is {pain}/10: a steady day. Good sleep (6+) and energy (7+) would make it a strong one."
        )
    } else {
        format!("Pain is {pain}/10: a steady day of your usual routine.")
    };
    decision(DayType::Steady, why)
}

fn format_score(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::{TriageInput, evaluate};
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn check(v: serde_json::Value) -> CheckIn {
        CheckIn::parse(&v, today()).unwrap()
    }

    fn decide_for(v: serde_json::Value, recent: &[RecentDay]) -> DayTypeDecision {
        let c = check(v);
        let t = evaluate(&TriageInput::from_check_in(&c, Default::default()));
        let open_urgent = t.level == TriageLevel::Urgent;
        decide(&c, &t, open_urgent, recent)
    }

    fn days_ago(n: i64, pain: u8, day_type: Option<DayType>) -> RecentDay {
        RecentDay {
            date: today() - Duration::days(n),
            pain,
            day_type,
        }
    }

    #[test]
    fn day_types_read_back_from_their_names_and_carry_their_titles() {
        let titles = [
            (DayType::Stop, "stop", "Stop: get help now"),
            (DayType::Flare, "flare", "Flare day"),
            (DayType::Gentle, "gentle", "Gentle day"),
            (DayType::Steady, "steady", "Steady day"),
            (DayType::Strong, "strong", "Strong day"),
        ];
        for (d, name, title) in titles {
            assert_eq!(DayType::from_name(name), Some(d));
            assert_eq!(d.title(), title);
        }
        assert_eq!(DayType::from_name("Strong"), None);
        assert_eq!(DayType::from_name(""), None);
    }

    #[test]
    fn only_a_flare_or_stop_day_in_the_last_two_days_holds_back_a_strong_day() {
        let rested = json!({"pain": 1, "sleep": 8, "energy": 8});
        for before in [DayType::Gentle, DayType::Steady, DayType::Strong] {
            let d = decide_for(rested.clone(), &[days_ago(1, 1, Some(before))]);
            assert_eq!(d.day_type, DayType::Strong, "after a {before:?} day");
        }
        for before in [DayType::Flare, DayType::Stop] {
            let d = decide_for(rested.clone(), &[days_ago(2, 1, Some(before))]);
            assert_eq!(d.day_type, DayType::Steady, "after a {before:?} day");
            assert!(
                d.reason.contains("flare in the last two days"),
                "{}",
                d.reason
            );
        }
        let d = decide_for(rested.clone(), &[days_ago(3, 1, Some(DayType::Flare))]);
        assert_eq!(
            d.day_type,
            DayType::Strong,
            "three days back no longer counts"
        );
    }

    #[test]
    fn a_steady_day_says_why_it_is_not_strong() {
        let d = decide_for(json!({"pain": 2, "sleep": 5, "energy": 8}), &[]);
        assert_eq!(d.day_type, DayType::Steady);
        assert!(
            d.reason.contains("would make it a strong one"),
            "{}",
            d.reason
        );
        let d = decide_for(json!({"pain": 3, "sleep": 9, "energy": 9}), &[]);
        assert_eq!(d.day_type, DayType::Steady);
        assert!(d.reason.contains("your usual routine"), "{}", d.reason);
        // Rested at pain 3 is still not strong, and not for a flare.
        assert!(!d.reason.contains("flare"), "{}", d.reason);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let recent = [
            days_ago(1, 0, None),
            days_ago(2, 0, None),
            days_ago(3, 4, None),
            days_ago(4, 4, None),
        ];
        assert_eq!(recent_median(&recent, today()), Some(2.0));
        // Pain 5 is three above a median of 2 (and would not be above 4).
        let d = decide_for(json!({"pain": 5}), &recent);
        assert_eq!(d.day_type, DayType::Flare);
        assert!(d.reason.contains("your usual 2 over"), "{}", d.reason);
        let halves = [
            days_ago(1, 1, None),
            days_ago(2, 2, None),
            days_ago(3, 2, None),
            days_ago(4, 1, None),
        ];
        assert_eq!(recent_median(&halves, today()), Some(1.5));
        let d = decide_for(json!({"pain": 5}), &halves);
        assert!(d.reason.contains("your usual 1.5 over"), "{}", d.reason);
    }

    #[test]
    fn stop_on_any_emergency_whatever_else() {
        let d = decide_for(
            json!({"pain": 1, "sleep": 9, "energy": 9, "bowel_change": true}),
            &[],
        );
        assert_eq!(d.day_type, DayType::Stop);
        assert_eq!(d.rule, "DT-STOP");
        assert!(d.reason.contains("RF-CES-BOWEL"));
    }

    #[test]
    fn flare_on_open_urgent_finding() {
        let d = decide_for(
            json!({"pain": 1, "sleep": 9, "energy": 9, "fever": true}),
            &[],
        );
        assert_eq!(d.day_type, DayType::Flare);
        // an acknowledged urgent finding no longer forces a flare day
        let c = check(json!({"pain": 1, "sleep": 9, "energy": 9, "fever": true}));
        let t = evaluate(&TriageInput::from_check_in(&c, Default::default()));
        assert_eq!(decide(&c, &t, false, &[]).day_type, DayType::Strong);
    }

    #[test]
    fn one_acknowledged_urgent_finding_leaves_the_other_to_make_a_flare() {
        let c =
            check(json!({"pain": 1, "sleep": 9, "energy": 9, "fever": true, "night_pain": true}));
        let t = evaluate(&TriageInput::from_check_in(&c, Default::default()));
        let flare = |muted: &[&str]| decide(&c, &t, t.open_urgent(muted), &[]).day_type;
        assert_eq!(flare(&[]), DayType::Flare);
        assert_eq!(
            flare(&["RF-NIGHT-PAIN"]),
            DayType::Flare,
            "fever is still open"
        );
        assert_eq!(
            flare(&["RF-FEVER"]),
            DayType::Flare,
            "night pain is still open"
        );
        assert_eq!(flare(&["RF-FEVER", "RF-NIGHT-PAIN"]), DayType::Strong);
        // An emergency stops the day whatever is acknowledged.
        let c = check(json!({"pain": 1, "fever": true, "chest_pain": true}));
        let t = evaluate(&TriageInput::from_check_in(&c, Default::default()));
        let muted = ["RF-FEVER", "RF-CHEST-PAIN"];
        assert_eq!(
            decide(&c, &t, t.open_urgent(&muted), &[]).day_type,
            DayType::Stop
        );
    }

    #[test]
    fn flare_at_pain_seven_not_six() {
        assert_eq!(decide_for(json!({"pain": 7}), &[]).day_type, DayType::Flare);
        assert_eq!(
            decide_for(json!({"pain": 6}), &[]).day_type,
            DayType::Gentle
        );
    }

    #[test]
    fn flare_at_three_above_the_fourteen_day_median() {
        let recent = [
            days_ago(1, 1, None),
            days_ago(2, 1, None),
            days_ago(3, 2, None),
        ];
        // median 1; pain 4 is 3 above
        let d = decide_for(json!({"pain": 4}), &recent);
        assert_eq!(d.day_type, DayType::Flare);
        assert!(d.reason.contains("usual 1"));
        // pain 3 is only 2 above
        assert_eq!(
            decide_for(json!({"pain": 3}), &recent).day_type,
            DayType::Steady
        );
        // even median: (1 + 2) / 2 = 1.5; pain 4 is 2.5 above, pain 5 is 3.5 above
        let even = [days_ago(1, 1, None), days_ago(2, 2, None)];
        assert_eq!(
            decide_for(json!({"pain": 4}), &even).day_type,
            DayType::Gentle
        );
        assert_eq!(
            decide_for(json!({"pain": 5}), &even).day_type,
            DayType::Flare
        );
    }

    #[test]
    fn median_uses_only_the_fourteen_days_before() {
        let recent = [
            days_ago(15, 0, None),
            days_ago(14, 6, None),
            days_ago(0, 0, None),
        ];
        assert_eq!(recent_median(&recent, today()), Some(6.0));
        assert_eq!(recent_median(&[], today()), None);
    }

    #[test]
    fn gentle_rows() {
        for pain in 4..=6 {
            assert_eq!(
                decide_for(json!({"pain": pain}), &[]).day_type,
                DayType::Gentle
            );
        }
        assert_eq!(
            decide_for(json!({"pain": 2, "sleep": 3}), &[]).day_type,
            DayType::Gentle
        );
        assert_eq!(
            decide_for(json!({"pain": 2, "sleep": 4}), &[]).day_type,
            DayType::Steady
        );
        assert_eq!(
            decide_for(json!({"pain": 2, "energy": 3}), &[]).day_type,
            DayType::Gentle
        );
        assert_eq!(
            decide_for(json!({"pain": 2, "energy": 4}), &[]).day_type,
            DayType::Steady
        );
    }

    #[test]
    fn strong_needs_low_pain_good_sleep_and_energy_and_no_recent_flare() {
        let strong = json!({"pain": 2, "sleep": 6, "energy": 7});
        let d = decide_for(strong.clone(), &[]);
        assert_eq!(d.day_type, DayType::Strong);
        assert_eq!(d.rule, "DT-STRONG");
        assert_eq!(
            decide_for(json!({"pain": 3, "sleep": 6, "energy": 7}), &[]).day_type,
            DayType::Steady
        );
        assert_eq!(
            decide_for(json!({"pain": 2, "sleep": 5, "energy": 7}), &[]).day_type,
            DayType::Steady
        );
        assert_eq!(
            decide_for(json!({"pain": 2, "sleep": 6, "energy": 6}), &[]).day_type,
            DayType::Steady
        );
        assert_eq!(
            decide_for(json!({"pain": 2}), &[]).day_type,
            DayType::Steady
        );
        for (back, expect) in [
            (1, DayType::Steady),
            (2, DayType::Steady),
            (3, DayType::Strong),
        ] {
            let recent = [days_ago(back, 2, Some(DayType::Flare))];
            assert_eq!(
                decide_for(strong.clone(), &recent).day_type,
                expect,
                "flare {back} days ago"
            );
        }
        let recent = [days_ago(1, 2, Some(DayType::Stop))];
        assert_eq!(decide_for(strong, &recent).day_type, DayType::Steady);
    }

    #[test]
    fn steady_otherwise() {
        let d = decide_for(json!({"pain": 3, "sleep": 5, "energy": 5}), &[]);
        assert_eq!(d.day_type, DayType::Steady);
        assert_eq!(d.rule, "DT-STEADY");
        assert!(!d.reason.is_empty());
    }
}
