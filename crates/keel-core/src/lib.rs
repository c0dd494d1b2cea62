//! Keel's domain core: validated inputs, safety rules, day types and the daily plan. No I/O.
#![forbid(unsafe_code)]

pub mod activity;
pub mod bone;
pub mod calendar;
pub mod checkin;
pub mod content;
pub mod daytype;
pub mod desk;
pub mod guide;
pub mod json;
pub mod level;
pub mod library;
pub mod movement;
pub mod pain;
pub mod plan;
pub mod preferences;
pub mod progress;
pub mod rules;
pub mod stage;
pub mod symptoms;
pub mod triage;
pub mod validate;

pub use checkin::{CheckIn, Location, Onset};
pub use daytype::{DayType, DayTypeDecision, RecentDay};
pub use library::{ExerciseFamily, Library};
pub use plan::{Plan, PlanItem};
pub use triage::{Finding, TriageLevel, TriageResult};
pub use validate::{FieldError, ValidationErrors};

#[cfg(test)]
mod safety_doc {
    //! docs/safety.md must list exactly the rules the code implements.

    use std::collections::BTreeSet;

    const DOC: &str = include_str!("../../../docs/safety.md");

    /// Table rows whose first cell starts with `prefix`, as their cells.
    fn rows(prefix: &str) -> BTreeSet<Vec<String>> {
        DOC.lines()
            .filter(|l| l.starts_with(&format!("| {prefix}")))
            .map(|l| {
                l.split('|')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn red_flag_table_matches_the_code() {
        let documented: BTreeSet<(String, String, String)> = rows("RF-")
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
            .collect();
        let mut code: BTreeSet<(String, String, String)> = crate::rules::RED_FLAG_RULES
            .iter()
            .map(|r| {
                (
                    r.id.to_string(),
                    r.level.name().to_string(),
                    r.source.to_string(),
                )
            })
            .collect();
        for (id, source) in [
            crate::rules::RF_WORSENING_6W,
            crate::rules::RF_NO_IMPROVEMENT_6W,
        ]
        .into_iter()
        .chain(crate::stage::BLEEDING_RULES)
        {
            code.insert((id.to_string(), "soon".to_string(), source.to_string()));
        }
        assert_eq!(documented, code);
    }

    #[test]
    fn day_type_table_matches_the_code() {
        let documented: BTreeSet<(String, String)> = rows("DT-")
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect();
        let code: BTreeSet<(String, String)> = crate::DayType::ALL
            .iter()
            .map(|d| (d.rule_id().to_string(), d.name().to_string()))
            .collect();
        assert_eq!(documented, code);
    }

    #[test]
    fn stage_table_matches_the_code() {
        let documented: BTreeSet<String> = rows("PH-").into_iter().map(|r| r[1].clone()).collect();
        let code: BTreeSet<String> = ["PH-POST", "PH-UNKNOWN", "PH-LATE", "PH-EARLY", "PH-REPRO"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(documented, code);
        for (name, value) in [
            ("60", crate::stage::LATE_GAP_DAYS),
            ("365", crate::stage::POST_GAP_DAYS),
            ("7", crate::stage::EARLY_DIFFERENCE_DAYS),
            ("10", crate::stage::EARLY_WITHIN_CYCLES as i64),
        ] {
            assert_eq!(name, value.to_string());
            assert!(DOC.contains(name));
        }
        for (n, v) in [
            ("3 or 4", crate::symptoms::HEAVY_RATING),
            ("8 or more", crate::symptoms::HEAVY_SUM as u8),
            ("night sweats are 2", crate::symptoms::HEAVY_NIGHT_SWEATS),
            ("sleep 4/10", crate::symptoms::HEAVY_NIGHT_SWEATS_SLEEP),
        ] {
            assert!(DOC.contains(n), "{n}");
            assert!(n.contains(&v.to_string()), "{n} holds {v}");
        }
    }

    #[test]
    fn bone_table_matches_the_code() {
        let documented: BTreeSet<(String, String)> = rows("BONE-")
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect();
        let code: BTreeSet<(String, String)> = crate::bone::BONE_RULES
            .iter()
            .map(|(id, s)| (id.to_string(), s.to_string()))
            .collect();
        assert_eq!(documented, code);
    }
}
