//! Everything about a user, apart from the journal and the log, that a day's plan needs: her
//! bone record, preferences and acknowledgements, in one query.

use keel_core::Library;
use keel_core::bone::{DexaResult, HeightMeasurement};
use keel_core::preferences::Preferences;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use keel_core::activity::Activity;

use crate::activity::{ActivityColumns, activity_from, preferences_from};
use crate::bone::{dexa_site, profile_from};
use crate::checkins::{corrupt, parse_date, stored_from_parts};
use crate::{Acknowledgement, BoneRecord, Store, StoreError, StoredCheckIn, UserId};

/// What the plan reads besides the check-in and the log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanRecord {
    pub bone: BoneRecord,
    pub preferences: Preferences,
    pub acknowledgements: Vec<Acknowledgement>,
}

/// Five small per-user reads as one `UNION ALL`: each branch is a primary-key range on
/// `user_id`, tagged by `kind` (a macro, so that the statements below can take it in whole).
macro_rules! plan_record {
    () => {
        "SELECT 'dexa' AS kind, date AS a, site AS b, t_score AS x FROM dexa_results WHERE user_id = $1 \
UNION ALL SELECT 'height', date, CAST(NULL AS TEXT), cm FROM height_measurements WHERE user_id = $1 \
UNION ALL SELECT 'ack', rule, acknowledged_on, CAST(NULL AS DOUBLE PRECISION) FROM acknowledgements WHERE user_id = $1 \
UNION ALL SELECT 'preferences', body, CAST(NULL AS TEXT), CAST(NULL AS DOUBLE PRECISION) FROM preferences WHERE user_id = $1 \
UNION ALL SELECT 'profile', body, updated_at, CAST(NULL AS DOUBLE PRECISION) FROM profiles WHERE user_id = $1"
    };
}

/// Her record from `plan_record!`'s rows: (kind, a, b, x), in kind, a, b order.
fn record_from(
    rows: Vec<(String, String, Option<String>, Option<f64>)>,
    library: &Library,
) -> Result<PlanRecord, StoreError> {
    let mut record = PlanRecord::default();
    for (kind, a, b, x) in rows {
        let missing = || StoreError::Corrupt(format!("{kind} row without a value"));
        match kind.as_str() {
            "dexa" => record.bone.dexa.push(DexaResult {
                date: parse_date(a.clone())?,
                site: dexa_site(b.as_deref().ok_or_else(missing)?)?,
                t_score: x.ok_or_else(missing)?,
            }),
            "height" => record.bone.heights.push(HeightMeasurement {
                date: parse_date(a.clone())?,
                cm: x.ok_or_else(missing)?,
            }),
            "ack" => record.acknowledgements.push(Acknowledgement::new(
                a,
                parse_date(b.clone().ok_or_else(missing)?)?,
            )),
            "preferences" => record.preferences = preferences_from(&a, library)?,
            "profile" => record.bone.profile = profile_from(&a, b.as_deref().ok_or_else(missing)?)?,
            other => return Err(StoreError::Corrupt(format!("record kind {other}"))),
        }
    }
    Ok(record)
}

/// Everything a day's plan reads, from one statement.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInputs {
    /// The day's check-in, if she checked in.
    pub stored: Option<StoredCheckIn>,
    pub record: PlanRecord,
    /// The log from `from` up to the day, in date and exercise order.
    pub activities: Vec<Activity>,
    /// Pain by day from the first logged day on (nothing without a log).
    pub pain: BTreeMap<NaiveDate, u8>,
    /// Her bleeding log up to the day (her stage and the check-in's bleeding row read it).
    pub bleeding: BTreeMap<NaiveDate, keel_core::stage::BleedingDay>,
}

