//! The red-flag questions and the rule table of clinical-rules.md section 1, as data.

use crate::level::TriageLevel;
use crate::pain::{Location, Onset};
use crate::validate::FieldReader;

macro_rules! questions {
    ($($variant:ident => $name:literal, $text:literal;)+) => {
        /// A yes/no safety question, named exactly as in the triage contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Question { $($variant),+ }

        impl Question {
            pub const ALL: &'static [Question] = &[$(Question::$variant),+];

            /// The JSON field name.
            pub fn name(self) -> &'static str {
                match self { $(Question::$variant => $name),+ }
            }

            /// The question as a person is asked it.
            pub fn text(self) -> &'static str {
                match self { $(Question::$variant => $text),+ }
            }

            pub fn from_name(name: &str) -> Option<Question> {
                match name { $($name => Some(Question::$variant),)+ _ => None }
            }
        }
    };
}

questions! {
    SaddleNumbness => "saddle_numbness", "Numbness, tingling or a changed feeling between your legs, around your genitals, bottom or inner thighs (for example when wiping)?";
    BladderChange => "bladder_change", "New trouble passing urine, leaking, or not being able to tell when your bladder is full or empty?";
    BowelChange => "bowel_change", "New loss of bowel control, or not being able to tell when you need to open your bowels?";
    SexualChange => "sexual_change", "A new change in sexual sensation or function?";
    BothLegsSymptoms => "both_legs_symptoms", "Pain, tingling, numbness or weakness in both legs?";
    LegWeaknessWorsening => "leg_weakness_worsening", "Leg weakness that is getting worse, legs that feel heavy or do not go where you want, trouble walking, or a foot that drags?";
    OneLegWeaknessOrNumbness => "one_leg_weakness_or_numbness", "Weakness or numbness in one leg that is not getting worse?";
    SeriousAccident => "serious_accident", "Did the pain start after a serious accident, such as a road accident, a fall from a height or a heavy blow?";
    FallOrImpact => "fall_or_impact", "Did the pain start after a smaller fall, knock or bump?";
    ChestPain => "chest_pain", "Chest pain as well as the back pain?";
    Fever => "fever", "A high temperature, or feeling hot and shivery?";
    UnexplainedWeightLoss => "unexplained_weight_loss", "Weight loss you were not trying for?";
    BackLumpOrShapeChange => "back_lump_or_shape_change", "A lump or swelling on your back, or a change in the shape of your back?";
    NightPain => "night_pain", "Pain that wakes you at night, or does not ease when you rest and is much worse at night?";
    WorseWithCoughSneeze => "worse_with_cough_sneeze", "Pain that gets worse when you cough, sneeze or open your bowels?";
    CancerHistory => "cancer_history", "Have you ever had cancer?";
    KnownLowBoneDensity => "known_low_bone_density", "Have you been told you have osteoporosis or osteopenia (low bone density)?";
    PreviousFragilityFracture => "previous_fragility_fracture", "Have you broken a bone after 40 from a fall from standing height or less?";
    OralSteroids3Months => "oral_steroids_3_months", "Have you taken steroid tablets (such as prednisolone) for 3 months or more?";
}

impl Question {
    /// Questions that an emergency rule depends on: a client must ask each one.
    pub const EMERGENCY: &'static [Question] = &[
        Question::SaddleNumbness,
        Question::BladderChange,
        Question::BowelChange,
        Question::SexualChange,
        Question::BothLegsSymptoms,
        Question::LegWeaknessWorsening,
        Question::SeriousAccident,
        Question::ChestPain,
    ];

    pub fn is_emergency(self) -> bool {
        Self::EMERGENCY.contains(&self)
    }
}

/// Answers to the safety questions: `None` means "not asked", never "no".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    values: [Option<bool>; Question::ALL.len()],
}

impl Answers {
    pub fn get(&self, q: Question) -> Option<bool> {
        self.values[q as usize]
    }

    pub fn set(&mut self, q: Question, value: Option<bool>) {
        self.values[q as usize] = value;
    }

    pub fn yes(&self, q: Question) -> bool {
        self.get(q) == Some(true)
    }

