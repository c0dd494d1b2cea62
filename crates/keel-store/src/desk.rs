//! Desk setup, break settings, breaks taken, the sit/stand log and calendar feed tokens.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, SecondsFormat, Utc};

use crate::{MOMENT_FORMAT, moment_text, to_microsecond};
use serde::Serialize;
use sqlx::Row;

use crate::checkins::{corrupt, parse_date};
use crate::{Store, StoreError, UserId};

/// A break she took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakTaken {
    pub taken_at: NaiveDateTime,
    pub minutes: u16,
    pub exercise_id: Option<String>,
}

/// Minutes sitting and standing on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PostureBalance {
    pub sitting_minutes: u32,
    pub standing_minutes: u32,
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Store {
    pub async fn setting(
        &self,
        user: UserId,
        kind: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM user_settings WHERE user_id = $1 AND kind = $2")
                .bind(user.0)
                .bind(kind)
                .fetch_optional(&mut *self.conn().await?)
                .await?;
        body.map(|b| serde_json::from_str(&b).map_err(corrupt))
            .transpose()
    }

    pub async fn save_setting(
        &self,
        user: UserId,
        kind: &str,
        body: &serde_json::Value,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_settings (user_id, kind, body, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, kind) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(user.0)
        .bind(kind)
        .bind(body.to_string())
        .bind(now())
        .execute(&mut *self.conn().await?)
        .await?;
        Ok(())
    }

    /// Logs a break, always as a row of its own: two logged in the same microsecond are kept
    /// a microsecond apart. Returns the moment it was stored at (to the microsecond).
    pub async fn log_break(
        &self,
        user: UserId,
        b: &BreakTaken,
    ) -> Result<NaiveDateTime, StoreError> {
        let mut at = to_microsecond(b.taken_at);
        loop {
            let r = sqlx::query(
                "INSERT INTO breaks (user_id, taken_at, date, minutes, exercise_id) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (user_id, taken_at) DO NOTHING",
            )
            .bind(user.0)
            .bind(moment_text(at))
            .bind(at.date().to_string())
            .bind(i64::from(b.minutes))
            .bind(b.exercise_id.clone())
            .execute(&mut *self.conn().await?)
            .await?;
            if r.rows_affected() == 1 {
                return Ok(at);
            }
            at += chrono::Duration::microseconds(1);
        }
    }

    pub async fn breaks(
        &self,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<BreakTaken>, StoreError> {
        let rows = sqlx::query(
            "SELECT taken_at, minutes, exercise_id FROM breaks WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY taken_at",
        )
        .bind(user.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&mut *self.conn().await?)
        .await?;
        rows.iter()
            .map(|r| {
                let at: String = r.try_get("taken_at")?;
                Ok(BreakTaken {
                    taken_at: NaiveDateTime::parse_from_str(&at, MOMENT_FORMAT)
                        .map_err(|e| StoreError::Corrupt(format!("break time {at}: {e}")))?,
                    minutes: r.try_get::<i64, _>("minutes")? as u16,
                    exercise_id: r.try_get("exercise_id")?,
                })
            })
            .collect()
    }

    /// Break minutes per day, for the weekly movement total.
    pub async fn break_minutes(
        &self,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeMap<NaiveDate, u32>, StoreError> {
        let rows = sqlx::query("SELECT date, CAST(SUM(minutes) AS BIGINT) AS total FROM breaks WHERE user_id = $1 AND date >= $2 AND date <= $3 GROUP BY date")
            .bind(user.0)
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    parse_date(r.try_get("date")?)?,
                    r.try_get::<i64, _>("total")? as u32,
                ))
            })
            .collect()
    }

    pub async fn log_posture(
        &self,
        user: UserId,
        at: NaiveDateTime,
        standing: bool,
        minutes: u32,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO posture_log (user_id, logged_at, date, posture, minutes) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id, logged_at) DO UPDATE SET posture = excluded.posture, minutes = excluded.minutes",
        )
        .bind(user.0)
        .bind(moment_text(at))
        .bind(at.date().to_string())
        .bind(if standing { "stand" } else { "sit" })
        .bind(i64::from(minutes))
        .execute(&mut *self.conn().await?)
        .await?;
        Ok(())
    }

    pub async fn posture_balance(
        &self,
        user: UserId,
        date: NaiveDate,
    ) -> Result<PostureBalance, StoreError> {
        let rows = sqlx::query("SELECT posture, CAST(SUM(minutes) AS BIGINT) AS total FROM posture_log WHERE user_id = $1 AND date = $2 GROUP BY posture")
            .bind(user.0)
            .bind(date.to_string())
            .fetch_all(&mut *self.conn().await?)
            .await?;
        let mut b = PostureBalance::default();
        for r in rows {
            let total = r.try_get::<i64, _>("total")? as u32;
            match r.try_get::<String, _>("posture")?.as_str() {
                "stand" => b.standing_minutes = total,
                _ => b.sitting_minutes = total,
            }
        }
        Ok(b)
    }

    /// Stores the hash of a new feed secret for the user, replacing (revoking) any earlier one.
    pub async fn set_feed_token(
        &self,
        user: UserId,
        kind: &str,
        token_hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO feed_tokens (user_id, kind, token_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, kind) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
        )
        .bind(user.0)
        .bind(kind)
        .bind(token_hash)
        .bind(now())
        .execute(&mut *self.conn().await?)
        .await?;
        Ok(())
    }

    pub async fn revoke_feed_token(&self, user: UserId, kind: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM feed_tokens WHERE user_id = $1 AND kind = $2")
            .bind(user.0)
            .bind(kind)
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    pub async fn has_feed_token(&self, user: UserId, kind: &str) -> Result<bool, StoreError> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM feed_tokens WHERE user_id = $1 AND kind = $2")
                .bind(user.0)
                .bind(kind)
                .fetch_one(&mut *self.conn().await?)
                .await?;
        Ok(n > 0)
    }

    /// The user a feed secret belongs to, by its hash.
    pub async fn feed_token_user(
        &self,
        kind: &str,
        token_hash: &str,
    ) -> Result<Option<UserId>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM feed_tokens WHERE kind = $1 AND token_hash = $2",
        )
        .bind(kind)
        .bind(token_hash)
        .fetch_optional(&mut *self.conn().await?)
        .await?;
        Ok(id.map(UserId))
    }
}
