//! What Keel worked out from a user's data (a day's plan, the Today page, a span of the
//! journal), kept while her revision stays where it was.
//!
//! Every change to her data moves her revision on in the database, inside the write's own
//! transaction, whoever makes it: this server, another server on the same PostgreSQL, the
//! CLI, an import (triggers; see the store's `revisions` migration). Each request reads her
//! revision in the same query as its credentials, and an entry is used only when it was made
//! at that very revision. An entry is made from reads that start after its revision was read,
//! so it can be newer than its revision says, never older: after any write, the next request
//! sees the new revision and works everything out again.
//!
//! Only reads use it. A handler that writes must not: its request's revision is from before
//! its own write.
//!
//! Most saves change one day's check-in and nothing else, and most views read a few days of
//! check-ins: a save for last Tuesday does not change today's plan. A check-in save reports
//! the exact step it made (her revision just before and just after its write, reported only
//! when nothing else moved it in between: see [`RevisionStep`]); the server tells the cache
//! with [`ViewCache::saved`].
//! An entry made at an older revision is still used when a chain of such steps leads from its
//! revision to the request's and none of them touched a day whose check-in it read. Any other
//! change (another table, another process, a step this server did not see) breaks the chain,
//! and the view is worked out again.

use std::any::Any;
use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use keel_store::{RevisionStep, UserId};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use crate::auth::Auth;

/// Which view of her data an entry holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    /// `GET /api/v1/plan/{date}`: the response body, or `None` without a check-in.
    PlanJson(NaiveDate),
    /// The Today page for a day, as rendered on a date (its heading says "Today" on that day
    /// only), with a placeholder for each visitor's CSRF token.
    Today(NaiveDate, NaiveDate),
    /// `GET /api/v1/checkins`: the response body for a span.
    CheckInsJson(NaiveDate, NaiveDate),
}

/// The check-ins a view read: those of every day from `from` to `to`, both included.
/// Whatever else it read lives in other tables, whose changes come with no step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInDays {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl CheckInDays {
    pub fn span(from: NaiveDate, to: NaiveDate) -> Self {
        CheckInDays { from, to }
    }

    fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

#[derive(Clone)]
struct Entry {
    revision: i64,
    reads: CheckInDays,
    /// Roughly the bytes it holds, for the cache's bound.
    weight: u64,
    value: Arc<dyn Any + Send + Sync>,
}

#[derive(Clone)]
struct ByWeight;

impl Weighter<(UserId, View), Entry> for ByWeight {
    fn weight(&self, _: &(UserId, View), entry: &Entry) -> u64 {
        entry.weight.max(1)
    }
}

/// One check-in save seen by this server: her revision went from `before` to `after`, and
/// `date`'s check-in was the only change.
#[derive(Debug, Clone, Copy)]
struct Step {
    before: i64,
    after: i64,
    date: NaiveDate,
}

/// How many of a user's latest steps are kept: a view read again after more of her saves than
/// this is worked out again.
const STEPS_PER_USER: usize = 16;
/// How many users' steps are kept, the most recently saving first. With the above, at most
/// about 1.5 MB.
const USERS_WITH_STEPS: usize = 4096;

/// A bounded, least-recently-used store of views, keyed by user and view.
pub struct ViewCache {
    entries: Cache<(UserId, View), Entry, ByWeight>,
    steps: Cache<UserId, Arc<Mutex<VecDeque<Step>>>>,
    /// Views served as kept, and views worked out afresh (for `/metrics`).
    kept: std::sync::atomic::AtomicU64,
    worked_out: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for ViewCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewCache")
            .field("entries", &self.entries.len())
            .field("weight", &self.entries.weight())
            .finish()
    }
}

/// The default bound: 64 MiB of views. A user's Today page, plan and month of journal take
/// about 70 KB together (26, 5 and 36 KB for a year-long journal), so this keeps those of some
/// 900 users active at once.
pub const DEFAULT_BYTES: u64 = 64 * 1024 * 1024;