    /// Emergency questions with no answer, in contract order.
    pub fn missing_emergency(&self) -> Vec<Question> {
        Question::EMERGENCY
            .iter()
            .copied()
            .filter(|q| self.get(*q).is_none())
            .collect()
    }

    pub(crate) fn read(reader: &mut FieldReader<'_>) -> Answers {
        let mut answers = Answers::default();
        for q in Question::ALL {
            answers.set(*q, reader.bool(q.name()));
        }
        answers
    }

    /// The answered questions as `name -> bool`, for JSON.
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        Question::ALL
            .iter()
            .filter_map(|q| self.get(*q).map(|v| (q.name().to_string(), v.into())))
            .collect()
    }
}

/// What a red-flag rule looks at.
pub struct Symptoms<'a> {
    pub pain: u8,
    pub locations: &'a [Location],
    pub onset: Option<Onset>,
    pub answers: &'a Answers,
}

/// One row of the red-flag table.
pub struct RedFlagRule {
    pub id: &'static str,
    pub level: TriageLevel,
    pub source: &'static str,
    /// What the finding tells her, in Keel's words.
    pub message: &'static str,
    pub trigger: fn(&Symptoms<'_>) -> bool,
}

use Question as Q;
use TriageLevel::{Emergency, Urgent};

/// The symptom rules, emergencies first, in the order of clinical-rules.md section 1.
/// Emergency triggers do not depend on the pain score: a red flag is never hidden.
pub const RED_FLAG_RULES: &[RedFlagRule] = &[
    RedFlagRule {
        id: "RF-CES-SADDLE",
        level: Emergency,
        source: "NHS-CES",
        message: "Numbness or changed feeling in the saddle area can mean the nerves at the base of the spine are being squeezed (cauda equina syndrome). This needs emergency care now.",
        trigger: |s| s.answers.yes(Q::SaddleNumbness),
    },
    RedFlagRule {
        id: "RF-CES-BLADDER",
        level: Emergency,
        source: "NHS-CES",
        message: "A new change in bladder control or feeling with back pain can be a sign of cauda equina syndrome. This needs emergency care now.",
        trigger: |s| s.answers.yes(Q::BladderChange),
    },
    RedFlagRule {
        id: "RF-CES-BOWEL",
        level: Emergency,
        source: "NHS-CES",
        message: "A new change in bowel control or feeling with back pain can be a sign of cauda equina syndrome. This needs emergency care now.",
        trigger: |s| s.answers.yes(Q::BowelChange),
    },
    RedFlagRule {
        id: "RF-CES-SEXUAL",
        level: Emergency,
        source: "NHS-CES",
        message: "A new change in sexual sensation or function with back pain can be a sign of cauda equina syndrome. This needs emergency care now.",
        trigger: |s| s.answers.yes(Q::SexualChange),
    },
    RedFlagRule {
        id: "RF-BOTH-LEGS",
        level: Emergency,
        source: "NHS-CES",
        message: "Symptoms in both legs with back pain can mean nerves in the spine are under pressure. This needs emergency care now.",
        trigger: |s| {
            s.answers.yes(Q::BothLegsSymptoms)
                || (s.locations.contains(&Location::LeftLeg)
                    && s.locations.contains(&Location::RightLeg))
        },
    },
    RedFlagRule {
        id: "RF-LEG-PROGRESSIVE",
        level: Emergency,
        source: "NHS-CES",
        message: "Leg weakness that is getting worse, or trouble walking, can mean a nerve or the spinal cord is being pressed on. This needs emergency care now.",
        trigger: |s| s.answers.yes(Q::LegWeaknessWorsening),
    },
    RedFlagRule {
        id: "RF-MAJOR-TRAUMA",
        level: Emergency,
        source: "NHS-BACK",
        message: "Back pain after a serious accident can mean an injury to the spine. Get emergency care now and keep movement to a minimum until you are checked.",
        trigger: |s| s.answers.yes(Q::SeriousAccident),
    },
    RedFlagRule {
        id: "RF-CHEST-PAIN",
        level: Emergency,
        source: "NHS-BACK",
        message: "Chest pain together with back pain can come from the heart or a major blood vessel. Call the emergency number now.",
        trigger: |s| s.answers.yes(Q::ChestPain),
    },
    RedFlagRule {
        id: "RF-FEVER",
        level: Urgent,
        source: "NHS-BACK",
        message: "A high temperature with back pain can be a sign of infection. Contact a clinician today.",
        trigger: |s| s.answers.yes(Q::Fever),
    },
    RedFlagRule {
        id: "RF-WEIGHT-LOSS",
        level: Urgent,
        source: "NHS-BACK",
        message: "Losing weight without trying, alongside back pain, should be checked. Contact a clinician today.",
        trigger: |s| s.answers.yes(Q::UnexplainedWeightLoss),
    },
    RedFlagRule {
        id: "RF-LUMP",
        level: Urgent,
        source: "NHS-BACK",
        message: "A lump, a swelling or a change in the shape of your back should be examined. Contact a clinician today.",
        trigger: |s| s.answers.yes(Q::BackLumpOrShapeChange),
    },
    RedFlagRule {
        id: "RF-NIGHT-PAIN",
        level: Urgent,
        source: "NHS-BACK",
        message: "Pain that wakes you, or that rest does not ease, is not typical of everyday back pain. Contact a clinician today.",
        trigger: |s| s.answers.yes(Q::NightPain),
    },
    RedFlagRule {
        id: "RF-COUGH",
        level: Urgent,
        source: "NHS-BACK",
        message: "Pain that flares when you cough, sneeze or open your bowels should be checked. Contact a clinician today.",
        trigger: |s| s.answers.yes(Q::WorseWithCoughSneeze),
    },
    RedFlagRule {
        id: "RF-UPPER-BACK",
        level: Urgent,
        source: "NHS-BACK",
        message: "New pain between the shoulder blades, rather than low in the back, should be checked. Contact a clinician today.",
        trigger: |s| s.locations.contains(&Location::UpperBack),
    },
    RedFlagRule {
        id: "RF-CANCER-HISTORY",
        level: Urgent,
        source: "NICE-NG59",
        message: "New back pain in someone who has had cancer should be checked promptly. Contact a clinician today.",
        trigger: |s| s.answers.yes(Q::CancerHistory),
    },
    RedFlagRule {
        id: "RF-ONE-LEG",
        level: Urgent,
        source: "NHS-BACK",
        message: "Weakness or numbness in one leg should be examined. Contact a clinician today, and sooner if it spreads to both legs or gets worse.",
        trigger: |s| s.answers.yes(Q::OneLegWeaknessOrNumbness),
    },
    RedFlagRule {
        id: "RF-FALL",
        level: Urgent,
        source: "NHS-BACK",
        message: "Back pain that began after a fall, knock or bump should be checked for injury. Contact a clinician today.",
        trigger: |s| s.answers.yes(Q::FallOrImpact),
    },
    RedFlagRule {
        id: "RF-FRACTURE-RISK",
        level: Urgent,
        source: "BHOF",
        message: "Sudden sharp back pain when your bones may be fragile can be a small fracture in a vertebra. Contact a clinician today.",
        trigger: |s| {
            s.onset == Some(Onset::Sudden)
                && (s.answers.yes(Q::KnownLowBoneDensity)
                    || s.answers.yes(Q::PreviousFragilityFracture)
                    || s.answers.yes(Q::OralSteroids3Months))
        },
    },
];

/// The trend rules' table rows (their predicates live in `triage`).
pub const RF_WORSENING_6W: (&str, &str) = ("RF-WORSENING-6W", "SEED");
pub const RF_NO_IMPROVEMENT_6W: (&str, &str) = ("RF-NO-IMPROVEMENT-6W", "SEED");

pub const RF_WORSENING_6W_MESSAGE: &str = "Your pain has crept up over the last six weeks with no real improvement. Book an appointment within the next two weeks.";
pub const RF_NO_IMPROVEMENT_6W_MESSAGE: &str = "This episode has lasted more than six weeks without a meaningful improvement. Book an appointment within the next two weeks to talk about next steps.";

/// Looks a rule up by id, across the symptom and trend rules.
pub fn rule_level(id: &str) -> Option<TriageLevel> {
    if id == RF_WORSENING_6W.0
        || id == RF_NO_IMPROVEMENT_6W.0
        || crate::stage::BLEEDING_RULES.iter().any(|(r, _)| *r == id)
    {
        return Some(TriageLevel::Soon);
    }
    RED_FLAG_RULES.iter().find(|r| r.id == id).map(|r| r.level)
}

/// How long an acknowledgement mutes repeats of its rule (product rule).
pub const MUTE_DAYS: i64 = 14;

/// Whether a rule may be acknowledged: known, and not an emergency.
pub fn check_acknowledgeable(rule: &str) -> Result<(), &'static str> {
    match rule_level(rule) {
        None => Err("is not a known red-flag rule"),
        Some(TriageLevel::Emergency) => Err("emergency findings cannot be muted: get help now"),
        Some(_) => Ok(()),
    }
}

