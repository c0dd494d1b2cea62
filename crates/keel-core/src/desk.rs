//! Desk ergonomics (clinical-rules.md section 4): the workstation check, heights from stature or
//! measurements, and the break schedule.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::validate::{FieldReader, ValidationErrors, as_object};

/// Shoe allowance added to popliteal height (ERG-SEAT-HEIGHT).
pub const SHOE_CM: f64 = 3.0;
/// Population ratios to stature (ANTHRO).
pub const POPLITEAL_RATIO: f64 = 0.25;
pub const ELBOW_RATIO: f64 = 0.145;
pub const EYE_RATIO: f64 = 0.46;
/// How far a measured seat or desk may sit from the recommendation before Keel suggests a
/// change (product rule).
pub const TOLERANCE_CM: f64 = 2.0;
/// The screen top may sit this far above eye level (measurement slack) or this far below it
/// ("slightly below") before Keel suggests moving it (product rules).
pub const MONITOR_ABOVE_CM: f64 = 1.0;
pub const MONITOR_BELOW_CM: f64 = 10.0;
/// Screen distance range, about an arm's length (ERG-MONITOR).
pub const SCREEN_DISTANCE_CM: (f64, f64) = (50.0, 100.0);
/// Longest stretch of sitting without a break (ERG-BREAK).
pub const BREAK_INTERVAL_MINUTES: u32 = 30;

/// Her answers to the workstation check. Every field is optional; unanswered questions give
/// no finding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeskInput {
    pub stature_cm: Option<f64>,
    pub popliteal_height_cm: Option<f64>,
    pub sitting_elbow_height_cm: Option<f64>,
    pub sitting_eye_height_cm: Option<f64>,
    pub seat_height_cm: Option<f64>,
    pub desk_height_cm: Option<f64>,
    pub screen_top_height_cm: Option<f64>,
    pub screen_distance_cm: Option<f64>,
    pub feet_flat: Option<bool>,
    pub knees_about_90: Option<bool>,
    pub hips_not_below_knees: Option<bool>,
    pub longest_sitting_minutes: Option<u32>,
    pub standing_desk: Option<bool>,
    pub standing_hours: Option<f64>,
    pub sitting_hours: Option<f64>,
}

impl DeskInput {
    pub fn parse(value: &Value) -> Result<DeskInput, ValidationErrors> {
        let object = as_object(value)?;
        let mut r = FieldReader::new(object, "");
        let d = DeskInput {
            stature_cm: r.number("stature_cm", 120.0, 220.0),
            popliteal_height_cm: r.number("popliteal_height_cm", 25.0, 65.0),
            sitting_elbow_height_cm: r.number("sitting_elbow_height_cm", 10.0, 40.0),
            sitting_eye_height_cm: r.number("sitting_eye_height_cm", 50.0, 100.0),
            seat_height_cm: r.number("seat_height_cm", 20.0, 100.0),
            desk_height_cm: r.number("desk_height_cm", 40.0, 140.0),
            screen_top_height_cm: r.number("screen_top_height_cm", 40.0, 220.0),
            screen_distance_cm: r.number("screen_distance_cm", 10.0, 300.0),
            feet_flat: r.bool("feet_flat"),
            knees_about_90: r.bool("knees_about_90"),
            hips_not_below_knees: r.bool("hips_not_below_knees"),
            longest_sitting_minutes: r.int("longest_sitting_minutes", 0, 1440).map(|v| v as u32),
            standing_desk: r.bool("standing_desk"),
            standing_hours: r.number("standing_hours", 0.0, 24.0),
            sitting_hours: r.number("sitting_hours", 0.0, 24.0),
        };
        r.finish().into_result(|| d)
    }

    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "stature_cm": self.stature_cm, "popliteal_height_cm": self.popliteal_height_cm,
            "sitting_elbow_height_cm": self.sitting_elbow_height_cm, "sitting_eye_height_cm": self.sitting_eye_height_cm,
            "seat_height_cm": self.seat_height_cm, "desk_height_cm": self.desk_height_cm,
            "screen_top_height_cm": self.screen_top_height_cm, "screen_distance_cm": self.screen_distance_cm,
            "feet_flat": self.feet_flat, "knees_about_90": self.knees_about_90, "hips_not_below_knees": self.hips_not_below_knees,
            "longest_sitting_minutes": self.longest_sitting_minutes, "standing_desk": self.standing_desk,
            "standing_hours": self.standing_hours, "sitting_hours": self.sitting_hours,
        })
    }
}

