use super::*;
use proptest::prelude::*;
use serde_json::json;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2026-11-24";

fn triage(v: Value) -> TriageResult {
    evaluate(&TriageInput::parse(&v, day(TODAY)).expect("valid input"))
}

fn rules_of(r: &TriageResult) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

/// Every symptom row: the answer that fires it, and the level it must give.
const ROWS: &[(&str, &str, &str)] = &[
    ("RF-CES-SADDLE", "saddle_numbness", "emergency"),
    ("RF-CES-BLADDER", "bladder_change", "emergency"),
    ("RF-CES-BOWEL", "bowel_change", "emergency"),
    ("RF-CES-SEXUAL", "sexual_change", "emergency"),
    ("RF-BOTH-LEGS", "both_legs_symptoms", "emergency"),
    ("RF-LEG-PROGRESSIVE", "leg_weakness_worsening", "emergency"),
    ("RF-MAJOR-TRAUMA", "serious_accident", "emergency"),
    ("RF-CHEST-PAIN", "chest_pain", "emergency"),
    ("RF-FEVER", "fever", "urgent"),
    ("RF-WEIGHT-LOSS", "unexplained_weight_loss", "urgent"),
    ("RF-LUMP", "back_lump_or_shape_change", "urgent"),
    ("RF-NIGHT-PAIN", "night_pain", "urgent"),
    ("RF-COUGH", "worse_with_cough_sneeze", "urgent"),
    ("RF-CANCER-HISTORY", "cancer_history", "urgent"),
    ("RF-ONE-LEG", "one_leg_weakness_or_numbness", "urgent"),
    ("RF-FALL", "fall_or_impact", "urgent"),
];

fn all_no() -> serde_json::Map<String, Value> {
    Question::ALL
        .iter()
        .map(|q| (q.name().to_string(), Value::Bool(false)))
        .collect()
}

#[test]
fn each_boolean_row_fires_alone_with_its_level_and_not_when_answered_no() {
    for (rule, field, level) in ROWS {
        let mut yes = all_no();
        yes.insert("pain".into(), json!(5));
        yes.insert((*field).into(), json!(true));
        let r = triage(Value::Object(yes));
        assert_eq!(rules_of(&r), [*rule], "{field}");
        assert_eq!(r.level.name(), *level, "{rule}");
        assert_eq!(r.findings[0].level.name(), *level);
        assert!(!r.findings[0].source.is_empty());
        assert!(!r.findings[0].message.is_empty());

        let mut no = all_no();
        no.insert("pain".into(), json!(5));
        let r = triage(Value::Object(no));
        assert_eq!(r.level, TriageLevel::None, "{rule} must not fire on no");
        assert!(r.findings.is_empty());
        assert!(r.missing.is_empty());
    }
}

#[test]
fn both_legs_also_fires_from_pain_in_both_legs() {
    let r = triage(json!({"pain": 4, "locations": ["left_leg", "right_leg"]}));
    assert_eq!(rules_of(&r), ["RF-BOTH-LEGS"]);
    let r = triage(json!({"pain": 4, "locations": ["left_leg"]}));
    assert!(r.findings.is_empty());
}

#[test]
fn upper_back_fires_from_location_only() {
    let r = triage(json!({"pain": 4, "locations": ["upper_back"]}));
    assert_eq!(rules_of(&r), ["RF-UPPER-BACK"]);
    assert_eq!(r.level, TriageLevel::Urgent);
    let r = triage(json!({"pain": 4, "locations": ["lower_back", "neck"]}));
    assert!(r.findings.is_empty());
}

#[test]
fn fracture_risk_needs_sudden_onset_and_a_bone_risk() {
    for risk in [
        "known_low_bone_density",
        "previous_fragility_fracture",
        "oral_steroids_3_months",
    ] {
        let r = triage(json!({"pain": 7, "onset": "sudden", risk: true}));
        assert_eq!(rules_of(&r), ["RF-FRACTURE-RISK"], "{risk}");
        assert_eq!(r.level, TriageLevel::Urgent);
        let r = triage(json!({"pain": 7, "onset": "gradual", risk: true}));
        assert!(r.findings.is_empty(), "{risk} gradual");
        let r = triage(json!({"pain": 7, risk: true}));
        assert!(r.findings.is_empty(), "{risk} without onset");
    }
    let r = triage(json!({"pain": 7, "onset": "sudden", "known_low_bone_density": false}));
    assert!(r.findings.is_empty());
}

