//! Reading bone-health input: the stateless assessment's body, her stored profile, a height
//! and a DEXA result, each validated field by field.

use crate::bone::{DexaResult, DexaSite, HeightMeasurement, RiskFactor};
use crate::rules::{Answers, Question};
use crate::stage::ContextEntry;
use crate::validate::{FieldReader, ValidationErrors, as_object};
use chrono::NaiveDate;
use serde_json::Value;

/// Everything the bone rules look at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoneInput {
    pub date: NaiveDate,
    pub age: u8,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub tallest_height_cm: Option<f64>,
    pub heights: Vec<HeightMeasurement>,
    pub risk_factors: Vec<RiskFactor>,
    pub dexa: Vec<DexaResult>,
    pub vertebral_fracture: bool,
}

const fn within(lo: f64, hi: f64) -> (f64, f64) {
    (lo, hi)
}

const WEIGHT_RANGE: (f64, f64) = within(20.0, 350.0);

const HEIGHT_RANGE: (f64, f64) = within(90.0, 250.0);

const T_SCORE_RANGE: (f64, f64) = within(-10.0, 10.0);

impl BoneInput {
    /// Validates the bone contract's JSON; only `date` and `age` are required, and `date` may
    /// not be after `today` (nor, as before, any measurement after `date`).
    pub fn parse(value: &Value, today: NaiveDate) -> Result<BoneInput, ValidationErrors> {
        let object = as_object(value)?;
        let mut r = FieldReader::new(object, "");
        let date = r.date_until("date", today);
        let date = r.require("date", date);
        let age = r.int("age", 0, 120);
        let age = r.require("age", age);
        let weight_kg = r.number("weight_kg", WEIGHT_RANGE.0, WEIGHT_RANGE.1);
        let height_cm = r.number("height_cm", HEIGHT_RANGE.0, HEIGHT_RANGE.1);
        let tallest_height_cm = r.number("tallest_height_cm", HEIGHT_RANGE.0, HEIGHT_RANGE.1);
        let risk_factors = r
            .choices("risk_factors", RiskFactor::ALL)
            .unwrap_or_default();
        let vertebral_fracture = r.bool("vertebral_fracture").unwrap_or(false);
        let heights_value = r.raw("heights");
        let dexa_value = r.raw("dexa");
        let mut errors = r.finish();
        let heights = list(heights_value, "heights", &mut errors, |r| {
            let d = r.date("date");
            let d = r.require("date", d);
            let cm = r.number("cm", HEIGHT_RANGE.0, HEIGHT_RANGE.1);
            let cm = r.require("cm", cm);
            Some(HeightMeasurement { date: d?, cm: cm? })
        });
        let dexa = list(dexa_value, "dexa", &mut errors, |r| {
            let d = r.date("date");
            let d = r.require("date", d);
            let site = r.choice("site", DexaSite::ALL);
            let site = r.require("site", site);
            let t = r.number("t_score", T_SCORE_RANGE.0, T_SCORE_RANGE.1);
            let t = r.require("t_score", t);
            Some(DexaResult {
                date: d?,
                site: site?,
                t_score: t?,
            })
        });
        if let Some(date) = date {
            for (i, h) in heights.iter().enumerate() {
                if h.date > date {
                    errors.add(format!("heights[{i}].date"), "must not be after date");
                }
            }
            for (i, d) in dexa.iter().enumerate() {
                if d.date > date {
                    errors.add(format!("dexa[{i}].date"), "must not be after date");
                }
            }
        }
        errors.into_result(|| BoneInput {
            date: date.unwrap_or_default(),
            age: age.unwrap_or_default() as u8,
            weight_kg,
            height_cm,
            tallest_height_cm,
            heights,
            risk_factors,
            dexa,
            vertebral_fracture,
        })
    }

    /// BMI from weight and height, when both are known.
    pub fn bmi(&self) -> Option<f64> {
        let (w, h) = (self.weight_kg?, self.height_cm?);
        Some(w / (h / 100.0).powi(2))
    }

