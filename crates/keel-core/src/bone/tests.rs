use super::*;
use serde_json::Value;
use serde_json::json;

fn assess_json(v: Value) -> BoneAssessment {
    assess(&BoneInput::parse(&v, today()).expect("valid bone input"))
}

fn rules(a: &BoneAssessment) -> Vec<&str> {
    a.findings.iter().map(|f| f.rule.as_str()).collect()
}

const DATE: &str = "2026-11-24";

/// The day the assessments are asked on: the assessment date itself, the latest it may be.
fn today() -> NaiveDate {
    DATE.parse().unwrap()
}

#[test]
fn the_assessment_date_may_be_today_but_not_after() {
    let on = |date: &str| BoneInput::parse(&json!({"date": date, "age": 50}), today());
    assert!(on(DATE).is_ok());
    let e = on("2026-11-25").expect_err("tomorrow");
    assert_eq!(
        e.message_for("date"),
        Some("must not be after today (2026-11-24)")
    );
}

#[test]
fn baseline_scan_due_from_fifty_not_forty_nine() {
    let a = assess_json(json!({"date": DATE, "age": 50}));
    assert!(a.has("BONE-DEXA-50"));
    assert!(a.dexa_due);
    let a = assess_json(json!({"date": DATE, "age": 49}));
    assert!(!a.has("BONE-DEXA-50"));
    assert!(!a.dexa_due);
    assert!(a.findings.is_empty());
}

#[test]
fn under_fifty_with_a_risk_factor_discusses_a_scan() {
    for (name, _) in RiskFactor::ALL {
        let a = assess_json(json!({"date": DATE, "age": 45, "risk_factors": [name]}));
        assert_eq!(rules(&a), ["BONE-DEXA-RISK"], "{name}");
        assert!(a.dexa_due);
    }
    let a = assess_json(
        json!({"date": DATE, "age": 45, "risk_factors": ["smoking"], "dexa": [{"date": "2025-01-01", "site": "total_hip", "t_score": 0.2}]}),
    );
    assert!(!a.has("BONE-DEXA-RISK"), "a scan on record");
    let a = assess_json(json!({"date": DATE, "age": 50, "risk_factors": ["smoking"]}));
    assert!(!a.has("BONE-DEXA-RISK"), "50 and over is BONE-DEXA-50");
}

#[test]
fn at_sixty_five_screening_needs_a_scan_within_two_years() {
    let scan = |d: &str| json!([{"date": d, "site": "femoral_neck", "t_score": -0.5}]);
    let a = assess_json(json!({"date": DATE, "age": 65}));
    assert!(a.has("BONE-DEXA-65") && a.has("BONE-DEXA-50"));
    let a = assess_json(json!({"date": DATE, "age": 64}));
    assert!(!a.has("BONE-DEXA-65"));
    // exactly two years ago is due; a day later is not
    let a = assess_json(json!({"date": DATE, "age": 66, "dexa": scan("2024-11-24")}));
    assert!(a.has("BONE-DEXA-65") && a.dexa_due);
    let a = assess_json(json!({"date": DATE, "age": 66, "dexa": scan("2024-11-25")}));
    assert!(!a.has("BONE-DEXA-65"));
    assert!(!a.dexa_due);
}

#[test]
fn ost_is_weight_minus_age_over_five_with_one_decimal() {
    let a = assess_json(json!({"date": DATE, "age": 48, "weight_kg": 58.0}));
    assert_eq!(a.ost, Some(2.0));
    assert!(!a.has("BONE-OST"), "2.0 is not below 2");
    let a = assess_json(json!({"date": DATE, "age": 48, "weight_kg": 57.5}));
    assert_eq!(a.ost, Some(1.9));
    assert!(a.has("BONE-OST"));
    assert!(
        a.findings
            .iter()
            .find(|f| f.rule == "BONE-OST")
            .unwrap()
            .message
            .contains("after menopause")
    );
    let a = assess_json(json!({"date": DATE, "age": 48}));
    assert_eq!(a.ost, None);
    let a = assess_json(json!({"date": DATE, "age": 70, "weight_kg": 60.0}));
    assert_eq!(a.ost, Some(-2.0));
}

