//! Perimenopause symptoms in the check-in (clinical-rules.md section 8): the listed symptoms on
//! the MRS scale 0-4, an optional hot-flush count, her own symptoms, the day's bleeding, and the
//! heavy-symptom day they can make.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::stage::Flow;
use crate::validate::FieldReader;

/// A symptom of section 8's list, in the check-in's key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    HotFlushes,
    NightSweats,
    SleepProblems,
    JointAches,
    MuscleTension,
    LowMood,
    Anxiety,
    Irritability,
    BrainFog,
    Exhaustion,
    Headache,
    Palpitations,
}

impl Symptom {
    pub const ALL: &'static [Symptom] = &[
        Symptom::HotFlushes,
        Symptom::NightSweats,
        Symptom::SleepProblems,
        Symptom::JointAches,
        Symptom::MuscleTension,
        Symptom::LowMood,
        Symptom::Anxiety,
        Symptom::Irritability,
        Symptom::BrainFog,
        Symptom::Exhaustion,
        Symptom::Headache,
        Symptom::Palpitations,
    ];

    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            Symptom::HotFlushes => "hot_flushes",
            Symptom::NightSweats => "night_sweats",
            Symptom::SleepProblems => "sleep_problems",
            Symptom::JointAches => "joint_aches",
            Symptom::MuscleTension => "muscle_tension",
            Symptom::LowMood => "low_mood",
            Symptom::Anxiety => "anxiety",
            Symptom::Irritability => "irritability",
            Symptom::BrainFog => "brain_fog",
            Symptom::Exhaustion => "exhaustion",
            Symptom::Headache => "headache",
            Symptom::Palpitations => "palpitations",
        }
    }

    /// In her words, lower case, to sit inside a sentence.
    pub fn words(self) -> &'static str {
        match self {
            Symptom::HotFlushes => "hot flushes",
            Symptom::NightSweats => "night sweats",
            Symptom::SleepProblems => "sleep problems",
            Symptom::JointAches => "joint and muscle aches",
            Symptom::MuscleTension => "muscle tension",
            Symptom::LowMood => "low mood",
            Symptom::Anxiety => "anxiety",
            Symptom::Irritability => "irritability",
            Symptom::BrainFog => "brain fog",
            Symptom::Exhaustion => "exhaustion",
            Symptom::Headache => "headache",
            Symptom::Palpitations => "a racing or pounding heart",
        }
    }

    /// A short label for a form row.
    pub fn label(self) -> &'static str {
        match self {
            Symptom::HotFlushes => "Hot flushes",
            Symptom::NightSweats => "Night sweats",
            Symptom::SleepProblems => "Sleep problems",
            Symptom::JointAches => "Joint or muscle aches",
            Symptom::MuscleTension => "Muscle tension",
            Symptom::LowMood => "Low mood",
            Symptom::Anxiety => "Anxiety",
            Symptom::Irritability => "Irritability",
            Symptom::BrainFog => "Brain fog",
            Symptom::Exhaustion => "Exhaustion",
            Symptom::Headache => "Headache",
            Symptom::Palpitations => "Heart racing",
        }
    }

    pub fn from_key(key: &str) -> Option<Symptom> {
        Symptom::ALL.iter().copied().find(|s| s.key() == key)
    }

    fn choices() -> String {
        Symptom::ALL
            .iter()
            .map(|s| s.key())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The MRS scale's words for 0-4.
pub const RATING_WORDS: [&str; 5] = ["none", "mild", "moderate", "severe", "very severe"];
/// The highest rating.
pub const RATING_MAX: u8 = 4;
/// Hot flushes counted in a day, at most.
pub const HOT_FLUSH_COUNT_MAX: i64 = 100;
/// Her own symptoms, at most, over all her check-ins (product rule).
pub const CUSTOM_MAX: usize = 20;
/// A custom symptom's name, at most, in characters.
pub const CUSTOM_NAME_MAX_CHARS: usize = 40;

/// The day's bleeding, as the check-in records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayBleeding {
    pub flow: Flow,
    #[serde(default)]
    pub after_sex: bool,
}

