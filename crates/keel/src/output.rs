//! Text and JSON for the terminal. Emergency findings always print first.

use keel_app::views::{DISCLAIMER, PlanView};
use keel_core::DayType;
use keel_core::activity::WeekSummary;
use keel_core::bone::BoneAssessment;
use keel_core::triage::{TriageLevel, TriageResult};
use keel_store::Saved;
use serde::Serialize;

pub fn json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("keel: cannot write JSON: {e}"),
    }
}

/// Prints `value` as JSON when asked, else as text with `text`.
pub fn show<T: Serialize>(as_json: bool, value: &T, text: fn(&T)) {
    if as_json {
        json(value);
    } else {
        text(value);
    }
}

pub fn saved(s: &Saved) {
    let c = &s.stored.check_in;
    if s.replaced {
        println!(
            "Check-in for {} updated (it replaced the earlier one).",
            c.date
        );
    } else {
        println!("Check-in for {} saved.", c.date);
    }
}

pub fn bone(a: &BoneAssessment) {
    if a.dexa_due {
        println!("A bone density (DEXA) scan is due.");
    }
    if let Some(c) = a.t_score_class {
        println!("Latest scan: {}.", c.label());
    }
    if let Some(o) = a.ost {
        println!("OST score: {o:.1}");
    }
    for f in &a.findings {
        println!("  - {} (rule {}, source {})", f.message, f.rule, f.source);
    }
    if a.findings.is_empty() {
        println!("No bone-health rule applies to these answers.");
    }
    println!("\n{DISCLAIMER}");
}

pub fn desk(a: &keel_core::desk::DeskAssessment) {
    let show = |label: &str, h: Option<keel_core::desk::Height>| {
        if let Some(h) = h {
            let basis = match h.basis {
                keel_core::desk::Basis::Measured => "measured",
                keel_core::desk::Basis::EstimatedFromStature => "estimated from your height",
            };
            println!("{label:<18} {:.1} cm ({basis})", h.cm);
        }
    };
    show("Seat height:", a.seat_height);
    show("Desk height:", a.desk_height);
    show("Eye level:", a.eye_height);
    if a.seat_height.is_none() {
        println!("Give stature_cm (or your measurements) to get heights.");
    }
    for f in &a.findings {
        println!("  - {} (rule {}, source {})", f.fix, f.rule, f.source);
    }
    if a.findings.is_empty() {
        println!("Nothing to change in what you told Keel.");
    }
}

pub fn week(w: &WeekSummary) {
    println!("Week of {}", w.week_start);
    println!(
        "  Moderate activity: {} of {} minutes",
        w.moderate_minutes, w.moderate_target
    );
    println!(
        "  Strength days:     {} of {}",
        w.strength_days, w.strength_target
    );
    println!(
        "  Hip flexor stretch streak: {} day{}",
        w.hip_flexor_streak,
        if w.hip_flexor_streak == 1 { "" } else { "s" }
    );
    for d in &w.days {
        println!(
            "  {} {:>4} min{}{}",
            d.date.format("%a %d %b"),
            d.moderate_minutes,
            if d.strength { "  strength" } else { "" },
            if d.hip_flexor_stretch {
                "  stretch"
            } else {
                ""
            }
        );
    }
}

pub fn triage(t: &TriageResult) {
    findings(t);
    if t.findings.is_empty() {
        println!("{}", TriageLevel::None.action());
    }
    if !t.missing.is_empty() {
        println!(
            "\nNot answered (please answer these; Keel cannot rule out an emergency without them):"
        );
        for m in &t.missing {
            println!("  - {m}");
        }
    }
    println!("\nTrend: {}", t.trend.describe());
}

fn findings(t: &TriageResult) {
    for level in [
        TriageLevel::Emergency,
        TriageLevel::Urgent,
        TriageLevel::Soon,
    ] {
        let fs: Vec<_> = t.findings_at(level).collect();
        if fs.is_empty() {
            continue;
        }
        let banner = match level {
            TriageLevel::Emergency => "!!! EMERGENCY: GET HELP NOW",
            TriageLevel::Urgent => "!! URGENT: contact a clinician today",
            _ => "! Book an appointment soon",
        };
        println!("{banner}\n{}", level.action());
        for f in fs {
            println!("  - {} (rule {}, source {})", f.message, f.rule, f.source);
        }
        println!();
    }
}

pub fn plan(p: &PlanView) {
    findings(&p.triage);
    if !p.triage.missing.is_empty() {
        println!(
            "Unanswered safety questions: {}\n",
            p.triage.missing.join(", ")
        );
    }
    println!("{} ({}) for {}", p.day_type.title(), p.rule, p.date);
    println!("{}\n", p.reason);
    if p.day_type == DayType::Stop {
        println!("No exercise plan today. Get help first.");
    } else {
        for a in &p.advice {
            println!("* {a}");
        }
        if !p.advice.is_empty() {
            println!();
        }
        for (i, item) in p.items.iter().enumerate() {
            println!(
                "{}. {}: {} ({}, level {})",
                i + 1,
                item.name,
                item.dose,
                item.level_name,
                item.level
            );
            println!("   {}", item.why);
            for c in &item.cues {
                println!("   - {c}");
            }
        }
    }
    println!("\n{DISCLAIMER}");
}
