//! `keel report`: the clinician report as a PDF.

use crate::cli::input::{CliError, open, today};
use crate::config::DatabaseArgs;
use keel_app::report::request::Asked;
use keel_store::LOCAL_USER;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The last 30, 90 or 180 days up to --to (wins over --from)
    #[arg(long)]
    pub days: Option<String>,
    /// First day (YYYY-MM-DD) [default: 90 days before --to]
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD), not after today [default: today]
    #[arg(long)]
    pub to: Option<String>,
    /// Sections, comma-separated: bone, desk, questionnaires, notes, symptoms, cycle [default: all but notes]
    #[arg(long)]
    pub sections: Option<String>,
    /// a4 or letter [default: a4]
    #[arg(long)]
    pub paper: Option<String>,
    /// Your name, on this report only
    #[arg(long)]
    pub name: Option<String>,
    /// Your year of birth, on this report only
    #[arg(long)]
    pub born: Option<String>,
    /// Where to write the PDF
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: std::path::PathBuf,
}

pub async fn report(args: ReportArgs) -> Result<(), CliError> {
    let asked = Asked {
        days: args.days.as_deref(),
        from: args.from.as_deref(),
        to: args.to.as_deref(),
        sections: args.sections.as_deref().map(|s| vec![s]),
        paper: args.paper.as_deref(),
        name: args.name.as_deref(),
        born: args.born.as_deref(),
    };
    let today = today();
    let req = keel_app::report::request::parse(&asked, today)?;
    let store = open(&args.db).await?;
    let file = keel_app::report::pdf_file(&store, LOCAL_USER, &req, today).await;
    store.close().await;
    std::fs::write(&args.output, file?.bytes)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.output.display()))?;
    println!(
        "Report for {} to {} written to {}.",
        req.from,
        req.to,
        args.output.display()
    );
    Ok(())
}
