//! The one clock every surface reads "today" and "now" from.
//!
//! Tests pin the date: in a debug build (what `cargo test` runs) `KEEL_TODAY=YYYY-MM-DD` makes
//! that day today, with the real time of day, so that a run across midnight (or across a
//! Sunday) sees one date throughout, and the binary and its tests agree on it. Release builds
//! ignore it.

use chrono::{NaiveDate, NaiveDateTime};

/// The pinned date, in debug builds only.
fn pinned() -> Option<NaiveDate> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var("KEEL_TODAY")
        .ok()
        .and_then(|d| keel_core::validate::parse_date(d.trim()))
}

/// The local date and time now.
pub fn local_now() -> NaiveDateTime {
    let now = chrono::Local::now().naive_local();
    match pinned() {
        Some(day) => day.and_time(now.time()),
        None => now,
    }
}

/// The local date: the user's, until accounts carry a time zone.
pub fn local_today() -> NaiveDate {
    local_now().date()
}
