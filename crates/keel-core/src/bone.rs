//! Bone health (clinical-rules.md section 2): screening due dates, OST, T-score class, re-scan
//! interval, height loss and the exercise caution; the stateless contract's parser and her
//! stored profile are read in `input`.

use std::collections::BTreeSet;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::movement::Movement;

mod input;

pub use input::{BoneInput, BoneProfile, GOALS, STILL_PERIODS, parse_dexa, parse_height};

/// Osteoporosis risk factors, named as in the bone contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RiskFactor {
    Smoking,
    ParentalHipFracture,
    FamilyOsteoporosis,
    Glucocorticoids,
    RheumatoidArthritis,
    EarlyMenopause,
    Alcohol,
    FragilityFracture,
    BoneHarmingMedicine,
    LowBodyWeight,
}

impl RiskFactor {
    pub const ALL: &'static [(&'static str, RiskFactor)] = &[
        ("smoking", RiskFactor::Smoking),
        ("parental_hip_fracture", RiskFactor::ParentalHipFracture),
        ("family_osteoporosis", RiskFactor::FamilyOsteoporosis),
        ("glucocorticoids", RiskFactor::Glucocorticoids),
        ("rheumatoid_arthritis", RiskFactor::RheumatoidArthritis),
        ("early_menopause", RiskFactor::EarlyMenopause),
        ("alcohol", RiskFactor::Alcohol),
        ("fragility_fracture", RiskFactor::FragilityFracture),
        ("bone_harming_medicine", RiskFactor::BoneHarmingMedicine),
        ("low_body_weight", RiskFactor::LowBodyWeight),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, r)| *r == self)
            .map(|(n, _)| *n)
            .unwrap_or_default()
    }

    pub fn label(self) -> &'static str {
        match self {
            RiskFactor::Smoking => "I smoke",
            RiskFactor::ParentalHipFracture => "A parent broke a hip",
            RiskFactor::FamilyOsteoporosis => "Osteoporosis runs in my family",
            RiskFactor::Glucocorticoids => "Steroid tablets for 3 months or more",
            RiskFactor::RheumatoidArthritis => "Rheumatoid arthritis",
            RiskFactor::EarlyMenopause => "Menopause before 45, or premature ovarian insufficiency",
            RiskFactor::Alcohol => "3 or more units of alcohol a day",
            RiskFactor::FragilityFracture => {
                "A broken bone after 40 from a fall from standing height or less"
            }
            RiskFactor::BoneHarmingMedicine => {
                "Long-term aromatase inhibitors or other medicines that thin bone"
            }
            RiskFactor::LowBodyWeight => "Low body weight (under 58 kg, or BMI under 20)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DexaSite {
    LumbarSpine,
    TotalHip,
    FemoralNeck,
}

impl DexaSite {
    pub const ALL: &'static [(&'static str, DexaSite)] = &[
        ("lumbar_spine", DexaSite::LumbarSpine),
        ("total_hip", DexaSite::TotalHip),
        ("femoral_neck", DexaSite::FemoralNeck),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map(|(n, _)| *n)
            .unwrap_or_default()
    }

    pub fn label(self) -> &'static str {
        match self {
            DexaSite::LumbarSpine => "Lumbar spine",
            DexaSite::TotalHip => "Total hip",
            DexaSite::FemoralNeck => "Femoral neck",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Unknown fields are refused (`parse_*` too), and the OpenAPI document says so.
#[serde(deny_unknown_fields)]
pub struct DexaResult {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    pub site: DexaSite,
    #[cfg_attr(feature = "openapi", schema(minimum = -10.0, maximum = 10.0))]
    pub t_score: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Unknown fields are refused (`parse_*` too), and the OpenAPI document says so.
#[serde(deny_unknown_fields)]
pub struct HeightMeasurement {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(minimum = 90.0, maximum = 250.0))]
    pub cm: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TScoreClass {
    Normal,
    LowBoneMass,
    Osteoporosis,
    SevereOsteoporosis,
}

impl TScoreClass {
    pub fn label(self) -> &'static str {
        match self {
            TScoreClass::Normal => "normal bone density",
            TScoreClass::LowBoneMass => "low bone mass (osteopenia)",
            TScoreClass::Osteoporosis => "osteoporosis",
            TScoreClass::SevereOsteoporosis => "severe osteoporosis",
        }
    }
}

/// One bone rule that applies, with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoneFinding {
    pub rule: String,
    pub source: String,
    pub message: String,
}

/// The bone contract's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoneAssessment {
    pub findings: Vec<BoneFinding>,
    pub dexa_due: bool,
    pub ost: Option<f64>,
    pub t_score_class: Option<TScoreClass>,
    pub rescan_years: Option<u8>,
    pub exercise_caution: bool,
}

