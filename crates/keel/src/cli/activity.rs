//! `keel log` and `week`: what she did, and the week against its targets.

use crate::cli::input::{CliError, num, open, parse_date_arg, read_stdin_json, today};
use crate::config::DatabaseArgs;
use crate::output;
use keel_app::views::{self};
use keel_core::Library;
use keel_store::LOCAL_USER;
use serde_json::{Map, Value};

#[derive(Debug, clap::Args)]
pub struct LogArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// The exercise id, such as dead-bug (see content/exercises.toml); omit with --json
    exercise: Option<String>,
    /// Read the entry as JSON on stdin (the API's body) and print the result as JSON
    #[arg(long)]
    json: bool,
    /// The day (YYYY-MM-DD) [default: today]
    #[arg(long)]
    date: Option<String>,
    /// Pain during the exercise, 0-10
    #[arg(long, allow_hyphen_values = true)]
    pain_during: Option<String>,
    /// How hard it felt, 0-10
    #[arg(long, allow_hyphen_values = true)]
    effort: Option<String>,
    /// The ladder level done [default: your current level]
    #[arg(long, allow_hyphen_values = true)]
    level: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    sets: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    reps: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    hold_seconds: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    minutes: Option<String>,
}

pub(crate) async fn log(args: LogArgs) -> Result<(), CliError> {
    let body = if args.json {
        read_stdin_json()?
    } else {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.to_string(), v);
            }
        };
        put("exercise_id", args.exercise.clone().map(Value::from));
        put("date", args.date.clone().map(Value::from));
        put("pain_during", num(&args.pain_during));
        put("effort", num(&args.effort));
        put("level", num(&args.level));
        put("sets", num(&args.sets));
        put("reps", num(&args.reps));
        put("hold_seconds", num(&args.hold_seconds));
        put("minutes", num(&args.minutes));
        Value::Object(m)
    };
    let library = Library::builtin();
    let store = open(&args.db).await?;
    let logged =
        keel_app::activities::log_activity(&store, &library, LOCAL_USER, &body, today()).await;
    store.close().await;
    let (activity, replaced) = logged?;
    if args.json {
        output::json(&activity);
    } else {
        let name = library
            .get(&activity.exercise_id)
            .map(|e| e.name.as_str())
            .unwrap_or_default();
        println!(
            "{} {name} on {} at level {} (pain during {}/10).",
            if replaced { "Updated" } else { "Logged" },
            activity.date,
            activity.level,
            activity.pain_during
        );
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct WeekArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// A day in the week (YYYY-MM-DD) [default: today]
    #[arg(long)]
    pub date: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn week(args: WeekArgs) -> Result<(), CliError> {
    let WeekArgs { db, date, json } = args;
    let date = parse_date_arg("date", date.as_deref())?.unwrap_or_else(today);
    let store = open(&db).await?;
    let week = views::week_for(&store, LOCAL_USER, date).await?;
    store.close().await;
    output::show(json, &week, output::week);
    Ok(())
}