#[test]
fn low_weight_counts_from_58_kg_or_bmi_20() {
    // 57.9 kg: low weight whatever the height
    let a = assess_json(json!({"date": DATE, "age": 40, "weight_kg": 57.9}));
    assert!(a.has("BONE-LOW-WEIGHT") && a.has("BONE-DEXA-RISK"));
    // 58 kg at 160 cm: BMI 22.7, not low
    let a = assess_json(json!({"date": DATE, "age": 40, "weight_kg": 58.0, "height_cm": 160.0}));
    assert!(!a.has("BONE-LOW-WEIGHT"));
    // 64.8 kg at 180 cm: BMI exactly 20, not below
    let a = assess_json(json!({"date": DATE, "age": 40, "weight_kg": 64.8, "height_cm": 180.0}));
    assert!(!a.has("BONE-LOW-WEIGHT"), "{:?}", a.findings);
    // 64.7 kg at 180 cm: BMI 19.97
    let a = assess_json(json!({"date": DATE, "age": 40, "weight_kg": 64.7, "height_cm": 180.0}));
    assert!(a.has("BONE-LOW-WEIGHT") && a.has("BONE-DEXA-RISK"));
}

fn dexa(t: f64) -> Value {
    json!([{"date": "2025-06-01", "site": "lumbar_spine", "t_score": t}])
}

#[test]
fn t_score_classes_at_their_boundaries() {
    let class =
        |t: f64| assess_json(json!({"date": DATE, "age": 52, "dexa": dexa(t)})).t_score_class;
    assert_eq!(class(-1.0), Some(TScoreClass::Normal));
    assert_eq!(class(0.5), Some(TScoreClass::Normal));
    assert_eq!(class(-1.01), Some(TScoreClass::LowBoneMass));
    assert_eq!(class(-2.49), Some(TScoreClass::LowBoneMass));
    assert_eq!(class(-2.5), Some(TScoreClass::Osteoporosis));
    assert_eq!(class(-3.2), Some(TScoreClass::Osteoporosis));
    let severe = assess_json(
        json!({"date": DATE, "age": 52, "dexa": dexa(-2.5), "risk_factors": ["fragility_fracture"]}),
    );
    assert_eq!(severe.t_score_class, Some(TScoreClass::SevereOsteoporosis));
    let fracture_but_osteopenia = assess_json(
        json!({"date": DATE, "age": 52, "dexa": dexa(-2.4), "risk_factors": ["fragility_fracture"]}),
    );
    assert_eq!(
        fracture_but_osteopenia.t_score_class,
        Some(TScoreClass::LowBoneMass)
    );
    let none = assess_json(json!({"date": DATE, "age": 52}));
    assert_eq!(none.t_score_class, None);
    assert_eq!(none.rescan_years, None);
}

#[test]
fn rescan_intervals_at_their_boundaries() {
    let years =
        |t: f64| assess_json(json!({"date": DATE, "age": 52, "dexa": dexa(t)})).rescan_years;
    assert_eq!(years(-1.49), Some(15));
    assert_eq!(years(-1.5), Some(5));
    assert_eq!(years(-1.99), Some(5));
    assert_eq!(years(-2.0), Some(1));
    assert_eq!(years(-2.49), Some(1));
    assert_eq!(years(-2.5), None);
    let a = assess_json(json!({"date": DATE, "age": 52, "dexa": dexa(-2.6)}));
    assert!(a.has("BONE-REPEAT"));
    assert!(
        a.findings
            .iter()
            .any(|f| f.rule == "BONE-REPEAT" && f.message.contains("clinician"))
    );
}

