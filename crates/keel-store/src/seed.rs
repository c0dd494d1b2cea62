//! Synthetic history in bulk, for benchmarks and scale tests: batched multi-row inserts in
//! transactions, the same rows the app writes (triage and day type included).

use chrono::{Duration, NaiveDate, SecondsFormat, Utc};
use keel_core::CheckIn;
use keel_core::daytype::{self, RecentDay};
use keel_core::triage::{self, TriageInput, TriageLevel};
use serde_json::json;

use crate::checkins::to_json;
use crate::{Store, StoreError};

/// Rows per INSERT statement (10 parameters each stays under both backends' limits).
const ROWS_PER_STATEMENT: usize = 500;

/// One check-in row as bound to the INSERT: user, date, pain, body, triage, day type,
/// decision, walking minutes.
type SeedRow = (
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
);

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

impl Store {
    /// Adds users `first_user..first_user + users` (creating them) with `days` daily
    /// check-ins each, ending on `end`. Calls `progress` with the number of users done.
    pub async fn seed(
        &self,
        first_user: i64,
        users: i64,
        days: i64,
        end: NaiveDate,
        mut progress: impl FnMut(i64),
    ) -> Result<u64, StoreError> {
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let start = end - Duration::days(days - 1);
        let mut rows: Vec<SeedRow> = Vec::new();
        let mut written = 0u64;
        for user in first_user..first_user + users {
            sqlx::query("INSERT INTO users (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                .bind(user)
                .bind(format!("seed-{user}"))
                .bind(&now)
                .execute(&self.pool)
                .await?;
            let mut rng = Lcg(user as u64);
            let mut recent: Vec<RecentDay> = Vec::with_capacity(16);
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
                let t = triage::evaluate(&TriageInput::from_check_in(&c, Default::default()));
                recent.retain(|r| (date - r.date).num_days() <= 14);
                let decision = daytype::decide(&c, &t, t.level == TriageLevel::Urgent, &recent);
                recent.push(RecentDay {
                    date,
                    pain: c.pain,
                    day_type: Some(decision.day_type),
                });
                rows.push((
                    user,
                    date.to_string(),
                    pain,
                    c.to_compact_json().to_string(),
                    to_json(&t)?,
                    decision.day_type.name().to_string(),
                    to_json(&decision)?,
                    c.walking_minutes.map(i64::from),
                ));
                if rows.len() == ROWS_PER_STATEMENT {
                    written += self.insert_seed_rows(&mut rows, &now).await?;
                }
            }
            progress(user - first_user + 1);
        }
        written += self.insert_seed_rows(&mut rows, &now).await?;
        Ok(written)
    }

    async fn insert_seed_rows(
        &self,
        rows: &mut Vec<SeedRow>,
        now: &str,
    ) -> Result<u64, StoreError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let mut sql = String::from(
            "INSERT INTO checkins (user_id, date, pain, body, triage, day_type, decision, created_at, updated_at, walking_minutes) VALUES ",
        );
        for i in 0..rows.len() {
            let b = i * 10;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${},${},${},${},${},${},${},${},${},${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10
            ));
        }
        sql.push_str(" ON CONFLICT (user_id, date) DO NOTHING");
        let mut q = sqlx::query(&sql);
        for r in rows.iter() {
            q = q
                .bind(r.0)
                .bind(&r.1)
                .bind(r.2)
                .bind(&r.3)
                .bind(&r.4)
                .bind(&r.5)
                .bind(&r.6)
                .bind(now)
                .bind(now)
                .bind(r.7);
        }
        let done = q.execute(&self.pool).await?.rows_affected();
        rows.clear();
        Ok(done)
    }
}
