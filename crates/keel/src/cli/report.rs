//! `keel report`: the clinician report as a PDF.

use crate::cli::input::{CliError, open, today};
use crate::config::DatabaseArgs;
use keel_store::LOCAL_USER;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// First day (YYYY-MM-DD) [default: 90 days before --to]
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD) [default: today]
    #[arg(long)]
    pub to: Option<String>,
    /// Where to write the PDF
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: std::path::PathBuf,
}

pub async fn report(args: ReportArgs) -> Result<(), CliError> {
    let ReportArgs {
        db,
        from,
        to,
        output,
    } = args;
    let (from, to) = keel_app::report::parse_period(from.as_deref(), to.as_deref(), today())?;
    let store = open(&db).await?;
    let data = keel_app::report::gather(&store, LOCAL_USER, from, to).await?;
    store.close().await;
    let bytes = keel_app::report::pdf_report(&data)
        .map_err(|e| anyhow::anyhow!("cannot render the report: {e}"))?;
    std::fs::write(&output, bytes)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
    println!("Report for {from} to {to} written to {}.", output.display());
    Ok(())
}