/// Where a recommended height comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// From her own measurement, which wins.
    Measured,
    /// A population average from stature: a starting point.
    EstimatedFromStature,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Height {
    pub cm: f64,
    pub basis: Basis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskFinding {
    pub rule: String,
    pub source: String,
    /// What to change, in plain words.
    pub fix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskAssessment {
    /// Seat height from the floor, shoes on.
    pub seat_height: Option<Height>,
    /// Work surface height from the floor, near seated elbow height.
    pub desk_height: Option<Height>,
    /// Seated eye height from the floor: the top of the screen at or slightly below it.
    pub eye_height: Option<Height>,
    pub findings: Vec<DeskFinding>,
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A body measure: the measured value when given, else the stature estimate.
fn measure(measured: Option<f64>, stature: Option<f64>, ratio: f64) -> Option<(f64, Basis)> {
    match (measured, stature) {
        (Some(m), _) => Some((m, Basis::Measured)),
        (None, Some(s)) => Some((s * ratio, Basis::EstimatedFromStature)),
        _ => None,
    }
}

fn weaker(a: Basis, b: Basis) -> Basis {
    if a == Basis::Measured && b == Basis::Measured {
        Basis::Measured
    } else {
        Basis::EstimatedFromStature
    }
}

pub fn assess(d: &DeskInput) -> DeskAssessment {
    let mut findings = Vec::new();
    let mut add = |rule: &str, source: &str, fix: String| {
        findings.push(DeskFinding {
            rule: rule.into(),
            source: source.into(),
            fix,
        })
    };
    if d.feet_flat == Some(false) {
        add("ERG-CHAIR", "OSHA-WS", "Rest your feet flat: lower the chair if you can, or put a footrest or a box under your feet.".into());
    }
    if d.knees_about_90 == Some(false) {
        add(
            "ERG-CHAIR",
            "OSHA-WS",
            "Set the seat so that your knees bend to about a right angle.".into(),
        );
    }
    if d.hips_not_below_knees == Some(false) {
        add(
            "ERG-CHAIR",
            "OSHA-WS",
            "Raise the seat until your hips are level with or a little above your knees.".into(),
        );
    }

    let seat = measure(d.popliteal_height_cm, d.stature_cm, POPLITEAL_RATIO)
        .map(|(p, b)| (p + SHOE_CM, b));
    let elbow = measure(d.sitting_elbow_height_cm, d.stature_cm, ELBOW_RATIO);
    let eye = measure(d.sitting_eye_height_cm, d.stature_cm, EYE_RATIO);
    // Compare and show the same rounded figures (millimetres).
    let seat = seat.map(|(v, b)| (one_decimal(v), b));
    let desk = match (seat, elbow) {
        (Some((s, sb)), Some((e, eb))) => Some((one_decimal(s + e), weaker(sb, eb))),
        _ => None,
    };
    let eye_from_floor = match (seat, eye) {
        (Some((s, sb)), Some((e, eb))) => Some((one_decimal(s + e), weaker(sb, eb))),
        _ => None,
    };

    let seat_lowered = matches!(
        (seat, d.seat_height_cm),
        (Some((rec, _)), Some(now)) if now - rec > TOLERANCE_CM
    );
    if let (Some((rec, _)), Some(now)) = (seat, d.seat_height_cm) {
        let diff = now - rec;
        if diff.abs() > TOLERANCE_CM {
            let (way, by) = if diff > 0.0 {
                ("Lower", diff)
            } else {
                ("Raise", -diff)
            };
            add(
                "ERG-SEAT-HEIGHT",
                "ANTHRO",
                format!("{way} your seat by about {:.0} cm, to {:.0} cm.", by, rec),
            );
        }
    }
    if let (Some((rec, _)), Some(now)) = (desk, d.desk_height_cm) {
        let diff = now - rec;
        if diff.abs() > TOLERANCE_CM {
            let fix = if diff > 0.0 {
                if seat_lowered {
                    // The seat advice above says lower the seat: never also "raise your chair".
                    format!(
                        "Your desk is about {:.0} cm above elbow height once your seat is set as above. Lower the desk if it adjusts; if it does not, a keyboard tray or a lower table brings the keyboard to elbow height.",
                        diff
                    )
                } else {
                    format!(
                        "Your desk is about {:.0} cm above elbow height. Lower it if it adjusts; otherwise raise your chair by that much and support your feet on a footrest.",
                        diff
                    )
                }
            } else {
                format!(
                    "Your desk is about {:.0} cm below elbow height. Raise it if it adjusts (desk risers work), so that your forearms rest level.",
                    -diff
                )
            };
            add("ERG-DESK-HEIGHT", "OSHA-WS", fix);
        }
    }
    if let (Some((rec, _)), Some(top)) = (eye_from_floor, d.screen_top_height_cm) {
        if top > rec + MONITOR_ABOVE_CM {
            add(
                "ERG-MONITOR",
                "OSHA-WS",
                format!(
                    "Lower the screen by about {:.0} cm so that its top is at or just below your eye level ({:.0} cm).",
                    top - rec,
                    rec
                ),
            );
        } else if top < rec - MONITOR_BELOW_CM {
            add(
                "ERG-MONITOR",
                "OSHA-WS",
                format!(
                    "Raise the screen by about {:.0} cm (a stand or books will do): its top should be at or just below your eye level ({:.0} cm).",
                    rec - top,
                    rec
                ),
            );
        }
    }
    if let Some(dist) = d.screen_distance_cm {
        if dist < SCREEN_DISTANCE_CM.0 {
            add(
                "ERG-MONITOR",
                "OSHA-WS",
                format!(
                    "Move the screen back to about an arm's length, 50 to 100 cm (now {dist:.0} cm)."
                ),
            );
        } else if dist > SCREEN_DISTANCE_CM.1 {
            add(
                "ERG-MONITOR",
                "OSHA-WS",
                format!(
                    "Bring the screen closer, to about an arm's length, 50 to 100 cm (now {dist:.0} cm)."
                ),
            );
        }
    }
    if d.longest_sitting_minutes
        .is_some_and(|m| m > BREAK_INTERVAL_MINUTES)
    {
        add("ERG-BREAK", "SEED", "Stand up or walk for about 2 minutes every 30 minutes of sitting; Keel's break timer can remind you.".into());
    }
    if d.standing_desk == Some(true) {
        match (d.sitting_hours, d.standing_hours) {
            (Some(sit), Some(stand)) if sit + stand > 0.0 => {
                if sit == 0.0 || stand / (sit + stand) > 0.75 {
                    add("ERG-SIT-STAND", "SEED", "You stand for most of the day: alternate, sitting about as much as you stand. Standing all day strains the back too.".into());
                } else if stand / (sit + stand) < 0.25 {
                    add("ERG-SIT-STAND", "SEED", "Use your standing desk more: aim to alternate sitting and standing in roughly equal spells.".into());
                }
            }
            _ => {}
        }
    }
    let h = |v: Option<(f64, Basis)>| {
        v.map(|(cm, basis)| Height {
            cm: one_decimal(cm),
            basis,
        })
    };
    DeskAssessment {
        seat_height: h(seat),
        desk_height: h(desk),
        eye_height: h(eye_from_floor),
        findings,
    }
}

/// When she works and how often to break (ERG-BREAK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakSettings {
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub interval_minutes: u32,
    pub working_days: Vec<Weekday>,
}

impl Default for BreakSettings {
    fn default() -> Self {
        BreakSettings {
            start: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
            end: NaiveTime::from_hms_opt(17, 0, 0).expect("valid time"),
            interval_minutes: BREAK_INTERVAL_MINUTES,
            working_days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
        }
    }
}

const DAYS: &[(&str, Weekday)] = &[
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

fn parse_time(s: &str) -> Option<NaiveTime> {
    (s.len() == 5)
        .then(|| NaiveTime::parse_from_str(s, "%H:%M").ok())
        .flatten()
}

impl BreakSettings {
    pub fn parse(value: &Value) -> Result<BreakSettings, ValidationErrors> {
        let object = as_object(value)?;
        let mut r = FieldReader::new(object, "");
        let start = r.string("start", 5);
        let end = r.string("end", 5);
        let interval = r.int("interval_minutes", 10, 120);
        let days = r.choices("working_days", DAYS);
        let mut errors = r.finish();
        let defaults = BreakSettings::default();
        let mut time = |name: &str, v: Option<&str>, d: NaiveTime| match v {
            None => Some(d),
            Some(s) => {
                let t = parse_time(s);
                if t.is_none() {
                    errors.add(name, "must be a time written HH:MM");
                }
                t
            }
        };
        let start = time("start", start, defaults.start);
        let end = time("end", end, defaults.end);
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            errors.add("end", "must be after start");
        }
        let mut working_days = days.unwrap_or(defaults.working_days);
        working_days.sort_by_key(|d| d.num_days_from_monday());
        errors.into_result(|| BreakSettings {
            start: start.unwrap_or(defaults.start),
            end: end.unwrap_or(defaults.end),
            interval_minutes: interval
                .map(|v| v as u32)
                .unwrap_or(defaults.interval_minutes),
            working_days,
        })
    }

    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "start": self.start.format("%H:%M").to_string(),
            "end": self.end.format("%H:%M").to_string(),
            "interval_minutes": self.interval_minutes,
            "working_days": self.working_days.iter().map(|w| DAYS.iter().find(|(_, d)| d == w).map(|(n, _)| *n).unwrap_or_default()).collect::<Vec<_>>(),
        })
    }

    /// Break times in a working day: every interval after the start, before the end.
    pub fn slots(&self) -> Vec<NaiveTime> {
        let step = Duration::minutes(i64::from(self.interval_minutes.max(1)));
        let mut out = Vec::new();
        let mut t = self.start + step;
        while t < self.end && t > self.start {
            out.push(t);
            t += step;
        }
        out
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.working_days.contains(&date.weekday())
    }

    /// The next break at or after `now` (local time), searching a week ahead.
    pub fn next_break(&self, now: NaiveDateTime) -> Option<NaiveDateTime> {
        let slots = self.slots();
        (0..8).find_map(|d| {
            let date = now.date() + Duration::days(d);
            if !self.is_working_day(date) {
                return None;
            }
            slots
                .iter()
                .map(|t| date.and_time(*t))
                .find(|at| *at >= now)
        })
    }
}