/// The symptom part of a check-in, valid by construction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SymptomLog {
    /// Rated symptoms only: one not rated is unknown, never 0.
    pub ratings: BTreeMap<Symptom, u8>,
    pub hot_flush_count: Option<u8>,
    /// Her own symptoms by name.
    pub custom: BTreeMap<String, u8>,
    pub bleeding: Option<DayBleeding>,
}

impl SymptomLog {
    /// Reads `symptoms`, `hot_flush_count`, `custom_symptoms` and `bleeding` from a check-in
    /// object; errors name the field (`symptoms.hot_flushes`, `custom_symptoms`).
    pub(crate) fn read(r: &mut FieldReader) -> SymptomLog {
        let symptoms = r.raw("symptoms");
        let count = r.int("hot_flush_count", 0, HOT_FLUSH_COUNT_MAX);
        let custom = r.raw("custom_symptoms");
        let bleeding = r.raw("bleeding");
        let mut log = SymptomLog {
            hot_flush_count: count.map(|c| c as u8),
            ..SymptomLog::default()
        };
        match symptoms {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (key, v) in m {
                    let field = format!("symptoms.{key}");
                    let Some(s) = Symptom::from_key(key) else {
                        r.errors.add(
                            field,
                            format!("is not a known symptom (one of {})", Symptom::choices()),
                        );
                        continue;
                    };
                    match rating(v) {
                        Ok(Some(x)) => {
                            log.ratings.insert(s, x);
                        }
                        Ok(None) => {}
                        Err(why) => r.errors.add(field, why),
                    }
                }
            }
            Some(_) => r.errors.add(
                "symptoms",
                "must be an object of symptom ratings 0-4, such as {\"hot_flushes\": 2}",
            ),
        }
        match custom {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                if m.len() > CUSTOM_MAX {
                    r.errors.add(
                        "custom_symptoms",
                        format!("may hold at most {CUSTOM_MAX} of your own symptoms"),
                    );
                }
                for (name, v) in m {
                    let clean = name.trim();
                    let field = format!("custom_symptoms.{name}");
                    if clean.is_empty() {
                        r.errors
                            .add("custom_symptoms", "a symptom's name must not be empty");
                        continue;
                    }
                    if clean.chars().count() > CUSTOM_NAME_MAX_CHARS {
                        r.errors.add(
                            "custom_symptoms",
                            format!(
                                "a symptom's name must be at most {CUSTOM_NAME_MAX_CHARS} characters"
                            ),
                        );
                        continue;
                    }
                    if let Some(why) = crate::validate::text_problem(clean) {
                        r.errors.add(field, why);
                        continue;
                    }
                    match rating(v) {
                        Ok(Some(x)) => {
                            log.custom.insert(clean.to_string(), x);
                        }
                        Ok(None) => {}
                        Err(why) => r.errors.add(field, why),
                    }
                }
            }
            Some(_) => r.errors.add(
                "custom_symptoms",
                "must be an object of your own symptoms rated 0-4, such as {\"tingling\": 1}",
            ),
        }
        match bleeding {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                let mut b = FieldReader::new(m, "bleeding");
                let flow = b.choice("flow", Flow::ALL);
                let flow = b.require("flow", flow);
                let after_sex = b.bool("after_sex").unwrap_or(false);
                r.errors.extend(b.finish());
                log.bleeding = flow.map(|flow| DayBleeding { flow, after_sex });
            }
            Some(_) => r.errors.add(
                "bleeding",
                "must be an object such as {\"flow\": \"light\", \"after_sex\": false}",
            ),
        }
        log
    }

    pub fn is_empty(&self) -> bool {
        self.ratings.is_empty()
            && self.hot_flush_count.is_none()
            && self.custom.is_empty()
            && self.bleeding.is_none()
    }

    pub fn rating(&self, s: Symptom) -> Option<u8> {
        self.ratings.get(&s).copied()
    }

    /// `symptoms` as JSON: the rated ones only, in the list's order.
    pub fn ratings_json(&self) -> serde_json::Map<String, Value> {
        self.ratings
            .iter()
            .map(|(s, r)| (s.key().to_string(), Value::from(*r)))
            .collect()
    }

    pub fn custom_json(&self) -> serde_json::Map<String, Value> {
        self.custom
            .iter()
            .map(|(n, r)| (n.clone(), Value::from(*r)))
            .collect()
    }
}

