//! iCalendar (RFC 5545) for planned sessions: stable UIDs, escaped text, folded lines.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::plan::Plan;

/// Escapes TEXT values (RFC 5545 section 3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a UTF-8 character (section 3.1).
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// A calendar of all-day session events, one per plan. `uid_key` makes UIDs unique per user
/// and stable across exports; `stamp` is the export time in UTC.
pub fn sessions_calendar(plans: &[Plan], uid_key: &str, stamp: NaiveDateTime) -> String {
    let mut out = String::new();
    let mut line = |s: String| out.push_str(&fold_line(&s));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Keel//Keel daily plan//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("X-WR-CALNAME:Keel sessions".into());
    for plan in plans {
        let summary = format!("Keel: {}", plan.day_type.title().to_lowercase());
        let mut description = format!("{}\n", plan.reason);
        for item in &plan.items {
            description.push_str(&format!("\n- {}: {}", item.name, item.dose));
        }
        description.push_str("\n\nKeel informs and does not diagnose. Check in that morning: the plan follows how you are.");
        line("BEGIN:VEVENT".into());
        line(format!(
            "UID:keel-session-{}-{}@keel.local",
            plan.date.format("%Y%m%d"),
            uid_key
        ));
        line(format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")));
        line(format!("DTSTART;VALUE=DATE:{}", plan.date.format("%Y%m%d")));
        line(format!(
            "DTEND;VALUE=DATE:{}",
            (plan.date + Duration::days(1)).format("%Y%m%d")
        ));
        line(format!("SUMMARY:{}", escape_text(&summary)));
        line(format!("DESCRIPTION:{}", escape_text(&description)));
        line("TRANSP:TRANSPARENT".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// The days a calendar export covers: `from` and the six days after it.
pub fn next_seven_days(from: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    (0..7).map(move |i| from + Duration::days(i))
}

/// A subscribable calendar of break reminders: one weekly-repeating event per break slot on
/// her working days, each with a display alarm. Times are floating local times (RFC 5545
/// section 3.3.5, form 1), so a phone shows them at the same clock time wherever it is.
pub fn breaks_calendar(
    settings: &crate::desk::BreakSettings,
    first_day: NaiveDate,
    uid_key: &str,
    stamp: NaiveDateTime,
) -> String {
    use chrono::Weekday;
    let byday: Vec<&str> = settings
        .working_days
        .iter()
        .map(|d| match d {
            Weekday::Mon => "MO",
            Weekday::Tue => "TU",
            Weekday::Wed => "WE",
            Weekday::Thu => "TH",
            Weekday::Fri => "FR",
            Weekday::Sat => "SA",
            Weekday::Sun => "SU",
        })
        .collect();
    let mut out = String::new();
    let mut line = |s: String| out.push_str(&fold_line(&s));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Keel//Keel break reminders//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("X-WR-CALNAME:Keel breaks".into());
    // The first working day on or after `first_day` anchors each series.
    let anchor = (0..7)
        .map(|i| first_day + Duration::days(i))
        .find(|d| settings.is_working_day(*d));
    if let (Some(anchor), false) = (anchor, byday.is_empty()) {
        for slot in settings.slots() {
            let start = anchor.and_time(slot);
            let end = start + Duration::minutes(i64::from(crate::desk::BREAK_MINUTES));
            line("BEGIN:VEVENT".into());
            line(format!(
                "UID:keel-break-{}-{}@keel.local",
                slot.format("%H%M"),
                uid_key
            ));
            line(format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")));
            line(format!("DTSTART:{}", start.format("%Y%m%dT%H%M%S")));
            line(format!("DTEND:{}", end.format("%Y%m%dT%H%M%S")));
            line(format!("RRULE:FREQ=WEEKLY;BYDAY={}", byday.join(",")));
            line("SUMMARY:Keel: stand up and move for 2 minutes".into());
            line(format!(
                "DESCRIPTION:{}",
                escape_text(
                    "Stand, walk or stretch your hip flexors for about 2 minutes: a short break every 30 minutes of sitting does more than one long break (ERG-BREAK)."
                )
            ));
            line("TRANSP:TRANSPARENT".into());
            line("BEGIN:VALARM".into());
            line("ACTION:DISPLAY".into());
            line("TRIGGER:PT0M".into());
            line("DESCRIPTION:Time to stand up and move".into());
            line("END:VALARM".into());
            line("END:VEVENT".into());
        }
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_breaking_characters() {
        let long = format!("DESCRIPTION:{}", "é".repeat(100));
        let folded = fold_line(&long);
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