#[test]
fn emergencies_fire_even_at_pain_zero() {
    let r = triage(json!({"pain": 0, "bladder_change": true}));
    assert_eq!(r.level, TriageLevel::Emergency);
}

#[test]
fn level_is_the_highest_finding_and_emergencies_come_first() {
    let r = triage(json!({"pain": 6, "fever": true, "chest_pain": true, "night_pain": true}));
    assert_eq!(r.level, TriageLevel::Emergency);
    assert_eq!(rules_of(&r), ["RF-CHEST-PAIN", "RF-FEVER", "RF-NIGHT-PAIN"]);
}

#[test]
fn missing_lists_every_unanswered_emergency_question_in_order() {
    let r =
        triage(json!({"pain": 3, "bladder_change": false, "chest_pain": false, "fever": false}));
    assert_eq!(
        r.missing,
        [
            "saddle_numbness",
            "bowel_change",
            "sexual_change",
            "both_legs_symptoms",
            "leg_weakness_worsening",
            "serious_accident"
        ]
    );
    let r = triage(json!({"pain": 3}));
    assert_eq!(r.missing.len(), 8);
    // null is "not asked", like absent
    let r = triage(json!({"pain": 3, "saddle_numbness": null}));
    assert!(r.missing.contains(&"saddle_numbness".to_string()));
}

#[test]
fn contract_refuses_bad_input_naming_the_field() {
    let today = day(TODAY);
    let bad = [
        (json!({}), "pain"),
        (json!({"pain": 11}), "pain"),
        (json!({"pain": 2, "age": 121}), "age"),
        (json!({"pain": 2, "age": "48"}), "age"),
        (json!({"pain": 2, "fever": "yes"}), "fever"),
        (json!({"pain": 2, "fevers": true}), "fevers"),
        (json!({"pain": 2, "onset": "slowly"}), "onset"),
        (json!({"pain": 2, "locations": ["hip"]}), "locations[0]"),
        (json!({"pain": 2, "date": "2026-13-01"}), "date"),
        (json!({"pain": 2, "date": "2026-11-25"}), "date"),
        (json!({"pain": 2, "history": {}}), "history"),
        (
            json!({"pain": 2, "history": [{"date": "2026-11-01"}]}),
            "history[0].pain",
        ),
        (
            json!({"pain": 2, "history": [{"date": "x", "pain": 1}]}),
            "history[0].date",
        ),
        (
            json!({"pain": 2, "history": [{"date": "2026-11-01", "pain": 1, "mood": 2}]}),
            "history[0].mood",
        ),
        (json!({"pain": 2, "history": [3]}), "history[0]"),
        (json!("pain"), "body"),
    ];
    for (input, field) in bad {
        let errors = TriageInput::parse(&input, today).expect_err(&input.to_string());
        assert!(
            errors.message_for(field).is_some(),
            "{input} should name {field}: {errors:?}"
        );
    }
}

/// Builds a history with `per_week` scores in each of the windows W0..W5, with the given means.
fn weekly(date: NaiveDate, means: [u8; 6], per_week: i64) -> Vec<Value> {
    let mut out = Vec::new();
    for (w, mean) in means.iter().enumerate() {
        for k in 0..per_week {
            let d = date - Duration::days(7 * w as i64 + k);
            out.push(json!({"date": d.to_string(), "pain": mean}));
        }
    }
    out
}

#[test]
fn t1_fires_on_steady_worsening_of_one_point() {
    let date = day(TODAY);
    // W0 newest .. W5 oldest
    let r =
        triage(json!({"pain": 5, "date": TODAY, "history": weekly(date, [5, 5, 4, 4, 4, 4], 3)}));
    assert_eq!(r.trend.t1, Some(true));
    assert!(rules_of(&r).contains(&"RF-WORSENING-6W"));
    assert_eq!(r.level, TriageLevel::Soon);
}

#[test]
fn t1_needs_a_full_point_of_change() {
    let date = day(TODAY);
    let r =
        triage(json!({"pain": 4, "date": TODAY, "history": weekly(date, [4, 4, 4, 4, 4, 4], 3)}));
    assert_eq!(r.trend.t1, Some(false));
    assert!(!rules_of(&r).contains(&"RF-WORSENING-6W"));
}

