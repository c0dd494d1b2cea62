//! `keel period`: her bleeding log (a day, a past period, a removal, the list) and her stage
//! from it (clinical-rules.md sections 6 and 8).

use crate::cli::input::{CliError, open, parse_date_arg, today};
use crate::config::DatabaseArgs;
use crate::output;
use keel_app::cycle::StageView;
use keel_core::stage::BleedingDay;
use keel_store::LOCAL_USER;
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct PeriodArgs {
    #[command(subcommand)]
    command: PeriodCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PeriodCommand {
    /// Log a past period in one go: every day from --start to --end
    Add {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Its first day (YYYY-MM-DD)
        #[arg(long)]
        start: String,
        /// Its last day (YYYY-MM-DD)
        #[arg(long)]
        end: String,
        /// light, medium or heavy
        #[arg(long, default_value = "medium")]
        flow: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Log one day: none, spotting, light, medium or heavy
    Log {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The day (YYYY-MM-DD) [default: today]
        #[arg(long)]
        date: Option<String>,
        /// none, spotting, light, medium or heavy
        #[arg(long)]
        flow: String,
        /// The bleeding came after sex
        #[arg(long)]
        after_sex: bool,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Remove a day from the log
    Remove {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The day (YYYY-MM-DD)
        #[arg(long)]
        date: String,
    },
    /// The log, oldest first
    List {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Your stage today from the stored log and context, with its evidence
    Stage {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The day to judge (YYYY-MM-DD) [default: today]
        #[arg(long)]
        date: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

pub async fn period(args: PeriodArgs) -> Result<(), CliError> {
    let today = today();
    match args.command {
        PeriodCommand::Add {
            db,
            start,
            end,
            flow,
            json,
        } => {
            let body = json!({"start": start, "end": end, "flow": flow});
            let store = open(&db).await?;
            let days = keel_app::cycle::record_period(&store, LOCAL_USER, &body, today).await;
            store.close().await;
            let days = days?;
            if json {
                output::json(&json!({"days": days}));
            } else {
                println!(
                    "Logged a period of {} day{} from {}.",
                    days.len(),
                    if days.len() == 1 { "" } else { "s" },
                    days[0].date.format("%-d %B %Y")
                );
            }
        }
        PeriodCommand::Log {
            db,
            date,
            flow,
            after_sex,
            json,
        } => {
            let date = parse_date_arg("date", date.as_deref())?.unwrap_or(today);
            let body = json!({"flow": flow, "after_sex": after_sex});
            let store = open(&db).await?;
            let day = keel_app::cycle::record_day(&store, LOCAL_USER, date, &body, today).await;
            store.close().await;
            let day = day?;
            output::show(json, &day, |d| {
                println!("Logged {}: {}.", d.date, flow_words(d))
            });
        }
        PeriodCommand::Remove { db, date } => {
            let date = parse_date_arg("date", Some(&date))?.unwrap_or(today);
            let store = open(&db).await?;
            let n = store.delete_bleeding(LOCAL_USER, date, date, today).await;
            store.close().await;
            if n? == 0 {
                return Err(CliError::Input(format!(
                    "date: nothing is logged on {date}"
                )));
            }
            println!("Removed {date} from the log.");
        }
        PeriodCommand::List { db, json } => {
            let store = open(&db).await?;
            let log = store.bleeding_log(LOCAL_USER).await;
            store.close().await;
            let days: Vec<BleedingDay> = log?.into_values().collect();
            if json {
                output::json(&json!({"days": days}));
            } else if days.is_empty() {
                println!("Nothing logged yet: `keel period add --start ... --end ...`.");
            }
            for d in days.iter().filter(|_| !json) {
                println!("{}  {}", d.date, flow_words(d));
            }
        }
        PeriodCommand::Stage { db, date, json } => {
            let date = parse_date_arg("date", date.as_deref())?.unwrap_or(today);
            if date > today {
                return Err(CliError::Input(format!(
                    "date: must not be after today ({today})"
                )));
            }
            let store = open(&db).await?;
            let view = keel_app::cycle::stage_view(&store, LOCAL_USER, date).await;
            store.close().await;
            output::show(json, &view?, text);
        }
    }
    Ok(())
}

fn flow_words(d: &BleedingDay) -> String {
    let flow = d.flow.name();
    if d.after_sex {
        format!("{flow}, after sex")
    } else {
        flow.to_string()
    }
}

fn text(v: &StageView) {
    println!("Stage: {}.", v.words);
    println!("{}", v.assessment.reason);
    for c in &v.cycles {
        println!("  {c}");
    }
    for f in &v.assessment.findings {
        println!("  - {} (rule {}, source {})", f.message, f.rule, f.source);
    }
}