/// [`PlanInputs`] as one row of JSON: every statement costs the SQLite driver a hand-off to its
/// connection's thread and back (and sqlx a ping as the connection goes back to the pool), and
/// a plan was four of them. $1 the user, $2 the day, $3 the first day of the log read.
macro_rules! plan_inputs_postgres {
    () => {
        concat!(
            "(SELECT json_build_array(date, body, triage, decision, created_at, updated_at)::TEXT FROM checkins WHERE user_id = $1 AND date = $2) AS check_in, \
  (SELECT COALESCE(json_agg(json_build_array(kind, a, b, x) ORDER BY kind, a, b), '[]')::TEXT FROM (",
            plan_record!(),
            ") r) AS record, \
  (SELECT COALESCE(json_agg(json_build_array(date, exercise_id, family, level, sets, reps, hold_seconds, minutes, pain_during, effort) ORDER BY date, exercise_id), '[]')::TEXT \
     FROM activities WHERE user_id = $1 AND date >= $3 AND date <= $2) AS activities, \
  (SELECT COALESCE(json_agg(json_build_array(date, pain)), '[]')::TEXT FROM checkins WHERE user_id = $1 AND date <= $2 \
     AND date >= (SELECT MIN(date) FROM activities WHERE user_id = $1 AND date >= $3 AND date <= $2)) AS pain, \
  (SELECT COALESCE(json_agg(json_build_array(date, flow, after_sex) ORDER BY date), '[]')::TEXT FROM bleeding WHERE user_id = $1 AND date <= $2) AS bleeding"
        )
    };
}

macro_rules! plan_inputs_sqlite {
    () => {
        concat!(
            "(SELECT json_array(date, body, triage, decision, created_at, updated_at) FROM checkins WHERE user_id = $1 AND date = $2) AS check_in, \
  (SELECT json_group_array(json_array(kind, a, b, x)) FROM (",
            plan_record!(),
            " ORDER BY kind, a, b)) AS record, \
  (SELECT json_group_array(json_array(date, exercise_id, family, level, sets, reps, hold_seconds, minutes, pain_during, effort)) \
     FROM (SELECT * FROM activities WHERE user_id = $1 AND date >= $3 AND date <= $2 ORDER BY date, exercise_id)) AS activities, \
  (SELECT json_group_array(json_array(date, pain)) FROM checkins WHERE user_id = $1 AND date <= $2 \
     AND date >= (SELECT MIN(date) FROM activities WHERE user_id = $1 AND date >= $3 AND date <= $2)) AS pain, \
  (SELECT json_group_array(json_array(date, flow, after_sex)) FROM (SELECT date, flow, after_sex FROM bleeding WHERE user_id = $1 AND date <= $2 ORDER BY date)) AS bleeding"
        )
    };
}

/// [`PlanInputs`] as one row of JSON: every statement costs the SQLite driver a hand-off to its
/// connection's thread and back, and a plan was four of them. $1 the user, $2 the day, $3 the
/// first day of the log read.
const PLAN_INPUTS_POSTGRES: &str = concat!("SELECT ", plan_inputs_postgres!());
const PLAN_INPUTS_SQLITE: &str = concat!("SELECT ", plan_inputs_sqlite!());

