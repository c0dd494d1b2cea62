//! Her bleeding log (clinical-rules.md sections 6 and 8): one row per recorded day, written by
//! the check-in, the calendar, the API, the CLI and imports alike.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use keel_core::stage::{BleedingDay, Flow};
use sqlx::Row as _;

use crate::checkins::{assess_and_write, load_check_in, parse_date};
use crate::{Store, StoreError, UserId};

pub(crate) fn flow_from(name: &str) -> Result<Flow, StoreError> {
    Flow::ALL
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .ok_or_else(|| StoreError::Corrupt(format!("flow {name:?}")))
}

/// Reads `[date, flow, after_sex]` rows as the log, by date.
pub(crate) fn log_from_json(json: &str) -> Result<BTreeMap<NaiveDate, BleedingDay>, StoreError> {
    let rows: Vec<(String, String, i64)> =
        serde_json::from_str(json).map_err(crate::checkins::corrupt)?;
    rows.into_iter()
        .map(|(date, flow, after_sex)| {
            let date = parse_date(date)?;
            Ok((
                date,
                BleedingDay {
                    date,
                    flow: flow_from(&flow)?,
                    after_sex: after_sex != 0,
                },
            ))
        })
        .collect()
}

/// Writes one day of the log, replacing what that day held.
pub(crate) async fn write_day(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    day: &BleedingDay,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO bleeding (user_id, date, flow, after_sex) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, date) DO UPDATE SET flow = excluded.flow, after_sex = excluded.after_sex",
    )
    .bind(user.0)
    .bind(day.date.to_string())
    .bind(day.flow.name())
    .bind(i64::from(day.after_sex))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Works out the check-in of `today` again, if there is one, so that its findings follow a
/// changed log or context (the bleeding findings are part of the day's triage).
pub(crate) async fn reassess_today(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    today: NaiveDate,
) -> Result<(), StoreError> {
    if let Some(stored) = load_check_in(conn, user, today).await? {
        let mut c = stored.check_in;
        // Its bleeding is in the log already: do not write it over what was just changed.
        c.symptoms.bleeding = None;
        assess_and_write(conn, user, &c).await?;
    }
    Ok(())
}

impl Store {
    /// Her whole log, by date.
    pub async fn bleeding_log(
        &self,
        user: UserId,
    ) -> Result<BTreeMap<NaiveDate, BleedingDay>, StoreError> {
        let rows = sqlx::query(
            "SELECT date, flow, after_sex FROM bleeding WHERE user_id = $1 ORDER BY date",
        )
        .bind(user.0)
        .fetch_all(&mut *self.conn().await?)
        .await?;
        rows.iter()
            .map(|r| {
                let date = parse_date(r.try_get("date")?)?;
                Ok((
                    date,
                    BleedingDay {
                        date,
                        flow: flow_from(r.try_get::<&str, _>("flow")?)?,
                        after_sex: r.try_get::<i64, _>("after_sex")? != 0,
                    },
                ))
            })
            .collect()
    }

    /// Records days of the log (each replacing what its date held) and works out today's
    /// check-in again, in one transaction.
    pub async fn record_bleeding(
        &self,
        user: UserId,
        days: &[BleedingDay],
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write(user).await?;
        for d in days {
            write_day(&mut tx, user, d).await?;
        }
        reassess_today(&mut tx, user, today).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes the log's days from `from` to `to` (both included); how many there were.
    pub async fn delete_bleeding(
        &self,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write(user).await?;
        let n =
            sqlx::query("DELETE FROM bleeding WHERE user_id = $1 AND date >= $2 AND date <= $3")
                .bind(user.0)
                .bind(from.to_string())
                .bind(to.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        reassess_today(&mut tx, user, today).await?;
        tx.commit().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LOCAL_USER;
    use crate::test_support::{add_user, temp_store};
    use keel_core::CheckIn;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn flow_day(date: &str, flow: Flow) -> BleedingDay {
        BleedingDay {
            date: d(date),
            flow,
            after_sex: false,
        }
    }

    /// The log is hers alone, a day replaces its earlier entry, and a range can be removed.
    #[tokio::test]
    async fn the_log_is_per_user_and_a_day_replaces_its_entry() {
        let (store, dir) = temp_store("bleeding").await;
        add_user(&store, 2).await;
        let today = d("2026-11-30");
        store
            .record_bleeding(
                LOCAL_USER,
                &[
                    flow_day("2026-11-01", Flow::Light),
                    flow_day("2026-11-02", Flow::Heavy),
                ],
                today,
            )
            .await
            .unwrap();
        store
            .record_bleeding(LOCAL_USER, &[flow_day("2026-11-02", Flow::Medium)], today)
            .await
            .unwrap();
        let log = store.bleeding_log(LOCAL_USER).await.unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[&d("2026-11-02")].flow, Flow::Medium);
        assert!(store.bleeding_log(UserId(2)).await.unwrap().is_empty());
        let n = store
            .delete_bleeding(LOCAL_USER, d("2026-11-02"), d("2026-11-05"), today)
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(store.bleeding_log(LOCAL_USER).await.unwrap().len(), 1);
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A check-in's bleeding goes into the log, reads back with the check-in, and a change in
    /// the log afterwards works today's findings out again.
    #[tokio::test]
    async fn a_check_ins_bleeding_is_the_logs_and_findings_follow_the_log() {
        let (store, dir) = temp_store("bleeding-checkin").await;
        let today = d("2026-11-30");
        let c = CheckIn::parse(
            &json!({"date": "2026-11-30", "pain": 2, "bleeding": {"flow": "spotting", "after_sex": true}}),
            today,
        )
        .unwrap();
        let saved = store.record_check_in(LOCAL_USER, &c).await.unwrap();
        assert!(
            saved
                .stored
                .triage
                .findings
                .iter()
                .any(|f| f.rule == "RF-BLEED-BETWEEN"),
            "{:?}",
            saved.stored.triage
        );
        let log = store.bleeding_log(LOCAL_USER).await.unwrap();
        assert_eq!(log[&today].flow, Flow::Spotting);
        let back = store.check_in(LOCAL_USER, today).await.unwrap().unwrap();
        assert_eq!(back.check_in.symptoms.bleeding, c.symptoms.bleeding);
        // The calendar says it was not after sex: today's finding goes.
        store
            .record_bleeding(LOCAL_USER, &[flow_day("2026-11-30", Flow::Spotting)], today)
            .await
            .unwrap();
        let back = store.check_in(LOCAL_USER, today).await.unwrap().unwrap();
        assert!(
            back.triage
                .findings
                .iter()
                .all(|f| f.rule != "RF-BLEED-BETWEEN")
        );
        assert_eq!(
            back.check_in.symptoms.bleeding.map(|b| b.after_sex),
            Some(false)
        );
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
