//! The activity log and plan preferences.

use std::collections::BTreeMap;

use chrono::{NaiveDate, SecondsFormat, Utc};
use keel_core::Library;
use keel_core::activity::Activity;
use keel_core::library::ExerciseFamily;
use keel_core::preferences::Preferences;

use crate::checkins::{corrupt, parse_date};
use crate::{Store, StoreError, UserId};

fn family_name(f: ExerciseFamily) -> String {
    serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn family_from(name: &str) -> Result<ExerciseFamily, StoreError> {
    serde_json::from_value(serde_json::Value::from(name)).map_err(corrupt)
}

/// A logged activity's columns, as read.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct ActivityColumns {
    pub date: String,
    pub exercise_id: String,
    pub family: String,
    pub level: i64,
    pub sets: Option<i64>,
    pub reps: Option<i64>,
    pub hold_seconds: Option<i64>,
    pub minutes: Option<i64>,
    pub pain_during: i64,
    pub effort: Option<i64>,
}

pub(crate) fn activity_from(c: ActivityColumns) -> Result<Activity, StoreError> {
    Ok(Activity {
        date: parse_date(c.date)?,
        exercise_id: c.exercise_id,
        family: family_from(&c.family)?,
        level: c.level as u8,
        sets: c.sets.map(|v| v as u8),
        reps: c.reps.map(|v| v as u8),
        hold_seconds: c.hold_seconds.map(|v| v as u16),
        minutes: c.minutes.map(|v| v as u16),
        pain_during: c.pain_during as u8,
        effort: c.effort.map(|v| v as u8),
    })
}

impl Store {
    /// Logs an exercise done; the same exercise on the same date replaces the entry.
    pub async fn log_activity(&self, user: UserId, a: &Activity) -> Result<bool, StoreError> {
        let replaced = self.log_activities(user, std::slice::from_ref(a)).await?;
        Ok(replaced.first().copied().unwrap_or(false))
    }

    /// Logs several exercises in one transaction (a guided session's summary): all or none.
    /// For each, whether it replaced an entry of the same exercise on the same date.
    pub async fn log_activities(
        &self,
        user: UserId,
        all: &[Activity],
    ) -> Result<Vec<bool>, StoreError> {
        let mut tx = self.begin_write(user).await?;
        let mut replaced = Vec::with_capacity(all.len());
        for a in all {
            replaced.push(write_activity(&mut tx, user, a).await?);
        }
        tx.commit().await?;
        Ok(replaced)
    }

    /// Logged activities from `from` to `to`, both included, in date order.
    pub async fn activities(
        &self,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Activity>, StoreError> {
        self.read_rows(
            "SELECT date, exercise_id, family, level, sets, reps, hold_seconds, minutes, pain_during, effort
             FROM activities WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date, exercise_id",
            &[user.0.into(), from.to_string().into(), to.to_string().into()],
            |r| {
                activity_from(ActivityColumns {
                    date: r.get("date")?,
                    exercise_id: r.get("exercise_id")?,
                    family: r.get("family")?,
                    level: r.get("level")?,
                    sets: r.get("sets")?,
                    reps: r.get("reps")?,
                    hold_seconds: r.get("hold_seconds")?,
                    minutes: r.get("minutes")?,
                    pain_during: r.get("pain_during")?,
                    effort: r.get("effort")?,
                })
            },
        )
        .await
    }

    /// Pain and walking minutes from check-ins between two dates, for progression and goals.
    pub async fn daily_figures(
        &self,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(BTreeMap<NaiveDate, u8>, BTreeMap<NaiveDate, u16>), StoreError> {
        let rows = self
            .read_rows(
                "SELECT date, pain, walking_minutes AS walking
                 FROM checkins WHERE user_id = $1 AND date >= $2 AND date <= $3",
                &[
                    user.0.into(),
                    from.to_string().into(),
                    to.to_string().into(),
                ],
                |r| {
                    Ok((
                        parse_date(r.get("date")?)?,
                        r.get::<i64>("pain")? as u8,
                        r.get::<Option<i64>>("walking")?,
                    ))
                },
            )
            .await?;
        let mut pain = BTreeMap::new();
        let mut walking = BTreeMap::new();
        for (date, p, w) in rows {
            pain.insert(date, p);
            if let Some(w) = w {
                walking.insert(date, w as u16);
            }
        }
        Ok((pain, walking))
    }

    pub async fn preferences(
        &self,
        user: UserId,
        library: &Library,
    ) -> Result<Preferences, StoreError> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM preferences WHERE user_id = $1")
                .bind(user.0)
                .fetch_optional(&mut *self.conn().await?)
                .await?;
        match body {
            None => Ok(Preferences::default()),
            Some(b) => preferences_from(&b, library),
        }
    }

    pub async fn save_preferences(&self, user: UserId, p: &Preferences) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO preferences (user_id, body, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(user.0)
        .bind(p.to_json().to_string())
        .bind(Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true))
        .execute(&mut *self.conn().await?)
        .await?;
        Ok(())
    }
}

/// Stored preferences; an exercise or equipment since removed from the library drops out
/// quietly.
pub(crate) fn preferences_from(body: &str, library: &Library) -> Result<Preferences, StoreError> {
    let mut v: serde_json::Value = serde_json::from_str(body).map_err(corrupt)?;
    if let Some(list) = v
        .get_mut("excluded_exercises")
        .and_then(|l| l.as_array_mut())
    {
        list.retain(|id| id.as_str().is_some_and(|s| library.get(s).is_some()));
    }
    if let Some(list) = v
        .get_mut("missing_equipment")
        .and_then(|l| l.as_array_mut())
    {
        let known = library.equipment();
        list.retain(|q| q.as_str().is_some_and(|s| known.contains(s)));
    }
    Preferences::parse(&v, library).map_err(|e| StoreError::Corrupt(e.summary()))
}

/// Writes one activity inside a write transaction; whether it replaced an entry.
async fn write_activity(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    a: &Activity,
) -> Result<bool, StoreError> {
    let existed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM activities WHERE user_id = $1 AND date = $2 AND exercise_id = $3",
    )
    .bind(user.0)
    .bind(a.date.to_string())
    .bind(&a.exercise_id)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO activities (user_id, date, exercise_id, family, level, sets, reps, hold_seconds, minutes, pain_during, effort, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (user_id, date, exercise_id) DO UPDATE SET
           family = excluded.family, level = excluded.level, sets = excluded.sets, reps = excluded.reps,
           hold_seconds = excluded.hold_seconds, minutes = excluded.minutes,
           pain_during = excluded.pain_during, effort = excluded.effort",
    )
    .bind(user.0)
    .bind(a.date.to_string())
    .bind(&a.exercise_id)
    .bind(family_name(a.family))
    .bind(i64::from(a.level))
    .bind(a.sets.map(i64::from))
    .bind(a.reps.map(i64::from))
    .bind(a.hold_seconds.map(i64::from))
    .bind(a.minutes.map(i64::from))
    .bind(i64::from(a.pain_during))
    .bind(a.effort.map(i64::from))
    .bind(Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true))
    .execute(&mut *conn)
    .await?;
    Ok(existed > 0)
}
