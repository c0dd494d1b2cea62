//! The check-in journal: one check-in per user and date, stored with its triage and day type.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, SecondsFormat, Utc};
use keel_core::daytype::{self, DayTypeDecision, RecentDay};
use keel_core::triage::{self, TriageInput, TriageResult};
use keel_core::{CheckIn, DayType};
use sqlx::Row as _;

use crate::kept::KeptHistories;
use crate::read::Row;
use crate::{Store, StoreError, UserId};

/// A check-in as saved, with what Keel decided from it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCheckIn {
    pub check_in: CheckIn,
    pub triage: TriageResult,
    pub decision: DayTypeDecision,
    pub created_at: String,
    pub updated_at: String,
}

/// The outcome of saving: what was stored, and whether it replaced an earlier one that day.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub stored: StoredCheckIn,
    pub replaced: bool,
    /// How the save moved her revision, when the store could see it exactly (see
    /// [`RevisionStep`]): [`Store::record_check_in`] sets it, saves that are part of a larger
    /// write (an import, an acknowledgement) do not.
    pub step: Option<RevisionStep>,
}

/// Her revision just before a save's write and just after it, both read inside the save's
/// transaction, when they are one apart. The write itself moves it on by one (its trigger), and
/// the revision only ever moves forward, so one apart means nothing else changed her data in
/// between: whatever was worked out at `before` without reading that day's check-in is still
/// right at `after`. Any other writer in between (which on PostgreSQL can commit after the
/// first read; SQLite's write lock keeps them out) makes the gap larger, and then the save
/// reports no step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevisionStep {
    pub before: i64,
    pub after: i64,
}

impl RevisionStep {
    /// The step from `before` to `after` if this save was the only change between them.
    fn of_one_save(before: i64, after: i64) -> Option<RevisionStep> {
        (before.checked_add(1) == Some(after)).then_some(RevisionStep { before, after })
    }
}

/// Her revision, read in a save's transaction after its write.
const REVISION: &str = "SELECT revision FROM users WHERE id = $1";

/// How far back triage and the day-type rules look: six 7-day windows, or an episode's start.
pub(crate) const HISTORY_DAYS: i64 = 366;

impl Store {
    /// Saves a check-in, replacing any for the same date, with its triage and day type worked
    /// out from the stored history, all in one transaction.
    pub async fn record_check_in(
        &self,
        user: UserId,
        check_in: &CheckIn,
    ) -> Result<Saved, StoreError> {
        // IMMEDIATE takes the write lock first, so a concurrent writer waits instead of
        // failing on a read-to-write upgrade.
        let mut tx = self.begin_write(user).await?;
        let (mut saved, before) =
            assess_and_write_from(&mut tx, user, check_in, Some(&self.kept)).await?;
        saved.step = step_from(&mut tx, user, before).await?;
        tx.commit().await?;
        // Carried forward only once committed. Another save of hers from this process may have
        // come between (the gate opened with the commit): then her kept revision is no longer
        // this step's `before`, and her kept days are dropped.
        self.kept.saved(user.0, saved.step, day_of(&saved));
        Ok(saved)
    }

    pub async fn check_in(
        &self,
        user: UserId,
        date: NaiveDate,
    ) -> Result<Option<StoredCheckIn>, StoreError> {
        let rows = self
            .read_rows(
                CHECK_IN,
                &[user.0.into(), date.to_string().into()],
                stored_from_row,
            )
            .await?;
        Ok(rows.into_iter().next())
    }

    /// Check-ins from `from` to `to`, both included, oldest first.
    pub async fn check_ins(
        &self,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<StoredCheckIn>, StoreError> {
        self.read_rows(
            "SELECT date, body, triage, decision, created_at, updated_at FROM checkins
             WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date",
            &[
                user.0.into(),
                from.to_string().into(),
                to.to_string().into(),
            ],
            stored_from_row,
        )
        .await
    }
}

/// What a save reads before its write besides the days: her revision (see [`RevisionStep`]),
/// the day's own creation time if it was checked in already (kept when it is replaced) and the
/// rules acknowledged within the mute window. Keyed lookups, one row.
fn context_query(postgres: bool) -> &'static str {
    macro_rules! context {
        ($agg:literal) => {
            concat!(
                "SELECT (SELECT revision FROM users WHERE id = $1) AS revision,
                   (SELECT created_at FROM checkins WHERE user_id = $1 AND date = $2) AS existing,
                   (SELECT ", $agg, "(rule, ',') FROM acknowledgements
                     WHERE user_id = $1 AND acknowledged_on <= $2 AND acknowledged_on >= $3) AS muted"
            )
        };
    }
    if postgres {
        context!("string_agg")
    } else {
        context!("group_concat")
    }
}