    /// The current height: `height_cm`, or else the latest measurement.
    pub(crate) fn current_height(&self) -> Option<(f64, Option<NaiveDate>)> {
        if let Some(h) = self.height_cm {
            return Some((h, None));
        }
        self.heights
            .iter()
            .max_by_key(|h| h.date)
            .map(|h| (h.cm, Some(h.date)))
    }
}

/// What she keeps in her profile for the bone rules; measurements and scans are kept apart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoneProfile {
    pub birth_date: Option<NaiveDate>,
    pub age: Option<u8>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub tallest_height_cm: Option<f64>,
    pub risk_factors: Vec<RiskFactor>,
    pub vertebral_fracture: bool,
    /// Standing answers (clinical-rules.md section 1): asked once, fed into every check-in's
    /// triage. `None` until she answers. A previous fragility fracture and 3+ months of
    /// steroid tablets are the `fragility_fracture` and `glucocorticoids` risk factors.
    pub cancer_history: Option<bool>,
    pub known_low_bone_density: Option<bool>,
    /// Whether she has answered the history questions, so that a risk factor left unticked
    /// is an answer of no rather than a question not asked.
    pub history_answered: bool,
    /// What she would like help with (see [`GOALS`]).
    pub goals: Vec<String>,
    /// Whether she has seen the first-visit welcome (finished or skipped it).
    pub welcomed: bool,
    /// Whether she still has periods: "yes", "no" or "unsure" (`None`: not asked yet). The
    /// check-in asks about bleeding unless she has said "no".
    pub still_periods: Option<&'static str>,
    /// What changes what her bleeding means (section 6): contraception, hormone therapy,
    /// surgery, each with its dates. No two entries of one kind overlap.
    pub cycle_context: Vec<ContextEntry>,
    /// Her own symptoms, kept for the next day's check-in (at most 20, section 8).
    pub custom_symptoms: Vec<String>,
}

/// The answers to "Do you still have periods?".
pub const STILL_PERIODS: &[(&str, &str)] = &[
    ("yes", "Yes, I still have periods"),
    ("unsure", "Not sure: they have become irregular or rare"),
    ("no", "No, not for a year or more"),
];

/// What she may ask Keel to help with, and how each reads.
pub const GOALS: &[(&str, &str)] = &[
    ("back_pain", "Easing back pain"),
    ("posture", "Posture and desk work"),
    ("bone", "Bone health"),
    ("strength", "Getting stronger and staying active"),
    (
        "symptoms",
        "Perimenopause symptoms that make some days harder",
    ),
];

