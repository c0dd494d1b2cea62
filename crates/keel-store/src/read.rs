//! Reads that run on either driver: on SQLite's direct connections when they answer (see
//! `direct`), otherwise through sqlx. The SQL is written once, with `$1`, `$2`... parameters;
//! a row is mapped once, by column name, whichever driver read it.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// A value bound to a read's `$n` parameter, in order.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

impl From<i64> for Bind {
    fn from(v: i64) -> Self {
        Bind::Int(v)
    }
}

impl From<String> for Bind {
    fn from(v: String) -> Self {
        Bind::Text(v)
    }
}

impl From<&str> for Bind {
    fn from(v: &str) -> Self {
        Bind::Text(v.to_string())
    }
}

/// One row of a read, from either driver.
pub(crate) enum Row<'a, 'r> {
    Sqlx(&'a AnyRow),
    Direct(&'a rusqlite::Row<'r>),
}

/// A column type both drivers decode the same way.
pub(crate) trait Column: Sized {
    fn from_sqlx(row: &AnyRow, name: &str) -> Result<Self, StoreError>;
    fn from_direct(row: &rusqlite::Row<'_>, name: &str) -> Result<Self, StoreError>;
}

impl<T> Column for T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + rusqlite::types::FromSql,
{
    fn from_sqlx(row: &AnyRow, name: &str) -> Result<Self, StoreError> {
        Ok(row.try_get(name)?)
    }

    fn from_direct(row: &rusqlite::Row<'_>, name: &str) -> Result<Self, StoreError> {
        row.get(name)
            .map_err(|e| StoreError::Corrupt(format!("column {name}: {e}")))
    }
}

impl Row<'_, '_> {
    pub(crate) fn get<T: Column>(&self, name: &str) -> Result<T, StoreError> {
        match self {
            Row::Sqlx(r) => T::from_sqlx(r, name),
            Row::Direct(r) => T::from_direct(r, name),
        }
    }
}

impl Store {
    /// Runs a read and maps each row. On SQLite it runs on a direct connection where it is
    /// asked (a keyed range read is microseconds of SQLite's work, less than a hand-off to a
    /// driver thread); should that fail, it asks through sqlx, which reports any error.
    pub(crate) async fn read_rows<T>(
        &self,
        sql: &str,
        binds: &[Bind],
        map: impl Fn(&Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let direct = self.direct.as_ref().map(|d| {
            d.run(|c| {
                let mut statement = c.prepare_cached(sql)?;
                for (i, b) in binds.iter().enumerate() {
                    let Some(index) = statement.parameter_index(&format!("${}", i + 1))? else {
                        continue;
                    };
                    match b {
                        Bind::Int(v) => statement.raw_bind_parameter(index, v)?,
                        Bind::Text(v) => statement.raw_bind_parameter(index, v)?,
                    }
                }
                let mut rows = statement.raw_query();
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(map(&Row::Direct(row)));
                }
                Ok(out)
            })
        });
        match direct {
            Some(Ok(rows)) => return rows.into_iter().collect(),
            Some(Err(e)) => tracing::debug!("direct SQLite read failed, asking through sqlx: {e}"),
            None => {}
        }
        let mut query = sqlx::query(sql);
        for b in binds {
            query = match b {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.clone()),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|r| map(&Row::Sqlx(r))).collect()
    }
}

#[cfg(test)]
mod tests {
    use keel_core::activity::Activity;
    use keel_core::{CheckIn, ExerciseFamily, Library};
    use serde_json::json;

    use crate::test_support::{add_user, day, temp_store};
    use crate::{LOCAL_USER, Response, UserId};

    /// Every read that runs on the direct connections answers what sqlx answers, for her and
    /// for nobody else; parameters, NULLs, real numbers and ordering included.
    #[tokio::test]
    async fn direct_reads_answer_what_sqlx_answers() {
        let (store, dir) = temp_store("direct-reads").await;
        let mut plain = store.clone();
        plain.direct = None;
        let library = Library::builtin();
        add_user(&store, 2).await;
        for (user, date, pain, walking) in [
            (LOCAL_USER, "2026-11-01", 3, json!(20)),
            (LOCAL_USER, "2026-11-02", 5, json!(null)),
            (LOCAL_USER, "2026-11-04", 2, json!(45)),
            (UserId(2), "2026-11-02", 9, json!(10)),
        ] {
            let c = CheckIn::parse(
                &json!({"date": date, "pain": pain, "walking_minutes": walking, "notes": "a ' quote"}),
                day("2026-12-01"),
            )
            .unwrap();
            store.record_check_in(user, &c).await.unwrap();
        }
        for (date, exercise, hold) in [
            ("2026-11-01", "dead-bug", None),
            ("2026-11-02", "bird-dog", Some(10)),
        ] {
            let a = Activity {
                date: day(date),
                exercise_id: exercise.into(),
                family: ExerciseFamily::DeepCore,
                level: 1,
                sets: Some(2),
                reps: Some(8),
                hold_seconds: hold,
                minutes: None,
                pain_during: 2,
                effort: None,
            };
            store.log_activity(LOCAL_USER, &a).await.unwrap();
        }
        let r = Response {
            instrument: "peg".into(),
            date: day("2026-11-03"),
            answers: vec![4, 3, 5],
            total: 4.0,
        };
        store.save_response(LOCAL_USER, &r).await.unwrap();
        store
            .acknowledge(LOCAL_USER, "RF-NIGHT-PAIN", day("2026-11-02"))
            .await
            .unwrap();

        let (from, to) = (day("2026-10-01"), day("2026-11-30"));
        for user in [LOCAL_USER, UserId(2), UserId(3)] {
            assert_eq!(
                store.check_ins(user, from, to).await.unwrap(),
                plain.check_ins(user, from, to).await.unwrap()
            );
            assert_eq!(
                store.check_in(user, day("2026-11-02")).await.unwrap(),
                plain.check_in(user, day("2026-11-02")).await.unwrap()
            );
            assert_eq!(
                store.activities(user, from, to).await.unwrap(),
                plain.activities(user, from, to).await.unwrap()
            );
            assert_eq!(
                store.daily_figures(user, from, to).await.unwrap(),
                plain.daily_figures(user, from, to).await.unwrap()
            );
            assert_eq!(
                store.responses(user, None).await.unwrap(),
                plain.responses(user, None).await.unwrap()
            );
            assert_eq!(
                store.responses(user, Some("mrs")).await.unwrap(),
                plain.responses(user, Some("mrs")).await.unwrap()
            );
            assert_eq!(
                store.plan_record(user, &library).await.unwrap(),
                plain.plan_record(user, &library).await.unwrap()
            );
        }
        let mine = store.check_ins(LOCAL_USER, from, to).await.unwrap();
        assert_eq!(mine.len(), 3, "hers only");
        assert_eq!(mine[1].check_in.walking_minutes, None);
        assert_eq!(
            store.activities(LOCAL_USER, from, to).await.unwrap().len(),
            2
        );
        assert_eq!(
            store.responses(LOCAL_USER, Some("peg")).await.unwrap(),
            vec![r]
        );
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
