//! Everything about a user, apart from the journal and the log, that a day's plan needs: her
//! bone record, preferences and acknowledgements, in one query.

use keel_core::Library;
use keel_core::bone::{DexaResult, HeightMeasurement};
use keel_core::preferences::Preferences;

use crate::activity::preferences_from;
use crate::bone::{dexa_site, profile_from};
use crate::checkins::parse_date;
use crate::{Acknowledgement, BoneRecord, Store, StoreError, UserId};

/// What the plan reads besides the check-in and the log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanRecord {
    pub bone: BoneRecord,
    pub preferences: Preferences,
    pub acknowledgements: Vec<Acknowledgement>,
}

/// Five small per-user reads as one round trip: each branch is a primary-key range on
/// `user_id`, tagged by `kind`, in the order the separate reads give.
const PLAN_RECORD: &str = "\
SELECT 'dexa' AS kind, date AS a, site AS b, t_score AS x FROM dexa_results WHERE user_id = $1 \
UNION ALL SELECT 'height', date, CAST(NULL AS TEXT), cm FROM height_measurements WHERE user_id = $1 \
UNION ALL SELECT 'ack', rule, acknowledged_on, CAST(NULL AS DOUBLE PRECISION) FROM acknowledgements WHERE user_id = $1 \
UNION ALL SELECT 'preferences', body, CAST(NULL AS TEXT), CAST(NULL AS DOUBLE PRECISION) FROM preferences WHERE user_id = $1 \
UNION ALL SELECT 'profile', body, updated_at, CAST(NULL AS DOUBLE PRECISION) FROM profiles WHERE user_id = $1 \
ORDER BY kind, a, b";

impl Store {
    pub async fn plan_record(
        &self,
        user: UserId,
        library: &Library,
    ) -> Result<PlanRecord, StoreError> {
        let rows = self
            .read_rows(PLAN_RECORD, &[user.0.into()], |row| {
                Ok((
                    row.get::<String>("kind")?,
                    row.get::<String>("a")?,
                    row.get::<Option<String>>("b")?,
                    row.get::<Option<f64>>("x")?,
                ))
            })
            .await?;
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
                "profile" => {
                    record.bone.profile = profile_from(&a, b.as_deref().ok_or_else(missing)?)?
                }
                other => return Err(StoreError::Corrupt(format!("record kind {other}"))),
            }
        }
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LOCAL_USER;
    use crate::test_support::{add_user, day, temp_store};
    use keel_core::CheckIn;
    use keel_core::bone::{BoneProfile, DexaSite};
    use serde_json::json;

    #[tokio::test]
    async fn one_query_reads_what_the_separate_reads_read_and_only_hers() {
        let (store, dir) = temp_store("plan-record").await;
        let library = Library::builtin();
        let other = UserId(2);
        add_user(&store, 2).await;
        assert_eq!(
            store.plan_record(LOCAL_USER, &library).await.unwrap(),
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

        let record = store.plan_record(LOCAL_USER, &library).await.unwrap();
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

        let theirs = store.plan_record(other, &library).await.unwrap();
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
}
