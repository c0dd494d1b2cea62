//! Histories kept between saves. A check-in's triage and day type are worked out from the
//! year before its day (the trend rules and the day-type rules), and reading that year again
//! on every save was most of a save's cost. The store keeps each recent writer's pain and day
//! type by day, under the revision it was read at, and uses it only while her revision is
//! still that one: every write to her data moves the revision on, whoever makes it (another
//! server, the CLI, plain SQL, an import), so any change the store did not make itself means
//! reading afresh. Its own saves carry it forward when the save moved her revision by exactly
//! one ([`RevisionStep`]): then that save was the only change, and the kept days with the
//! saved day put in are her history at the new revision.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use keel_core::daytype::RecentDay;

use crate::RevisionStep;

/// Her days from `from` up to (not including) `to`, all of them, as they were at `revision`.
#[derive(Debug)]
struct Kept {
    revision: i64,
    from: NaiveDate,
    to: NaiveDate,
    /// Oldest first, one per date.
    days: Vec<RecentDay>,
}

/// How many users' histories are kept at most: each holds up to two years of days at 8 bytes
/// a day (about 6 KB), so about 12 MB when full.
pub(crate) const KEPT_USERS: usize = 2048;

/// Kept histories of the users who saved lately (see the module's documentation).
#[derive(Debug)]
pub(crate) struct KeptHistories {
    users: Mutex<HashMap<i64, Kept>>,
    capacity: usize,
}

