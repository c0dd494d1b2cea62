//! What she asks the report for, checked once for the page, the API and the CLI: the period
//! (a preset of 30, 90 or 180 days, or her own dates), the sections, the paper, and her name
//! and year of birth for this report only.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate};
use keel_core::ValidationErrors;

use crate::pdf::Paper;

/// A part of the report she may leave out. The summary, red flags and pain are always in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Bone,
    Desk,
    Questionnaires,
    Notes,
    Symptoms,
    Cycle,
}

impl Section {
    pub const ALL: [(&'static str, Section); 6] = [
        ("bone", Section::Bone),
        ("desk", Section::Desk),
        ("questionnaires", Section::Questionnaires),
        ("notes", Section::Notes),
        ("symptoms", Section::Symptoms),
        ("cycle", Section::Cycle),
    ];

    pub fn name(self) -> &'static str {
        Section::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map(|(n, _)| *n)
            .unwrap_or("bone")
    }

    /// In her words, for the form.
    pub fn label(self) -> &'static str {
        match self {
            Section::Bone => "Bone health",
            Section::Desk => "Desk set-up",
            Section::Questionnaires => "Questionnaires",
            Section::Notes => "My notes",
            Section::Symptoms => "Perimenopause symptoms",
            Section::Cycle => "Cycle and stage",
        }
    }
}

/// The presets of the period, in days.
pub const PRESETS: [i64; 3] = [30, 90, 180];
/// The default period, in days.
pub const DEFAULT_DAYS: i64 = 90;
/// Longest period one report covers: two years.
pub const MAX_REPORT_DAYS: i64 = 731;
/// Her name on the report, at most.
pub const NAME_MAX_CHARS: usize = 80;

/// A checked request.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub sections: BTreeSet<Section>,
    pub paper: Paper,
    pub name: Option<String>,
    pub born: Option<i32>,
}

impl ReportRequest {
    /// The last `days` days up to `today`, every section but her notes, on A4.
    pub fn last_days(days: i64, today: NaiveDate) -> ReportRequest {
        ReportRequest {
            from: today - Duration::days(days - 1),
            to: today,
            sections: default_sections(),
            paper: Paper::A4,
            name: None,
            born: None,
        }
    }

    pub fn has(&self, s: Section) -> bool {
        self.sections.contains(&s)
    }

    /// The days the period covers.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The query that asks for this report again (for the PDF link).
    pub fn query(&self) -> String {
        let mut q = format!(
            "from={}&to={}&paper={}&sections={}",
            self.from,
            self.to,
            Paper::ALL
                .iter()
                .find(|(_, p)| *p == self.paper)
                .map(|(n, _)| *n)
                .unwrap_or("a4"),
            self.sections
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(",")
        );
        if let Some(n) = &self.name {
            q.push_str("&name=");
            q.push_str(&form_urlencoded::byte_serialize(n.as_bytes()).collect::<String>());
        }
        if let Some(b) = self.born {
            q.push_str(&format!("&born={b}"));
        }
        q
    }
}

/// Every section but her notes: notes go in only when she ticks them.
pub fn default_sections() -> BTreeSet<Section> {
    Section::ALL
        .iter()
        .map(|(_, s)| *s)
        .filter(|s| *s != Section::Notes)
        .collect()
}

/// What was sent, as text: each parameter once, `sections` as a list (from a comma-separated
/// value or repeated checkboxes), `None` when not sent at all.
#[derive(Debug, Default, Clone)]
pub struct Asked<'a> {
    pub days: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub sections: Option<Vec<&'a str>>,
    pub paper: Option<&'a str>,
    pub name: Option<&'a str>,
    pub born: Option<&'a str>,
}

impl<'a> Asked<'a> {
    /// A query string's pairs, repeated keys kept (the section checkboxes).
    pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
        form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    /// What the pairs ask for. Sections come as checkboxes (with `chosen=1` from the form, so
    /// that none ticked means none) or as one comma-separated value.
    pub fn from_pairs(pairs: &'a [(String, String)]) -> Asked<'a> {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let ticked: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "sections")
            .map(|(_, v)| v.as_str())
            .collect();
        Asked {
            days: get("days"),
            from: get("from"),
            to: get("to"),
            sections: (!ticked.is_empty() || get("chosen") == Some("1")).then_some(ticked),
            paper: get("paper"),
            name: get("name"),
            born: get("born"),
        }
    }
}

