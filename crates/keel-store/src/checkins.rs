//! The check-in journal: one check-in per user and date, stored with its triage and day type.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, SecondsFormat, Utc};
use keel_core::daytype::{self, DayTypeDecision, RecentDay};
use keel_core::triage::{self, TriageInput, TriageLevel, TriageResult};
use keel_core::{CheckIn, DayType};
use sqlx::Row;

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
}

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
        let saved = assess_and_write(&mut tx, user, check_in).await?;
        tx.commit().await?;
        Ok(saved)
    }

    pub async fn check_in(
        &self,
        user: UserId,
        date: NaiveDate,
    ) -> Result<Option<StoredCheckIn>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load_check_in(&mut conn, user, date).await
    }

    /// Check-ins from `from` to `to`, both included, oldest first.
    pub async fn check_ins(
        &self,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<StoredCheckIn>, StoreError> {
        let rows = sqlx::query(
            "SELECT date, body, triage, decision, created_at, updated_at FROM checkins
             WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date",
        )
        .bind(user.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_from_row).collect()
    }
}

/// The history before a day as one row, whatever its length: `days` lists "date pain
/// day_type" entries, `existing` is the day's own creation time if it was checked in already
/// (kept when it is replaced), and `muted` lists the rules acknowledged within the mute
/// window. One row instead of a row per day: every row is a hand-off between threads in the
/// SQLite driver, and a year of history was most of a save's cost.
fn history_query(conn: &sqlx::AnyConnection) -> String {
    let agg = if conn.backend_name().eq_ignore_ascii_case("postgresql") {
        "string_agg"
    } else {
        "group_concat"
    };
    format!(
        "SELECT {agg}(date || ' ' || pain || ' ' || day_type, ',') AS days,
           (SELECT created_at FROM checkins WHERE user_id = $1 AND date = $3) AS existing,
           (SELECT {agg}(rule, ',') FROM acknowledgements
             WHERE user_id = $1 AND acknowledged_on <= $3 AND acknowledged_on >= $4) AS muted
         FROM checkins WHERE user_id = $1 AND date >= $2 AND date < $3"
    )
}

/// Works out triage and the day type from the stored history and writes the check-in.
pub(crate) async fn assess_and_write(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    check_in: &CheckIn,
) -> Result<Saved, StoreError> {
    let from = check_in.date - Duration::days(HISTORY_DAYS);
    let earliest_ack = check_in.date - Duration::days(keel_core::rules::MUTE_DAYS - 1);
    let row = sqlx::query(&history_query(conn))
        .bind(user.0)
        .bind(from.to_string())
        .bind(check_in.date.to_string())
        .bind(earliest_ack.to_string())
        .fetch_one(&mut *conn)
        .await?;
    let days: Option<String> = row.try_get("days")?;
    let existing: Option<String> = row.try_get("existing")?;
    let muted: Option<String> = row.try_get("muted")?;
    let muted: Vec<&str> = muted
        .as_deref()
        .map_or(Vec::new(), |m| m.split(',').collect());
    let mut history = BTreeMap::new();
    for entry in days
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|e| !e.is_empty())
    {
        let bad = || StoreError::Corrupt(format!("history entry {entry:?}"));
        let mut parts = entry.split(' ');
        let (Some(date), Some(pain), Some(day_type), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let date = parse_date(date.to_string())?;
        let pain: u8 = pain.parse().map_err(|_| bad())?;
        history.insert(date, (pain, DayType::from_name(day_type)));
    }
    // Oldest first, as the rules expect (the aggregate's order is not guaranteed).
    let recent: Vec<RecentDay> = history
        .iter()
        .map(|(&date, &(pain, day_type))| RecentDay {
            date,
            pain,
            day_type,
        })
        .collect();
    let history: BTreeMap<NaiveDate, u8> = history.into_iter().map(|(d, (p, _))| (d, p)).collect();
    let triage = triage::evaluate(&TriageInput::from_check_in(check_in, history));
    let open_urgent = triage
        .findings_at(TriageLevel::Urgent)
        .any(|f| !muted.contains(&f.rule.as_str()));
    let decision = daytype::decide(check_in, &triage, open_urgent, &recent);

    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let created_at = existing.clone().unwrap_or_else(|| now.clone());
    sqlx::query(
        "INSERT INTO checkins (user_id, date, pain, body, triage, day_type, decision, created_at, updated_at, walking_minutes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (user_id, date) DO UPDATE SET
           pain = excluded.pain, body = excluded.body, triage = excluded.triage,
           walking_minutes = excluded.walking_minutes,
           day_type = excluded.day_type, decision = excluded.decision, updated_at = excluded.updated_at",
    )
    .bind(user.0)
    .bind(check_in.date.to_string())
    .bind(i64::from(check_in.pain))
    .bind(check_in.to_compact_json().to_string())
    .bind(to_json(&triage)?)
    .bind(decision.day_type.name())
    .bind(to_json(&decision)?)
    .bind(&created_at)
    .bind(&now)
    .bind(check_in.walking_minutes.map(i64::from))
    .execute(&mut *conn)
    .await?;
    Ok(Saved {
        stored: StoredCheckIn {
            check_in: check_in.clone(),
            triage,
            decision,
            created_at,
            updated_at: now,
        },
        replaced: existing.is_some(),
    })
}

pub(crate) async fn load_check_in(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    date: NaiveDate,
) -> Result<Option<StoredCheckIn>, StoreError> {
    let row = sqlx::query(
        "SELECT date, body, triage, decision, created_at, updated_at FROM checkins WHERE user_id = $1 AND date = $2",
    )
    .bind(user.0)
    .bind(date.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| stored_from_row(&r)).transpose()
}

fn stored_from_row(row: &sqlx::any::AnyRow) -> Result<StoredCheckIn, StoreError> {
    let date = parse_date(row.try_get("date")?)?;
    let body: String = row.try_get("body")?;
    let body: serde_json::Value = serde_json::from_str(&body).map_err(corrupt)?;
    // The stored body went through the same constructor when it was saved; parsing it again
    // with its own date as "today" keeps one definition of a valid check-in.
    let check_in = CheckIn::parse(&body, date).map_err(|e| StoreError::Corrupt(e.summary()))?;
    let triage: String = row.try_get("triage")?;
    let decision: String = row.try_get("decision")?;
    Ok(StoredCheckIn {
        check_in,
        triage: serde_json::from_str(&triage).map_err(corrupt)?,
        decision: serde_json::from_str(&decision).map_err(corrupt)?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(crate) fn parse_date(s: String) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("date {s}: {e}")))
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