#[test]
fn t1_is_broken_by_a_real_improvement_of_more_than_half_a_point() {
    let date = day(TODAY);
    // W2 (4) is a full point better than W3 (5)... then rises to 6: an improvement happened.
    let r = triage(json!({"pain": 6, "history": weekly(date, [6, 6, 4, 5, 4, 4], 3)}));
    assert_eq!(r.trend.t1, Some(false));
}

#[test]
fn t1_tolerates_a_dip_of_exactly_half_a_point() {
    let date = day(TODAY);
    let mut h = weekly(date, [6, 6, 5, 5, 5, 5], 4);
    // W2 mean 4.5 against W3 mean 5: a dip of exactly 0.5 is not a real improvement.
    for k in 0..2 {
        let d = date - Duration::days(14 + k);
        h.push(json!({"date": d.to_string(), "pain": 4}));
    }
    // later entries replace earlier ones for the same date
    let r = triage(json!({"pain": 6, "history": h}));
    assert_eq!(r.trend.t1, Some(true));
}

/// A history with the given scores in each window W0..W5, one a day from the window's
/// newest day back (W0's first score is today's pain, on the evaluation date).
fn windows(date: NaiveDate, scores: [&[u8]; 6]) -> (u8, Vec<Value>) {
    let mut out = Vec::new();
    for (w, list) in scores.iter().enumerate() {
        for (k, pain) in list.iter().enumerate() {
            let d = date - Duration::days(7 * w as i64 + k as i64);
            out.push(json!({"date": d.to_string(), "pain": pain}));
        }
    }
    let today = out.remove(0)["pain"].as_u64().unwrap() as u8;
    (today, out)
}

fn t1_of(scores: [&[u8]; 6]) -> Option<bool> {
    let (pain, history) = windows(day(TODAY), scores);
    triage(json!({"pain": pain, "history": history})).trend.t1
}

// Means a tenth apart: four scores a window give quarters, five give fifths, so 5.5 (four
// scores) against 4.6 (five) is a rise of exactly 0.9, and 5.6 against 4.6 of exactly 1.0.
#[test]
fn t1_rise_of_one_point_fires_and_of_nine_tenths_does_not() {
    let w5: &[u8] = &[5, 5, 5, 4, 4]; // 4.6
    let mid: &[u8] = &[5, 5, 5, 5]; // 5.0: never below the older window by more than 0.5
    // W0 = 5.6 (five scores): a rise of exactly 1.0 fires.
    assert_eq!(
        t1_of([&[6, 6, 6, 5, 5], mid, mid, mid, mid, w5]),
        Some(true)
    );
    // W0 = 5.5 (four scores): a rise of 0.9 does not.
    assert_eq!(t1_of([&[6, 6, 5, 5], mid, mid, mid, mid, w5]), Some(false));
}

#[test]
fn t1_tolerates_a_dip_of_half_a_point_but_not_six_tenths() {
    let old: &[u8] = &[5, 5, 5, 5, 5]; // 5.0
    let new: &[u8] = &[6, 6, 6, 6, 6]; // 6.0: a rise of 1.0 over W5
    // W2 = 4.5 (four scores) after W3 = 5.0: a dip of exactly 0.5 is tolerated.
    assert_eq!(t1_of([new, new, &[5, 5, 4, 4], old, old, old]), Some(true));
    // W2 = 4.4 (five scores): a dip of 0.6 is a real improvement, and T1 does not fire.
    assert_eq!(
        t1_of([new, new, &[5, 5, 4, 4, 4], old, old, old]),
        Some(false)
    );
}

#[test]
fn an_episode_starts_at_pain_three_and_not_at_two() {
    let date = day(TODAY);
    let at = |pain: u8| {
        let series: BTreeMap<NaiveDate, u8> = [(date, pain)].into_iter().collect();
        current_episode_start(&series, date)
    };
    assert_eq!(at(3), Some(date));
    assert_eq!(at(2), None);
    // Pain 2 days do not carry an episode on: the gap counts them as clear.
    let mut series = BTreeMap::new();
    series.insert(date - Duration::days(20), 3);
    for back in 1..20 {
        series.insert(date - Duration::days(back), 2);
    }
    series.insert(date, 3);
    assert_eq!(
        current_episode_start(&series, date),
        Some(date),
        "19 days at 2 end it"
    );
}