/// Her days from `$2` up to (not including) `$3` as one row of "date pain day_type" entries,
/// whatever their number, with her revision read in the same statement: every row is a
/// hand-off between threads in the SQLite driver, and a year of rows was most of a save.
fn days_query(postgres: bool) -> &'static str {
    macro_rules! days {
        ($agg:literal) => {
            concat!(
                "SELECT ",
                $agg,
                "(date || ' ' || pain || ' ' || day_type, ',') AS days,
                   (SELECT revision FROM users WHERE id = $1) AS revision
                 FROM checkins WHERE user_id = $1 AND date >= $2 AND date < $3"
            )
        };
    }
    if postgres {
        days!("string_agg")
    } else {
        days!("group_concat")
    }
}

/// What [`context_query`] answers.
#[derive(Debug)]
struct Context {
    revision: Option<i64>,
    existing: Option<String>,
    muted: Option<String>,
}

/// What [`days_query`] answers.
#[derive(Debug)]
struct DaysRead {
    days: Option<String>,
    revision: Option<i64>,
}

/// The days a save's rules look at: from [`HISTORY_DAYS`] before its day up to the day.
fn window(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    (date - Duration::days(HISTORY_DAYS), date)
}

/// The save's days when they are kept at her revision of the save's context.
fn kept_days(
    kept: Option<&KeptHistories>,
    user: UserId,
    context: &Context,
    date: NaiveDate,
) -> Option<Vec<RecentDay>> {
    let (from, to) = window(date);
    kept?.window(user.0, context.revision?, from, to)
}

/// The days a save reads when they are not kept: its window, and with kept histories on, on to
/// a day past today as well, so that saves of other days of the same year find theirs kept.
fn range_to_read(kept: Option<&KeptHistories>, date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let (from, to) = window(date);
    match kept {
        Some(_) => (from, to.max(Utc::now().date_naive()) + Duration::days(2)),
        None => (from, to),
    }
}

/// The dates the context takes after the user: the day, and the earliest acknowledgement that
/// still mutes.
fn context_dates(date: NaiveDate) -> [String; 2] {
    [
        date.to_string(),
        (date - Duration::days(keel_core::rules::MUTE_DAYS - 1)).to_string(),
    ]
}

/// The save's window from what was read, keeping all of it when it was read at her revision
/// of the save's context (on PostgreSQL another writer can commit between the two reads).
fn days_from_read(
    kept: Option<&KeptHistories>,
    user: UserId,
    context: &Context,
    (from, to): (NaiveDate, NaiveDate),
    read: DaysRead,
    date: NaiveDate,
) -> Result<Vec<RecentDay>, StoreError> {
    let days = parse_days(read.days.as_deref())?;
    let (start, end) = window(date);
    let in_window = days
        .iter()
        .filter(|d| start <= d.date && d.date < end)
        .copied()
        .collect();
    if let (Some(kept), Some(revision)) = (kept, read.revision)
        && context.revision == Some(revision)
    {
        kept.keep(user.0, revision, from, to, days);
    }
    Ok(in_window)
}

/// Reads [`days_query`]'s entries, oldest first (the aggregate's order is not guaranteed).
fn parse_days(entries: Option<&str>) -> Result<Vec<RecentDay>, StoreError> {
    let mut days = Vec::with_capacity(entries.map_or(0, |e| e.len() / 16));
    for entry in entries.unwrap_or("").split(',').filter(|e| !e.is_empty()) {
        let bad = || StoreError::Corrupt(format!("history entry {entry:?}"));
        let mut parts = entry.split(' ');
        let (Some(date), Some(pain), Some(day_type), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        days.push(RecentDay {
            date: keel_core::validate::parse_date(date).ok_or_else(bad)?,
            pain: pain.parse().map_err(|_| bad())?,
            day_type: DayType::from_name(day_type),
        });
    }
    days.sort_unstable_by_key(|d| d.date);
    Ok(days)
}

const UPSERT: &str = "INSERT INTO checkins (user_id, date, pain, body, triage, day_type, decision, created_at, updated_at, walking_minutes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (user_id, date) DO UPDATE SET
           pain = excluded.pain, body = excluded.body, triage = excluded.triage,
           walking_minutes = excluded.walking_minutes,
           day_type = excluded.day_type, decision = excluded.decision, updated_at = excluded.updated_at";

/// The stored columns of a check-in, in [`UPSERT`]'s order after the user and before the
/// times: what the app writes, and what the bulk seed writes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Columns {
    pub date: String,
    pub pain: i64,
    pub body: String,
    pub triage: String,
    pub day_type: &'static str,
    pub decision: String,
    pub walking_minutes: Option<i64>,
}

