//! What every subcommand shares: its errors and their exit codes, the database it opens, and
//! reading dates, numbers and JSON from flags, stdin and files as the API reads them.

use crate::config::{DatabaseArgs, redact};
use chrono::NaiveDate;
use keel_core::ValidationErrors;
use keel_store::Store;
use serde_json::Value;
use std::io::Read;

/// A failure with the exit code it deserves.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("invalid input: {0}")]
    Input(String),
    #[error("{0}")]
    Other(#[from] anyhow::Error),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Other(_) => 1,
        }
    }
}

impl From<ValidationErrors> for CliError {
    fn from(e: ValidationErrors) -> Self {
        CliError::Input(e.summary())
    }
}

impl From<keel_app::AppError> for CliError {
    fn from(e: keel_app::AppError) -> Self {
        match e {
            keel_app::AppError::Invalid(e) => e.into(),
            keel_app::AppError::Store(e) => e.into(),
        }
    }
}

impl From<keel_store::StoreError> for CliError {
    fn from(e: keel_store::StoreError) -> Self {
        match e {
            keel_store::StoreError::Invalid(e) => e.into(),
            e => CliError::Other(e.into()),
        }
    }
}

pub(crate) fn today() -> NaiveDate {
    keel_app::clock::local_today()
}

pub(crate) async fn open(db: &DatabaseArgs) -> Result<Store, CliError> {
    let url = db.resolve()?;
    Store::open(&url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", redact(&url)).into())
}

pub(crate) fn read_stdin_json() -> Result<Value, CliError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::Input(format!("cannot read standard input: {e}")))?;
    json_input(&text, "body")
}

/// JSON given on stdin or in a file (`what`), read as the API reads a body.
pub(crate) fn json_input(text: &str, what: &str) -> Result<Value, CliError> {
    keel_core::json::parse(text.as_bytes()).map_err(|e| match e {
        keel_core::json::JsonError::Malformed(e) => {
            CliError::Input(format!("{what}: not well-formed JSON: {e}"))
        }
        keel_core::json::JsonError::Invalid(e) => e.into(),
    })
}

pub(crate) fn parse_date_arg(
    field: &str,
    value: Option<&str>,
) -> Result<Option<NaiveDate>, CliError> {
    value
        .map(|s| {
            keel_core::validate::parse_date(s).ok_or_else(|| {
                CliError::Input(format!("{field}: must be a date written YYYY-MM-DD"))
            })
        })
        .transpose()
}

/// A number given as a flag, read as a form's field is: a finite number, or the text itself for
/// the validator to refuse with the field named (`NaN`, `inf`, `1e309`, words).
pub(crate) fn num(flag: &Option<String>) -> Option<Value> {
    flag.as_deref().map(keel_core::validate::number_from_text)
}