#[test]
fn t1_windows_with_two_scores_do_not_count_and_three_do() {
    let date = day(TODAY);
    let r = triage(json!({"pain": 6, "history": weekly(date, [6, 6, 5, 5, 5, 5], 2)}));
    // W0 has today plus one more: two scores, as does every other window.
    assert_eq!(r.trend.t1, None);
    let r = triage(json!({"pain": 6, "history": weekly(date, [6, 6, 5, 5, 5, 5], 3)}));
    assert_eq!(r.trend.t1, Some(true));
}

#[test]
fn no_history_is_not_enough_data_for_t1() {
    let r = triage(json!({"pain": 6}));
    assert_eq!(r.trend.t1, None);
    assert!(r.findings.is_empty());
}

fn daily(start: NaiveDate, days: i64, pain: impl Fn(i64) -> u8) -> Vec<Value> {
    (0..days)
        .map(|k| json!({"date": (start + Duration::days(k)).to_string(), "pain": pain(k)}))
        .collect()
}

#[test]
fn t2_fires_at_42_days_without_improvement_and_not_at_41() {
    let date = day(TODAY);
    let start = date - Duration::days(42);
    let r = triage(json!({"pain": 6, "history": daily(start, 42, |_| 6)}));
    assert_eq!(r.trend.t2, Some(true));
    assert!(rules_of(&r).contains(&"RF-NO-IMPROVEMENT-6W"));

    let start = date - Duration::days(41);
    let r = triage(json!({"pain": 6, "history": daily(start, 41, |_| 6)}));
    assert_eq!(r.trend.t2, Some(false));
}

#[test]
fn t2_improvement_of_two_points_or_thirty_percent_counts() {
    let date = day(TODAY);
    let start = date - Duration::days(50);
    // First week 6: meaningful = max(2, 1.8) = 2. Now 4 is exactly 2 better: improved.
    let h = daily(start, 50, |k| if k < 7 { 6 } else { 4 });
    let r = triage(json!({"pain": 4, "history": h}));
    assert_eq!(r.trend.t2, Some(false));
    // Now 5: only 1 better: no meaningful improvement.
    let h = daily(start, 50, |k| if k < 7 { 6 } else { 5 });
    let r = triage(json!({"pain": 5, "history": h}));
    assert_eq!(r.trend.t2, Some(true));
    // First week 10: meaningful = 3. Now 7 is exactly 3 better: improved; 8 is not.
    let h = daily(start, 50, |k| if k < 7 { 10 } else { 7 });
    assert_eq!(
        triage(json!({"pain": 7, "history": h})).trend.t2,
        Some(false)
    );
    let h = daily(start, 50, |k| if k < 7 { 10 } else { 8 });
    assert_eq!(
        triage(json!({"pain": 8, "history": h})).trend.t2,
        Some(true)
    );
}

#[test]
fn t2_without_enough_scores_in_a_week_is_not_enough_data() {
    let date = day(TODAY);
    let start = date - Duration::days(45);
    // Scores only every third day from day 7 on: W0 holds 2 or 3 depending on alignment,
    // so build it explicitly: first week full, W0 with two scores.
    let mut h = daily(start, 7, |_| 6);
    for k in [20, 30, 38] {
        h.push(json!({"date": (start + Duration::days(k)).to_string(), "pain": 6}));
    }
    h.push(json!({"date": (date - Duration::days(3)).to_string(), "pain": 6}));
    let r = triage(json!({"pain": 6, "history": h}));
    assert_eq!(r.trend.t2, None);
}

#[test]
fn episode_starts_after_fourteen_clear_days() {
    let date = day(TODAY);
    let mut series = BTreeMap::new();
    series.insert(date - Duration::days(60), 5);
    // 14 days without pain >= 3 in between (days -59..-46), then a new high on -45
    series.insert(date - Duration::days(45), 5);
    series.insert(date, 5);
    assert_eq!(
        current_episode_start(&series, date),
        Some(date),
        "44 clear days: a new episode today"
    );
    for back in [35, 25, 12] {
        series.insert(date - Duration::days(back), 4);
    }
    assert_eq!(
        current_episode_start(&series, date),
        Some(date - Duration::days(45))
    );
    // 13 clear days do not split an episode
    let mut s2 = BTreeMap::new();
    s2.insert(date - Duration::days(14), 5);
    s2.insert(date, 5);
    assert_eq!(
        current_episode_start(&s2, date),
        Some(date - Duration::days(14))
    );
    let mut s3 = BTreeMap::new();
    s3.insert(date - Duration::days(15), 5);
    s3.insert(date, 5);
    assert_eq!(current_episode_start(&s3, date), Some(date));
}

