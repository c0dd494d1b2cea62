//! `keel checkin`, `plan`, `ack` and `triage`: the daily check-in, its plan, acknowledging a
//! warning, and triage on its own.

use crate::cli::input::{CliError, num, open, parse_date_arg, read_stdin_json, today};
use crate::config::DatabaseArgs;
use crate::output;
use keel_app::views::{self, CheckInRecord};
use keel_core::rules::Question;
use keel_core::triage::{self, TriageInput};
use keel_core::{CheckIn, Library};
use keel_store::LOCAL_USER;
use serde_json::{Map, Value};

#[derive(Debug, clap::Args)]
pub struct CheckinArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// Read the check-in as JSON on stdin (the API's body) and print the result as JSON
    #[arg(long)]
    json: bool,
    /// The day (YYYY-MM-DD) [default: today]
    #[arg(long)]
    date: Option<String>,
    /// Pain now, 0-10
    #[arg(long, allow_hyphen_values = true)]
    pain: Option<String>,
    /// Where it hurts (repeat or separate with commas): lower_back, upper_back, neck, buttock, left_leg, right_leg
    #[arg(long = "location", value_delimiter = ',')]
    locations: Vec<String>,
    /// How it started: sudden or gradual
    #[arg(long)]
    onset: Option<String>,
    /// Morning stiffness in minutes
    #[arg(long, allow_hyphen_values = true)]
    stiffness_minutes: Option<String>,
    /// Sleep last night, 0-10
    #[arg(long, allow_hyphen_values = true)]
    sleep: Option<String>,
    /// Energy today, 0-10
    #[arg(long, allow_hyphen_values = true)]
    energy: Option<String>,
    /// Hours sitting
    #[arg(long, allow_hyphen_values = true)]
    sitting_hours: Option<String>,
    /// Minutes walking
    #[arg(long, allow_hyphen_values = true)]
    walking_minutes: Option<String>,
    /// Notes (up to 2000 characters)
    #[arg(long)]
    notes: Option<String>,
    /// A safety question answered yes (repeatable), such as --yes fever
    #[arg(long = "yes", value_name = "QUESTION", value_delimiter = ',')]
    yes: Vec<String>,
    /// A safety question answered no (repeatable)
    #[arg(long = "no", value_name = "QUESTION", value_delimiter = ',')]
    no: Vec<String>,
    /// Answer no to every safety question not given with --yes
    #[arg(long)]
    no_red_flags: bool,
    /// A perimenopause symptom rated 0-4 (repeatable), such as --symptom hot_flushes=3
    #[arg(long = "symptom", value_name = "NAME=RATING", value_delimiter = ',')]
    symptoms: Vec<String>,
    /// Hot flushes counted today
    #[arg(long, allow_hyphen_values = true)]
    hot_flush_count: Option<String>,
    /// A symptom of your own rated 0-4 (repeatable), such as --custom-symptom "dry eyes=1"
    #[arg(long = "custom-symptom", value_name = "NAME=RATING")]
    custom_symptoms: Vec<String>,
    /// Today's bleeding: none, spotting, light, medium or heavy
    #[arg(long)]
    bleeding: Option<String>,
    /// The bleeding came after sex
    #[arg(long, requires = "bleeding")]
    after_sex: bool,
}

/// `name=rating` pairs as a JSON object, the rating read as the API reads a number.
fn ratings(flag: &str, pairs: &[String]) -> Result<Option<Value>, CliError> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut m = Map::new();
    for p in pairs {
        let (name, rating) = p.rsplit_once('=').ok_or_else(|| {
            CliError::Input(format!(
                "{flag}: {p:?} must be written NAME=RATING, such as hot_flushes=2"
            ))
        })?;
        m.insert(
            name.trim().to_string(),
            keel_core::validate::number_from_text(rating.trim()),
        );
    }
    Ok(Some(Value::Object(m)))
}