/// Validates an acknowledgement body: `rule` (required, non-emergency) and `date` (not after
/// today; defaults to today).
pub fn parse_acknowledgement(
    value: &serde_json::Value,
    today: chrono::NaiveDate,
) -> Result<(String, chrono::NaiveDate), crate::validate::ValidationErrors> {
    let object = crate::validate::as_object(value)?;
    let mut r = FieldReader::new(object, "");
    let rule = r.string("rule", 64);
    let rule = r.require("rule", rule);
    let date = r.date("date");
    let mut errors = r.finish();
    if let Some(rule) = rule
        && let Err(why) = check_acknowledgeable(rule)
    {
        errors.add("rule", why);
    }
    if date.is_some_and(|d| d > today) {
        errors.add("date", "must not be after today");
    }
    errors.into_result(|| (rule.unwrap_or_default().to_string(), date.unwrap_or(today)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_question_is_an_emergency_one_exactly_when_an_emergency_rule_reads_it() {
        // Written out from clinical-rules.md section 1, not from the constant.
        let emergency = [
            "saddle_numbness",
            "bladder_change",
            "bowel_change",
            "sexual_change",
            "both_legs_symptoms",
            "leg_weakness_worsening",
            "serious_accident",
            "chest_pain",
        ];
        for q in Question::ALL {
            assert_eq!(
                q.is_emergency(),
                emergency.contains(&q.name()),
                "{}",
                q.name()
            );
        }
    }

    #[test]
    fn answers_as_json_hold_each_answered_question_and_no_other() {
        let mut a = Answers::default();
        a.set(Question::Fever, Some(true));
        a.set(Question::ChestPain, Some(false));
        let m = a.to_json();
        assert_eq!(m.len(), 2);
        assert_eq!(m["fever"], json!(true));
        assert_eq!(m["chest_pain"], json!(false));
    }

    #[test]
    fn an_acknowledgement_may_be_dated_today_but_not_tomorrow() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let on = |d: &str| parse_acknowledgement(&json!({"rule": "RF-FEVER", "date": d}), today);
        assert_eq!(on("2026-11-25").unwrap().1, today);
        assert!(on("2026-11-26").unwrap_err().message_for("date").is_some());
    }

    #[test]
    fn only_known_non_emergency_rules_can_be_acknowledged() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        for rule in RED_FLAG_RULES {
            let result = parse_acknowledgement(&json!({"rule": rule.id}), today);
            assert_eq!(
                result.is_ok(),
                rule.level != TriageLevel::Emergency,
                "{}",
                rule.id
            );
        }
        assert!(parse_acknowledgement(&json!({"rule": "RF-WORSENING-6W"}), today).is_ok());
        let e = parse_acknowledgement(&json!({"rule": "RF-CES-SADDLE"}), today).unwrap_err();
        assert!(e.message_for("rule").unwrap().contains("cannot be muted"));
        assert!(
            parse_acknowledgement(&json!({"rule": "RF-X"}), today)
                .unwrap_err()
                .message_for("rule")
                .is_some()
        );
        assert!(
            parse_acknowledgement(&json!({}), today)
                .unwrap_err()
                .message_for("rule")
                .is_some()
        );
        let e = parse_acknowledgement(&json!({"rule": "RF-FEVER", "date": "2026-11-26"}), today)
            .unwrap_err();
        assert!(e.message_for("date").is_some());
    }
}
