//! Views worked out from a user's data, kept while her revision stays where it was.
//!
//! Every change to her data moves her revision on in the database, inside the write's own
//! transaction, whoever makes it (triggers; see the store's `revisions` migration). A reader
//! reads her revision with its credentials, and an entry is used only when it was made at that
//! very revision. An entry is made from reads that start after its revision was read, so it can
//! be newer than its revision says, never older: after any write, the next read sees the new
//! revision and works everything out again. A writer must not use it: its revision is from
//! before its own write.
//!
//! Requests that find nothing kept for the same view at the same revision while one of them is
//! working it out wait for that one and take what it made, instead of each reading and working
//! out the same thing again (after a save, every request in flight for her asks at once).

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use keel_store::UserId;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

#[derive(Clone)]
struct Entry {
    revision: i64,
    /// Roughly the bytes it holds, for the cache's bound.
    weight: u64,
    value: Arc<dyn Any + Send + Sync>,
}

#[derive(Clone)]
struct ByWeight;

impl<K> Weighter<(UserId, K), Entry> for ByWeight {
    fn weight(&self, _: &(UserId, K), entry: &Entry) -> u64 {
        entry.weight.max(1)
    }
}

/// A bounded, least-recently-used store of views, keyed by user and `K`, which names the
/// view.
pub struct ViewCache<K> {
    entries: Cache<(UserId, K), Entry, ByWeight>,
    /// The views being worked out now, by user, view and revision: a later request for the
    /// same waits its turn here, then finds it kept.
    loading: Queues<K>,
    /// Views served as kept, and views worked out afresh (for `/metrics`).
    kept: std::sync::atomic::AtomicU64,
    worked_out: std::sync::atomic::AtomicU64,
}