#[test]
fn episode_ends_after_fourteen_days_below_three() {
    let date = day(TODAY);
    let mut series = BTreeMap::new();
    series.insert(date - Duration::days(13), 5);
    assert!(current_episode_start(&series, date).is_some());
    let mut series = BTreeMap::new();
    series.insert(date - Duration::days(14), 5);
    assert!(current_episode_start(&series, date).is_none());
}

/// Answers, today's pain, where it hurts, onset and up to 90 days of history: as wide as
/// the contract.
type Drawn = (
    Vec<Option<bool>>,
    u8,
    Vec<bool>,
    Option<bool>,
    BTreeMap<NaiveDate, u8>,
);

fn arb_input() -> impl Strategy<Value = Drawn> {
    (
        proptest::collection::vec(proptest::option::of(any::<bool>()), Question::ALL.len()),
        0u8..=10,
        proptest::collection::vec(any::<bool>(), Location::ALL.len()),
        proptest::option::of(any::<bool>()),
        proptest::collection::btree_map(1i64..=90, 0u8..=10, 0..60).prop_map(|days| {
            days.into_iter()
                .map(|(back, pain)| (day(TODAY) - Duration::days(back), pain))
                .collect()
        }),
    )
}

fn build(
    answers: &[Option<bool>],
    pain: u8,
    locs: &[bool],
    sudden: Option<bool>,
    history: &BTreeMap<NaiveDate, u8>,
) -> TriageInput {
    let mut a = Answers::default();
    for (q, v) in Question::ALL.iter().zip(answers) {
        a.set(*q, *v);
    }
    TriageInput {
        date: day(TODAY),
        age: None,
        pain,
        locations: Location::ALL
            .iter()
            .zip(locs)
            .filter(|(_, on)| **on)
            .map(|((_, l), _)| *l)
            .collect(),
        onset: sudden.map(|s| if s { Onset::Sudden } else { Onset::Gradual }),
        answers: a,
        history: history.clone(),
    }
}

proptest! {
    #[test]
    fn any_emergency_answer_yields_emergency((answers, pain, locs, sudden, history) in arb_input(), which in 0..Question::EMERGENCY.len()) {
        let mut answers = answers;
        let q = Question::EMERGENCY[which];
        answers[q as usize] = Some(true);
        let r = evaluate(&build(&answers, pain, &locs, sudden, &history));
        prop_assert_eq!(r.level, TriageLevel::Emergency);
        prop_assert_eq!(r.findings[0].level, TriageLevel::Emergency);
    }

    #[test]
    fn saying_yes_to_more_never_lowers_the_level((answers, pain, locs, sudden, history) in arb_input(), which in 0..Question::ALL.len()) {
        let before = evaluate(&build(&answers, pain, &locs, sudden, &history));
        let mut more = answers.clone();
        more[which] = Some(true);
        let after = evaluate(&build(&more, pain, &locs, sudden, &history));
        prop_assert!(after.level >= before.level);
        for f in &before.findings {
            prop_assert!(after.findings.contains(f));
        }
    }

    #[test]
    fn every_absent_emergency_answer_is_missing((answers, pain, locs, sudden, history) in arb_input()) {
        let r = evaluate(&build(&answers, pain, &locs, sudden, &history));
        for q in Question::EMERGENCY {
            let absent = answers[*q as usize].is_none();
            prop_assert_eq!(absent, r.missing.contains(&q.name().to_string()));
        }
    }

    #[test]
    fn level_is_always_the_highest_finding((answers, pain, locs, sudden, history) in arb_input()) {
        let r = evaluate(&build(&answers, pain, &locs, sudden, &history));
        let max = r.findings.iter().map(|f| f.level).max().unwrap_or(TriageLevel::None);
        prop_assert_eq!(r.level, max);
    }
}

#[test]
fn each_level_says_what_to_do_and_how_soon() {
    // The urgency of each level, from clinical-rules.md section 1, in the words she reads.
    let says = [
        (TriageLevel::Emergency, "emergency number"),
        (TriageLevel::Emergency, "now"),
        (TriageLevel::Urgent, "today"),
        (TriageLevel::Soon, "within the next two weeks"),
        (TriageLevel::None, "No warning signs"),
    ];
    for (level, words) in says {
        assert!(
            level.action().contains(words),
            "{level:?}: {}",
            level.action()
        );
    }
}