/// Checks a request; every problem is named by its field, all at once.
pub fn parse(asked: &Asked, today: NaiveDate) -> Result<ReportRequest, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let date = |name: &str, v: Option<&str>, errors: &mut ValidationErrors| {
        let v = v.map(str::trim).filter(|v| !v.is_empty())?;
        match keel_core::validate::parse_date(v) {
            None => {
                errors.add(name, "must be a date written YYYY-MM-DD, from 1900 on");
                None
            }
            Some(d) if d > today => {
                errors.add(name, format!("must not be after today ({today})"));
                None
            }
            d => d,
        }
    };
    let custom = asked
        .days
        .map(str::trim)
        .filter(|d| !d.is_empty() && *d != "custom");
    let preset = match custom {
        None => None,
        Some(d) => match d.parse::<i64>() {
            Ok(n) if PRESETS.contains(&n) => Some(n),
            _ => {
                errors.add("days", "must be 30, 90 or 180 (or choose your own dates)");
                None
            }
        },
    };
    let to = date("to", asked.to, &mut errors);
    let from = date("from", asked.from, &mut errors);
    let (from, to) = match (preset, from) {
        // A preset ends on the day asked (or today) and wins over a start date.
        (Some(n), _) => {
            let to = to.unwrap_or(today);
            (Some(to - Duration::days(n - 1)), to)
        }
        (None, from) => {
            let to = to.unwrap_or(today);
            (
                Some(from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1))),
                to,
            )
        }
    };
    let from = from.unwrap_or(to);
    if errors.is_empty() {
        if from > to {
            errors.add("from", "must not be after to");
        } else if (to - from).num_days() + 1 > MAX_REPORT_DAYS {
            errors.add("from", "a report covers at most two years");
        }
    }
    let sections = match &asked.sections {
        None => default_sections(),
        Some(list) => {
            let mut out = BTreeSet::new();
            for s in list
                .iter()
                .flat_map(|s| s.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                match Section::ALL.iter().find(|(n, _)| *n == s) {
                    Some((_, sec)) => {
                        out.insert(*sec);
                    }
                    None => errors.add(
                        "sections",
                        format!(
                            "{s:?} is not a section (choose from {})",
                            Section::ALL.map(|(n, _)| n).join(", ")
                        ),
                    ),
                }
            }
            out
        }
    };
    let paper = match asked.paper.map(str::trim).filter(|p| !p.is_empty()) {
        None => Paper::A4,
        Some(p) => match Paper::ALL.iter().find(|(n, _)| n.eq_ignore_ascii_case(p)) {
            Some((_, paper)) => *paper,
            None => {
                errors.add("paper", "must be a4 or letter");
                Paper::A4
            }
        },
    };
    let name = asked.name.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = name {
        if n.chars().count() > NAME_MAX_CHARS {
            errors.add(
                "name",
                format!("must be at most {NAME_MAX_CHARS} characters"),
            );
        } else if let Some(why) = keel_core::validate::text_problem(n) {
            errors.add("name", why);
        }
    }
    let born = match asked.born.map(str::trim).filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => match b.parse::<i32>() {
            Ok(y) if (1900..=today.year()).contains(&y) => Some(y),
            _ => {
                errors.add(
                    "born",
                    format!("must be a year from 1900 to {}", today.year()),
                );
                None
            }
        },
    };
    errors.into_result(|| ReportRequest {
        from,
        to,
        sections,
        paper,
        name: name.map(str::to_string),
        born,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn field(a: Asked) -> Vec<String> {
        parse(&a, today())
            .unwrap_err()
            .errors()
            .iter()
            .map(|e| e.field.clone())
            .collect()
    }

    #[test]
    fn presets_end_today_and_notes_are_left_out_unless_ticked() {
        let r = parse(&Asked::default(), today()).unwrap();
        assert_eq!(
            (r.from, r.to, r.days()),
            (today() - Duration::days(89), today(), 90)
        );
        assert!(!r.has(Section::Notes) && r.has(Section::Bone) && r.has(Section::Cycle));
        for n in PRESETS {
            let d = n.to_string();
            let r = parse(
                &Asked {
                    days: Some(&d),
                    from: Some("2020-01-01"),
                    ..Asked::default()
                },
                today(),
            )
            .unwrap();
            assert_eq!(r.days(), n, "a preset wins over a start date");
        }
        let r = parse(
            &Asked {
                sections: Some(vec!["notes,bone", "desk"]),
                ..Asked::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(
            r.sections,
            [Section::Bone, Section::Desk, Section::Notes].into()
        );
        let none = parse(
            &Asked {
                sections: Some(vec![]),
                ..Asked::default()
            },
            today(),
        )
        .unwrap();
        assert!(none.sections.is_empty(), "sent with nothing ticked: none");
    }

    #[test]
    fn bad_periods_and_unknown_sections_are_refused_by_name() {
        assert_eq!(
            field(Asked {
                from: Some("2026-11-20"),
                to: Some("2026-11-01"),
                ..Asked::default()
            }),
            ["from"]
        );
        assert_eq!(
            field(Asked {
                to: Some("2026-12-03"),
                ..Asked::default()
            }),
            ["to"]
        );
        assert_eq!(
            field(Asked {
                from: Some("2026-12-03"),
                ..Asked::default()
            }),
            ["from"]
        );
        // Two years is 731 days at most.
        assert!(
            parse(
                &Asked {
                    from: Some("2024-12-02"),
                    to: Some("2026-12-02"),
                    ..Asked::default()
                },
                today()
            )
            .is_ok()
        );
        assert_eq!(
            field(Asked {
                from: Some("2024-12-01"),
                to: Some("2026-12-02"),
                ..Asked::default()
            }),
            ["from"]
        );
        assert_eq!(
            field(Asked {
                sections: Some(vec!["bone,diet"]),
                ..Asked::default()
            }),
            ["sections"]
        );
        assert_eq!(
            field(Asked {
                days: Some("45"),
                ..Asked::default()
            }),
            ["days"]
        );
        assert_eq!(
            field(Asked {
                paper: Some("a3"),
                ..Asked::default()
            }),
            ["paper"]
        );
        assert_eq!(
            field(Asked {
                born: Some("1899"),
                ..Asked::default()
            }),
            ["born"]
        );
        assert_eq!(
            field(Asked {
                born: Some("2027"),
                ..Asked::default()
            }),
            ["born"]
        );
        let long = "x".repeat(81);
        assert_eq!(
            field(Asked {
                name: Some(&long),
                ..Asked::default()
            }),
            ["name"]
        );
        assert_eq!(
            field(Asked {
                to: Some("nope"),
                sections: Some(vec!["x"]),
                paper: Some("b5"),
                ..Asked::default()
            }),
            ["to", "sections", "paper"],
            "all at once"
        );
        let r = parse(
            &Asked {
                paper: Some("Letter"),
                name: Some(" Ana "),
                born: Some("1974"),
                ..Asked::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(
            (r.paper, r.name.as_deref(), r.born),
            (Paper::Letter, Some("Ana"), Some(1974))
        );
    }
}