#[test]
fn class_uses_the_lowest_score_of_the_most_recent_scan_date() {
    let a = assess_json(json!({"date": DATE, "age": 55, "dexa": [
        {"date": "2020-01-01", "site": "lumbar_spine", "t_score": -2.8},
        {"date": "2025-01-01", "site": "lumbar_spine", "t_score": -1.2},
        {"date": "2025-01-01", "site": "femoral_neck", "t_score": -1.6},
    ]}));
    assert_eq!(a.t_score_class, Some(TScoreClass::LowBoneMass));
    assert_eq!(a.rescan_years, Some(5));
    assert!(
        !a.exercise_caution,
        "the older osteoporotic score no longer applies"
    );
}

#[test]
fn repeat_due_when_the_interval_has_passed() {
    let a = assess_json(
        json!({"date": DATE, "age": 58, "dexa": [{"date": "2025-11-24", "site": "total_hip", "t_score": -2.2}]}),
    );
    assert_eq!(a.rescan_years, Some(1));
    assert!(a.has("BONE-REPEAT-DUE") && a.dexa_due);
    let a = assess_json(
        json!({"date": DATE, "age": 58, "dexa": [{"date": "2025-11-25", "site": "total_hip", "t_score": -2.2}]}),
    );
    assert!(!a.has("BONE-REPEAT-DUE") && !a.dexa_due);
    let a = assess_json(
        json!({"date": DATE, "age": 58, "dexa": [{"date": "2021-11-25", "site": "total_hip", "t_score": -1.7}]}),
    );
    assert!(!a.has("BONE-REPEAT-DUE"), "5 years not yet passed");
    let a = assess_json(
        json!({"date": DATE, "age": 58, "dexa": [{"date": "2021-11-24", "site": "total_hip", "t_score": -1.7}]}),
    );
    assert!(a.has("BONE-REPEAT-DUE"), "5 years passed today");
}

#[test]
fn height_loss_two_cm_measured_or_four_cm_recalled() {
    let h = |current: f64| {
        json!({"date": DATE, "age": 52, "height_cm": current, "heights": [
        {"date": "2024-01-01", "cm": 164.0}, {"date": "2025-01-01", "cm": 163.5}]})
    };
    let a = assess_json(h(162.0));
    assert!(a.has("BONE-HEIGHT-PROSPECTIVE") && a.exercise_caution);
    let a = assess_json(h(162.1));
    assert!(!a.has("BONE-HEIGHT-PROSPECTIVE") && !a.exercise_caution);
    let t = |tallest: f64| json!({"date": DATE, "age": 52, "height_cm": 162.0, "tallest_height_cm": tallest});
    let a = assess_json(t(166.0));
    assert!(a.has("BONE-HEIGHT-HISTORICAL") && a.exercise_caution);
    let a = assess_json(t(165.9));
    assert!(!a.has("BONE-HEIGHT-HISTORICAL") && !a.exercise_caution);
}

#[test]
fn without_a_current_height_the_latest_measurement_stands_in() {
    let a = assess_json(json!({"date": DATE, "age": 52, "heights": [
        {"date": "2023-01-01", "cm": 165.0}, {"date": "2026-01-01", "cm": 162.9}]}));
    assert!(a.has("BONE-HEIGHT-PROSPECTIVE"));
}

#[test]
fn exercise_caution_from_osteoporosis_or_vertebral_fracture() {
    let a = assess_json(json!({"date": DATE, "age": 60, "dexa": dexa(-2.5)}));
    assert!(a.exercise_caution && a.has("BONE-EXERCISE-CAUTION"));
    let a = assess_json(json!({"date": DATE, "age": 60, "dexa": dexa(-2.4)}));
    assert!(!a.exercise_caution);
    let a = assess_json(json!({"date": DATE, "age": 45, "vertebral_fracture": true}));
    assert!(a.exercise_caution && a.has("BONE-EXERCISE-CAUTION"));
}