impl Columns {
    pub(crate) fn of(
        check_in: &CheckIn,
        triage: &TriageResult,
        decision: &DayTypeDecision,
    ) -> Result<Columns, StoreError> {
        Ok(Columns {
            date: check_in.date.to_string(),
            pain: i64::from(check_in.pain),
            body: check_in.to_compact_json().to_string(),
            triage: to_json(triage)?,
            day_type: decision.day_type.name(),
            decision: to_json(decision)?,
            walking_minutes: check_in.walking_minutes.map(i64::from),
        })
    }
}

/// Works out triage and the day type of `check_in` from the days before it (oldest first, its
/// window only): the row to store and what the caller is told. Pure: both drivers' saves
/// share it.
fn assess(
    check_in: &CheckIn,
    days: &[RecentDay],
    context: Context,
) -> Result<(Columns, Saved), StoreError> {
    let muted: Vec<&str> = context
        .muted
        .as_deref()
        .map_or(Vec::new(), |m| m.split(',').collect());
    // Oldest first and one per date: the map is built from sorted entries.
    let pains: BTreeMap<NaiveDate, u8> = days.iter().map(|d| (d.date, d.pain)).collect();
    let triage = triage::evaluate(&TriageInput::from_check_in(check_in, pains));
    let decision = daytype::decide(check_in, &triage, triage.open_urgent(&muted), days);

    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let replaced = context.existing.is_some();
    let created_at = context.existing.unwrap_or_else(|| now.clone());
    let columns = Columns::of(check_in, &triage, &decision)?;
    let saved = Saved {
        stored: StoredCheckIn {
            check_in: check_in.clone(),
            triage,
            decision,
            created_at,
            updated_at: now,
        },
        replaced,
        step: None,
    };
    Ok((columns, saved))
}

/// The saved day as the rules of a later save read it.
fn day_of(saved: &Saved) -> RecentDay {
    RecentDay {
        date: saved.stored.check_in.date,
        pain: saved.stored.check_in.pain,
        day_type: Some(saved.stored.decision.day_type),
    }
}

/// Works out triage and the day type from the stored history and writes the check-in.
pub(crate) async fn assess_and_write(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    check_in: &CheckIn,
) -> Result<Saved, StoreError> {
    Ok(assess_and_write_from(conn, user, check_in, None).await?.0)
}

/// [`assess_and_write`], also answering her revision before the write, with the days before
/// it taken from `kept` when they are kept at that revision.
async fn assess_and_write_from(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    check_in: &CheckIn,
    kept: Option<&KeptHistories>,
) -> Result<(Saved, Option<i64>), StoreError> {
    let postgres = conn.backend_name().eq_ignore_ascii_case("postgresql");
    let [date, earliest_ack] = context_dates(check_in.date);
    let row = sqlx::query(context_query(postgres))
        .bind(user.0)
        .bind(date)
        .bind(earliest_ack)
        .fetch_one(&mut *conn)
        .await?;
    let context = Context {
        revision: row.try_get("revision")?,
        existing: row.try_get("existing")?,
        muted: row.try_get("muted")?,
    };
    let days = match kept_days(kept, user, &context, check_in.date) {
        Some(days) => days,
        None => {
            let range = range_to_read(kept, check_in.date);
            let row = sqlx::query(days_query(postgres))
                .bind(user.0)
                .bind(range.0.to_string())
                .bind(range.1.to_string())
                .fetch_one(&mut *conn)
                .await?;
            let read = DaysRead {
                days: row.try_get("days")?,
                revision: row.try_get("revision")?,
            };
            days_from_read(kept, user, &context, range, read, check_in.date)?
        }
    };
    let before = context.revision;
    let (c, saved) = assess(check_in, &days, context)?;
    sqlx::query(UPSERT)
        .bind(user.0)
        .bind(c.date)
        .bind(c.pain)
        .bind(c.body)
        .bind(c.triage)
        .bind(c.day_type)
        .bind(c.decision)
        .bind(&saved.stored.created_at)
        .bind(&saved.stored.updated_at)
        .bind(c.walking_minutes)
        .execute(&mut *conn)
        .await?;
    Ok((saved, before))
}

