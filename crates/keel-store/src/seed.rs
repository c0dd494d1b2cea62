//! Synthetic history in bulk, for benchmarks and scale tests. The rows are the ones the app
//! writes (triage and day type included). One thread generates them while the database takes
//! the previous batch: PostgreSQL through COPY, SQLite through short multi-row INSERTs in one
//! transaction per batch.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Duration, NaiveDate, SecondsFormat, Utc};
use keel_core::CheckIn;
use keel_core::daytype::{self, RecentDay};
use keel_core::triage::{self, TriageInput, TriageLevel};
use serde_json::json;
use sqlx::Connection;

use crate::checkins::{Columns, HISTORY_DAYS};
use crate::{Backend, Store, StoreError};

/// Users per batch: one transaction (and one COPY on PostgreSQL) each.
const USERS_PER_BATCH: i64 = 20;

/// Rows per INSERT. SQLite looks each `$n` parameter up by name in a list, so a statement's
/// binding cost grows with the square of its parameters: short statements are faster there.
fn rows_per_statement(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 25,
        Backend::Postgres => 500,
    }
}

/// One check-in row as the app stores it.
#[derive(Debug, Clone, PartialEq)]
struct SeedRow {
    user: i64,
    columns: Columns,
}

/// Users `first..first + count` and their rows.
struct Batch {
    first: i64,
    count: i64,
    rows: Vec<SeedRow>,
}

/// A small deterministic generator: the same seed gives the same history.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One user's `days` of history ending on `end`: pain wanders by at most one point a day, the
/// other answers vary, no red-flag answers. Triage (the trend rules over the year before each
/// day included) and day type are computed as the app computes them when it saves the day.
fn user_history(user: i64, days: i64, end: NaiveDate) -> Result<Vec<SeedRow>, StoreError> {
    let start = end - Duration::days(days - 1);
    let mut rng = Lcg(user as u64);
    let mut recent: Vec<RecentDay> = Vec::with_capacity(16);
    // The scores the trend rules read, as the app reads them when it saves a day.
    let mut history: BTreeMap<NaiveDate, u8> = BTreeMap::new();
    let mut rows = Vec::with_capacity(days as usize);
    let mut pain = 2 + rng.below(4) as i64;
    for d in 0..days {
        let date = start + Duration::days(d);
        pain = (pain + rng.below(3) as i64 - 1).clamp(0, 9);
        let body = json!({
            "date": date.to_string(), "pain": pain, "sleep": 3 + rng.below(7), "energy": 3 + rng.below(7),
            "walking_minutes": rng.below(60), "sitting_hours": 4 + rng.below(6),
            "saddle_numbness": false, "bladder_change": false, "bowel_change": false, "sexual_change": false,
            "both_legs_symptoms": false, "leg_weakness_worsening": false, "serious_accident": false, "chest_pain": false,
        });
        let c = CheckIn::parse(&body, end).map_err(|e| StoreError::Other(e.summary()))?;
        while let Some((&first, _)) = history.first_key_value() {
            if (date - first).num_days() <= HISTORY_DAYS {
                break;
            }
            history.pop_first();
        }
        let t = triage::evaluate(&TriageInput::from_check_in(&c, history.clone()));
        history.insert(date, c.pain);
        recent.retain(|r| (date - r.date).num_days() <= 14);
        let decision = daytype::decide(&c, &t, t.level == TriageLevel::Urgent, &recent);
        recent.push(RecentDay {
            date,
            pain: c.pain,
            day_type: Some(decision.day_type),
        });
        rows.push(SeedRow {
            user,
            columns: Columns::of(&c, &t, &decision)?,
        });
    }
    Ok(rows)
}

/// Appends `value` to a COPY text-format line, escaped.
fn copy_field(line: &mut String, value: &str) {
    let mut rest = value;
    while let Some(at) = rest.find(['\\', '\t', '\n', '\r']) {
        line.push_str(&rest[..at]);
        line.push_str(match rest.as_bytes()[at] {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            _ => "\\r",
        });
        rest = &rest[at + 1..];
    }
    line.push_str(rest);
}

/// The rows in PostgreSQL's COPY text format, in the column order of [`COPY_CHECKINS`].
fn copy_text(rows: &[SeedRow], now: &str) -> String {
    let mut out = String::with_capacity(rows.len() * 700);
    for r in rows {
        let _ = write!(out, "{}\t", r.user);
        copy_field(&mut out, &r.columns.date);
        let _ = write!(out, "\t{}\t", r.columns.pain);
        copy_field(&mut out, &r.columns.body);
        out.push('\t');
        copy_field(&mut out, &r.columns.triage);
        out.push('\t');
        out.push_str(r.columns.day_type);
        out.push('\t');
        copy_field(&mut out, &r.columns.decision);
        out.push('\t');
        copy_field(&mut out, now);
        out.push('\t');
        copy_field(&mut out, now);
        out.push('\t');
        match r.columns.walking_minutes {
            Some(m) => {
                let _ = write!(out, "{m}");
            }
            None => out.push_str("\\N"),
        }
        out.push('\n');
    }
    out
}

const COPY_CHECKINS: &str = "COPY checkins (user_id, date, pain, body, triage, day_type, decision, created_at, updated_at, walking_minutes) FROM STDIN";