#[test]
fn contract_example_from_the_rules() {
    let a = assess_json(
        json!({ "date": "2026-11-24", "age": 48, "weight_kg": 55.0, "height_cm": 162.0,
        "tallest_height_cm": 166.0, "heights": [ { "date": "2025-01-10", "cm": 164.0 } ],
        "risk_factors": ["smoking"],
        "dexa": [ { "date": "2024-05-01", "site": "lumbar_spine", "t_score": -1.7 } ],
        "vertebral_fracture": false }),
    );
    assert_eq!(a.ost, Some(1.4));
    assert_eq!(a.t_score_class, Some(TScoreClass::LowBoneMass));
    assert_eq!(a.rescan_years, Some(5));
    assert!(a.exercise_caution);
    assert_eq!(
        rules(&a),
        [
            "BONE-LOW-WEIGHT",
            "BONE-OST",
            "BONE-TSCORE",
            "BONE-REPEAT",
            "BONE-HEIGHT-PROSPECTIVE",
            "BONE-HEIGHT-HISTORICAL",
            "BONE-EXERCISE-CAUTION"
        ]
    );
    assert!(
        !a.dexa_due,
        "a scan is on record and the interval has not passed"
    );
}

#[test]
fn contract_refuses_bad_input_naming_the_field() {
    let bad = [
        (json!({"age": 50}), "date"),
        (json!({"date": DATE}), "age"),
        (json!({"date": DATE, "age": 130}), "age"),
        (
            json!({"date": DATE, "age": 50, "weight_kg": "60"}),
            "weight_kg",
        ),
        (
            json!({"date": DATE, "age": 50, "weight_kg": 5}),
            "weight_kg",
        ),
        (
            json!({"date": DATE, "age": 50, "height_cm": 400}),
            "height_cm",
        ),
        (
            json!({"date": DATE, "age": 50, "risk_factors": ["coffee"]}),
            "risk_factors[0]",
        ),
        (
            json!({"date": DATE, "age": 50, "dexa": [{"date": DATE, "site": "wrist", "t_score": -1}]}),
            "dexa[0].site",
        ),
        (
            json!({"date": DATE, "age": 50, "dexa": [{"date": DATE, "site": "total_hip"}]}),
            "dexa[0].t_score",
        ),
        (
            json!({"date": DATE, "age": 50, "dexa": [{"date": "2030-01-01", "site": "total_hip", "t_score": 1}]}),
            "dexa[0].date",
        ),
        (
            json!({"date": DATE, "age": 50, "heights": [{"date": DATE, "cm": "tall"}]}),
            "heights[0].cm",
        ),
        (json!({"date": DATE, "age": 50, "heights": {}}), "heights"),
        (
            json!({"date": DATE, "age": 50, "vertebral_fracture": "no"}),
            "vertebral_fracture",
        ),
        (
            json!({"date": DATE, "age": 50, "menopause": true}),
            "menopause",
        ),
    ];
    for (input, field) in bad {
        let e = BoneInput::parse(&input, today()).expect_err(&input.to_string());
        assert!(
            e.message_for(field).is_some(),
            "{input} should name {field}: {e:?}"
        );
    }
}

#[test]
fn profile_gives_age_from_birth_date_and_builds_the_input() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let p = BoneProfile::parse(
        &json!({"birth_date": "1976-11-25", "weight_kg": 60.0, "risk_factors": ["smoking"]}),
        today,
    )
    .unwrap();
    assert_eq!(
        p.age_on(today),
        Some(49),
        "the day before her 50th birthday"
    );
    assert_eq!(p.age_on(today.succ_opt().unwrap()), Some(50));
    let input = p.input(today, &[], &[]).unwrap();
    assert!(assess(&input).has("BONE-DEXA-RISK"));
    let again = BoneProfile::parse(&p.to_json(), today).unwrap();
    assert_eq!(again, p);
    assert!(
        BoneProfile::default().input(today, &[], &[]).is_none(),
        "no age, no assessment"
    );
    let e = BoneProfile::parse(&json!({"birth_date": "2030-01-01"}), today).unwrap_err();
    assert!(e.message_for("birth_date").is_some());
    assert!(
        parse_dexa(&json!({"date": "2026-01-01", "site": "total_hip"}), today)
            .unwrap_err()
            .message_for("t_score")
            .is_some()
    );
    assert!(
        parse_height(&json!({"date": "2027-01-01", "cm": 160}), today)
            .unwrap_err()
            .message_for("date")
            .is_some()
    );
}