impl BoneAssessment {
    pub fn has(&self, rule: &str) -> bool {
        self.findings.iter().any(|f| f.rule == rule)
    }
}

/// Movements the plan always drops under BONE-EXERCISE-CAUTION: (a) spinal flexion under load
/// or to end range, (b) rotation under load or to end range, (c) high impact. Flexion and rotation
/// mobility stay, within the range of an exercise's smallest level (whose tags hold neither end
/// range nor load).
pub const CAUTION_EXCLUDED: [Movement; 5] = [
    Movement::EndRangeFlexion,
    Movement::EndRangeRotation,
    Movement::LoadedFlexion,
    Movement::LoadedRotation,
    Movement::HighImpact,
];

/// The height-loss rules: either one on record also drops moderate impact.
pub const HEIGHT_LOSS_RULES: [&str; 2] = ["BONE-HEIGHT-PROSPECTIVE", "BONE-HEIGHT-HISTORICAL"];

/// Whether moderate impact (heel drops) goes too: only with a vertebral fracture or a
/// height-loss finding, not for low density alone.
fn drops_moderate_impact(a: &BoneAssessment, vertebral_fracture: bool) -> bool {
    vertebral_fracture || HEIGHT_LOSS_RULES.iter().any(|r| a.has(r))
}

/// The movements BONE-EXERCISE-CAUTION takes out of her plan; empty when the rule does not
/// apply. `vertebral_fracture` is her recorded answer (the assessment does not carry it).
pub fn caution_exclusions(a: &BoneAssessment, vertebral_fracture: bool) -> BTreeSet<Movement> {
    if !a.exercise_caution {
        return BTreeSet::new();
    }
    let mut out: BTreeSet<Movement> = CAUTION_EXCLUDED.into_iter().collect();
    if drops_moderate_impact(a, vertebral_fracture) {
        out.insert(Movement::ModerateImpact);
    }
    out
}

/// One decimal, as OST is shown.
fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// T-scores are reported to two decimals; the class and interval boundaries use that value.
fn two_decimals(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn t_score_class(lowest: f64, fragility_fracture: bool) -> TScoreClass {
    let t = two_decimals(lowest);
    if t >= -1.0 {
        TScoreClass::Normal
    } else if t > -2.5 {
        TScoreClass::LowBoneMass
    } else if fragility_fracture {
        TScoreClass::SevereOsteoporosis
    } else {
        TScoreClass::Osteoporosis
    }
}

/// BONE-REPEAT: years to the next scan for an untreated woman; `None` for osteoporosis.
pub fn rescan_years(lowest: f64) -> Option<u8> {
    let t = two_decimals(lowest);
    if t > -1.5 {
        Some(15)
    } else if t > -2.0 {
        Some(5)
    } else if t > -2.5 {
        Some(1)
    } else {
        None
    }
}

fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MAX)
}