/// Builds the API's JSON body from flags, so that the CLI goes through the same validation.
fn flags_to_json(args: &CheckinArgs) -> Result<Value, CliError> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.to_string(), v);
        }
    };
    put("date", args.date.clone().map(Value::from));
    put("pain", num(&args.pain));
    if !args.locations.is_empty() {
        put(
            "locations",
            Some(
                args.locations
                    .iter()
                    .map(|l| Value::from(l.as_str()))
                    .collect(),
            ),
        );
    }
    put("onset", args.onset.clone().map(Value::from));
    put("stiffness_minutes", num(&args.stiffness_minutes));
    put("sleep", num(&args.sleep));
    put("energy", num(&args.energy));
    put("sitting_hours", num(&args.sitting_hours));
    put("walking_minutes", num(&args.walking_minutes));
    put("notes", args.notes.clone().map(Value::from));
    put("symptoms", ratings("--symptom", &args.symptoms)?);
    put("hot_flush_count", num(&args.hot_flush_count));
    put(
        "custom_symptoms",
        ratings("--custom-symptom", &args.custom_symptoms)?,
    );
    put(
        "bleeding",
        args.bleeding
            .clone()
            .map(|flow| serde_json::json!({"flow": flow, "after_sex": args.after_sex})),
    );
    for (names, answer) in [(&args.no, false), (&args.yes, true)] {
        for name in names {
            let q = Question::from_name(name).ok_or_else(|| {
                CliError::Input(format!(
                    "{name}: is not a safety question (see `keel checkin --help`)"
                ))
            })?;
            m.insert(q.name().to_string(), Value::Bool(answer));
        }
    }
    if args.no_red_flags {
        for q in Question::ALL {
            m.entry(q.name().to_string()).or_insert(Value::Bool(false));
        }
    }
    Ok(Value::Object(m))
}

pub(crate) async fn checkin(args: CheckinArgs) -> Result<(), CliError> {
    let body = if args.json {
        read_stdin_json()?
    } else {
        flags_to_json(&args)?
    };
    let check_in = CheckIn::parse(&body, today())?;
    let store = open(&args.db).await?;
    let saved = store.record_check_in(LOCAL_USER, &check_in).await?;
    if args.json {
        output::json(&CheckInRecord::from_saved(saved));
    } else {
        output::saved(&saved);
        let date = saved.stored.check_in.date;
        if let Some(plan) = views::plan_for(&store, &Library::builtin(), LOCAL_USER, date).await? {
            output::plan(&plan);
        }
    }
    store.close().await;
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The day (YYYY-MM-DD) [default: today]
    #[arg(long)]
    pub date: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn plan(args: PlanArgs) -> Result<(), CliError> {
    let PlanArgs { db, date, json } = args;
    let date = parse_date_arg("date", date.as_deref())?.unwrap_or_else(today);
    let store = open(&db).await?;
    let plan = views::plan_for(&store, &Library::builtin(), LOCAL_USER, date)
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!("there is no check-in for {date} yet; record one with `keel checkin`")
        })?;
    store.close().await;
    output::show(json, &plan, output::plan);
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct AckArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The rule id, such as RF-NIGHT-PAIN
    pub rule: String,
    /// The day (YYYY-MM-DD) [default: today]
    #[arg(long)]
    pub date: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn ack(args: AckArgs) -> Result<(), CliError> {
    let AckArgs {
        db,
        rule,
        date,
        json,
    } = args;
    let mut body = serde_json::json!({ "rule": rule });
    if let Some(d) = date {
        body["date"] = Value::from(d);
    }
    let (rule, date) = keel_core::rules::parse_acknowledgement(&body, today())?;
    let store = open(&db).await?;
    let ack = store.acknowledge(LOCAL_USER, &rule, date).await?;
    store.close().await;
    if json {
        output::json(&views::AcknowledgementView::from(&ack));
    } else {
        println!(
            "Acknowledged {} on {}: Keel will not raise it as a new warning until after {}. It stays listed with your check-ins.",
            ack.rule, ack.acknowledged_on, ack.muted_until
        );
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct TriageArgs {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn triage(args: TriageArgs) -> Result<(), CliError> {
    let TriageArgs { json } = args;
    let body = read_stdin_json()?;
    let input = TriageInput::parse(&body, today())?;
    let result = triage::evaluate(&input);
    output::show(json, &result, output::triage);
    Ok(())
}
