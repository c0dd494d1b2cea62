use super::*;
use serde_json::{Value, json};

const DATE: &str = "2026-11-24";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn back(n: i64) -> NaiveDate {
    day(DATE) - Duration::days(n)
}

/// A log of periods, each `(days back to its first day, flow days)`, medium flow.
fn log(periods: &[(i64, i64)]) -> Vec<Value> {
    let mut out = Vec::new();
    for (start, len) in periods {
        for k in 0..*len {
            out.push(json!({"date": back(start - k).to_string(), "flow": "medium"}));
        }
    }
    out
}

fn assess_json(v: Value) -> StageAssessment {
    assess(&StageInput::parse(&v, day(DATE)).expect("valid stage input"))
}

fn stage_of(bleeding: Vec<Value>, context: Value) -> StageAssessment {
    assess_json(json!({"date": DATE, "bleeding": bleeding, "context": context}))
}

/// Periods every `cycle` days, `n` of them, the last starting `last` days back, 5 days each.
fn regular(n: i64, cycle: i64, last: i64) -> Vec<(i64, i64)> {
    (0..n).map(|k| (last + (n - 1 - k) * cycle, 5)).collect()
}

fn rules(a: &StageAssessment) -> Vec<&str> {
    a.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn periods_start_on_flow_after_two_days_without_and_allow_one_day_gaps() {
    let v = json!({"date": DATE, "bleeding": [
        {"date": back(40).to_string(), "flow": "spotting"},   // spotting alone starts nothing
        {"date": back(30).to_string(), "flow": "light"},      // a period starts
        {"date": back(29).to_string(), "flow": "heavy"},
        {"date": back(27).to_string(), "flow": "spotting"},   // one day's gap: still the period
        {"date": back(24).to_string(), "flow": "medium"},     // two days' gap: a new period
        {"date": back(10).to_string(), "flow": "none"}
    ]});
    let a = assess_json(v);
    assert_eq!(
        a.periods,
        [
            Period {
                start: back(30),
                end: back(27)
            },
            Period {
                start: back(24),
                end: back(24)
            }
        ]
    );
    assert_eq!(a.cycle_lengths, [6]);
}

#[test]
fn regular_cycles_are_reproductive_and_one_cycle_is_not_enough() {
    let a = stage_of(log(&regular(3, 28, 10)), json!([]));
    assert_eq!(a.stage.as_deref(), Some("PH-REPRO"));
    assert_eq!(a.cycle_lengths, [28, 28]);
    assert!(a.reason.contains("28, 28"), "{}", a.reason);
    let a = stage_of(log(&regular(2, 28, 10)), json!([]));
    assert_eq!(a.stage, None, "one complete cycle: not enough data");
    assert!(a.reason.starts_with("Not enough data"));
    let a = stage_of(vec![], json!([]));
    assert_eq!((a.stage, a.periods.len()), (None, 0));
}

#[test]
fn early_transition_needs_two_differences_of_seven_within_ten_cycles() {
    // cycles 28, 35 (difference 7), 28 (7 again): early
    let starts = [10 + 28 + 35 + 28, 10 + 28 + 35, 10 + 28, 10];
    let p: Vec<(i64, i64)> = starts.iter().map(|s| (*s, 4)).collect();
    let a = stage_of(log(&p), json!([]));
    assert_eq!(a.cycle_lengths, [28, 35, 28]);
    assert_eq!(a.stage.as_deref(), Some("PH-EARLY"));
    assert!(a.reason.contains("a 7-day difference"), "{}", a.reason);
    // a difference of 6 does not count
    let starts = [10 + 28 + 34 + 28, 10 + 28 + 34, 10 + 28, 10];
    let p: Vec<(i64, i64)> = starts.iter().map(|s| (*s, 4)).collect();
    assert_eq!(
        stage_of(log(&p), json!([])).stage.as_deref(),
        Some("PH-REPRO")
    );
    // one difference alone is not persistent
    let starts = [10 + 28 + 28 + 35, 10 + 28 + 28, 10 + 28, 10];
    let p: Vec<(i64, i64)> = starts.iter().map(|s| (*s, 4)).collect();
    assert_eq!(
        stage_of(log(&p), json!([])).stage.as_deref(),
        Some("PH-REPRO")
    );
}

/// Cycle lengths laid out as periods ending 5 days back.
fn from_cycles(cycles: &[i64]) -> Vec<(i64, i64)> {
    let mut starts = vec![5i64];
    for c in cycles.iter().rev() {
        starts.push(starts.last().unwrap() + c);
    }
    starts.reverse();
    starts.into_iter().map(|s| (s, 3)).collect()
}

#[test]
fn the_second_difference_must_come_within_ten_cycles_of_the_first() {
    // differences at i = 0 and j = 10: early; at j = 11: not
    let mut within = vec![28, 36];
    within.extend(std::iter::repeat_n(36, 9));
    within.push(28);
    let a = stage_of(log(&from_cycles(&within)), json!([]));
    assert_eq!(a.cycle_lengths, within);
    assert_eq!(a.stage.as_deref(), Some("PH-EARLY"), "j - i = 10");
    let mut beyond = vec![28, 36];
    beyond.extend(std::iter::repeat_n(36, 10));
    beyond.push(28);
    let a = stage_of(log(&from_cycles(&beyond)), json!([]));
    assert_eq!(a.stage.as_deref(), Some("PH-REPRO"), "j - i = 11");
}

#[test]
fn sixty_days_without_a_period_is_the_late_transition() {
    // between periods: start - end - 1 = 60 is late, 59 is not
    let gap = |days: i64| {
        // the first period 3 days long ending at E; the next starts E + days + 1
        let next_start = 20;
        let first_end = next_start + days + 1;
        let first_start = first_end + 2;
        stage_of(log(&[(first_start, 3), (next_start, 3)]), json!([]))
    };
    assert_eq!(gap(60).stage.as_deref(), Some("PH-LATE"));
    assert_eq!(
        gap(59).stage,
        None,
        "one cycle only and no long gap: not enough data"
    );
    // after the last period: date - end >= 60
    let a = stage_of(log(&[(120, 3), (92, 3), (62, 3)]), json!([]));
    assert_eq!(a.periods.last().unwrap().end, back(60));
    assert_eq!(a.stage.as_deref(), Some("PH-LATE"));
    let a = stage_of(log(&[(119, 3), (91, 3), (61, 3)]), json!([]));
    assert_eq!(
        a.stage.as_deref(),
        Some("PH-REPRO"),
        "59 days since the end"
    );
}

#[test]
fn a_year_without_bleeding_makes_the_last_period_final() {
    // the last period ended 365 days back: postmenopause, final period its first day
    let a = stage_of(log(&[(400, 3), (367, 3)]), json!([]));
    assert_eq!(a.periods.last().unwrap().end, back(365));
    assert_eq!(a.stage.as_deref(), Some("PH-POST"));
    assert_eq!(a.final_period, Some(back(367)));
    assert_eq!(a.substage.as_deref(), Some("+1b"));
    let a = stage_of(log(&[(400, 3), (366, 3)]), json!([]));
    assert_eq!(
        a.stage.as_deref(),
        Some("PH-LATE"),
        "364 days: not yet a year"
    );
    // substages by whole years since the final period's first day
    for (years, want) in [(1, "+1b"), (2, "+1c"), (7, "+1c"), (8, "+2")] {
        let start = (day(DATE) - chrono::Months::new(12 * years))
            .signed_duration_since(day(DATE))
            .num_days()
            .abs();
        let a = stage_of(log(&[(start.max(367), 3)]), json!([]));
        assert_eq!(a.stage.as_deref(), Some("PH-POST"));
        assert_eq!(a.substage.as_deref(), Some(want), "{years} years");
    }
    // bleeding after the gap does not move the stage back: it is RF-PMB
    let mut b = log(&[(500, 3)]);
    b.push(json!({"date": back(20).to_string(), "flow": "spotting"}));
    let a = stage_of(b, json!([]));
    assert_eq!(a.stage.as_deref(), Some("PH-POST"));
    assert_eq!(a.final_period, Some(back(500)));
    assert_eq!(rules(&a), ["RF-PMB"]);
}

#[test]
fn an_oophorectomy_is_surgical_menopause_by_whole_years() {
    for (from, want) in [
        ("2026-01-01", "+1a"),
        ("2025-11-24", "+1b"),
        ("2024-11-24", "+1c"),
        ("2019-11-25", "+1c"),
        ("2018-11-24", "+2"),
    ] {
        let a = stage_of(
            log(&regular(4, 28, 10)),
            json!([{"kind": "oophorectomy", "from": from, "to": null}]),
        );
        assert_eq!(a.stage.as_deref(), Some("PH-POST"), "{from}");
        assert_eq!(a.substage.as_deref(), Some(want), "{from}");
        assert_eq!(a.final_period, Some(day(from)));
        assert!(a.reason.contains("surgical"));
    }
}

#[test]
fn masking_context_within_the_year_makes_the_stage_unknown() {
    for kind in [
        "hormonal_contraception",
        "hormone_therapy_systemic",
        "hysterectomy",
        "endometrial_ablation",
    ] {
        let a = stage_of(
            log(&regular(4, 28, 10)),
            json!([{"kind": kind, "from": "2020-01-01", "to": null}]),
        );
        assert_eq!(a.stage.as_deref(), Some("PH-UNKNOWN"), "{kind}");
        assert!(a.reason.contains("cannot show"), "{}", a.reason);
    }
    // ended 365 days back: still within the year; 366: no longer masks
    let ended = |n: i64| {
        stage_of(
            log(&regular(4, 28, 10)),
            json!([{"kind": "hormonal_contraception", "from": "2020-01-01", "to": back(n).to_string()}]),
        )
    };
    assert_eq!(ended(365).stage.as_deref(), Some("PH-UNKNOWN"));
    assert_eq!(ended(366).stage.as_deref(), Some("PH-REPRO"));
    // vaginal estrogen does not mask
    let a = stage_of(
        log(&regular(4, 28, 10)),
        json!([{"kind": "hormone_therapy_vaginal", "from": "2020-01-01", "to": null}]),
    );
    assert_eq!(a.stage.as_deref(), Some("PH-REPRO"));
    // surgery wins over a masking context
    let a = stage_of(
        vec![],
        json!([{"kind": "hysterectomy", "from": "2021-03-01", "to": null}, {"kind": "oophorectomy", "from": "2021-03-01", "to": null}]),
    );
    assert_eq!(a.stage.as_deref(), Some("PH-POST"));
}

#[test]
fn bleeding_findings_fire_within_ninety_days() {
    // RF-LONG-BLEED: 8 days of flow, the eighth within the 90 days
    let a = stage_of(log(&[(40, 8)]), json!([]));
    assert_eq!(rules(&a), ["RF-LONG-BLEED"]);
    assert!(
        rules(&stage_of(log(&[(40, 7)]), json!([]))).is_empty(),
        "7 days is a normal period"
    );
    // the eighth day 89 days back fires, 90 does not
    assert_eq!(
        rules(&stage_of(log(&[(96, 8)]), json!([]))),
        ["RF-LONG-BLEED"]
    );
    assert!(rules(&stage_of(log(&[(97, 8)]), json!([]))).is_empty());
    // RF-BLEED-BETWEEN: three spotting days outside periods between two starts
    let mut b = log(&[(60, 4), (32, 4)]);
    for n in [50, 47, 44] {
        b.push(json!({"date": back(n).to_string(), "flow": "spotting"}));
    }
    assert_eq!(rules(&stage_of(b.clone(), json!([]))), ["RF-BLEED-BETWEEN"]);
    b.pop();
    assert!(
        rules(&stage_of(b, json!([]))).is_empty(),
        "two days are not enough"
    );
    // after sex, one day is enough
    let mut b = log(&[(60, 4), (32, 4)]);
    b.push(json!({"date": back(10).to_string(), "flow": "spotting", "after_sex": true}));
    assert_eq!(rules(&stage_of(b, json!([]))), ["RF-BLEED-BETWEEN"]);
    // RF-PMB: bleeding 365 days or more after the end of the period before it (that period
    // ends 398 days back, so 33 days back is exactly 365 days after); not on systemic HRT
    let mut b = log(&[(400, 3)]);
    b.push(json!({"date": back(33).to_string(), "flow": "spotting"}));
    assert_eq!(rules(&stage_of(b.clone(), json!([]))), ["RF-PMB"]);
    let on_hrt =
        json!([{"kind": "hormone_therapy_systemic", "from": back(60).to_string(), "to": null}]);
    assert!(rules(&stage_of(b, on_hrt)).is_empty());
    let mut b = log(&[(400, 3)]);
    b.push(json!({"date": back(34).to_string(), "flow": "spotting"}));
    assert!(
        !rules(&stage_of(b, json!([]))).contains(&"RF-PMB"),
        "364 days after the end: not yet"
    );
}

#[test]
fn bad_input_names_the_field() {
    let bad = |v: Value, field: &str| {
        let e = StageInput::parse(&v, day(DATE)).expect_err(&v.to_string());
        assert!(e.message_for(field).is_some(), "{field}: {e:?}");
    };
    bad(json!({}), "date");
    bad(json!({"date": "2026-11-25"}), "date");
    bad(json!({"date": DATE, "mood": 3}), "mood");
    bad(
        json!({"date": DATE, "bleeding": [{"date": "2026-11-25", "flow": "light"}]}),
        "bleeding[0].date",
    );
    bad(
        json!({"date": DATE, "bleeding": [{"date": "2026-11-20", "flow": "gushing"}]}),
        "bleeding[0].flow",
    );
    bad(
        json!({"date": DATE, "bleeding": [{"date": "2026-11-20", "flow": "light", "colour": "red"}]}),
        "bleeding[0].colour",
    );
    bad(
        json!({"date": DATE, "bleeding": [{"date": "2026-11-20", "flow": "light"}, {"date": "2026-11-20", "flow": "none"}]}),
        "bleeding[1].date",
    );
    bad(
        json!({"date": DATE, "context": [{"kind": "pill", "from": "2020-01-01"}]}),
        "context[0].kind",
    );
    bad(
        json!({"date": DATE, "context": [{"kind": "hysterectomy", "from": "2020-01-01", "to": "2019-01-01"}]}),
        "context[0].to",
    );
    bad(
        json!({"date": DATE, "context": [{"kind": "hysterectomy", "from": "2027-01-01"}]}),
        "context[0].from",
    );
    bad(json!({"date": DATE, "bleeding": "lots"}), "bleeding");
}

#[test]
fn the_output_has_the_contract_s_shape() {
    let a = stage_of(log(&regular(3, 28, 10)), json!([]));
    let v = serde_json::to_value(&a).unwrap();
    for k in [
        "stage",
        "substage",
        "final_period",
        "periods",
        "cycle_lengths",
        "findings",
        "reason",
    ] {
        assert!(v.get(k).is_some(), "{k}");
    }
    assert_eq!(v["periods"][0]["start"], back(66).to_string());
    assert_eq!(v["substage"], Value::Null);
}

mod invariants {
    use super::*;
    use crate::triage::{self, TriageInput};
    use proptest::prelude::*;

    fn arb_log() -> impl Strategy<Value = Vec<Value>> {
        proptest::collection::vec((0i64..800, 0usize..5, any::<bool>()), 0..60).prop_map(|days| {
            let mut seen = std::collections::BTreeSet::new();
            days.into_iter()
                .filter(|(n, _, _)| seen.insert(*n))
                .map(|(n, f, after_sex)| {
                    json!({"date": back(n).to_string(), "flow": Flow::ALL[f].0, "after_sex": after_sex})
                })
                .collect()
        })
    }

    fn arb_context() -> impl Strategy<Value = Vec<Value>> {
        proptest::collection::vec(
            (0usize..6, 0i64..3000, proptest::option::of(0i64..400)),
            0..3,
        )
        .prop_map(|entries| {
            entries
                .into_iter()
                .map(|(k, from, len)| {
                    let from_d = back(from);
                    let to = len.map(|l| (from_d + Duration::days(l)).min(back(0)).to_string());
                    json!({"kind": ContextKind::ALL[k].0, "from": from_d.to_string(), "to": to})
                })
                .collect()
        })
    }

    proptest! {
        /// No bleeding log or context hides or lowers a red flag of section 1: the bleeding
        /// findings are only ever added to the day's triage, each at level soon.
        #[test]
        fn bleeding_and_context_never_hide_or_lower_a_red_flag(
            log in arb_log(),
            context in arb_context(),
            pain in 0u8..=10,
            answers in proptest::collection::vec(proptest::option::of(any::<bool>()), crate::rules::Question::ALL.len()),
        ) {
            let mut body = json!({"pain": pain});
            for (q, a) in crate::rules::Question::ALL.iter().zip(answers) {
                if let Some(a) = a {
                    body[q.name()] = json!(a);
                }
            }
            let c = crate::CheckIn::parse(&body, day_of()).unwrap();
            let before = triage::evaluate(&TriageInput::from_check_in(&c, Default::default()));
            let a = assess(&StageInput::parse(&json!({"date": DATE, "bleeding": log, "context": context}), day(DATE)).unwrap());
            let mut after = before.clone();
            after.add_findings(a.findings.iter().map(|f| crate::Finding {
                rule: f.rule.clone(), level: f.level, source: f.source.clone(), message: f.message.clone(),
            }).collect());
            prop_assert!(after.level >= before.level);
            for f in &before.findings {
                prop_assert!(after.findings.contains(f), "{} kept", f.rule);
            }
            prop_assert!(a.findings.iter().all(|f| f.level == TriageLevel::Soon));
            let order: Vec<TriageLevel> = after.findings.iter().map(|f| f.level).collect();
            prop_assert!(order.windows(2).all(|w| w[0] >= w[1]), "highest level first");
            prop_assert_eq!(&after.missing, &before.missing);
        }
    }

    fn day_of() -> NaiveDate {
        day(DATE)
    }
}