/// [`TodayInputs`]: the plan's inputs and, $4 the first day of the follow-ups' window, the
/// days' triages from it up to (not including) the day, her questionnaire responses, and
/// whether she has any check-in at all.
const TODAY_INPUTS_POSTGRES: &str = concat!(
    "SELECT ",
    plan_inputs_postgres!(),
    ", (SELECT COALESCE(json_agg(json_build_array(date, triage::JSON) ORDER BY date), '[]')::TEXT \
     FROM checkins WHERE user_id = $1 AND date >= $4 AND date < $2) AS earlier, \
  (SELECT COALESCE(json_agg(json_build_array(instrument, date, answers::JSON, total) ORDER BY date, instrument), '[]')::TEXT \
     FROM questionnaire_responses WHERE user_id = $1) AS responses, \
  (SELECT COUNT(*) FROM (SELECT 1 FROM checkins WHERE user_id = $1 LIMIT 1) AS one) AS any_check_in"
);
const TODAY_INPUTS_SQLITE: &str = concat!(
    "SELECT ",
    plan_inputs_sqlite!(),
    ", (SELECT json_group_array(json_array(date, json(triage))) \
     FROM (SELECT date, triage FROM checkins WHERE user_id = $1 AND date >= $4 AND date < $2 ORDER BY date)) AS earlier, \
  (SELECT json_group_array(json_array(instrument, date, json(answers), total)) \
     FROM (SELECT * FROM questionnaire_responses WHERE user_id = $1 ORDER BY date, instrument)) AS responses, \
  (SELECT COUNT(*) FROM (SELECT 1 FROM checkins WHERE user_id = $1 LIMIT 1) AS one) AS any_check_in"
);

/// What the Today page reads, from one statement: the day's plan inputs, the triages of the
/// days before it that the follow-ups look at, her questionnaire responses, and whether she
/// has ever checked in.
#[derive(Debug, Clone, PartialEq)]
pub struct TodayInputs {
    pub plan: PlanInputs,
    /// Each day's triage from the window's first day up to, not including, the day; oldest first.
    pub earlier: Vec<(NaiveDate, keel_core::triage::TriageResult)>,
    /// Every questionnaire response, oldest first.
    pub responses: Vec<crate::Response>,
    pub any_check_in: bool,
}

fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(corrupt)
}

/// [`PlanInputs`] from the columns of `plan_inputs_*!`.
fn plan_inputs_from(
    row: &crate::read::Row,
    date: NaiveDate,
    library: &Library,
) -> Result<PlanInputs, StoreError> {
    let stored = match row.get::<Option<String>>("check_in")? {
        Some(c) => Some(stored_from_parts(json(&c)?)?),
        None => None,
    };
    let activities: Vec<ActivityColumns> = json(&row.get::<String>("activities")?)?;
    let pain: Vec<(String, i64)> = json(&row.get::<String>("pain")?)?;
    let bleeding = crate::cycle::log_from_json(&row.get::<String>("bleeding")?)?;
    // The day's bleeding is the log's, as every read of a check-in gives it.
    let stored = stored.map(|mut s| {
        s.check_in.symptoms.bleeding =
            bleeding
                .get(&date)
                .map(|b| keel_core::symptoms::DayBleeding {
                    flow: b.flow,
                    after_sex: b.after_sex,
                });
        s
    });
    Ok(PlanInputs {
        stored,
        record: record_from(json(&row.get::<String>("record")?)?, library)?,
        activities: activities
            .into_iter()
            .map(activity_from)
            .collect::<Result<_, _>>()?,
        pain: pain
            .into_iter()
            .map(|(d, p)| {
                Ok((
                    parse_date(d)?,
                    u8::try_from(p).map_err(|_| StoreError::Corrupt(format!("pain {p}")))?,
                ))
            })
            .collect::<Result<_, StoreError>>()?,
        bleeding,
    })
}

impl Store {
    /// Everything a day's plan reads (see [`PlanInputs`]), the log from `from` on, in one
    /// statement.
    pub async fn plan_inputs(
        &self,
        user: UserId,
        date: NaiveDate,
        from: NaiveDate,
        library: &Library,
    ) -> Result<PlanInputs, StoreError> {
        let sql = match self.backend {
            crate::Backend::Postgres => PLAN_INPUTS_POSTGRES,
            crate::Backend::Sqlite => PLAN_INPUTS_SQLITE,
        };
        let binds = [
            user.0.into(),
            date.to_string().into(),
            from.to_string().into(),
        ];
        let rows = self
            .read_rows(sql, &binds, |row| plan_inputs_from(row, date, library))
            .await?;
        rows.into_iter()
            .next()
            .ok_or_else(|| StoreError::Corrupt("no row for the plan's inputs".into()))
    }