impl BoneProfile {
    /// Validates a profile. `today` bounds the birth date.
    pub fn parse(value: &Value, today: NaiveDate) -> Result<BoneProfile, ValidationErrors> {
        let object = as_object(value)?;
        let mut r = FieldReader::new(object, "");
        let birth_date = r.date("birth_date");
        let age = r.int("age", 0, 120);
        let weight_kg = r.number("weight_kg", WEIGHT_RANGE.0, WEIGHT_RANGE.1);
        let height_cm = r.number("height_cm", HEIGHT_RANGE.0, HEIGHT_RANGE.1);
        let tallest_height_cm = r.number("tallest_height_cm", HEIGHT_RANGE.0, HEIGHT_RANGE.1);
        let risk_factors = r
            .choices("risk_factors", RiskFactor::ALL)
            .unwrap_or_default();
        let vertebral_fracture = r.bool("vertebral_fracture").unwrap_or(false);
        let cancer_history = r.bool("cancer_history");
        let known_low_bone_density = r.bool("known_low_bone_density");
        let history_answered = r.bool("history_answered").unwrap_or(false);
        let goals = r
            .choices(
                "goals",
                &GOALS.iter().map(|(g, _)| (*g, *g)).collect::<Vec<_>>(),
            )
            .unwrap_or_default()
            .into_iter()
            .map(str::to_string)
            .collect();
        let welcomed = r.bool("welcomed").unwrap_or(false);
        let still_periods = r.choice(
            "still_periods",
            &STILL_PERIODS
                .iter()
                .map(|(k, _)| (*k, *k))
                .collect::<Vec<_>>(),
        );
        let context_raw = r.raw("cycle_context");
        let custom_raw = r.raw("custom_symptoms");
        let mut errors = r.finish();
        let cycle_context = match context_raw {
            Some(v) => crate::stage::parse_context(v, today, "cycle_context", &mut errors),
            None => Vec::new(),
        };
        if let Some((i, j)) = crate::stage::overlapping(&cycle_context) {
            errors.add(
                format!("cycle_context[{j}]"),
                format!(
                    "overlaps entry {i} of the same kind ({}): change its dates or remove one",
                    cycle_context[i].kind.words()
                ),
            );
        }
        let custom_symptoms = match custom_raw {
            Some(v) => parse_custom_names(v, &mut errors),
            None => Vec::new(),
        };
        if let Some(b) = birth_date
            && (b > today || age_on(b, today) > 120)
        {
            errors.add("birth_date", "must be a real birth date, not in the future");
        }
        errors.into_result(|| BoneProfile {
            birth_date,
            age: age.map(|a| a as u8),
            weight_kg,
            height_cm,
            tallest_height_cm,
            risk_factors,
            vertebral_fracture,
            cancer_history,
            known_low_bone_density,
            history_answered,
            goals,
            welcomed,
            still_periods,
            cycle_context,
            custom_symptoms,
        })
    }

    /// Her standing answers, as the triage reads them: what she said, `None` where she has not.
    pub fn standing_answers(&self) -> Answers {
        let mut a = Answers::default();
        a.set(Question::CancerHistory, self.cancer_history);
        a.set(Question::KnownLowBoneDensity, self.known_low_bone_density);
        let factor = |f: RiskFactor| {
            if self.risk_factors.contains(&f) {
                Some(true)
            } else {
                self.history_answered.then_some(false)
            }
        };
        a.set(
            Question::PreviousFragilityFracture,
            factor(RiskFactor::FragilityFracture),
        );
        a.set(
            Question::OralSteroids3Months,
            factor(RiskFactor::Glucocorticoids),
        );
        a
    }

    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "birth_date": self.birth_date.map(|d| d.to_string()),
            "age": self.age,
            "weight_kg": self.weight_kg,
            "height_cm": self.height_cm,
            "tallest_height_cm": self.tallest_height_cm,
            "risk_factors": self.risk_factors.iter().map(|r| r.name()).collect::<Vec<_>>(),
            "vertebral_fracture": self.vertebral_fracture,
            "cancer_history": self.cancer_history,
            "known_low_bone_density": self.known_low_bone_density,
            "history_answered": self.history_answered,
            "goals": self.goals,
            "welcomed": self.welcomed,
            "still_periods": self.still_periods,
            "cycle_context": self.cycle_context.iter().map(|c| serde_json::json!({
                "kind": c.kind.key(),
                "from": c.from.to_string(),
                "to": c.to.map(|d| d.to_string()),
            })).collect::<Vec<_>>(),
            "custom_symptoms": self.custom_symptoms,
        })
    }

    /// Age on a date: from the birth date when known, else the age she gave.
    pub fn age_on(&self, date: NaiveDate) -> Option<u8> {
        self.birth_date.map(|b| age_on(b, date)).or(self.age)
    }

    /// The rules' input for a date, or `None` while her age is unknown.
    pub fn input(
        &self,
        date: NaiveDate,
        heights: &[HeightMeasurement],
        dexa: &[DexaResult],
    ) -> Option<BoneInput> {
        Some(BoneInput {
            date,
            age: self.age_on(date)?,
            weight_kg: self.weight_kg,
            height_cm: self.height_cm,
            tallest_height_cm: self.tallest_height_cm,
            heights: heights.iter().filter(|h| h.date <= date).copied().collect(),
            risk_factors: self.risk_factors.clone(),
            dexa: dexa.iter().filter(|d| d.date <= date).copied().collect(),
            vertebral_fracture: self.vertebral_fracture,
        })
    }
}