/// A rating: a whole number 0-4, or null (not rated).
fn rating(v: &Value) -> Result<Option<u8>, String> {
    // As every whole number is read: 2 and 2.0 alike, 2.5 refused.
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() != 0.0 => Err("must be a whole number from 0 to 4".into()),
            Some(x) if (0.0..=f64::from(RATING_MAX)).contains(&x) => Ok(Some(x as u8)),
            _ => Err("must be 0 to 4 (none, mild, moderate, severe, very severe)".into()),
        },
        _ => Err("must be a whole number from 0 to 4".into()),
    }
}

/// A rating of 3 or more makes the day heavy on its own.
pub const HEAVY_RATING: u8 = 3;
/// The sum of the rated symptoms that makes the day heavy.
pub const HEAVY_SUM: u32 = 8;
/// Night sweats at least this with sleep at most [`HEAVY_NIGHT_SWEATS_SLEEP`].
pub const HEAVY_NIGHT_SWEATS: u8 = 2;
pub const HEAVY_NIGHT_SWEATS_SLEEP: u8 = 4;
/// Hot flushes at least this bring the cooling advice.
pub const COOLING_HOT_FLUSHES: u8 = 2;

/// Why a day is a heavy-symptom day, and which symptoms made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeavyDay {
    /// The symptoms that set it, in the list's order.
    pub symptoms: Vec<Symptom>,
    /// Which of the three conditions held, in words.
    pub because: String,
}

/// The heavy-symptom day of section 8, from the listed symptoms only (her own do not set it):
/// any rated 3 or 4, or the rated ones summing to 8 or more, or night sweats 2 or more with
/// sleep 4/10 or less.
pub fn heavy_day(log: &SymptomLog, sleep: Option<u8>) -> Option<HeavyDay> {
    let mut named: Vec<Symptom> = Vec::new();
    let mut because: Vec<String> = Vec::new();
    let severe: Vec<Symptom> = log
        .ratings
        .iter()
        .filter(|(_, r)| **r >= HEAVY_RATING)
        .map(|(s, _)| *s)
        .collect();
    if !severe.is_empty() {
        because.push(
            severe
                .iter()
                .map(|s| {
                    format!(
                        "{} {}",
                        s.words(),
                        RATING_WORDS[usize::from(log.ratings[s])]
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        );
        named.extend(&severe);
    }
    let sum: u32 = log.ratings.values().map(|r| u32::from(*r)).sum();
    if severe.is_empty() && sum >= HEAVY_SUM {
        because.push(format!(
            "{} adding up to {sum} on the 0-4 scales",
            list(
                log.ratings
                    .iter()
                    .filter(|(_, r)| **r > 0)
                    .map(|(s, _)| s.words())
            )
        ));
        named.extend(log.ratings.iter().filter(|(_, r)| **r > 0).map(|(s, _)| *s));
    }
    let sweats = log.rating(Symptom::NightSweats).unwrap_or(0);
    if let Some(sleep) = sleep
        && sweats >= HEAVY_NIGHT_SWEATS
        && sleep <= HEAVY_NIGHT_SWEATS_SLEEP
        && !named.contains(&Symptom::NightSweats)
    {
        because.push(format!(
            "night sweats {} with sleep {sleep}/10",
            RATING_WORDS[usize::from(sweats)]
        ));
        named.push(Symptom::NightSweats);
    }
    if named.is_empty() {
        return None;
    }
    named.sort_unstable();
    named.dedup();
    Some(HeavyDay {
        symptoms: named,
        because: because.join("; "),
    })
}

/// "a, b and c".
pub fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub mod patterns;

#[cfg(test)]
mod tests;