    /// Everything the Today page reads for a day (see [`TodayInputs`]), the log from `from`
    /// on and the follow-ups' triages from `follow_from` on, in one statement.
    pub async fn today_inputs(
        &self,
        user: UserId,
        date: NaiveDate,
        from: NaiveDate,
        follow_from: NaiveDate,
        library: &Library,
    ) -> Result<TodayInputs, StoreError> {
        let sql = match self.backend {
            crate::Backend::Postgres => TODAY_INPUTS_POSTGRES,
            crate::Backend::Sqlite => TODAY_INPUTS_SQLITE,
        };
        let binds = [
            user.0.into(),
            date.to_string().into(),
            from.to_string().into(),
            follow_from.to_string().into(),
        ];
        let rows = self
            .read_rows(sql, &binds, |row| {
                let earlier: Vec<(String, keel_core::triage::TriageResult)> =
                    json(&row.get::<String>("earlier")?)?;
                let responses: Vec<(String, String, Vec<u8>, f64)> =
                    json(&row.get::<String>("responses")?)?;
                Ok(TodayInputs {
                    plan: plan_inputs_from(row, date, library)?,
                    earlier: earlier
                        .into_iter()
                        .map(|(d, t)| Ok((parse_date(d)?, t)))
                        .collect::<Result<_, StoreError>>()?,
                    responses: responses
                        .into_iter()
                        .map(|(instrument, d, answers, total)| {
                            Ok(crate::Response {
                                instrument,
                                date: parse_date(d)?,
                                answers,
                                total,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                    any_check_in: row.get::<i64>("any_check_in")? > 0,
                })
            })
            .await?;
        rows.into_iter()
            .next()
            .ok_or_else(|| StoreError::Corrupt("no row for the Today page's inputs".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LOCAL_USER;
    use crate::test_support::{add_user, day, temp_store};
    use keel_core::CheckIn;
    use keel_core::activity::Activity;
    use keel_core::bone::{BoneProfile, DexaSite};
    use serde_json::json;

    /// Her record as a day's plan reads it.
    async fn record_of(store: &Store, user: UserId, library: &Library) -> PlanRecord {
        let on = day("2026-11-01");
        store
            .plan_inputs(user, on, on, library)
            .await
            .unwrap()
            .record
    }

    #[tokio::test]
    async fn one_query_reads_what_the_separate_reads_read_and_only_hers() {
        let (store, dir) = temp_store("plan-record").await;
        let library = Library::builtin();
        let other = UserId(2);
        add_user(&store, 2).await;
        assert_eq!(
            record_of(&store, LOCAL_USER, &library).await,
            PlanRecord::default(),
            "nothing stored, nothing read"
        );

        let profile = BoneProfile::parse(
            &json!({"birth_date": "1972-03-04", "weight_kg": 61.5, "height_cm": 165}),
            day("2026-11-01"),
        )
        .unwrap();
        store.save_profile(LOCAL_USER, &profile).await.unwrap();
        for (date, cm) in [("2026-01-10", 165.0), ("2025-01-10", 166.5)] {
            let h = HeightMeasurement {
                date: day(date),
                cm,
            };
            store.add_height(LOCAL_USER, &h).await.unwrap();
        }
        for (date, site, t) in [
            ("2025-06-01", DexaSite::TotalHip, -1.4),
            ("2025-06-01", DexaSite::LumbarSpine, -2.6),
            ("2023-06-01", DexaSite::LumbarSpine, -2.1),
        ] {
            let d = DexaResult {
                date: day(date),
                site,
                t_score: t,
            };
            store.add_dexa(LOCAL_USER, &d).await.unwrap();
        }
        let prefs = Preferences::parse(
            &json!({"excluded_exercises": ["dead-bug"], "missing_equipment": ["resistance_band"]}),
            &library,
        )
        .unwrap();
        store.save_preferences(LOCAL_USER, &prefs).await.unwrap();
        let c = CheckIn::parse(
            &json!({"date": "2026-11-01", "pain": 3, "night_pain": true}),
            day("2026-11-01"),
        )
        .unwrap();
        store.record_check_in(LOCAL_USER, &c).await.unwrap();
        store
            .acknowledge(LOCAL_USER, "RF-NIGHT-PAIN", day("2026-11-01"))
            .await
            .unwrap();
        // Someone else's data must not appear.
        store
            .save_preferences(other, &Preferences::default())
            .await
            .unwrap();
        store
            .add_height(
                other,
                &HeightMeasurement {
                    date: day("2026-01-01"),
                    cm: 150.0,
                },
            )
            .await
            .unwrap();

        let record = record_of(&store, LOCAL_USER, &library).await;
        assert_eq!(record.bone, store.bone_record(LOCAL_USER).await.unwrap());
        assert_eq!(
            record.preferences,
            store.preferences(LOCAL_USER, &library).await.unwrap()
        );
        assert_eq!(
            record.acknowledgements,
            store.acknowledgements(LOCAL_USER).await.unwrap()
        );
        assert_eq!(record.bone.heights.len(), 2);
        assert_eq!(
            record.bone.heights[0].date,
            day("2025-01-10"),
            "oldest first"
        );
        assert_eq!(record.bone.dexa.len(), 3);
        assert_eq!(record.preferences, prefs);
        assert_eq!(record.acknowledgements.len(), 1);

        let theirs = record_of(&store, other, &library).await;
        assert_eq!(theirs.bone.heights.len(), 1);
        assert!(theirs.bone.dexa.is_empty() && theirs.acknowledgements.is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn her_revision_moves_with_each_change_to_her_data_and_nothing_else() {
        let (store, dir) = temp_store("revision").await;
        let library = Library::builtin();
        let other = UserId(2);
        add_user(&store, 2).await;
        let rev = |u| {
            let store = store.clone();
            async move { store.revision(u).await.unwrap().unwrap() }
        };
        let mine = rev(LOCAL_USER).await;
        assert_ne!(
            mine,
            rev(other).await,
            "each row starts at a random revision"
        );
        assert_eq!(store.local_revision().await.unwrap(), Some(mine));

        let mut last = mine;
        let mut moved = |now: i64, what: &str| {
            assert!(now > last, "{what} must move her revision");
            last = now;
        };
        let c =
            CheckIn::parse(&json!({"date": "2026-11-01", "pain": 3}), day("2026-11-01")).unwrap();
        store.record_check_in(LOCAL_USER, &c).await.unwrap();
        moved(rev(LOCAL_USER).await, "a check-in");
        store.record_check_in(LOCAL_USER, &c).await.unwrap();
        moved(rev(LOCAL_USER).await, "replacing a check-in");
        store
            .acknowledge(LOCAL_USER, "RF-NIGHT-PAIN", day("2026-11-01"))
            .await
            .unwrap();
        moved(rev(LOCAL_USER).await, "an acknowledgement");
        let h = HeightMeasurement {
            date: day("2026-01-10"),
            cm: 165.0,
        };
        store.add_height(LOCAL_USER, &h).await.unwrap();
        moved(rev(LOCAL_USER).await, "a height");
        store
            .save_preferences(LOCAL_USER, &Preferences::default())
            .await
            .unwrap();
        moved(rev(LOCAL_USER).await, "preferences");
        let data = store.user_data(LOCAL_USER, &library).await.unwrap();
        store.replace_user_data(LOCAL_USER, &data).await.unwrap();
        moved(rev(LOCAL_USER).await, "an import");

        // Not her health data, or not hers: her revision stays.
        store
            .create_session(LOCAL_USER, "hash", chrono::Duration::hours(1))
            .await
            .unwrap();
        store.audit(LOCAL_USER, "login", "").await.unwrap();
        store
            .create_token(LOCAL_USER, "phone", "token-hash", "read")
            .await
            .unwrap();
        store.add_height(other, &h).await.unwrap();
        assert_eq!(rev(LOCAL_USER).await, last);
        let _ = std::fs::remove_dir_all(dir);
    }

    /// What one statement reads for a day's plan is what the separate reads give, and only
    /// hers, on SQLite and (with `KEEL_TEST_POSTGRES_URL`) on PostgreSQL.
    #[tokio::test]
    async fn plan_inputs_read_what_the_separate_reads_read() {
        let (sqlite, dir) = temp_store("plan-inputs").await;
        let mut stores = vec![("sqlite", sqlite, None)];
        if let Ok(url) = std::env::var("KEEL_TEST_POSTGRES_URL") {
            use sqlx::Connection;
            let name = format!("keel_store_plan_inputs_{}", std::process::id());
            let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut admin)
                .await
                .unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .unwrap();
            let (base, _) = url.rsplit_once('/').unwrap();
            let store = Store::open(&format!("{base}/{name}")).await.unwrap();
            stores.push(("postgres", store, Some((admin, name))));
        }
        let library = Library::builtin();
        for (backend, store, _) in &stores {
            let other = UserId(2);
            add_user(store, 2).await;
            let on = day("2026-11-20");
            let empty = store
                .plan_inputs(LOCAL_USER, on, day("2024-11-20"), &library)
                .await
                .unwrap();
            assert_eq!(empty.stored, None, "{backend}");
            assert!(
                empty.activities.is_empty() && empty.pain.is_empty(),
                "{backend}"
            );
            for (d, pain) in [
                ("2026-11-10", 4),
                ("2026-11-12", 6),
                ("2026-11-19", 2),
                ("2026-11-20", 3),
            ] {
                let c = CheckIn::parse(
                    &json!({"date": d, "pain": pain, "night_pain": pain == 6}),
                    on,
                )
                .unwrap();
                store.record_check_in(LOCAL_USER, &c).await.unwrap();
                store.record_check_in(other, &c).await.unwrap();
            }
            for (d, id, pain_during) in [
                ("2026-11-12", "glute-bridge", 2),
                ("2026-11-12", "dead-bug", 3),
                ("2026-11-19", "clamshell", 1),
            ] {
                let a = Activity::parse(&json!({"date": d, "exercise_id": id, "pain_during": pain_during, "sets": 2, "reps": 10}), on, &library, |_| 1).unwrap();
                store.log_activity(LOCAL_USER, &a).await.unwrap();
            }
            store
                .add_height(
                    LOCAL_USER,
                    &HeightMeasurement {
                        date: day("2026-01-10"),
                        cm: 165.0,
                    },
                )
                .await
                .unwrap();
            store
                .add_dexa(
                    LOCAL_USER,
                    &DexaResult {
                        date: day("2025-06-01"),
                        site: DexaSite::LumbarSpine,
                        t_score: -2.6,
                    },
                )
                .await
                .unwrap();
            store
                .acknowledge(LOCAL_USER, "RF-NIGHT-PAIN", day("2026-11-12"))
                .await
                .unwrap();
            let from = day("2026-11-11");
            let inputs = store
                .plan_inputs(LOCAL_USER, on, from, &library)
                .await
                .unwrap();
            assert_eq!(
                inputs.stored,
                store.check_in(LOCAL_USER, on).await.unwrap(),
                "{backend}"
            );
            assert!(inputs.stored.is_some(), "{backend}");
            assert_eq!(
                inputs.record.bone,
                store.bone_record(LOCAL_USER).await.unwrap(),
                "{backend}"
            );
            assert_eq!(
                inputs.record.preferences,
                store.preferences(LOCAL_USER, &library).await.unwrap(),
                "{backend}"
            );
            assert_eq!(
                inputs.record.acknowledgements,
                store.acknowledgements(LOCAL_USER).await.unwrap(),
                "{backend}"
            );
            let log = store.activities(LOCAL_USER, from, on).await.unwrap();
            assert_eq!(inputs.activities, log, "{backend}");
            assert_eq!(log.len(), 3, "{backend}");
            // Pain from the first logged day (the 12th) on, not from the window's start.
            let (pain, _) = store
                .daily_figures(LOCAL_USER, day("2026-11-12"), on)
                .await
                .unwrap();
            assert_eq!(inputs.pain, pain, "{backend}");
            assert_eq!(inputs.pain.len(), 3, "{backend}");
            let theirs = store.plan_inputs(other, on, from, &library).await.unwrap();
            assert!(
                theirs.activities.is_empty() && theirs.record == PlanRecord::default(),
                "{backend}"
            );
            assert!(theirs.pain.is_empty(), "{backend}: no log, no pain read");
        }
        for (_, store, pg) in stores {
            store.close().await;
            if let Some((mut admin, name)) = pg {
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
            }
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn the_today_read_reads_what_its_separate_reads_read_and_only_hers() {
        let (store, dir) = temp_store("today-inputs").await;
        let library = Library::builtin();
        let other = UserId(2);
        add_user(&store, 2).await;
        let on = day("2026-11-20");
        let window = day("2026-11-06");
        let read = |user| store.today_inputs(user, on, day("2024-11-20"), window, &library);
        let nothing = read(LOCAL_USER).await.unwrap();
        assert!(
            !nothing.any_check_in && nothing.earlier.is_empty() && nothing.responses.is_empty()
        );

        // The window's day before its first, its first, its last, the day itself, and after.
        for (date, pain) in [
            ("2026-11-05", 2),
            ("2026-11-06", 3),
            ("2026-11-19", 4),
            ("2026-11-20", 5),
            ("2026-11-21", 6),
        ] {
            let c = CheckIn::parse(
                &json!({"date": date, "pain": pain, "fever": true}),
                day("2026-11-30"),
            )
            .unwrap();
            store.record_check_in(LOCAL_USER, &c).await.unwrap();
        }
        for (instrument, date, answers) in [
            ("peg", "2026-11-01", vec![5, 4, 3]),
            ("mrs", "2026-10-01", vec![1; 11]),
        ] {
            let r = crate::Response {
                instrument: instrument.into(),
                date: day(date),
                answers,
                total: 4.0,
            };
            store.save_response(LOCAL_USER, &r).await.unwrap();
        }
        let c = CheckIn::parse(&json!({"date": "2026-11-10", "pain": 9}), on).unwrap();
        store.record_check_in(other, &c).await.unwrap();

        let today = read(LOCAL_USER).await.unwrap();
        assert_eq!(
            today.plan,
            store
                .plan_inputs(LOCAL_USER, on, day("2024-11-20"), &library)
                .await
                .unwrap()
        );
        let triages = store
            .triages(LOCAL_USER, window, day("2026-11-19"))
            .await
            .unwrap();
        assert_eq!(
            today
                .earlier
                .iter()
                .map(|(d, _)| d.to_string())
                .collect::<Vec<_>>(),
            ["2026-11-06", "2026-11-19"],
            "from the window's first day up to the day before"
        );
        assert_eq!(today.earlier, triages);
        assert_eq!(
            today.responses,
            store.responses(LOCAL_USER, None).await.unwrap()
        );
        assert_eq!(today.responses[0].instrument, "mrs", "oldest first");
        assert!(today.any_check_in);
        let theirs = read(other).await.unwrap();
        assert!(theirs.plan.stored.is_none() && theirs.responses.is_empty());
        assert_eq!(theirs.earlier.len(), 1);
        assert!(theirs.any_check_in);
        let _ = std::fs::remove_dir_all(dir);
    }
}