/// Her own symptoms' names: each 1-40 characters once trimmed, no repeats, at most 20.
fn parse_custom_names(v: &Value, errors: &mut ValidationErrors) -> Vec<String> {
    use crate::symptoms::{CUSTOM_MAX, CUSTOM_NAME_MAX_CHARS};
    let Value::Array(items) = v else {
        errors.add("custom_symptoms", "must be a list of names");
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = format!("custom_symptoms[{i}]");
        match item.as_str().map(str::trim) {
            Some("") => errors.add(field, "must not be empty"),
            Some(n) if n.chars().count() > CUSTOM_NAME_MAX_CHARS => errors.add(
                field,
                format!("must be at most {CUSTOM_NAME_MAX_CHARS} characters"),
            ),
            Some(n) => {
                if let Some(why) = crate::validate::text_problem(n) {
                    errors.add(field, why);
                } else if !out.iter().any(|o| o == n) {
                    out.push(n.to_string());
                }
            }
            None => errors.add(field, "must be a name"),
        }
    }
    if out.len() > CUSTOM_MAX {
        errors.add(
            "custom_symptoms",
            format!("may hold at most {CUSTOM_MAX} of your own symptoms"),
        );
    }
    out
}

fn age_on(birth: NaiveDate, date: NaiveDate) -> u8 {
    date.years_since(birth).unwrap_or(0).min(255) as u8
}

/// Validates one height measurement, not after `today`.
pub fn parse_height(
    value: &Value,
    today: NaiveDate,
) -> Result<HeightMeasurement, ValidationErrors> {
    let object = as_object(value)?;
    let mut r = FieldReader::new(object, "");
    let date = r.date("date");
    let date = r.require("date", date);
    let cm = r.number("cm", HEIGHT_RANGE.0, HEIGHT_RANGE.1);
    let cm = r.require("cm", cm);
    let mut errors = r.finish();
    if date.is_some_and(|d| d > today) {
        errors.add("date", "must not be after today");
    }
    errors.into_result(|| HeightMeasurement {
        date: date.unwrap_or(today),
        cm: cm.unwrap_or_default(),
    })
}

/// Validates one DEXA result, not after `today`.
pub fn parse_dexa(value: &Value, today: NaiveDate) -> Result<DexaResult, ValidationErrors> {
    let object = as_object(value)?;
    let mut r = FieldReader::new(object, "");
    let date = r.date("date");
    let date = r.require("date", date);
    let site = r.choice("site", DexaSite::ALL);
    let site = r.require("site", site);
    let t = r.number("t_score", T_SCORE_RANGE.0, T_SCORE_RANGE.1);
    let t = r.require("t_score", t);
    let mut errors = r.finish();
    if date.is_some_and(|d| d > today) {
        errors.add("date", "must not be after today");
    }
    errors.into_result(|| DexaResult {
        date: date.unwrap_or(today),
        site: site.unwrap_or(DexaSite::LumbarSpine),
        t_score: t.unwrap_or_default(),
    })
}

fn list<T>(
    value: Option<&Value>,
    name: &str,
    errors: &mut ValidationErrors,
    mut read: impl FnMut(&mut FieldReader<'_>) -> Option<T>,
) -> Vec<T> {
    let Some(value) = value else {
        return Vec::new();
    };
    let Value::Array(items) = value else {
        errors.add(name, "must be a list");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("{name}[{i}]");
        let Some(object) = item.as_object() else {
            errors.add(prefix, "must be an object");
            continue;
        };
        let mut r = FieldReader::new(object, &prefix);
        let parsed = read(&mut r);
        let item_errors = r.finish();
        if item_errors.is_empty() {
            out.extend(parsed);
        }
        errors.extend(item_errors);
    }
    out
}