/// The step from `before` to her revision now, read in the same transaction.
async fn step_from(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    before: Option<i64>,
) -> Result<Option<RevisionStep>, StoreError> {
    let Some(before) = before else {
        return Ok(None);
    };
    let after: Option<i64> = sqlx::query_scalar(REVISION)
        .bind(user.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(after.and_then(|after| RevisionStep::of_one_save(before, after)))
}

pub(crate) async fn load_check_in(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    date: NaiveDate,
) -> Result<Option<StoredCheckIn>, StoreError> {
    let row = sqlx::query(CHECK_IN)
        .bind(user.0)
        .bind(date.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| stored_from_row(&Row(&r))).transpose()
}

/// One day's check-in.
const CHECK_IN: &str = "SELECT date, body, triage, decision, created_at, updated_at FROM checkins WHERE user_id = $1 AND date = $2";

fn stored_from_row(row: &Row) -> Result<StoredCheckIn, StoreError> {
    let date = parse_date(row.get("date")?)?;
    let body: String = row.get("body")?;
    let body: serde_json::Value = serde_json::from_str(&body).map_err(corrupt)?;
    // The stored body went through the same constructor when it was saved; parsing it again
    // with its own date as "today" keeps one definition of a valid check-in.
    let check_in = CheckIn::parse(&body, date).map_err(|e| StoreError::Corrupt(e.summary()))?;
    let triage: String = row.get("triage")?;
    let decision: String = row.get("decision")?;
    Ok(StoredCheckIn {
        check_in,
        triage: serde_json::from_str(&triage).map_err(corrupt)?,
        decision: serde_json::from_str(&decision).map_err(corrupt)?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

pub(crate) fn parse_date(s: String) -> Result<NaiveDate, StoreError> {
    keel_core::validate::parse_date(&s).ok_or_else(|| StoreError::Corrupt(format!("date {s:?}")))
}

pub(crate) fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LOCAL_USER;
    use crate::test_support::{add_user, temp_store};
    use serde_json::json;

    fn check_in(date: &str, pain: u8) -> CheckIn {
        let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        CheckIn::parse(&json!({"date": date, "pain": pain}), today).unwrap()
    }

    /// A save says how it moved her revision: from what it was before its write to what it
    /// is after, new and replacing.
    #[tokio::test]
    async fn a_save_reports_the_revision_step_it_made() {
        let (store, dir) = temp_store("step").await;
        {
            let s = &store;
            for pain in [3, 6] {
                let before = s.revision(LOCAL_USER).await.unwrap().unwrap();
                let saved = s
                    .record_check_in(LOCAL_USER, &check_in("2026-11-20", pain))
                    .await
                    .unwrap();
                let after = s.revision(LOCAL_USER).await.unwrap().unwrap();
                assert_ne!(before, after, "the save moved her revision");
                assert_eq!(
                    saved.step,
                    Some(RevisionStep { before, after }),
                    "pain {pain}"
                );
            }
        }
        // Something else moves her revision inside the save (here a second trigger; on
        // PostgreSQL another writer committing between the save's two reads): no step.
        sqlx::query(
            "CREATE TRIGGER another_change AFTER UPDATE ON checkins BEGIN
                 UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
             END",
        )
        .execute(&store.pool)
        .await
        .unwrap();
        let saved = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 4))
            .await
            .unwrap();
        assert!(saved.replaced);
        assert_eq!(saved.step, None);
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A row updated in place moves its user's revision once and nobody else's; a row moved
    /// to another user moves both (the SQLite triggers, each a keyed update).
    #[tokio::test]
    async fn an_update_moves_the_revision_of_every_user_it_touches() {
        let (store, dir) = temp_store("update-trigger").await;
        let other = UserId(2);
        add_user(&store, 2).await;
        store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 3))
            .await
            .unwrap();
        let revisions = || async {
            (
                store.revision(LOCAL_USER).await.unwrap().unwrap(),
                store.revision(other).await.unwrap().unwrap(),
            )
        };
        let (mine, theirs) = revisions().await;
        sqlx::query("UPDATE checkins SET pain = 4 WHERE user_id = 1")
            .execute(&store.pool)
            .await
            .unwrap();
        assert_eq!(revisions().await, (mine + 1, theirs), "hers, once");
        sqlx::query("UPDATE checkins SET user_id = 2 WHERE user_id = 1")
            .execute(&store.pool)
            .await
            .unwrap();
        assert_eq!(revisions().await, (mine + 2, theirs + 1), "both");
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn same_date_replaces_and_says_so() {
        let (store, dir) = temp_store("replace").await;
        let first = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 3))
            .await
            .unwrap();
        assert!(!first.replaced);
        let second = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 5))
            .await
            .unwrap();
        assert!(second.replaced);
        assert_eq!(second.stored.created_at, first.stored.created_at);
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let all = store.check_ins(LOCAL_USER, d, d).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].check_in.pain, 5);
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn day_type_uses_stored_history() {
        let (store, dir) = temp_store("history").await;
        for (d, p) in [("2026-11-18", 1), ("2026-11-19", 1), ("2026-11-20", 1)] {
            store
                .record_check_in(LOCAL_USER, &check_in(d, p))
                .await
                .unwrap();
        }
        // 4 is three above the median of 1: a flare day, which needs the history
        let saved = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-21", 4))
            .await
            .unwrap();
        assert_eq!(saved.stored.decision.day_type, DayType::Flare);
        let loaded = store
            .check_in(LOCAL_USER, NaiveDate::from_ymd_opt(2026, 11, 21).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(loaded, saved.stored);
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A history kept between saves is hers as stored: a change the store did not make (plain
    /// SQL here, as another process or server would) is seen by the next save. Six weeks at
    /// pain 2, then the last six days raised to 4 behind the store's back: with the stale
    /// kept days, the week would average 2.3 and the worsening trend (T1) would not fire.
    #[tokio::test]
    async fn a_change_made_elsewhere_reaches_the_next_save_s_trend_rules() {
        let (store, dir) = temp_store("kept-elsewhere").await;
        for (driver, s, user) in [
            ("her", &store, LOCAL_USER),
            ("another user", &store, UserId(2)),
        ] {
            if user != LOCAL_USER {
                add_user(s, user.0).await;
            }
            let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
            for back in (1..=42).rev() {
                let date = (d - Duration::days(back)).to_string();
                s.record_check_in(user, &check_in(&date, 2)).await.unwrap();
            }
            let revision = s.revision(user).await.unwrap().unwrap();
            let (from, to) = window(d);
            assert!(
                s.kept.window(user.0, revision, from, to).is_some(),
                "{driver}: her days are kept across her own saves"
            );
            sqlx::query("UPDATE checkins SET pain = 4 WHERE user_id = $1 AND date >= $2")
                .bind(user.0)
                .bind((d - Duration::days(6)).to_string())
                .execute(&s.pool)
                .await
                .unwrap();
            let saved = s
                .record_check_in(user, &check_in(&d.to_string(), 4))
                .await
                .unwrap();
            assert_eq!(saved.stored.triage.trend.t1, Some(true), "{driver}");
        }
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Saves with kept histories store exactly what saves that read every history afresh
    /// store, over jumbled days across two years for two users, with acknowledgements, a
    /// deletion and plain SQL changes in between.
    #[tokio::test]
    async fn saves_with_kept_histories_store_what_saves_reading_afresh_store() {
        let (kept, dir_a) = temp_store("kept").await;
        let (mut fresh, dir_c) = temp_store("kept-none").await;
        fresh.keep_histories(0);
        let stores = [&kept, &fresh];
        for s in stores {
            add_user(s, 2).await;
        }
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut seed: u64 = 7;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut kept_used = 0;
        let mut step = 0;
        // Saves `c` in every store; the outcomes must agree. Counts the saves after which her
        // history is kept, at her new revision, for the window of the day saved.
        macro_rules! save_everywhere {
            ($user:expr, $c:expr) => {{
                let (user, c): (UserId, &CheckIn) = ($user, $c);
                let mut outcomes = Vec::new();
                for s in stores {
                    let saved = s.record_check_in(user, c).await.unwrap();
                    outcomes.push((saved.replaced, saved.stored.triage, saved.stored.decision));
                }
                assert_eq!(outcomes[0], outcomes[1], "step {step}: kept, afresh");
                let revision = kept.revision(user).await.unwrap().unwrap();
                let (from, to) = window(c.date);
                if kept.kept.window(user.0, revision, from, to).is_some() {
                    kept_used += 1;
                }
            }};
        }
        let parse = |v: serde_json::Value| {
            CheckIn::parse(&v, NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()).unwrap()
        };
        while step < 400 {
            step += 1;
            let user = if next(5) == 0 { UserId(2) } else { LOCAL_USER };
            // Mostly the last six weeks, in no order, now and then a day a year or more back.
            let back = if next(8) == 0 { next(700) } else { next(45) };
            let date = start + Duration::days(700 - back as i64);
            let pain = [1, 2, 2, 3, 4, 5, 6, 7, 8, 3][next(10) as usize];
            let mut v = json!({"date": date.to_string(), "pain": pain, "sleep": 6});
            if next(25) == 0 {
                v["night_pain"] = json!(true);
            }
            save_everywhere!(user, &parse(v));
            // Changes the saves did not make, the same in every database, each followed by a
            // save replacing her latest day, whose window holds what changed.
            let elsewhere = match step % 37 {
                5 => Some(
                    "UPDATE checkins SET pain = 9 WHERE user_id = $1 AND date IN (SELECT date FROM checkins WHERE user_id = $1 ORDER BY date DESC LIMIT 5)",
                ),
                17 => Some(
                    "DELETE FROM checkins WHERE user_id = $1 AND date = (SELECT MAX(date) FROM checkins WHERE user_id = $1)",
                ),
                29 => Some(
                    "UPDATE checkins SET day_type = 'steady' WHERE user_id = $1 AND date = (SELECT MAX(date) FROM checkins WHERE user_id = $1)",
                ),
                _ => None,
            };
            let acknowledge = step % 23 == 11;
            for s in stores {
                if let Some(sql) = elsewhere {
                    sqlx::query(sql)
                        .bind(user.0)
                        .execute(&s.pool)
                        .await
                        .unwrap();
                }
                if acknowledge {
                    s.acknowledge(user, "RF-NIGHT-PAIN", date).await.unwrap();
                }
            }
            if elsewhere.is_some() || acknowledge {
                let latest: String =
                    sqlx::query_scalar("SELECT MAX(date) FROM checkins WHERE user_id = $1")
                        .bind(user.0)
                        .fetch_one(&fresh.pool)
                        .await
                        .unwrap();
                let after = parse_date(latest).unwrap();
                save_everywhere!(user, &parse(json!({"date": after.to_string(), "pain": 5})));
            }
        }
        assert!(
            kept_used > 300,
            "kept histories carried forward ({kept_used} of 400)"
        );
        let (from, to) = (start - Duration::days(400), start + Duration::days(800));
        for user in [LOCAL_USER, UserId(2)] {
            let rows = |s: &Store| {
                let s = s.clone();
                async move {
                    s.check_ins(user, from, to)
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|r| (r.check_in, r.triage, r.decision))
                        .collect::<Vec<_>>()
                }
            };
            let reference = rows(&fresh).await;
            assert!(reference.len() > 30, "{} days", reference.len());
            assert!(
                reference
                    .iter()
                    .any(|r| r.1.trend.t1 == Some(true) || r.1.trend.t2 == Some(true)),
                "the trend rules fired somewhere"
            );
            assert_eq!(rows(&kept).await, reference);
        }
        for s in [kept, fresh] {
            s.close().await;
        }
        for dir in [dir_a, dir_c] {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }

    /// Closing the store closes every connection: nothing of this
    /// process holds the database file open afterwards (what `keel restore` and a backup of
    /// the file after a CLI command rely on).
    #[tokio::test]
    async fn closing_the_store_closes_every_connection() {
        let (store, dir) = temp_store("close").await;
        let db = dir.join("keel.db");
        // The process's open descriptors on the database file (Linux).
        let open_on_db = || {
            std::fs::read_dir("/proc/self/fd")
                .unwrap()
                .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .filter(|target| *target == db)
                .count()
        };
        store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 3))
            .await
            .unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(store.check_ins(LOCAL_USER, d, d).await.unwrap().len(), 1);
        assert!(open_on_db() >= 1, "the pool's connections");
        store.close().await;
        // sqlx closes its handles on its own worker threads, a moment after `close` returns.
        for _ in 0..100 {
            if open_on_db() == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(open_on_db(), 0, "no connection left open after close");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn other_users_data_is_invisible() {
        let (store, dir) = temp_store("scope").await;
        add_user(&store, 2).await;
        store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 3))
            .await
            .unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert!(store.check_in(UserId(2), d).await.unwrap().is_none());
        assert!(store.check_ins(UserId(2), d, d).await.unwrap().is_empty());
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn migrations_apply_to_an_empty_database_and_again() {
        let (store, dir) = temp_store("migrate").await;
        store.migrate().await.unwrap();
        store.ping().await.unwrap();
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
