//! The store's one error type: callers see what kind of failure, never SQL.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    /// Valid on its own, refused against what is stored (a 21st symptom of her own).
    #[error("invalid: {}", .0.summary())]
    Invalid(keel_core::ValidationErrors),
    #[error("database configuration: {0}")]
    Config(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// The database answered with an error, or could not be reached; the driver's error is
    /// kept as the source.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[source] sqlx::migrate::MigrateError),
    /// A file the store reads or writes (a backup, a restore).
    #[error("{what}: {source}")]
    File {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.message().to_string())
            }
            other => StoreError::Database(other),
        }
    }
}
