//! `keel bone`: the bone-health assessment.

use crate::cli::input::{CliError, open, read_stdin_json, today};
use crate::config::DatabaseArgs;
use crate::output;
use keel_app::views::{self};
use keel_core::bone::{self, BoneInput};
use keel_store::LOCAL_USER;

#[derive(Debug, clap::Args)]
pub struct BoneArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Assess the stored profile, heights and DEXA results instead of stdin
    #[arg(long)]
    pub stored: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn bone(args: BoneArgs) -> Result<(), CliError> {
    let BoneArgs { db, stored, json } = args;
    let result = if stored {
        let store = open(&db).await?;
        let record = store.bone_record(LOCAL_USER).await?;
        store.close().await;
        views::bone_assessment(&record, today()).ok_or_else(|| {
            anyhow::anyhow!("your profile has no age or birth date yet; add one on the Bone health page or with PUT /api/v1/profile")
        })?
    } else {
        let body = read_stdin_json()?;
        bone::assess(&BoneInput::parse(&body, today())?)
    };
    output::show(json, &result, output::bone);
    Ok(())
}
