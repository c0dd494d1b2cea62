//! Reads with their SQL written once, with `$1`, `$2`... parameters, and each row mapped once,
//! by column name.

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

/// One row of a read.
pub(crate) struct Row<'a>(pub(crate) &'a AnyRow);

impl Row<'_> {
    pub(crate) fn get<T>(&self, name: &str) -> Result<T, StoreError>
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        Ok(self.0.try_get(name)?)
    }
}

impl Store {
    /// Runs a read and maps each row.
    pub(crate) async fn read_rows<T>(
        &self,
        sql: &str,
        binds: &[Bind],
        map: impl Fn(&Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut query = sqlx::query(sql);
        for b in binds {
            query = match b {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.clone()),
            };
        }
        let rows = query.fetch_all(&mut *self.conn().await?).await?;
        rows.iter().map(|r| map(&Row(r))).collect()
    }
}
