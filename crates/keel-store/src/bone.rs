//! Her bone-health record: profile, height measurements and DEXA results.

use chrono::{NaiveDate, SecondsFormat, Utc};
use keel_core::bone::{BoneProfile, DexaResult, DexaSite, HeightMeasurement};
use sqlx::Row;

use crate::checkins::{corrupt, parse_date};
use crate::{Store, StoreError, UserId};

/// Everything the bone rules need, as stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoneRecord {
    pub profile: BoneProfile,
    pub heights: Vec<HeightMeasurement>,
    pub dexa: Vec<DexaResult>,
}

impl Store {
    pub async fn profile(&self, user: UserId) -> Result<Option<BoneProfile>, StoreError> {
        let row = sqlx::query("SELECT body, updated_at FROM profiles WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&mut *self.conn().await?)
            .await?;
        let Some(row) = row else { return Ok(None) };
        profile_from(row.try_get("body")?, row.try_get("updated_at")?).map(Some)
    }

    pub async fn save_profile(
        &self,
        user: UserId,
        profile: &BoneProfile,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        write_profile(&mut conn, user, profile).await
    }

    /// Adds a height, replacing one on the same date. Returns whether it replaced one.
    pub async fn add_height(
        &self,
        user: UserId,
        h: &HeightMeasurement,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write(user).await?;
        let existed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM height_measurements WHERE user_id = $1 AND date = $2",
        )
        .bind(user.0)
        .bind(h.date.to_string())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO height_measurements (user_id, date, cm) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, date) DO UPDATE SET cm = excluded.cm",
        )
        .bind(user.0)
        .bind(h.date.to_string())
        .bind(h.cm)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(existed > 0)
    }

    pub async fn heights(&self, user: UserId) -> Result<Vec<HeightMeasurement>, StoreError> {
        let rows = sqlx::query(
            "SELECT date, cm FROM height_measurements WHERE user_id = $1 ORDER BY date",
        )
        .bind(user.0)
        .fetch_all(&mut *self.conn().await?)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HeightMeasurement {
                    date: parse_date(r.try_get("date")?)?,
                    cm: r.try_get("cm")?,
                })
            })
            .collect()
    }

    /// Adds a DEXA result, replacing one for the same date and site.
    pub async fn add_dexa(&self, user: UserId, d: &DexaResult) -> Result<bool, StoreError> {
        let mut tx = self.begin_write(user).await?;
        let existed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM dexa_results WHERE user_id = $1 AND date = $2 AND site = $3",
        )
        .bind(user.0)
        .bind(d.date.to_string())
        .bind(d.site.name())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO dexa_results (user_id, date, site, t_score) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, date, site) DO UPDATE SET t_score = excluded.t_score",
        )
        .bind(user.0)
        .bind(d.date.to_string())
        .bind(d.site.name())
        .bind(d.t_score)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(existed > 0)
    }

    pub async fn dexa_results(&self, user: UserId) -> Result<Vec<DexaResult>, StoreError> {
        let rows = sqlx::query(
            "SELECT date, site, t_score FROM dexa_results WHERE user_id = $1 ORDER BY date, site",
        )
        .bind(user.0)
        .fetch_all(&mut *self.conn().await?)
        .await?;
        rows.iter()
            .map(|r| {
                let site = dexa_site(r.try_get("site")?)?;
                Ok(DexaResult {
                    date: parse_date(r.try_get("date")?)?,
                    site,
                    t_score: r.try_get("t_score")?,
                })
            })
            .collect()
    }

    pub async fn bone_record(&self, user: UserId) -> Result<BoneRecord, StoreError> {
        Ok(BoneRecord {
            profile: self.profile(user).await?.unwrap_or_default(),
            heights: self.heights(user).await?,
            dexa: self.dexa_results(user).await?,
        })
    }
}

/// A stored profile, validated against the day it was saved so that a birth date stays valid.
/// Writes her profile, replacing the one stored.
pub(crate) async fn write_profile(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    profile: &BoneProfile,
) -> Result<(), StoreError> {
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    sqlx::query(
        "INSERT INTO profiles (user_id, body, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(user.0)
    .bind(profile.to_json().to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) fn profile_from(body: &str, updated_at: &str) -> Result<BoneProfile, StoreError> {
    let saved_on = updated_at
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(NaiveDate::MAX);
    let value: serde_json::Value = serde_json::from_str(body).map_err(corrupt)?;
    BoneProfile::parse(&value, saved_on).map_err(|e| StoreError::Corrupt(e.summary()))
}

pub(crate) fn dexa_site(name: &str) -> Result<DexaSite, StoreError> {
    DexaSite::ALL
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
        .ok_or_else(|| StoreError::Corrupt(format!("DEXA site {name}")))
}