/// The bone rules and their source keys, in the order findings are reported.
pub const BONE_RULES: &[(&str, &str)] = &[
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

pub fn assess(input: &BoneInput) -> BoneAssessment {
    let mut findings = Vec::new();
    let mut add = |rule: &'static str, message: String| {
        let source = BONE_RULES
            .iter()
            .find(|(id, _)| *id == rule)
            .map(|(_, s)| *s)
            .expect("every bone rule is in BONE_RULES");
        findings.push(BoneFinding {
            rule: rule.to_string(),
            source: source.to_string(),
            message,
        })
    };

    let bmi = input.bmi();
    let low_weight_measured =
        input.weight_kg.is_some_and(|w| w < 58.0) || bmi.is_some_and(|b| b < 20.0 - 1e-9);
    if low_weight_measured {
        let why = match (input.weight_kg, bmi) {
            (Some(w), _) if w < 58.0 => format!("a weight of {w} kg (under 58 kg)"),
            (_, Some(b)) => format!("a BMI of {b:.1} (under 20)"),
            _ => "low body weight".to_string(),
        };
        add(
            "BONE-LOW-WEIGHT",
            format!("With {why}, low body weight counts as a risk factor for thinning bones."),
        );
    }
    let any_risk = !input.risk_factors.is_empty() || low_weight_measured;

    let latest_dexa_date = input.dexa.iter().map(|d| d.date).max();
    let age = input.age;
    if latest_dexa_date.is_none() && age >= 50 {
        add("BONE-DEXA-50",
            "You are 50 or over and have no bone density (DEXA) scan on record: a baseline scan is due now. Ask your GP to refer you.".into(),
        );
    }
    if latest_dexa_date.is_none() && age < 50 && any_risk {
        add("BONE-DEXA-RISK",
            "You have a risk factor for osteoporosis and no DEXA scan on record: talk to your GP about a scan now.".into(),
        );
    }
    if age >= 65 && latest_dexa_date.is_none_or(|d| add_years(d, 2) <= input.date) {
        add("BONE-DEXA-65",
            "At 65 or over, screening with a DEXA scan is recommended when you have not had one in the last two years.".into(),
        );
    }

    let ost = input
        .weight_kg
        .map(|w| one_decimal((w - f64::from(age)) / 5.0));
    if let Some(o) = ost.filter(|o| *o < 2.0) {
        add(
            "BONE-OST",
            format!(
                "Your osteoporosis self-assessment score (OST) is {o:.1}, below 2, which suggests a bone density scan. OST was checked in women after menopause, so treat it as a prompt to ask, not a result."
            ),
        );
    }

    let fragility =
        input.risk_factors.contains(&RiskFactor::FragilityFracture) || input.vertebral_fracture;
    let lowest = latest_dexa_date.and_then(|latest| {
        input
            .dexa
            .iter()
            .filter(|d| d.date == latest)
            .map(|d| d.t_score)
            .min_by(f64::total_cmp)
    });
    let class = lowest.map(|t| t_score_class(t, fragility));
    let rescan = lowest.and_then(rescan_years);
    if let (Some(t), Some(c)) = (lowest, class) {
        add(
            "BONE-TSCORE",
            format!(
                "Your lowest T-score on your latest scan is {t:.1}: {}.",
                c.label()
            ),
        );
        let repeat = match rescan {
            Some(y) => format!(
                "Without treatment, a repeat scan in about {y} year{} is usual.",
                if y == 1 { "" } else { "s" }
            ),
            None => "With osteoporosis, your clinician will advise when to scan again.".to_string(),
        };
        add("BONE-REPEAT", repeat);
    }
    let mut repeat_due = false;
    if let (Some(latest), Some(years)) = (latest_dexa_date, rescan)
        && add_years(latest, u32::from(years)) <= input.date
    {
        repeat_due = true;
        add(
            "BONE-REPEAT-DUE",
            format!(
                "Your last DEXA scan was on {latest}; the suggested {years}-year interval has passed, so a repeat scan is due."
            ),
        );
    }

    let mut height_loss = false;
    if let Some((current, current_date)) = input.current_height() {
        let earliest = input
            .heights
            .iter()
            .filter(|h| current_date.is_none_or(|d| h.date < d))
            .min_by_key(|h| h.date);
        if let Some(e) = earliest {
            let loss = one_decimal(e.cm - current);
            if loss >= 2.0 {
                height_loss = true;
                add(
                    "BONE-HEIGHT-PROSPECTIVE",
                    format!(
                        "You have lost {loss:.1} cm of height since {} (2 cm or more). Ask your GP whether a spine X-ray is needed to check for a hidden fracture.",
                        e.date
                    ),
                );
            }
        }
        if let Some(tallest) = input.tallest_height_cm {
            let loss = one_decimal(tallest - current);
            if loss >= 4.0 {
                height_loss = true;
                add(
                    "BONE-HEIGHT-HISTORICAL",
                    format!(
                        "You are {loss:.1} cm shorter than your tallest adult height (4 cm or more). Ask your GP whether a spine X-ray is needed."
                    ),
                );
            }
        }
    }

    let osteoporosis = matches!(
        class,
        Some(TScoreClass::Osteoporosis | TScoreClass::SevereOsteoporosis)
    );
    let exercise_caution = osteoporosis || input.vertebral_fracture || height_loss;
    if exercise_caution {
        let heel_drops = if input.vertebral_fracture {
            "Heel drops are left out too, because of the spinal fracture on record."
        } else if height_loss {
            "Heel drops are left out too, because of the height you have lost."
        } else {
            "Heel drops, a gentler impact, stay in."
        };
        add(
            "BONE-EXERCISE-CAUTION",
            format!(
                "To protect your spine, your plan leaves out bending and twisting under load or as far as the back goes (sit-ups, crunches, toe touches, loaded twists, a full-range cat or open book, wide knee rocking) and jumping. Bending and turning stay small and pain-free. {heel_drops} Strength, balance, posture and back-extensor work stay in."
            ),
        );
    }

    let no_dexa = latest_dexa_date.is_none();
    let dexa_due = ["BONE-DEXA-50", "BONE-DEXA-RISK", "BONE-DEXA-65"]
        .iter()
        .any(|r| findings.iter().any(|f| f.rule == *r))
        || repeat_due
        || (no_dexa && ost.is_some_and(|o| o < 2.0));
    BoneAssessment {
        findings,
        dexa_due,
        ost,
        t_score_class: class,
        rescan_years: rescan,
        exercise_caution,
    }
}

#[cfg(test)]
mod tests;
