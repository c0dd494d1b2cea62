//! Her data, hers to take: a complete JSON export (with a schema version) that imports back
//! exactly (see `import`), CSV files zipped, and an HL7 FHIR R4 Bundle (clinical-rules.md
//! section 7).

use chrono::{SecondsFormat, Utc};
use keel_core::CheckIn;
use keel_core::Library;
use keel_core::bone::BoneProfile;
use keel_store::{Store, StoreError, UserData, UserId};
use serde_json::{Value, json};

mod csv;
mod fhir;

pub use csv::to_csv_zip;
pub use fhir::to_fhir;

pub const SCHEMA: &str = "keel-export";
pub const SCHEMA_VERSION: u64 = 1;

/// The JSON export: everything she recorded, none of the secrets (no password, no tokens).
pub fn to_json(data: &UserData, exported_at: &str) -> Value {
    json!({
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "exported_at": exported_at,
        "check_ins": data.check_ins.iter().map(CheckIn::to_json).collect::<Vec<_>>(),
        "acknowledgements": data.acknowledgements.iter().map(|(r, d)| json!({"rule": r, "acknowledged_on": d.to_string()})).collect::<Vec<_>>(),
        "profile": data.profile.as_ref().map(BoneProfile::to_json),
        "heights": data.heights,
        "dexa": data.dexa,
        "activities": data.activities,
        "preferences": data.preferences.to_json(),
        "desk": data.desk,
        "break_settings": data.break_settings,
        "breaks": data.breaks.iter().map(|b| json!({"taken_at": keel_store::moment_text(b.taken_at), "minutes": b.minutes, "exercise_id": b.exercise_id})).collect::<Vec<_>>(),
        "posture": data.posture.iter().map(|p| json!({"logged_at": keel_store::moment_text(p.logged_at), "posture": p.posture, "minutes": p.minutes})).collect::<Vec<_>>(),
        "questionnaires": data.responses.iter().map(|r| json!({"instrument": r.instrument, "date": r.date.to_string(), "answers": r.answers})).collect::<Vec<_>>(),
        "bleeding": data.bleeding,
    })
}

pub fn now_stamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The formats she can take her data away in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Keel's own JSON, which imports back.
    Json,
    /// CSV files, one per kind of record, zipped.
    Csv,
    /// An HL7 FHIR R4 Bundle.
    Fhir,
}

impl Format {
    /// `json`, `csv` or `fhir`.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "fhir" => Some(Format::Fhir),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Fhir => "fhir",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "application/zip",
            Format::Fhir => "application/fhir+json",
        }
    }

    /// The file's name for an export made on `day` (YYYY-MM-DD).
    pub fn file_name(self, day: &str) -> String {
        match self {
            Format::Json => format!("keel-export-{day}.json"),
            Format::Csv => format!("keel-export-{day}.zip"),
            Format::Fhir => format!("keel-fhir-{day}.json"),
        }
    }
}

/// Her data written out in `format`, stamped `exported_at`. CPU work (a large CSV zip takes a
/// while): callers on an async thread run it on a blocking one.
pub fn render(data: &UserData, format: Format, exported_at: &str) -> Result<Vec<u8>, String> {
    match format {
        Format::Csv => to_csv_zip(data),
        Format::Fhir => {
            serde_json::to_vec_pretty(&to_fhir(data, exported_at)).map_err(|e| e.to_string())
        }
        Format::Json => {
            serde_json::to_vec_pretty(&to_json(data, exported_at)).map_err(|e| e.to_string())
        }
    }
}

/// Her data for an export in `format`, noted in her security log (`via` says through what).
pub async fn read_for_export(
    store: &Store,
    library: &Library,
    user: UserId,
    format: Format,
    via: &str,
) -> Result<UserData, StoreError> {
    let data = store.user_data(user, library).await?;
    store
        .audit(user, "export", &format!("{} {via}", format.name()))
        .await?;
    Ok(data)
}