impl ViewCache {
    pub fn new(max_bytes: u64) -> Self {
        ViewCache {
            entries: Cache::with_weighter(4096, max_bytes, ByWeight),
            steps: Cache::new(USERS_WITH_STEPS),
            kept: Default::default(),
            worked_out: Default::default(),
        }
    }

    /// How many views were served as kept, and how many were worked out afresh.
    pub fn counts(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.kept.load(Relaxed), self.worked_out.load(Relaxed))
    }

    /// The bytes the kept views take now, by their estimate.
    pub fn weight(&self) -> u64 {
        self.entries.weight()
    }

    /// The view as worked out at the request's revision: from an earlier request if one
    /// made it at that revision, or at an earlier one that only saves of days it did not
    /// read have moved on from; otherwise from `load` (and kept). `weight` estimates its
    /// size in bytes, `reads` says which days' check-ins it was worked out from.
    pub async fn get_or_load<T, E, Fut>(
        &self,
        auth: &Auth,
        view: View,
        weight: impl FnOnce(&T) -> u64,
        reads: impl FnOnce(&T) -> CheckInDays,
        load: impl FnOnce() -> Fut,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>>,
    {
        let key = (auth.user, view);
        if let Some(entry) = self.entries.get(&key)
            && let Ok(value) = entry.value.clone().downcast::<T>()
        {
            use std::sync::atomic::Ordering::Relaxed;
            if entry.revision == auth.revision {
                self.kept.fetch_add(1, Relaxed);
                return Ok(value);
            }
            if self.carries(auth.user, &entry, auth.revision) {
                self.entries.insert(
                    key,
                    Entry {
                        revision: auth.revision,
                        ..entry
                    },
                );
                self.kept.fetch_add(1, Relaxed);
                return Ok(value);
            }
        }
        self.worked_out
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let value = Arc::new(load().await?);
        self.entries.insert(
            key,
            Entry {
                revision: auth.revision,
                reads: reads(&value),
                weight: weight(&value),
                value: value.clone(),
            },
        );
        Ok(value)
    }

    /// Tells the cache that one of her check-in saves, for `date`, made `step` and nothing else.
    pub fn saved(&self, user: UserId, step: RevisionStep, date: NaiveDate) {
        let steps = self
            .steps
            .get_or_insert_with(&user, || {
                Ok::<_, std::convert::Infallible>(Arc::new(Mutex::new(VecDeque::new())))
            })
            .unwrap_or_else(|never| match never {});
        let mut steps = steps
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if steps.len() == STEPS_PER_USER {
            steps.pop_front();
        }
        steps.push_back(Step {
            before: step.before,
            after: step.after,
            date,
        });
    }

    /// Whether known steps lead from the entry's revision to `target` without touching a day
    /// whose check-in it read.
    fn carries(&self, user: UserId, entry: &Entry, target: i64) -> bool {
        let Some(steps) = self.steps.get(&user) else {
            return false;
        };
        let steps = steps
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut at = entry.revision;
        // Each step is taken at most once: a chain longer than the list has gone round.
        for _ in 0..steps.len() {
            let Some(step) = steps.iter().find(|s| s.before == at) else {
                return false;
            };
            if entry.reads.contains(step.date) {
                return false;
            }
            at = step.after;
            if at == target {
                return true;
            }
        }
        false
    }

    /// Forgets everything kept for a user (her account was deleted: her id may come back).
    pub fn forget(&self, user: UserId) {
        self.entries.retain(|(u, _), _| *u != user);
        self.steps.remove(&user);
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Via;

    fn auth(user: i64, revision: i64) -> Auth {
        Auth {
            user: UserId(user),
            via: Via::Local,
            revision,
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    /// What the test views read: a plan or Today page its own day, a span its days.
    fn reads(view: &View) -> CheckInDays {
        match view {
            View::PlanJson(d) | View::Today(d, _) => CheckInDays::span(*d, *d),
            View::CheckInsJson(from, to) => CheckInDays::span(*from, *to),
        }
    }

    async fn get(cache: &ViewCache, a: &Auth, view: View, fresh: u32) -> (u32, bool) {
        let mut loaded = false;
        let read = reads(&view);
        let v = cache
            .get_or_load::<u32, (), _>(
                a,
                view,
                |_| 8,
                |_| read,
                || {
                    loaded = true;
                    async move { Ok(fresh) }
                },
            )
            .await
            .unwrap();
        (*v, loaded)
    }

    #[tokio::test]
    async fn an_entry_serves_only_its_own_revision_user_and_view() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        let plan = View::PlanJson(day());
        assert_eq!(get(&cache, &auth(1, 7), plan.clone(), 1).await, (1, true));
        assert_eq!(
            get(&cache, &auth(1, 7), plan.clone(), 2).await,
            (1, false),
            "same revision: kept"
        );
        assert_eq!(
            get(&cache, &auth(1, 8), plan.clone(), 3).await,
            (3, true),
            "her revision moved: worked out again"
        );
        assert_eq!(
            get(&cache, &auth(2, 8), plan.clone(), 4).await,
            (4, true),
            "another user at the same revision number gets nothing of hers"
        );
        assert_eq!(
            get(&cache, &auth(1, 8), View::Today(day(), day()), 5).await,
            (5, true),
            "another view"
        );
        assert_eq!(
            get(&cache, &auth(1, 7), plan.clone(), 6).await,
            (6, true),
            "an older revision is not served a newer entry either"
        );
    }

    #[tokio::test]
    async fn a_failed_load_keeps_nothing() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        let a = auth(1, 1);
        let r = cache
            .get_or_load::<u32, &str, _>(
                &a,
                View::Today(day(), day()),
                |_| 8,
                |_| CheckInDays::span(day(), day()),
                || async { Err("down") },
            )
            .await;
        assert_eq!(r.unwrap_err(), "down");
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn forgetting_a_user_drops_only_hers() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        get(&cache, &auth(1, 1), View::Today(day(), day()), 1).await;
        get(&cache, &auth(2, 1), View::Today(day(), day()), 2).await;
        cache.forget(UserId(1));
        assert_eq!(cache.len(), 1);
        assert_eq!(
            get(&cache, &auth(2, 1), View::Today(day(), day()), 3).await,
            (2, false)
        );
    }

    #[tokio::test]
    async fn the_bound_holds() {
        let cache = ViewCache::new(10_000);
        for d in 0..1000 {
            let view = View::PlanJson(day() - chrono::Duration::days(d));
            cache
                .get_or_load::<u32, (), _>(
                    &auth(1, 1),
                    view,
                    |_| 1_000,
                    |_| CheckInDays::span(day(), day()),
                    || async { Ok(0) },
                )
                .await
                .unwrap();
        }
        assert!(cache.entries.weight() <= 10_000, "{:?}", cache);
    }

    #[tokio::test]
    async fn a_bound_of_nothing_keeps_nothing() {
        let cache = ViewCache::new(0);
        let plan = View::PlanJson(day());
        assert_eq!(get(&cache, &auth(1, 1), plan.clone(), 1).await, (1, true));
        assert_eq!(get(&cache, &auth(1, 1), plan.clone(), 2).await, (2, true));
        assert!(cache.is_empty());
    }

    fn days_ago(n: i64) -> NaiveDate {
        day() - chrono::Duration::days(n)
    }

    fn step(before: i64, after: i64) -> RevisionStep {
        RevisionStep { before, after }
    }

    #[tokio::test]
    async fn a_save_of_a_day_a_view_did_not_read_keeps_it() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        let plan = View::PlanJson(day());
        let month = View::CheckInsJson(days_ago(30), day());
        get(&cache, &auth(1, 10), plan.clone(), 1).await;
        get(&cache, &auth(1, 10), month.clone(), 2).await;
        // Three saves: a day in the month but not the plan's, then two days before both.
        cache.saved(UserId(1), step(10, 11), days_ago(3));
        cache.saved(UserId(1), step(11, 13), days_ago(40));
        cache.saved(UserId(1), step(13, 14), days_ago(200));
        assert_eq!(
            get(&cache, &auth(1, 14), plan.clone(), 3).await,
            (1, false),
            "none of the three saves touched the plan's day"
        );
        assert_eq!(
            get(&cache, &auth(1, 14), plan.clone(), 4).await,
            (1, false),
            "and it is now kept at the new revision"
        );
        assert_eq!(
            get(&cache, &auth(1, 14), month.clone(), 5).await,
            (5, true),
            "the month read the day three days ago"
        );
    }

    #[tokio::test]
    async fn a_save_of_a_day_it_read_works_it_out_again() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        // (first day, last day, the day saved), in days before today: both ends and inside.
        for (first, last, saved) in [(0, 0, 0), (5, 0, 5), (5, 0, 0), (5, 0, 2), (5, 2, 2)] {
            let view = View::CheckInsJson(days_ago(first), days_ago(last));
            let saved_day = days_ago(saved);
            let a = auth(7, 100);
            get(&cache, &a, view.clone(), 1).await;
            cache.saved(UserId(7), step(100, 101), saved_day);
            assert_eq!(
                get(&cache, &auth(7, 101), view.clone(), 2).await,
                (2, true),
                "{view:?} read {saved_day}"
            );
            cache.forget(UserId(7));
        }
    }

    #[tokio::test]
    async fn a_gap_in_the_steps_works_it_out_again() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        let plan = View::PlanJson(day());
        get(&cache, &auth(1, 10), plan.clone(), 1).await;
        // 11 to 12 was another writer (another table, another process): no step for it.
        cache.saved(UserId(1), step(10, 11), days_ago(9));
        cache.saved(UserId(1), step(12, 13), days_ago(9));
        assert_eq!(get(&cache, &auth(1, 13), plan.clone(), 2).await, (2, true));
        assert_eq!(
            get(&cache, &auth(1, 11), View::Today(day(), day()), 3).await,
            (3, true),
            "nothing kept for the Today page"
        );
    }

    #[tokio::test]
    async fn steps_are_hers_alone() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        let plan = View::PlanJson(day());
        get(&cache, &auth(1, 10), plan.clone(), 1).await;
        cache.saved(UserId(2), step(10, 11), days_ago(9));
        assert_eq!(
            get(&cache, &auth(1, 11), plan.clone(), 2).await,
            (2, true),
            "another user's step with the same numbers carries nothing of hers"
        );
    }

    #[tokio::test]
    async fn an_older_request_does_not_walk_backwards_and_forgetting_drops_the_steps() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        let plan = View::PlanJson(day());
        get(&cache, &auth(1, 11), plan.clone(), 1).await;
        cache.saved(UserId(1), step(10, 11), days_ago(9));
        assert_eq!(get(&cache, &auth(1, 10), plan.clone(), 2).await, (2, true));
        cache.saved(UserId(1), step(10, 12), days_ago(9));
        cache.forget(UserId(1));
        get(&cache, &auth(1, 10), plan.clone(), 3).await;
        assert_eq!(
            get(&cache, &auth(1, 12), plan.clone(), 4).await,
            (4, true),
            "her steps went with her"
        );
    }

    #[tokio::test]
    async fn only_the_latest_steps_are_kept() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        let plan = View::PlanJson(day());
        get(&cache, &auth(1, 0), plan.clone(), 1).await;
        let last = STEPS_PER_USER as i64 + 1;
        for r in 0..last {
            cache.saved(UserId(1), step(r, r + 1), days_ago(9));
        }
        assert_eq!(
            get(&cache, &auth(1, last), plan.clone(), 2).await,
            (2, true),
            "the first step was dropped: the chain is broken"
        );
        get(&cache, &auth(1, 1), plan.clone(), 3).await;
        assert_eq!(
            get(&cache, &auth(1, last), plan.clone(), 4).await,
            (3, false),
            "the kept steps still carry"
        );
    }
}