impl<K: Eq + std::hash::Hash + Clone> std::fmt::Debug for ViewCache<K> {
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

impl<K: Eq + std::hash::Hash + Clone> ViewCache<K> {
    pub fn new(max_bytes: u64) -> Self {
        ViewCache {
            entries: Cache::with_weighter(4096, max_bytes, ByWeight),
            loading: Mutex::default(),
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

    /// The view as worked out at her revision (`revision`, read with the request's
    /// credentials): from an earlier request if one made it at that very revision, otherwise from `load` (and kept). `weight` estimates its size
    /// in bytes.
    pub async fn get_or_load<T, E, Fut>(
        &self,
        (user, revision): (UserId, i64),
        view: K,
        weight: impl FnOnce(&T) -> u64,
        load: impl FnOnce() -> Fut,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>>,
    {
        use std::sync::atomic::Ordering::Relaxed;
        let key = (user, view);
        if let Some(value) = self.kept_at(&key, revision) {
            self.kept.fetch_add(1, Relaxed);
            return Ok(value);
        }
        // One at a time per view and revision; whoever comes after the first finds its work.
        let turn = Turn::take(&self.loading, (user, key.1.clone(), revision));
        let _held = turn.gate.lock().await;
        if let Some(value) = self.kept_at(&key, revision) {
            self.kept.fetch_add(1, Relaxed);
            return Ok(value);
        }
        self.worked_out.fetch_add(1, Relaxed);
        let value = Arc::new(load().await?);
        self.entries.insert(
            key,
            Entry {
                revision,
                weight: weight(&value),
                value: value.clone(),
            },
        );
        Ok(value)
    }

    fn kept_at<T: Send + Sync + 'static>(
        &self,
        key: &(UserId, K),
        revision: i64,
    ) -> Option<Arc<T>> {
        let entry = self.entries.get(key)?;
        if entry.revision != revision {
            return None;
        }
        entry.value.downcast::<T>().ok()
    }

    /// Forgets everything kept for a user (her account was deleted: her id may come back).
    pub fn forget(&self, user: UserId) {
        self.entries.retain(|(u, _), _| *u != user);
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

/// The queues of those working out a view, by user, view and revision.
type Queues<K> = Mutex<HashMap<(UserId, K, i64), Arc<tokio::sync::Mutex<()>>>>;

/// A place in the queue of those working out one view at one revision. The queue goes when its
/// last member leaves, finished, failed or cancelled.
struct Turn<'a, K: Eq + Hash> {
    queues: &'a Queues<K>,
    key: (UserId, K, i64),
    gate: Arc<tokio::sync::Mutex<()>>,
}

impl<'a, K: Eq + Hash + Clone> Turn<'a, K> {
    fn take(queues: &'a Queues<K>, key: (UserId, K, i64)) -> Self {
        let mut q = queues.lock().unwrap_or_else(PoisonError::into_inner);
        let gate = q.entry(key.clone()).or_default().clone();
        Turn { queues, key, gate }
    }
}

impl<K: Eq + Hash> Drop for Turn<'_, K> {
    fn drop(&mut self) {
        let mut q = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        // The map's handle and this one: nobody else is waiting.
        if Arc::strong_count(&self.gate) == 2 {
            q.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// The views of the tests: a plan or a page, for a day.
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    enum View {
        PlanJson(NaiveDate),
        Today(NaiveDate, NaiveDate),
    }

    fn auth(user: i64, revision: i64) -> (UserId, i64) {
        (UserId(user), revision)
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    async fn get(
        cache: &ViewCache<View>,
        a: &(UserId, i64),
        view: View,
        fresh: u32,
    ) -> (u32, bool) {
        let mut loaded = false;
        let v = cache
            .get_or_load::<u32, (), _>(
                *a,
                view,
                |_| 8,
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

    /// Two requests for one view at one revision, the second arriving while the first works
    /// it out: `first` is what the first one's load gives (it waits for `go`), and the
    /// second's load gives 2. Returns what each got, and how many loads ran.
    async fn two_at_once(
        cache: &ViewCache<View>,
        second_revision: i64,
        first: Result<u32, &'static str>,
    ) -> (Result<u32, &'static str>, Result<u32, &'static str>, usize) {
        let loads = std::sync::atomic::AtomicUsize::new(0);
        let go = tokio::sync::Notify::new();
        let plan = View::PlanJson(day());
        let load = |v: Result<u32, &'static str>, wait: bool| {
            loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let go = &go;
            async move {
                if wait {
                    go.notified().await;
                }
                v
            }
        };
        let (a, b, ()) = tokio::join!(
            cache.get_or_load(auth(1, 5), plan.clone(), |_| 8, || load(first, true)),
            cache.get_or_load(
                auth(1, second_revision),
                plan.clone(),
                |_| 8,
                || load(Ok(2), false)
            ),
            async {
                tokio::task::yield_now().await;
                go.notify_one();
            },
        );
        let loads = loads.load(std::sync::atomic::Ordering::SeqCst);
        (a.map(|v| *v), b.map(|v| *v), loads)
    }

    #[tokio::test]
    async fn a_request_that_comes_while_its_view_is_worked_out_takes_that_work() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        assert_eq!(two_at_once(&cache, 5, Ok(1)).await, (Ok(1), Ok(1), 1));
        assert!(
            cache.loading.lock().unwrap().is_empty(),
            "no queue is left behind"
        );
    }

    #[tokio::test]
    async fn a_request_at_another_revision_does_not_wait_for_one_at_an_older() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        assert_eq!(two_at_once(&cache, 6, Ok(1)).await, (Ok(1), Ok(2), 2));
        assert!(cache.loading.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn when_the_first_load_fails_the_one_waiting_works_it_out_itself() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        assert_eq!(
            two_at_once(&cache, 5, Err("down")).await,
            (Err("down"), Ok(2), 2)
        );
        assert!(cache.loading.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_failed_load_keeps_nothing() {
        let cache = ViewCache::new(DEFAULT_BYTES);
        let a = auth(1, 1);
        let r = cache
            .get_or_load::<u32, &str, _>(
                a,
                View::Today(day(), day()),
                |_| 8,
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
                .get_or_load::<u32, (), _>(auth(1, 1), view, |_| 1_000, || async { Ok(0) })
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
}
