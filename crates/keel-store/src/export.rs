//! Everything of one user's, read out for export and written back on import in one
//! transaction: a bad file never half-imports.

use chrono::{NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use keel_core::CheckIn;
use keel_core::activity::Activity;
use keel_core::bone::{BoneProfile, DexaResult, HeightMeasurement};
use keel_core::preferences::Preferences;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::checkins::{assess_and_write, corrupt, to_json};
use crate::{BreakTaken, Response, Store, StoreError, UserId};

/// A user's data as Keel stores it, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserData {
    pub check_ins: Vec<CheckIn>,
    pub acknowledgements: Vec<(String, NaiveDate)>,
    pub profile: Option<BoneProfile>,
    pub heights: Vec<HeightMeasurement>,
    pub dexa: Vec<DexaResult>,
    pub activities: Vec<Activity>,
    pub preferences: Preferences,
    pub desk: Option<serde_json::Value>,
    pub break_settings: Option<serde_json::Value>,
    pub breaks: Vec<BreakTaken>,
    pub posture: Vec<PostureEntry>,
    pub responses: Vec<Response>,
    /// Her bleeding log, by date.
    pub bleeding: Vec<keel_core::stage::BleedingDay>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostureEntry {
    pub logged_at: NaiveDateTime,
    pub posture: String,
    pub minutes: u32,
}

impl Store {
    pub async fn posture_entries(&self, user: UserId) -> Result<Vec<PostureEntry>, StoreError> {
        let rows = sqlx::query("SELECT logged_at, posture, minutes FROM posture_log WHERE user_id = $1 ORDER BY logged_at")
            .bind(user.0)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.iter()
            .map(|r| {
                let at: String = r.try_get("logged_at")?;
                Ok(PostureEntry {
                    logged_at: NaiveDateTime::parse_from_str(&at, crate::MOMENT_FORMAT)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    posture: r.try_get("posture")?,
                    minutes: r.try_get::<i64, _>("minutes")? as u32,
                })
            })
            .collect()
    }

    /// Reads all of a user's data.
    pub async fn user_data(
        &self,
        user: UserId,
        library: &keel_core::Library,
    ) -> Result<UserData, StoreError> {
        let far = (
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default(),
        );
        Ok(UserData {
            check_ins: self
                .check_ins(user, far.0, far.1)
                .await?
                .into_iter()
                .map(|s| s.check_in)
                .collect(),
            acknowledgements: self
                .acknowledgements(user)
                .await?
                .into_iter()
                .map(|a| (a.rule, a.acknowledged_on))
                .collect(),
            profile: self.profile(user).await?,
            heights: self.heights(user).await?,
            dexa: self.dexa_results(user).await?,
            activities: self.activities(user, far.0, far.1).await?,
            preferences: self.preferences(user, library).await?,
            desk: self.setting(user, "desk").await?,
            break_settings: self.setting(user, "breaks").await?,
            breaks: self.breaks(user, far.0, far.1).await?,
            posture: self.posture_entries(user).await?,
            bleeding: self.bleeding_log(user).await?.into_values().collect(),
            responses: self.responses(user, None).await?,
        })
    }

    /// Replaces all of a user's data with `data`, in one transaction. Check-ins are saved in
    /// date order after the acknowledgements, so triage and day types come out as they did.
    pub async fn replace_user_data(&self, user: UserId, data: &UserData) -> Result<(), StoreError> {
        let mut tx = self.begin_write(user).await?;
        for table in [
            "checkins",
            "acknowledgements",
            "profiles",
            "height_measurements",
            "dexa_results",
            "activities",
            "preferences",
            "user_settings",
            "breaks",
            "posture_log",
            "questionnaire_responses",
            "bleeding",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
        }
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        for (rule, on) in &data.acknowledgements {
            sqlx::query("INSERT INTO acknowledgements (user_id, rule, acknowledged_on, created_at) VALUES ($1, $2, $3, $4)")
                .bind(user.0).bind(rule).bind(on.to_string()).bind(&now)
                .execute(&mut *tx).await?;
        }
        // Her profile (standing answers, context) and her log before the check-ins: each
        // check-in's triage reads them.
        if let Some(p) = &data.profile {
            sqlx::query("INSERT INTO profiles (user_id, body, updated_at) VALUES ($1, $2, $3)")
                .bind(user.0)
                .bind(p.to_json().to_string())
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        for d in &data.bleeding {
            crate::cycle::write_day(&mut tx, user, d).await?;
        }
        let mut check_ins = data.check_ins.clone();
        check_ins.sort_by_key(|c| c.date);
        for c in &check_ins {
            assess_and_write(&mut tx, user, c).await?;
        }
        for h in &data.heights {
            sqlx::query("INSERT INTO height_measurements (user_id, date, cm) VALUES ($1, $2, $3)")
                .bind(user.0)
                .bind(h.date.to_string())
                .bind(h.cm)
                .execute(&mut *tx)
                .await?;
        }
        for d in &data.dexa {
            sqlx::query(
                "INSERT INTO dexa_results (user_id, date, site, t_score) VALUES ($1, $2, $3, $4)",
            )
            .bind(user.0)
            .bind(d.date.to_string())
            .bind(d.site.name())
            .bind(d.t_score)
            .execute(&mut *tx)
            .await?;
        }
        for a in &data.activities {
            let family = serde_json::to_value(a.family).map_err(corrupt)?;
            sqlx::query(
                "INSERT INTO activities (user_id, date, exercise_id, family, level, sets, reps, hold_seconds, minutes, pain_during, effort, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(user.0).bind(a.date.to_string()).bind(&a.exercise_id).bind(family.as_str().unwrap_or_default())
            .bind(i64::from(a.level)).bind(a.sets.map(i64::from)).bind(a.reps.map(i64::from))
            .bind(a.hold_seconds.map(i64::from)).bind(a.minutes.map(i64::from)).bind(i64::from(a.pain_during))
            .bind(a.effort.map(i64::from)).bind(&now)
            .execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO preferences (user_id, body, updated_at) VALUES ($1, $2, $3)")
            .bind(user.0)
            .bind(data.preferences.to_json().to_string())
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        for (kind, body) in [("desk", &data.desk), ("breaks", &data.break_settings)] {
            if let Some(b) = body {
                sqlx::query("INSERT INTO user_settings (user_id, kind, body, updated_at) VALUES ($1, $2, $3, $4)")
                    .bind(user.0).bind(kind).bind(b.to_string()).bind(&now)
                    .execute(&mut *tx).await?;
            }
        }
        for b in &data.breaks {
            sqlx::query("INSERT INTO breaks (user_id, taken_at, date, minutes, exercise_id) VALUES ($1, $2, $3, $4, $5)")
                .bind(user.0).bind(crate::moment_text(b.taken_at)).bind(b.taken_at.date().to_string())
                .bind(i64::from(b.minutes)).bind(b.exercise_id.clone())
                .execute(&mut *tx).await?;
        }
        for p in &data.posture {
            sqlx::query("INSERT INTO posture_log (user_id, logged_at, date, posture, minutes) VALUES ($1, $2, $3, $4, $5)")
                .bind(user.0).bind(crate::moment_text(p.logged_at)).bind(p.logged_at.date().to_string())
                .bind(&p.posture).bind(i64::from(p.minutes))
                .execute(&mut *tx).await?;
        }
        for r in &data.responses {
            sqlx::query("INSERT INTO questionnaire_responses (user_id, instrument, date, answers, total, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(user.0).bind(&r.instrument).bind(r.date.to_string()).bind(to_json(&r.answers)?).bind(r.total).bind(&now)
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Saves many check-ins in one transaction, in date order, replacing any on the same
    /// dates: all of them or none.
    pub async fn import_check_ins(
        &self,
        user: UserId,
        check_ins: &[CheckIn],
    ) -> Result<usize, StoreError> {
        let mut sorted = check_ins.to_vec();
        sorted.sort_by_key(|c| c.date);
        let mut tx = self.begin_write(user).await?;
        for c in &sorted {
            assess_and_write(&mut tx, user, c).await?;
        }
        tx.commit().await?;
        Ok(sorted.len())
    }
}
