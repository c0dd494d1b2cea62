//! `keel stage`: the stateless stage contract (clinical-rules.md section 6): the JSON on stdin,
//! the assessment on stdout; nothing is stored.

use crate::cli::input::{CliError, read_stdin_json, today};
use crate::output;
use keel_core::stage::{self, StageAssessment, StageInput};

#[derive(Debug, clap::Args)]
pub struct StageArgs {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn stage(args: StageArgs) -> Result<(), CliError> {
    let body = read_stdin_json()?;
    let input = StageInput::parse(&body, today())?;
    let result = stage::assess(&input);
    output::show(args.json, &result, text);
    Ok(())
}

fn text(a: &StageAssessment) {
    let stage = match a.stage.as_deref() {
        Some("PH-REPRO") => "reproductive years",
        Some("PH-EARLY") => "early menopause transition",
        Some("PH-LATE") => "late menopause transition",
        Some("PH-POST") => "after the menopause",
        Some("PH-UNKNOWN") => "cannot be told from bleeding",
        _ => "not enough data yet",
    };
    match &a.substage {
        Some(s) => println!("Stage: {stage} ({s})."),
        None => println!("Stage: {stage}."),
    }
    println!("{}", a.reason);
    if let Some(d) = a.final_period {
        println!("Final period: {}.", d.format("%-d %B %Y"));
    }
    for f in &a.findings {
        println!("  - {} (rule {}, source {})", f.message, f.rule, f.source);
    }
}