#[test]
fn the_trend_sentence_says_plainly_when_data_is_short() {
    let said = |t1, t2| Trend { t1, t2 }.describe();
    assert!(said(Some(true), None).contains("clinician"));
    assert!(said(None, Some(true)).contains("clinician"));
    assert!(said(None, None).starts_with("Not enough check-ins"));
    assert!(said(Some(false), None).contains("not yet enough"));
    assert!(said(None, Some(false)).contains("not yet enough"));
    assert!(said(Some(false), Some(false)).starts_with("No worrying trend"));
    assert!(!said(Some(false), Some(false)).contains("enough"));
}

// ---------------------------------------------------------------- standing answers

fn standing(cancer: Option<bool>, low_density: Option<bool>) -> Answers {
    let mut a = Answers::default();
    a.set(Question::CancerHistory, cancer);
    a.set(Question::KnownLowBoneDensity, low_density);
    a
}

/// A day's input: pain today and on the given days back.
fn day_input(pain: u8, history: &[(i64, u8)], extra: Value) -> TriageInput {
    let mut v = json!({"date": TODAY, "pain": pain,
        "history": history.iter().map(|(back, p)| json!({"date": (day(TODAY) - Duration::days(*back)).to_string(), "pain": p})).collect::<Vec<_>>()});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    TriageInput::parse(&v, day(TODAY)).expect("valid input")
}

#[test]
fn a_standing_answer_counts_as_answered_that_day_unless_the_day_answers_it() {
    // known low density from her profile, and a sudden onset today: RF-FRACTURE-RISK
    let input = day_input(6, &[], json!({"onset": "sudden"}))
        .with_standing_answers(&standing(None, Some(true)), None);
    assert_eq!(rules_of(&evaluate(&input)), ["RF-FRACTURE-RISK"]);
    // it still needs the day's sudden onset
    let input = day_input(6, &[], json!({"onset": "gradual"}))
        .with_standing_answers(&standing(None, Some(true)), None);
    assert!(rules_of(&evaluate(&input)).is_empty());
    // the day's own answer wins
    let input = day_input(
        6,
        &[],
        json!({"onset": "sudden", "known_low_bone_density": false}),
    )
    .with_standing_answers(&standing(None, Some(true)), None);
    assert!(rules_of(&evaluate(&input)).is_empty());
    // a standing "no" is an answer, not a question left open
    let input = day_input(6, &[], json!({}))
        .with_standing_answers(&standing(Some(false), Some(false)), None);
    assert_eq!(input.answers.get(Question::CancerHistory), Some(false));
    assert_eq!(
        input.answers.get(Question::KnownLowBoneDensity),
        Some(false)
    );
}

#[test]
fn a_cancer_history_fires_through_the_episode_until_acknowledged() {
    let yes = standing(Some(true), None);
    // first day of an episode (no history): fires
    let first = day_input(4, &[], json!({})).with_standing_answers(&yes, None);
    assert_eq!(rules_of(&evaluate(&first)), ["RF-CANCER-HISTORY"]);
    // a later check-in of the same episode: fires again
    let later = day_input(3, &[(5, 4), (3, 5)], json!({})).with_standing_answers(&yes, None);
    assert_eq!(rules_of(&evaluate(&later)), ["RF-CANCER-HISTORY"]);
    // acknowledged within the episode (on day -3, the episode began on -5): quiet
    let acked = day_input(3, &[(5, 4), (3, 5)], json!({}))
        .with_standing_answers(&yes, Some(day(TODAY) - Duration::days(3)));
    assert!(rules_of(&evaluate(&acked)).is_empty());
    // acknowledged in an earlier episode (the day before this one began): fires
    let earlier = day_input(3, &[(40, 5), (5, 4)], json!({}))
        .with_standing_answers(&yes, Some(day(TODAY) - Duration::days(30)));
    assert_eq!(rules_of(&evaluate(&earlier)), ["RF-CANCER-HISTORY"]);
    // no episode (pain below 3 for 14 days and more): quiet
    let calm = day_input(2, &[(20, 5), (3, 1)], json!({})).with_standing_answers(&yes, None);
    assert!(rules_of(&evaluate(&calm)).is_empty());
    // an answer given that day still fires as before, episode or not
    let asked =
        day_input(2, &[], json!({"cancer_history": true})).with_standing_answers(&yes, None);
    assert_eq!(rules_of(&evaluate(&asked)), ["RF-CANCER-HISTORY"]);
}
