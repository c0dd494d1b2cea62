//! The journal: a month of her days at a glance (checked in or not, the day type, pain, how
//! much she did), each opening that day in full on Today.

use chrono::{Datelike, Months, NaiveDate};
use keel_core::{DayType, TriageLevel};
use keel_store::{Store, StoreError, UserId};
use serde::Serialize;
use utoipa::ToSchema;

/// One day of the month.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct JournalDay {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// The day's check-in, if she made one.
    pub check_in: Option<JournalCheckIn>,
    /// Exercises logged that day.
    pub exercises_done: usize,
}

/// What a day's check-in showed.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct JournalCheckIn {
    pub pain: u8,
    pub day_type: DayType,
    /// The highest level of the day's findings ("none" when there were none).
    pub triage_level: TriageLevel,
}

/// A calendar month of days, with the months either side that can be opened.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct JournalMonth {
    /// The first day of the month.
    #[schema(value_type = String, format = Date)]
    pub month: NaiveDate,
    pub days: Vec<JournalDay>,
    #[schema(value_type = String, format = Date)]
    pub previous: NaiveDate,
    /// `None` when the next month has not begun.
    #[schema(value_type = Option<String>, format = Date)]
    pub next: Option<NaiveDate>,
    /// Days of the month with a check-in.
    pub checked_in: usize,
}

/// The first day of the month holding `date`.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The month holding `date`, up to `today` (days after it are listed without data).
pub async fn month(
    store: &Store,
    user: UserId,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<JournalMonth, StoreError> {
    let first = month_of(date);
    let next = first + Months::new(1);
    let last = next.pred_opt().unwrap_or(first);
    let check_ins = store.check_ins(user, first, last).await?;
    let activities = store.activities(user, first, last).await?;
    let days: Vec<JournalDay> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|d| JournalDay {
            date: d,
            check_in: check_ins
                .iter()
                .find(|c| c.check_in.date == d)
                .map(|c| JournalCheckIn {
                    pain: c.check_in.pain,
                    day_type: c.decision.day_type,
                    triage_level: c.triage.level,
                }),
            exercises_done: activities.iter().filter(|a| a.date == d).count(),
        })
        .collect();
    Ok(JournalMonth {
        month: first,
        checked_in: days.iter().filter(|d| d.check_in.is_some()).count(),
        days,
        previous: first - Months::new(1),
        next: (next <= today).then_some(next),
    })
}