impl Store {
    /// Adds users `first_user..first_user + users` (creating them) with `days` daily
    /// check-ins each, ending on `end`, and returns the rows written. Users that already have
    /// check-ins keep them (existing days are skipped). Calls `progress` with the number of
    /// users done after each batch.
    pub async fn seed(
        &self,
        first_user: i64,
        users: i64,
        days: i64,
        end: NaiveDate,
        mut progress: impl FnMut(i64),
    ) -> Result<u64, StoreError> {
        if users <= 0 {
            return Ok(0);
        }
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let last_user = first_user + users - 1;
        // COPY cannot skip rows that exist: it is used only when the range has no check-ins.
        let existing: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM checkins WHERE user_id BETWEEN $1 AND $2")
                .bind(first_user)
                .bind(last_user)
                .fetch_one(&mut *self.conn().await?)
                .await?;
        let mut copy = match (&self.pg, existing) {
            (Some(options), 0) => {
                let mut conn = sqlx::postgres::PgConnection::connect_with(options).await?;
                // A bulk load that is lost in a crash is simply run again.
                sqlx::query("SET synchronous_commit = off")
                    .execute(&mut conn)
                    .await?;
                // All the users first, then fresh statistics: the foreign-key check of every
                // copied row plans its lookup of `users` once per connection, and planned on a
                // table without statistics it scans the whole table each time.
                sqlx::query(
                    "INSERT INTO users (id, name, created_at) \
                     SELECT g, 'seed-' || g, $3 FROM generate_series($1::BIGINT, $2::BIGINT) AS g \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(first_user)
                .bind(last_user)
                .bind(&now)
                .execute(&mut conn)
                .await?;
                sqlx::query("ANALYZE users").execute(&mut conn).await?;
                Some(conn)
            }
            _ => None,
        };

        // Generation runs on its own thread, one batch ahead of the database.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Batch, StoreError>>(2);
        let generator = std::thread::spawn(move || {
            let mut first = first_user;
            while first <= last_user {
                let count = USERS_PER_BATCH.min(last_user - first + 1);
                let mut rows = Vec::with_capacity((count * days) as usize);
                let batch = (first..first + count)
                    .try_for_each(|u| {
                        rows.extend(user_history(u, days, end)?);
                        Ok(())
                    })
                    .map(|()| Batch { first, count, rows });
                let failed = batch.is_err();
                if tx.blocking_send(batch).is_err() || failed {
                    return;
                }
                first += count;
            }
        });

        let mut written = 0u64;
        let mut done = 0i64;
        while let Some(batch) = rx.recv().await {
            let batch = batch?;
            written += match copy.as_mut() {
                Some(conn) => self.copy_batch(conn, &batch, &now).await?,
                None => self.insert_batch(&batch, &now).await?,
            };
            done += batch.count;
            progress(done);
        }
        generator
            .join()
            .map_err(|_| StoreError::Other("the seed generator failed".into()))?;
        if let Some(mut conn) = copy {
            sqlx::query("ANALYZE checkins").execute(&mut conn).await?;
            conn.close().await?;
        }
        Ok(written)
    }

    /// One batch of check-ins on PostgreSQL by COPY (its users exist already).
    async fn copy_batch(
        &self,
        conn: &mut sqlx::postgres::PgConnection,
        batch: &Batch,
        now: &str,
    ) -> Result<u64, StoreError> {
        let mut copy_in = conn.copy_in_raw(COPY_CHECKINS).await?;
        copy_in
            .send(copy_text(&batch.rows, now).into_bytes())
            .await?;
        Ok(copy_in.finish().await?)
    }

    /// One batch through short multi-row INSERTs in one transaction; existing days are kept.
    async fn insert_batch(&self, batch: &Batch, now: &str) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        for user in batch.first..batch.first + batch.count {
            sqlx::query("INSERT INTO users (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                .bind(user)
                .bind(format!("seed-{user}"))
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        let mut written = 0;
        for rows in batch.rows.chunks(rows_per_statement(self.backend)) {
            let mut sql = String::from(
                "INSERT INTO checkins (user_id, date, pain, body, triage, day_type, decision, created_at, updated_at, walking_minutes) VALUES ",
            );
            for i in 0..rows.len() {
                let b = i * 10;
                if i > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for k in 1..=10 {
                    let _ = write!(sql, "{}${}", if k > 1 { "," } else { "" }, b + k);
                }
                sql.push(')');
            }
            sql.push_str(" ON CONFLICT (user_id, date) DO NOTHING");
            let mut q = sqlx::query(&sql);
            for r in rows {
                q = q
                    .bind(r.user)
                    .bind(&r.columns.date)
                    .bind(r.columns.pain)
                    .bind(&r.columns.body)
                    .bind(&r.columns.triage)
                    .bind(r.columns.day_type)
                    .bind(&r.columns.decision)
                    .bind(now)
                    .bind(now)
                    .bind(r.columns.walking_minutes);
            }
            written += q.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_the_format_reserves_and_writes_null() {
        let row = SeedRow {
            user: 7,
            columns: Columns {
                date: "2026-01-02".into(),
                pain: 3,
                body: "a\tb\\c\nd\re".into(),
                triage: "{}".into(),
                day_type: "steady",
                decision: "{}".into(),
                walking_minutes: None,
            },
        };
        let text = copy_text(&[row], "T");
        assert_eq!(
            text,
            "7\t2026-01-02\t3\ta\\tb\\\\c\\nd\\re\t{}\tsteady\t{}\tT\tT\t\\N\n"
        );
    }

    #[test]
    fn a_user_history_is_deterministic_and_one_row_per_day() {
        let end = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let a = user_history(5, 90, end).unwrap();
        assert_eq!(a, user_history(5, 90, end).unwrap());
        assert_eq!(a.len(), 90);
        assert_eq!(a[0].columns.date, "2026-01-01");
        assert_eq!(a[89].columns.date, "2026-03-31");
        assert!(
            a.windows(2)
                .all(|w| (w[0].columns.pain - w[1].columns.pain).abs() <= 1)
        );
        assert_ne!(a, user_history(6, 90, end).unwrap());
    }
}
