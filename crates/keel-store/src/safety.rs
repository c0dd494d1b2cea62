//! Acknowledged findings: "I have seen a clinician about this" mutes a non-emergency rule.

use chrono::{Duration, NaiveDate, SecondsFormat, Utc};
use keel_core::rules::{self, MUTE_DAYS};
use serde::Serialize;
use sqlx::Row;

use crate::checkins::{assess_and_write, load_check_in, parse_date};
use crate::{Store, StoreError, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acknowledgement {
    pub rule: String,
    pub acknowledged_on: NaiveDate,
    /// The last day on which repeats of the rule are muted.
    pub muted_until: NaiveDate,
}

impl Acknowledgement {
    pub(crate) fn new(rule: String, on: NaiveDate) -> Self {
        Acknowledgement {
            rule,
            acknowledged_on: on,
            muted_until: on + Duration::days(MUTE_DAYS - 1),
        }
    }

    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.acknowledged_on <= date && date <= self.muted_until
    }
}

impl Store {
    /// Records an acknowledgement and re-decides that day's check-in, in one transaction.
    /// Emergency and unknown rules are refused by the caller's validation first; this checks
    /// again so that no path can mute an emergency.
    pub async fn acknowledge(
        &self,
        user: UserId,
        rule: &str,
        on: NaiveDate,
    ) -> Result<Acknowledgement, StoreError> {
        rules::check_acknowledgeable(rule)
            .map_err(|why| StoreError::Conflict(format!("{rule} {why}")))?;
        let mut tx = self.begin_write(user).await?;
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        sqlx::query(
            "INSERT INTO acknowledgements (user_id, rule, acknowledged_on, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, rule) DO UPDATE SET acknowledged_on = excluded.acknowledged_on, created_at = excluded.created_at",
        )
        .bind(user.0)
        .bind(rule)
        .bind(on.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some(stored) = load_check_in(&mut tx, user, on).await? {
            assess_and_write(&mut tx, user, &stored.check_in).await?;
        }
        tx.commit().await?;
        Ok(Acknowledgement::new(rule.to_string(), on))
    }

    pub async fn acknowledgements(&self, user: UserId) -> Result<Vec<Acknowledgement>, StoreError> {
        let rows = sqlx::query(
            "SELECT rule, acknowledged_on FROM acknowledgements WHERE user_id = $1 ORDER BY rule",
        )
        .bind(user.0)
        .fetch_all(&mut *self.conn().await?)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Acknowledgement::new(
                    r.try_get("rule")?,
                    parse_date(r.try_get("acknowledged_on")?)?,
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::LOCAL_USER;
    use crate::test_support::{day, temp_store};
    use keel_core::{CheckIn, DayType};
    use serde_json::json;

    fn check_in(date: &str, v: serde_json::Value) -> CheckIn {
        let mut v = v;
        v["date"] = json!(date);
        CheckIn::parse(&v, day("2030-01-01")).unwrap()
    }

    #[tokio::test]
    async fn acknowledging_an_urgent_finding_lifts_the_flare_for_fourteen_days() {
        let (store, dir) = temp_store("ack").await;
        let good = json!({"pain": 1, "sleep": 8, "energy": 8, "night_pain": true});
        let saved = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-01", good.clone()))
            .await
            .unwrap();
        assert_eq!(saved.stored.decision.day_type, DayType::Flare);

        let ack = store
            .acknowledge(LOCAL_USER, "RF-NIGHT-PAIN", day("2026-11-01"))
            .await
            .unwrap();
        assert_eq!(ack.muted_until, day("2026-11-14"));
        let now = store
            .check_in(LOCAL_USER, day("2026-11-01"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            now.decision.day_type,
            DayType::Strong,
            "re-decided after the acknowledgement"
        );
        assert!(
            now.triage
                .findings
                .iter()
                .any(|f| f.rule == "RF-NIGHT-PAIN"),
            "still listed, never hidden"
        );

        // day 14 of the window is still muted; day 15 is not
        let d14 = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-14", good.clone()))
            .await
            .unwrap();
        assert_ne!(d14.stored.decision.day_type, DayType::Flare);
        let d15 = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-15", good))
            .await
            .unwrap();
        assert_eq!(d15.stored.decision.day_type, DayType::Flare);
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn emergencies_and_unknown_rules_cannot_be_acknowledged() {
        let (store, dir) = temp_store("ack-refused").await;
        for rule in ["RF-CES-BLADDER", "RF-CHEST-PAIN", "RF-NOPE"] {
            assert!(
                store
                    .acknowledge(LOCAL_USER, rule, day("2026-11-01"))
                    .await
                    .is_err(),
                "{rule}"
            );
        }
        assert!(store.acknowledgements(LOCAL_USER).await.unwrap().is_empty());
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