#[cfg(test)]
mod tests;

/// A 2-minute routine for a break, drawn from the exercise library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakRoutine {
    pub exercise_id: String,
    pub name: String,
    pub cues: Vec<String>,
    pub minutes: u16,
}

/// Exercises that fit a 2-minute desk break: walking, standing, hip flexor, upper back.
pub const BREAK_EXERCISES: &[&str] = &[
    "walk-short-bouts",
    "standing-hip-flexor",
    "seated-extension",
    "single-leg-stand",
];
pub const BREAK_MINUTES: u16 = 2;

/// The routine for the `n`th break of a day: they take turns.
pub fn break_routine(library: &crate::library::Library, n: usize) -> Option<BreakRoutine> {
    let id = BREAK_EXERCISES[n % BREAK_EXERCISES.len()];
    let e = library.get(id)?;
    // A walk in the library is a session of its own; a break's walk is two minutes.
    let (name, cues) = if e.family == crate::library::ExerciseFamily::Walking {
        (
            "A two-minute walk".to_string(),
            vec![
                "Stand up and walk at an easy pace for about two minutes: round the room, along the corridor or up and down the stairs.".to_string(),
                "Let your arms swing and look into the distance, away from the screen.".to_string(),
            ],
        )
    } else {
        (e.name.clone(), e.cues.clone())
    };
    Some(BreakRoutine {
        exercise_id: e.id.clone(),
        name,
        cues,
        minutes: BREAK_MINUTES,
    })
}
