use super::*;
use serde_json::json;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn spearman_matches_known_values_with_and_without_ties() {
    // scipy.stats.spearmanr gives 0.8207826816681233 for these (a tie in y)
    let r = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]).unwrap();
    assert!(close(r, 0.8207826816681233), "{r}");
    // ties on both sides: 0.8333...
    let r = spearman(&[1.0, 1.0, 2.0, 3.0], &[1.0, 2.0, 2.0, 3.0]).unwrap();
    assert!(close(r, 3.75 / 4.5), "{r}");
    assert!(close(
        spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]).unwrap(),
        1.0
    ));
    assert!(close(
        spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap(),
        -1.0
    ));
    // monotonic but not linear is still 1
    assert!(close(
        spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 4.0, 9.0, 100.0]).unwrap(),
        1.0
    ));
    assert_eq!(
        spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]),
        None,
        "no variation"
    );
    assert_eq!(spearman(&[1.0, 2.0], &[1.0, 2.0]), None, "too few");
}

#[test]
fn ranks_average_ties() {
    assert_eq!(ranks(&[10.0, 20.0, 10.0, 30.0]), [1.5, 3.0, 1.5, 4.0]);
}

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + Duration::days(n)
}

#[test]
fn associations_need_21_paired_days_and_never_say_cause() {
    let date = day(60);
    let mut pain = BTreeMap::new();
    let mut walking = BTreeMap::new();
    for n in 0..60 {
        let w = (n % 6) as f64 * 10.0;
        walking.insert(day(n), w);
        // more walking, lower pain the next day
        pain.insert(day(n + 1), (6.0 - w / 10.0) as u8);
    }
    let twenty: BTreeMap<NaiveDate, f64> =
        walking.range(day(40)..).map(|(d, v)| (*d, *v)).collect();
    let a = associations(&pain, &[("walking", "Walking", twenty)], date);
    assert_eq!(a[0].n, 20);
    assert_eq!(a[0].rho, None);
    assert_eq!(a[0].strength, "not enough data");
    let twenty_one: BTreeMap<NaiveDate, f64> =
        walking.range(day(39)..).map(|(d, v)| (*d, *v)).collect();
    let a = associations(&pain, &[("walking", "Walking", twenty_one)], date);
    assert_eq!(a[0].n, 21);
    assert_eq!(a[0].rho, Some(-1.0));
    assert_eq!(a[0].strength, "strong");
    assert!(a[0].summary.contains("lower pain"));
    assert!(a[0].summary.contains("not proof of cause"));
    assert!(!a[0].summary.contains("because"));
}

#[test]
fn a_pattern_is_shown_only_from_a_rho_of_0_3() {
    for r in [0.29, -0.29, 0.0, 0.1] {
        let text = pattern_summary("Walking", r, 30);
        assert!(text.starts_with("Not enough to say yet"), "{r}: {text}");
    }
    let text = pattern_summary("Walking", -0.3, 30);
    assert!(
        text.starts_with("A moderate link") && text.contains("lower pain"),
        "{text}"
    );
    assert!(text.contains("not proof of cause"));
    let text = pattern_summary("Sitting", 0.55, 40);
    assert!(
        text.starts_with("A strong link") && text.contains("higher pain"),
        "{text}"
    );
}

#[test]
fn strength_words_at_their_boundaries() {
    assert_eq!(strength(0.09), "no clear link");
    assert_eq!(strength(-0.1), "weak");
    assert_eq!(strength(0.29), "weak");
    assert_eq!(strength(0.3), "moderate");
    assert_eq!(strength(-0.49), "moderate");
    assert_eq!(strength(0.5), "strong");
}

fn instrument(id: &str) -> Instrument {
    instruments().iter().find(|i| i.id == id).unwrap().clone()
}

#[test]
fn peg_is_the_mean_of_three_to_one_decimal() {
    let peg = instrument("peg");
    assert_eq!(peg.items.len(), 3);
    assert_eq!(peg.score(&[5, 6, 6]).total, 5.7);
    assert_eq!(peg.score(&[0, 0, 0]).total, 0.0);
    assert_eq!(peg.score(&[10, 10, 10]).total, 10.0);
    assert_eq!(peg.score(&[1, 2, 2]).total, 1.7);
    let e = peg
        .parse_answers(&json!({"pain": 11, "enjoyment": 2}))
        .unwrap_err();
    assert!(e.message_for("pain").is_some());
    assert_eq!(e.message_for("activity"), Some("is required"));
    assert!(
        peg.parse_answers(&json!({"pain": 1, "enjoyment": 2, "activity": 3, "mood": 1}))
            .unwrap_err()
            .message_for("mood")
            .is_some()
    );
}

#[test]
fn mrs_total_subscales_and_every_band_boundary() {
    let mrs = instrument("mrs");
    assert_eq!(mrs.items.len(), 11);
    let with_total = |t: u8| {
        let mut a = vec![0u8; 11];
        let mut left = t;
        for slot in a.iter_mut() {
            let v = left.min(4);
            *slot = v;
            left -= v;
        }
        mrs.score(&a)
    };
    for (total, band) in [
        (0, "none or little"),
        (4, "none or little"),
        (5, "mild"),
        (8, "mild"),
        (9, "moderate"),
        (15, "moderate"),
        (16, "severe"),
        (44, "severe"),
    ] {
        let s = with_total(total);
        assert_eq!(s.total, f64::from(total));
        assert_eq!(s.band.as_deref(), Some(band), "total {total}");
    }
    // somatic = items 1, 2, 3, 11; psychological = 4-7; urogenital = 8-10
    let s = mrs.score(&[1, 2, 3, 4, 4, 4, 4, 1, 1, 1, 2]);
    assert_eq!(s.subscales["somatic"], 8.0);
    assert_eq!(s.subscales["psychological"], 16.0);
    assert_eq!(s.subscales["urogenital"], 3.0);
    assert_eq!(s.total, 27.0);
    assert!(
        mrs.parse_answers(&json!({"hot_flushes": 5}))
            .unwrap_err()
            .message_for("hot_flushes")
            .is_some()
    );
}

#[test]
fn reminders_when_due() {
    let peg = instrument("peg");
    assert!(peg.is_due(None, day(0)));
    assert!(!peg.is_due(Some(day(0)), day(6)));
    assert!(peg.is_due(Some(day(0)), day(7)));
    let mrs = instrument("mrs");
    assert!(!mrs.is_due(Some(day(0)), day(29)));
    assert!(mrs.is_due(Some(day(0)), day(30)));
}

#[test]
fn trends_report_means_episode_and_not_enough_data() {
    let mut days = BTreeMap::new();
    for n in 0..50 {
        days.insert(
            day(n),
            DayFigures {
                pain: if n < 20 { 2 } else { 5 },
                sleep: Some(6),
                ..Default::default()
            },
        );
    }
    let t = trends(&days, day(49), 4);
    assert_eq!(t.pain_7_day_mean, Some(5.0));
    assert_eq!(t.weeks.len(), 4);
    assert_eq!(t.weeks[0].check_ins, 7);
    assert_eq!(t.episode_start, Some(day(20)));
    assert_eq!(t.episode_days, Some(29));
    // a step from 2 to 5 with no improvement since: T1 holds
    assert_eq!(t.trend.t1, Some(true));
    let empty = trends(&BTreeMap::new(), day(49), 2);
    assert_eq!(empty.pain_7_day_mean, None);
    assert_eq!(empty.trend.t1, None);
}