#[test]
fn every_finding_cites_its_own_source() {
    // From docs/safety.md's table, written out by hand.
    let sources = [
        ("BONE-LOW-WEIGHT", "NOGG"),
        ("BONE-DEXA-50", "SEED"),
        ("BONE-DEXA-RISK", "USPSTF"),
        ("BONE-DEXA-65", "USPSTF"),
        ("BONE-OST", "OST"),
        ("BONE-TSCORE", "WHO-T"),
        ("BONE-REPEAT", "GOURLAY"),
        ("BONE-REPEAT-DUE", "GOURLAY"),
        ("BONE-HEIGHT-PROSPECTIVE", "BHOF"),
        ("BONE-HEIGHT-HISTORICAL", "BHOF"),
        ("BONE-EXERCISE-CAUTION", "TFTF"),
    ];
    let inputs = [
        json!({"date": DATE, "age": 70, "weight_kg": 50.0, "height_cm": 160.0, "tallest_height_cm": 166.0,
               "heights": [{"date": "2020-01-01", "cm": 163.0}],
               "dexa": [{"date": "2010-01-01", "site": "total_hip", "t_score": -2.7}]}),
        json!({"date": DATE, "age": 45, "risk_factors": ["smoking"]}),
        json!({"date": DATE, "age": 52}),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for input in inputs {
        for f in assess_json(input).findings {
            let (_, source) = sources.iter().find(|(id, _)| *id == f.rule).expect(&f.rule);
            assert_eq!(f.source, *source, "{}", f.rule);
            seen.insert(f.rule);
        }
    }
    assert!(seen.len() >= 8, "most rules fired: {seen:?}");
}

#[test]
fn measurements_on_the_assessment_date_count_and_later_ones_are_refused() {
    let on = |date: &str| {
        BoneInput::parse(
            &json!({"date": DATE, "age": 60, "heights": [{"date": date, "cm": 160.0}],
                    "dexa": [{"date": date, "site": "lumbar_spine", "t_score": -1.0}]}),
            today(),
        )
    };
    let kept = on(DATE).expect("the assessment day itself");
    assert_eq!((kept.heights.len(), kept.dexa.len()), (1, 1));
    let e = on("2026-11-25").unwrap_err();
    assert!(
        e.message_for("heights[0].date").is_some() && e.message_for("dexa[0].date").is_some(),
        "{e:?}"
    );
    let height = |d: &str| parse_height(&json!({"date": d, "cm": 160.0}), today());
    let scan = |d: &str| {
        parse_dexa(
            &json!({"date": d, "site": "total_hip", "t_score": -1.0}),
            today(),
        )
    };
    assert!(height(DATE).is_ok() && scan(DATE).is_ok(), "today is fine");
    assert!(
        height("2026-11-25")
            .unwrap_err()
            .message_for("date")
            .is_some()
    );
    assert!(
        scan("2026-11-25")
            .unwrap_err()
            .message_for("date")
            .is_some()
    );
}

#[test]
fn a_profile_turns_into_the_input_of_its_day() {
    let p = BoneProfile::parse(
        &json!({"birth_date": "1966-11-24", "weight_kg": 60.0}),
        today(),
    )
    .unwrap();
    let day = today();
    let heights = [
        HeightMeasurement {
            date: day,
            cm: 160.0,
        },
        HeightMeasurement {
            date: day + chrono::Duration::days(1),
            cm: 159.0,
        },
    ];
    let dexa = [
        DexaResult {
            date: day,
            site: DexaSite::TotalHip,
            t_score: -1.2,
        },
        DexaResult {
            date: day + chrono::Duration::days(1),
            site: DexaSite::TotalHip,
            t_score: -2.6,
        },
    ];
    let input = p.input(day, &heights, &dexa).unwrap();
    assert_eq!(input.age, 60, "her birthday today");
    assert_eq!(
        input.heights,
        [heights[0]],
        "measurements of that day count, later ones not"
    );
    assert_eq!(input.dexa, [dexa[0]]);
}

#[test]
fn a_birth_date_may_be_today_or_up_to_120_years_back() {
    let born = |d: &str| BoneProfile::parse(&json!({"birth_date": d}), today());
    assert!(born(DATE).is_ok());
    assert!(
        born("2026-11-25")
            .unwrap_err()
            .message_for("birth_date")
            .is_some()
    );
    assert!(born("1905-11-25").is_ok(), "120, a day before turning 121");
    assert!(
        born("1905-11-24")
            .unwrap_err()
            .message_for("birth_date")
            .is_some(),
        "121 today"
    );
}

#[test]
fn sites_classes_and_risk_factors_have_their_names_and_words() {
    let sites = [
        (DexaSite::LumbarSpine, "lumbar_spine", "Lumbar spine"),
        (DexaSite::TotalHip, "total_hip", "Total hip"),
        (DexaSite::FemoralNeck, "femoral_neck", "Femoral neck"),
    ];
    for (site, name, label) in sites {
        assert_eq!((site.name(), site.label()), (name, label));
    }
    let classes = [
        (TScoreClass::Normal, "normal bone density"),
        (TScoreClass::LowBoneMass, "low bone mass (osteopenia)"),
        (TScoreClass::Osteoporosis, "osteoporosis"),
        (TScoreClass::SevereOsteoporosis, "severe osteoporosis"),
    ];
    for (class, label) in classes {
        assert_eq!(class.label(), label);
    }
    let labels: std::collections::BTreeSet<&str> =
        RiskFactor::ALL.iter().map(|(_, r)| r.label()).collect();
    assert_eq!(labels.len(), RiskFactor::ALL.len(), "each its own words");
    assert!(labels.iter().all(|l| l.len() > 5));
    assert_eq!(RiskFactor::Smoking.label(), "I smoke");
}

#[test]
fn low_weight_names_the_measure_that_is_low() {
    let message = |v: Value| {
        assess_json(v)
            .findings
            .into_iter()
            .find(|f| f.rule == "BONE-LOW-WEIGHT")
            .map(|f| f.message)
            .unwrap_or_default()
    };
    let m = message(json!({"date": DATE, "age": 50, "weight_kg": 57.0, "height_cm": 160.0}));
    assert!(m.contains("57 kg"), "{m}");
    // 58 kg is not under 58, but at 175 cm the BMI (18.9) is under 20.
    let m = message(json!({"date": DATE, "age": 50, "weight_kg": 58.0, "height_cm": 175.0}));
    assert!(m.contains("BMI of 18.9"), "{m}");
}

#[test]
fn an_ost_below_two_makes_a_first_scan_due_on_its_own() {
    // 49 years old, no risk factor and a BMI of 21: only OST can make a scan due.
    let due = |weight: f64| {
        assess_json(json!({"date": DATE, "age": 49, "weight_kg": weight, "height_cm": 165.0}))
            .dexa_due
    };
    assert!(due(58.0), "OST 1.8");
    assert!(!due(59.0), "OST 2.0 is not below 2");
    assert!(!due(64.0), "OST 3.0");
    // With a scan on record, OST no longer decides.
    let scanned = assess_json(
        json!({"date": DATE, "age": 49, "weight_kg": 58.0, "height_cm": 165.0,
        "dexa": [{"date": "2025-01-01", "site": "total_hip", "t_score": 0.5}]}),
    );
    assert!(!scanned.dexa_due);
}
