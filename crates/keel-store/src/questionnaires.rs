//! Questionnaire responses.

use chrono::{NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use crate::checkins::{corrupt, parse_date};
use crate::{Store, StoreError, UserId};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    pub instrument: String,
    pub date: NaiveDate,
    pub answers: Vec<u8>,
    pub total: f64,
}

impl Store {
    /// Saves a response; the same instrument on the same day replaces it.
    pub async fn save_response(&self, user: UserId, r: &Response) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO questionnaire_responses (user_id, instrument, date, answers, total, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (user_id, instrument, date) DO UPDATE SET answers = excluded.answers, total = excluded.total",
        )
        .bind(user.0)
        .bind(&r.instrument)
        .bind(r.date.to_string())
        .bind(serde_json::to_string(&r.answers).map_err(corrupt)?)
        .bind(r.total)
        .bind(Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true))
        .execute(&mut *self.conn().await?)
        .await?;
        Ok(())
    }

    /// Responses to one instrument, or all, oldest first.
    pub async fn responses(
        &self,
        user: UserId,
        instrument: Option<&str>,
    ) -> Result<Vec<Response>, StoreError> {
        self.read_rows(
            "SELECT instrument, date, answers, total FROM questionnaire_responses
             WHERE user_id = $1 AND ($2 = '' OR instrument = $2) ORDER BY date, instrument",
            &[user.0.into(), instrument.unwrap_or("").into()],
            |r| {
                let answers: String = r.get("answers")?;
                Ok(Response {
                    instrument: r.get("instrument")?,
                    date: parse_date(r.get("date")?)?,
                    answers: serde_json::from_str(&answers).map_err(corrupt)?,
                    total: r.get("total")?,
                })
            },
        )
        .await
    }
}
