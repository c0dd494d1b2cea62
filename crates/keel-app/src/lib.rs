//! Keel's application layer: the use cases (record a check-in, log an activity, import,
//! export, the desk, bone and report loaders) and the serializable views that the pages, the
//! JSON API and the CLI share. No HTTP here: keel-web turns these into pages and responses,
//! the CLI into terminal output.
#![forbid(unsafe_code)]
pub mod pdf;

pub mod accounts;
pub mod activities;
pub mod clock;
pub mod cycle;
pub mod desk;
mod error;
pub mod export;
pub mod import;
pub mod journal;
pub mod kept;
pub mod login;
pub mod progress;
pub mod report;
pub mod schema;
pub mod secret;
pub mod session;
pub mod today;
pub mod views;

pub use error::AppError;

/// Runs CPU work (password hashing, a PDF, a large export) on a blocking thread, so that it
/// does not hold an async worker and every request queued behind it.
pub async fn apart<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())?
}