impl KeptHistories {
    pub(crate) fn new(capacity: usize) -> KeptHistories {
        KeptHistories {
            users: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    fn users(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Kept>> {
        self.users.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Her days from `from` up to `to` when they are kept at `revision`, her revision now;
    /// `None` means they must be read.
    pub(crate) fn window(
        &self,
        user: i64,
        revision: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Option<Vec<RecentDay>> {
        let users = self.users();
        let kept = users.get(&user)?;
        if kept.revision != revision || from < kept.from || to > kept.to {
            return None;
        }
        let start = kept.days.partition_point(|d| d.date < from);
        let end = kept.days.partition_point(|d| d.date < to);
        Some(kept.days[start..end].to_vec())
    }

    /// Keeps what a read found: all of her days from `from` up to `to`, read in one statement
    /// with `revision`. `days` must be oldest first.
    pub(crate) fn keep(
        &self,
        user: i64,
        revision: i64,
        from: NaiveDate,
        to: NaiveDate,
        days: Vec<RecentDay>,
    ) {
        if self.capacity == 0 {
            return;
        }
        debug_assert!(days.windows(2).all(|w| w[0].date < w[1].date));
        let mut users = self.users();
        if users.len() >= self.capacity && !users.contains_key(&user) {
            // Any one makes room: a user who saves again soon is read afresh once.
            if let Some(&other) = users.keys().next() {
                users.remove(&other);
            }
        }
        users.insert(
            user,
            Kept {
                revision,
                from,
                to,
                days,
            },
        );
    }

    /// After a save has committed: carries her kept days to the save's new revision with the
    /// saved day put in, when the save was the only change since they were read (`step`);
    /// otherwise forgets them.
    pub(crate) fn saved(&self, user: i64, step: Option<RevisionStep>, day: RecentDay) {
        let mut users = self.users();
        let Some(kept) = users.get_mut(&user) else {
            return;
        };
        match step {
            Some(step) if step.before == kept.revision => {
                kept.revision = step.after;
                if kept.from <= day.date && day.date < kept.to {
                    match kept.days.binary_search_by_key(&day.date, |d| d.date) {
                        Ok(i) => kept.days[i] = day,
                        Err(i) => kept.days.insert(i, day),
                    }
                }
            }
            _ => {
                users.remove(&user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::day;
    use keel_core::DayType;

    fn d(date: &str, pain: u8) -> RecentDay {
        RecentDay {
            date: day(date),
            pain,
            day_type: Some(DayType::Steady),
        }
    }

    fn kept_with(days: Vec<RecentDay>) -> KeptHistories {
        let kept = KeptHistories::new(4);
        kept.keep(7, 10, day("2026-01-01"), day("2026-02-01"), days);
        kept
    }

    #[test]
    fn a_window_inside_what_was_read_at_her_revision_is_answered() {
        let kept = kept_with(vec![
            d("2026-01-03", 2),
            d("2026-01-10", 5),
            d("2026-01-20", 7),
        ]);
        let w = kept
            .window(7, 10, day("2026-01-05"), day("2026-01-20"))
            .unwrap();
        assert_eq!(w, vec![d("2026-01-10", 5)]);
        // The end is not included; an empty window is an answer, not a miss.
        assert_eq!(
            kept.window(7, 10, day("2026-01-11"), day("2026-01-20")),
            Some(vec![])
        );
    }

    #[test]
    fn another_revision_another_user_or_days_outside_what_was_read_are_read_afresh() {
        let kept = kept_with(vec![d("2026-01-10", 5)]);
        assert_eq!(
            kept.window(7, 11, day("2026-01-05"), day("2026-01-20")),
            None
        );
        assert_eq!(
            kept.window(8, 10, day("2026-01-05"), day("2026-01-20")),
            None
        );
        assert_eq!(
            kept.window(7, 10, day("2025-12-31"), day("2026-01-20")),
            None
        );
        assert_eq!(
            kept.window(7, 10, day("2026-01-05"), day("2026-02-02")),
            None
        );
    }

    #[test]
    fn a_save_that_was_the_only_change_carries_the_days_forward_with_its_day() {
        let kept = kept_with(vec![d("2026-01-10", 5), d("2026-01-20", 7)]);
        let step = RevisionStep {
            before: 10,
            after: 11,
        };
        kept.saved(7, Some(step), d("2026-01-15", 3));
        let (from, to) = (day("2026-01-01"), day("2026-02-01"));
        assert_eq!(
            kept.window(7, 10, from, to),
            None,
            "the old revision is gone"
        );
        assert_eq!(
            kept.window(7, 11, from, to).unwrap(),
            vec![d("2026-01-10", 5), d("2026-01-15", 3), d("2026-01-20", 7)]
        );
        // Replacing a day, then a day outside what was read: the rest still holds.
        kept.saved(
            7,
            Some(RevisionStep {
                before: 11,
                after: 12,
            }),
            d("2026-01-10", 9),
        );
        kept.saved(
            7,
            Some(RevisionStep {
                before: 12,
                after: 13,
            }),
            d("2026-03-01", 1),
        );
        assert_eq!(
            kept.window(7, 13, from, to).unwrap(),
            vec![d("2026-01-10", 9), d("2026-01-15", 3), d("2026-01-20", 7)]
        );
    }

    #[test]
    fn a_save_with_no_step_or_from_another_revision_forgets_her_days() {
        let kept = kept_with(vec![d("2026-01-10", 5)]);
        kept.saved(7, None, d("2026-01-15", 3));
        assert_eq!(
            kept.window(7, 11, day("2026-01-05"), day("2026-01-20")),
            None
        );

        let kept = kept_with(vec![d("2026-01-10", 5)]);
        // Something else moved her revision from 10 to 11 first; this save went 11 to 12.
        kept.saved(
            7,
            Some(RevisionStep {
                before: 11,
                after: 12,
            }),
            d("2026-01-15", 3),
        );
        assert_eq!(
            kept.window(7, 12, day("2026-01-05"), day("2026-01-20")),
            None
        );
    }

    #[test]
    fn the_number_of_users_kept_is_bounded() {
        let kept = KeptHistories::new(2);
        let (from, to) = (day("2026-01-01"), day("2026-02-01"));
        for user in 1..=5 {
            kept.keep(user, 1, from, to, vec![d("2026-01-10", 5)]);
            assert!(kept.users().len() <= 2);
            assert!(
                kept.window(user, 1, from, to).is_some(),
                "the newest is kept"
            );
        }
        let none = KeptHistories::new(0);
        none.keep(1, 1, from, to, vec![]);
        assert_eq!(none.window(1, 1, from, to), None);
    }
}
