//! Subcommands. Bad input exits 2 with the field named; other failures exit 1.

use std::io::Read;
use std::net::SocketAddr;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use keel_core::bone::{self, BoneInput};
use keel_core::rules::Question;
use keel_core::triage::{self, TriageInput};
use keel_core::{CheckIn, Library, ValidationErrors};
use keel_store::{LOCAL_USER, Store};
use keel_web::AppState;
use keel_web::views::{self, CheckInRecord};
use serde_json::{Map, Value};

use crate::config::{DatabaseArgs, redact};
use crate::output;

#[derive(Debug, Parser)]
#[command(
    name = "keel",
    version,
    about = "Keel: a self-hosted companion for back pain, posture and bone health through perimenopause."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app and API
    Serve {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Address to listen on
        #[arg(long, env = "KEEL_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Mark cookies Secure: set this when Keel is served over HTTPS
        #[arg(long, env = "KEEL_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Who may sign up once the first account exists: open, invite (codes from an
        /// administrator) or closed (only `keel user add`)
        #[arg(long, env = "KEEL_SIGNUP", default_value = "open", value_parser = ["open", "invite", "closed"])]
        signup: String,
        /// Memory for kept plans, Today pages and journal spans, in MiB (about 70 KB for
        /// each user active at once; 0 keeps nothing, nor the histories kept between saves)
        #[arg(long, env = "KEEL_VIEW_CACHE_MB", default_value_t = 64)]
        view_cache_mb: u64,
    },
    /// Apply pending database migrations
    Migrate {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Record today's check-in (or another day's, with --date)
    Checkin(Box<CheckinArgs>),
    /// Show the day type and plan for a day
    Plan {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The day (YYYY-MM-DD) [default: today]
        #[arg(long)]
        date: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Bone health: with --stored, the status of your saved record; otherwise the stateless
    /// assessment of the bone JSON on stdin (nothing stored)
    Bone {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Assess the stored profile, heights and DEXA results instead of stdin
        #[arg(long)]
        stored: bool,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Log an exercise as done, with the actual dose, pain during it and effort
    Log(Box<LogArgs>),
    /// This week's activity against the targets: 150 moderate minutes, 2 strength days, a daily hip flexor stretch
    Week {
        #[command(flatten)]
        db: DatabaseArgs,
        /// A day in the week (YYYY-MM-DD) [default: today]
        #[arg(long)]
        date: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Workstation check: with --stored, your saved answers; otherwise the answers as JSON on
    /// stdin (nothing stored)
    Desk {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Assess the stored workstation answers instead of stdin
        #[arg(long)]
        stored: bool,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// A break countdown in the terminal: a bell at each break, each break logged; Ctrl-C stops
    Breaks {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Minutes between breaks [default: your break settings, or 30]
        #[arg(long)]
        interval: Option<u32>,
        /// Stop after this many breaks
        #[arg(long)]
        count: Option<u32>,
        /// Seconds between breaks, for trying it out
        #[arg(long, hide = true)]
        interval_seconds: Option<u64>,
    },
    /// The clinician report for a period, as a PDF
    Report {
        #[command(flatten)]
        db: DatabaseArgs,
        /// First day (YYYY-MM-DD) [default: 90 days before --to]
        #[arg(long)]
        from: Option<String>,
        /// Last day (YYYY-MM-DD) [default: today]
        #[arg(long)]
        to: Option<String>,
        /// Where to write the PDF
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: std::path::PathBuf,
    },
    /// Export everything of one person's: json (imports back), csv (zip) or fhir
    Export {
        #[command(flatten)]
        db: DatabaseArgs,
        #[arg(long, default_value = "json", value_parser = ["json", "csv", "fhir"])]
        format: String,
        /// The account's email [default: the local user, when there are no accounts]
        #[arg(long)]
        user: Option<String>,
        /// Where to write it
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: std::path::PathBuf,
    },
    /// Replace one person's data with a Keel JSON export, in one transaction
    Import {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The export file
        file: std::path::PathBuf,
        /// The account's email [default: the local user, when there are no accounts]
        #[arg(long)]
        user: Option<String>,
    },
    /// Import check-ins from another tracker's CSV file, all or nothing
    ImportCsv {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The CSV file (with a header row)
        file: std::path::PathBuf,
        /// Keel field = column header, repeatable: --map date=Day --map pain="Pain level"
        #[arg(long = "map", value_name = "FIELD=COLUMN", required = true)]
        map: Vec<String>,
        /// How the file writes dates (chrono format)
        #[arg(long, default_value = "%Y-%m-%d")]
        date_format: String,
        /// Report what would be imported and what is refused, and change nothing
        #[arg(long)]
        dry_run: bool,
        /// The account's email [default: the local user, when there are no accounts]
        #[arg(long)]
        user: Option<String>,
    },
    /// A consistent copy of the SQLite database, safe while the server runs
    Backup {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Where to write the copy (must not exist)
        file: std::path::PathBuf,
    },
    /// Put a backup back in place of the database, after checking it (stop the server first)
    Restore {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The backup file
        file: std::path::PathBuf,
    },
    /// Manage accounts: add, list, reset-password, delete
    User {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(subcommand)]
        action: UserAction,
    },
    /// Fill a database with synthetic daily history in bulk, for benchmarks and scale tests
    Seed {
        #[command(flatten)]
        db: DatabaseArgs,
        /// How many users to create
        #[arg(long, default_value_t = 1000)]
        users: i64,
        /// Days of history each, ending today
        #[arg(long, default_value_t = 365)]
        days: i64,
        /// The first user id (the local user is 1)
        #[arg(long, default_value_t = 2)]
        first_user: i64,
        /// Also give each seeded user a personal API token that can write, and write the
        /// tokens to this new file (owner-only), one per line (for load tests that act as many
        /// users)
        #[arg(long)]
        tokens: Option<std::path::PathBuf>,
    },
    /// Acknowledge a non-emergency finding ("I have seen a clinician about this"); mutes it for 14 days
    Ack {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The rule id, such as RF-NIGHT-PAIN
        rule: String,
        /// The day (YYYY-MM-DD) [default: today]
        #[arg(long)]
        date: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Stateless red-flag triage: reads the triage JSON on stdin, stores nothing
    Triage {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

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
}

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

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Create an account; the password is read from the first line of stdin
    Add { email: String },
    /// List accounts
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set a new password (first line of stdin) and end the account's sessions
    ResetPassword { email: String },
    /// Delete an account and all of its data
    Delete {
        email: String,
        /// Confirm: the deletion cannot be undone
        #[arg(long)]
        yes: bool,
    },
}

fn read_password() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| CliError::Input(format!("password: cannot read standard input: {e}")))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

async fn user(db: DatabaseArgs, action: UserAction) -> Result<(), CliError> {
    use keel_web::auth;
    let store = open(&db).await?;
    let find = |email: &str| email.trim().to_lowercase();
    match action {
        UserAction::Add { email } => {
            let password = read_password()?;
            let email = auth::validate_credentials(&email, &password)?;
            let hash = auth::hash_password(&password).map_err(|e| anyhow::anyhow!(e))?;
            match store.create_account(&email, &hash).await {
                Ok((id, first)) => {
                    store
                        .audit(id, "signup", "created with keel user add")
                        .await?;
                    println!(
                        "Created {email}{}.",
                        if first {
                            " (administrator; earlier local data is now hers)"
                        } else {
                            ""
                        }
                    );
                }
                Err(keel_store::StoreError::Conflict(_)) => {
                    return Err(CliError::Input(format!(
                        "email: {email} already has an account"
                    )));
                }
                Err(e) => return Err(e.into()),
            }
        }
        UserAction::List { json } => {
            let accounts = store.accounts().await?;
            if json {
                output::json(&accounts);
            } else if accounts.is_empty() {
                println!("No accounts: Keel runs as one local user.");
            } else {
                for a in accounts {
                    println!("{}  {}  since {}", a.email, a.role, a.created_at);
                }
            }
        }
        UserAction::ResetPassword { email } => {
            let password = read_password()?;
            auth::validate_credentials("x@example.org", &password)?;
            let (id, _, _) = store
                .account_by_email(&find(&email))
                .await?
                .ok_or_else(|| CliError::Input(format!("email: no account for {email}")))?;
            store
                .set_password(
                    id,
                    &auth::hash_password(&password).map_err(|e| anyhow::anyhow!(e))?,
                )
                .await?;
            store
                .audit(
                    id,
                    "password-reset",
                    "by keel user reset-password; all sessions ended, all personal tokens revoked",
                )
                .await?;
            println!(
                "Password for {email} changed; every session of the account has ended and every personal token is revoked."
            );
        }
        UserAction::Delete { email, yes } => {
            if !yes {
                return Err(CliError::Input(
                    "yes: add --yes to confirm; this deletes the account and all of its data"
                        .into(),
                ));
            }
            let (id, _, _) = store
                .account_by_email(&find(&email))
                .await?
                .ok_or_else(|| CliError::Input(format!("email: no account for {email}")))?;
            store.delete_account(id).await?;
            println!("Deleted {email} and all of its data.");
        }
    }
    store.close().await;
    Ok(())
}

/// The user an export or import is for: the named account, or the local user while there
/// are no accounts.
async fn target_user(store: &Store, email: Option<&str>) -> Result<keel_store::UserId, CliError> {
    match email {
        Some(e) => store
            .account_by_email(&e.trim().to_lowercase())
            .await?
            .map(|(id, _, _)| id)
            .ok_or_else(|| CliError::Input(format!("user: no account for {e}"))),
        None if store.accounts_exist().await? => Err(CliError::Input(
            "user: this Keel has accounts; name one with --user EMAIL".into(),
        )),
        None => Ok(LOCAL_USER),
    }
}

async fn data_commands(cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Export {
            db,
            format,
            user,
            output,
        } => {
            let store = open(&db).await?;
            let id = target_user(&store, user.as_deref()).await?;
            let library = Library::builtin();
            let started = std::time::Instant::now();
            let data = store.user_data(id, &library).await?;
            store
                .audit(id, "export", &format!("{format} via keel export"))
                .await
                .ok();
            store.close().await;
            let stamp = keel_web::export::now_stamp();
            let bytes = match format.as_str() {
                "csv" => keel_web::export::to_csv_zip(&data).map_err(|e| anyhow::anyhow!(e))?,
                "fhir" => serde_json::to_vec_pretty(&keel_web::export::to_fhir(&data, &stamp))
                    .map_err(anyhow::Error::from)?,
                _ => serde_json::to_vec_pretty(&keel_web::export::to_json(&data, &stamp))
                    .map_err(anyhow::Error::from)?,
            };
            std::fs::write(&output, bytes)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
            println!(
                "Exported {} check-ins as {format} to {} in {:.2} s.",
                data.check_ins.len(),
                output.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import { db, file, user } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                CliError::Input(format!("file: cannot read {}: {e}", file.display()))
            })?;
            let value = json_input(&text, "file")?;
            let library = Library::builtin();
            let data = keel_web::export::parse(&value, &library, today())?;
            let store = open(&db).await?;
            let id = target_user(&store, user.as_deref()).await?;
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                eprintln!(
                    "importing {} check-ins, {} activities in one transaction...",
                    data.check_ins.len(),
                    data.activities.len()
                );
            }
            store.replace_user_data(id, &data).await?;
            store
                .audit(
                    id,
                    "import",
                    &format!("{} check-ins via keel import", data.check_ins.len()),
                )
                .await
                .ok();
            store.close().await;
            println!(
                "Imported {} check-ins, {} activities and {} questionnaire answers.",
                data.check_ins.len(),
                data.activities.len(),
                data.responses.len()
            );
            Ok(())
        }
        Command::ImportCsv {
            db,
            file,
            map,
            date_format,
            dry_run,
            user,
        } => {
            let mut mapping = std::collections::BTreeMap::new();
            for pair in &map {
                let (field, column) = pair.split_once('=').ok_or_else(|| {
                    CliError::Input(format!("map: \"{pair}\" should be FIELD=COLUMN"))
                })?;
                mapping.insert(field.trim().to_string(), column.trim().to_string());
            }
            let text = std::fs::read_to_string(&file).map_err(|e| {
                CliError::Input(format!("file: cannot read {}: {e}", file.display()))
            })?;
            let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let report = keel_web::csv_import::check_with_progress(
                &text,
                &mapping,
                &date_format,
                today(),
                |n| {
                    if tty {
                        eprint!("\rchecked {n} rows");
                    }
                },
            )?;
            if tty && report.rows >= 1000 {
                eprintln!();
            }
            for r in &report.rejected {
                let why: Vec<String> = r
                    .errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect();
                eprintln!("line {}: {}", r.line, why.join("; "));
            }
            let unlisted = report.rejected_count - report.rejected.len();
            if unlisted > 0 {
                eprintln!(
                    "... and {unlisted} more refused rows (only the first {} are listed)",
                    report.rejected.len()
                );
            }
            println!(
                "{} rows: {} can be imported, {} refused.",
                report.rows, report.valid, report.rejected_count
            );
            if dry_run {
                println!("Dry run: nothing was changed.");
                return Ok(());
            }
            if report.rejected_count > 0 {
                return Err(CliError::Input("file: some rows are refused (listed above); fix them, or drop them, then import again. Nothing was imported.".into()));
            }
            let store = open(&db).await?;
            let id = target_user(&store, user.as_deref()).await?;
            let n = store.import_check_ins(id, &report.check_ins).await?;
            store
                .audit(id, "import", &format!("{n} check-ins from CSV"))
                .await
                .ok();
            store.close().await;
            println!("Imported {n} check-ins.");
            Ok(())
        }
        Command::Backup { db, file } => {
            let store = open(&db).await?;
            store.backup_to(&file).await?;
            store.close().await;
            let n = keel_store::verify_backup(&file).await?;
            println!("Backed up to {} ({n} check-ins), checked.", file.display());
            Ok(())
        }
        Command::Restore { db, file } => {
            let url = db.resolve()?;
            if url.starts_with("postgres") {
                return Err(CliError::Input(
                    "database: restore works on SQLite files; use pg_restore for PostgreSQL".into(),
                ));
            }
            let target = std::path::PathBuf::from(
                url.trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:"),
            );
            let n = match keel_store::restore_sqlite(&file, &target).await {
                Ok(n) => n,
                Err(e @ keel_store::StoreError::Corrupt(_)) => {
                    return Err(CliError::Input(format!("file: {e}")));
                }
                Err(keel_store::StoreError::Conflict(busy)) => {
                    return Err(CliError::Other(anyhow::anyhow!(
                        "nothing was restored: {busy}"
                    )));
                }
                Err(e) => return Err(e.into()),
            };
            let store = open(&db).await?;
            store.close().await;
            println!(
                "Restored {} from {} ({n} check-ins).",
                target.display(),
                file.display()
            );
            Ok(())
        }
        _ => unreachable!("data_commands handles only export, import, backup and restore"),
    }
}

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

impl From<keel_store::StoreError> for CliError {
    fn from(e: keel_store::StoreError) -> Self {
        CliError::Other(e.into())
    }
}

fn today() -> NaiveDate {
    keel_web::clock::local_today()
}

async fn open(db: &DatabaseArgs) -> Result<Store, CliError> {
    let url = db.resolve()?;
    Store::open(&url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", redact(&url)).into())
}

fn read_stdin_json() -> Result<Value, CliError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::Input(format!("cannot read standard input: {e}")))?;
    json_input(&text, "body")
}

/// JSON given on stdin or in a file (`what`), read as the API reads a body.
fn json_input(text: &str, what: &str) -> Result<Value, CliError> {
    keel_core::json::parse(text.as_bytes()).map_err(|e| match e {
        keel_core::json::JsonError::Malformed(e) => {
            CliError::Input(format!("{what}: not well-formed JSON: {e}"))
        }
        keel_core::json::JsonError::Invalid(e) => e.into(),
    })
}

fn parse_date_arg(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, CliError> {
    value
        .map(|s| {
            keel_core::validate::parse_date(s).ok_or_else(|| {
                CliError::Input(format!("{field}: must be a date written YYYY-MM-DD"))
            })
        })
        .transpose()
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve {
            db,
            addr,
            secure_cookies,
            signup,
            view_cache_mb,
        } => serve(db, addr, secure_cookies, &signup, view_cache_mb).await,
        Command::Migrate { db } => {
            let url = db.resolve()?;
            let store = open(&db).await?;
            store.close().await;
            println!("Database {} is up to date.", redact(&url));
            Ok(())
        }
        Command::Checkin(args) => checkin(*args).await,
        Command::Plan { db, date, json } => {
            let date = parse_date_arg("date", date.as_deref())?.unwrap_or_else(today);
            let store = open(&db).await?;
            let plan = views::plan_for(&store, &Library::builtin(), LOCAL_USER, date)
                .await?
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "there is no check-in for {date} yet; record one with `keel checkin`"
                    )
                })?;
            store.close().await;
            output::show(json, &plan, output::plan);
            Ok(())
        }
        Command::Bone { db, stored, json } => {
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
        Command::Seed {
            db,
            users,
            days,
            first_user,
            tokens,
        } => {
            if users < 0 || !(1..=3660).contains(&days) || first_user < 1 {
                return Err(CliError::Input(
                    "users: must be 0 or more; days: 1 to 3660; first-user: 1 or more".into(),
                ));
            }
            // Bearer secrets: a new file, readable by its owner only, opened before anything
            // is written so that a refused file leaves the database as it was.
            let token_file = match tokens {
                Some(path) => {
                    let mut options = std::fs::OpenOptions::new();
                    options.write(true).create_new(true);
                    #[cfg(unix)]
                    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                    let file = options.open(&path).map_err(|e| {
                        CliError::Input(format!("tokens: cannot create {}: {e}", path.display()))
                    })?;
                    Some((path, file))
                }
                None => None,
            };
            let store = open(&db).await?;
            let started = std::time::Instant::now();
            // Drawn on standard error only when it is a terminal.
            let bar = indicatif::ProgressBar::new(users as u64).with_style(
                indicatif::ProgressStyle::with_template(
                    "seeding {bar:30} {pos}/{len} users, {per_sec}, {eta} left",
                )
                .expect("a valid progress template"),
            );
            let rows = store
                .seed(first_user, users, days, today(), |done| {
                    bar.set_position(done as u64)
                })
                .await?;
            bar.finish_and_clear();
            let secs = started.elapsed().as_secs_f64();
            if let Some((path, mut file)) = token_file {
                let mut lines = String::new();
                for user in first_user..first_user + users {
                    let token = keel_web::secret::new_token();
                    let hash = keel_web::secret::hash_token(&token);
                    store
                        .create_token(keel_store::UserId(user), "load test", &hash, "write")
                        .await?;
                    lines.push_str(&token);
                    lines.push('\n');
                }
                std::io::Write::write_all(&mut file, lines.as_bytes())
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            }
            store.close().await;
            println!(
                "Seeded {users} users x {days} days: {rows} check-ins in {secs:.1} s ({:.0} rows/s).",
                rows as f64 / secs.max(1e-9)
            );
            Ok(())
        }
        Command::Desk { db, stored, json } => {
            let input = if stored {
                let store = open(&db).await?;
                let d = keel_web::desk_page::desk_input(&store, LOCAL_USER).await?;
                store.close().await;
                d
            } else {
                keel_core::desk::DeskInput::parse(&read_stdin_json()?)?
            };
            let a = keel_core::desk::assess(&input);
            output::show(json, &a, output::desk);
            Ok(())
        }
        Command::Breaks {
            db,
            interval,
            count,
            interval_seconds,
        } => breaks(db, interval, count, interval_seconds).await,
        Command::Report {
            db,
            from,
            to,
            output,
        } => {
            let (from, to) =
                keel_web::report::parse_period(from.as_deref(), to.as_deref(), today())?;
            let store = open(&db).await?;
            let data = keel_web::report::gather(&store, LOCAL_USER, from, to).await?;
            store.close().await;
            let bytes = keel_web::report::pdf_report(&data)
                .map_err(|e| anyhow::anyhow!("cannot render the report: {e}"))?;
            std::fs::write(&output, bytes)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
            println!("Report for {from} to {to} written to {}.", output.display());
            Ok(())
        }
        Command::User { db, action } => user(db, action).await,
        cmd @ (Command::Export { .. }
        | Command::Import { .. }
        | Command::ImportCsv { .. }
        | Command::Backup { .. }
        | Command::Restore { .. }) => data_commands(cmd).await,
        Command::Log(args) => log(*args).await,
        Command::Week { db, date, json } => {
            let date = parse_date_arg("date", date.as_deref())?.unwrap_or_else(today);
            let store = open(&db).await?;
            let week = views::week_for(&store, LOCAL_USER, date).await?;
            store.close().await;
            output::show(json, &week, output::week);
            Ok(())
        }
        Command::Ack {
            db,
            rule,
            date,
            json,
        } => {
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
        Command::Triage { json } => {
            let body = read_stdin_json()?;
            let input = TriageInput::parse(&body, today())?;
            let result = triage::evaluate(&input);
            output::show(json, &result, output::triage);
            Ok(())
        }
    }
}

/// A number given as a flag, read as a form's field is: a finite number, or the text itself for
/// the validator to refuse with the field named (`NaN`, `inf`, `1e309`, words).
fn num(flag: &Option<String>) -> Option<Value> {
    flag.as_deref().map(keel_core::validate::number_from_text)
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

async fn checkin(args: CheckinArgs) -> Result<(), CliError> {
    let body = if args.json {
        read_stdin_json()?
    } else {
        flags_to_json(&args)?
    };
    let check_in = CheckIn::parse(&body, today())?;
    let store = open(&args.db).await?;
    let saved = store.record_check_in(LOCAL_USER, &check_in).await?;
    if args.json {
        output::json(&CheckInRecord::from_saved(&saved));
    } else {
        output::saved(&saved);
        let plan =
            views::plan_for_stored(&store, &Library::builtin(), LOCAL_USER, &saved.stored).await?;
        output::plan(&plan);
    }
    store.close().await;
    Ok(())
}

async fn log(args: LogArgs) -> Result<(), CliError> {
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
    let today = today();
    let on = body
        .get("date")
        .and_then(Value::as_str)
        .and_then(keel_core::validate::parse_date)
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let store = open(&args.db).await?;
    let levels = views::levels_on(&store, &library, LOCAL_USER, on).await?;
    let activity = keel_core::activity::Activity::parse(&body, today, &library, |f| {
        levels
            .iter()
            .find(|l| l.family == f)
            .map(|l| l.level)
            .unwrap_or(1)
    })?;
    let replaced = store.log_activity(LOCAL_USER, &activity).await?;
    store.close().await;
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

async fn breaks(
    db: DatabaseArgs,
    interval: Option<u32>,
    count: Option<u32>,
    interval_seconds: Option<u64>,
) -> Result<(), CliError> {
    use std::io::Write;
    use std::time::Duration as StdDuration;
    if interval.is_some_and(|m| !(1..=240).contains(&m)) {
        return Err(CliError::Input(
            "interval: must be a whole number of minutes from 1 to 240".into(),
        ));
    }
    let store = open(&db).await?;
    let settings = keel_web::desk_page::break_settings(&store, LOCAL_USER).await?;
    let every = StdDuration::from_secs(
        interval_seconds.unwrap_or(u64::from(interval.unwrap_or(settings.interval_minutes)) * 60),
    );
    let library = Library::builtin();
    let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
    println!(
        "Break every {} min {} s. Ctrl-C to stop.",
        every.as_secs() / 60,
        every.as_secs() % 60
    );
    let mut taken = 0u32;
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    'outer: loop {
        let due = tokio::time::Instant::now() + every;
        loop {
            let left = due.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                break;
            }
            if tty {
                print!(
                    "\rNext break in {:02}:{:02} ",
                    left.as_secs() / 60,
                    left.as_secs() % 60
                );
                let _ = std::io::stdout().flush();
            }
            tokio::select! {
                _ = &mut stop => break 'outer,
                _ = tokio::time::sleep(left.min(StdDuration::from_secs(1))) => {}
            }
        }
        let now = keel_web::desk_page::local_now();
        let today_count = store
            .breaks(LOCAL_USER, now.date(), now.date())
            .await?
            .len();
        let routine = keel_core::desk::break_routine(&library, today_count);
        let at = store
            .log_break(
                LOCAL_USER,
                &keel_store::BreakTaken {
                    taken_at: now,
                    minutes: keel_core::desk::BREAK_MINUTES,
                    exercise_id: routine.as_ref().map(|r| r.exercise_id.clone()),
                },
            )
            .await?;
        taken += 1;
        // The bell, then what to do.
        print!(
            "{}\x07Break time ({}): stand up and move for 2 minutes.",
            if tty { "\r" } else { "" },
            at.format("%H:%M")
        );
        if let Some(r) = routine {
            println!(" Try: {}.", r.name);
            for c in r.cues {
                println!("  - {c}");
            }
        } else {
            println!();
        }
        let _ = std::io::stdout().flush();
        if count.is_some_and(|c| taken >= c) {
            break;
        }
    }
    store.close().await;
    println!(
        "\nStopped. {taken} break{} logged.",
        if taken == 1 { "" } else { "s" }
    );
    Ok(())
}

async fn serve(
    db: DatabaseArgs,
    addr: SocketAddr,
    secure_cookies: bool,
    signup: &str,
    view_cache_mb: u64,
) -> Result<(), CliError> {
    init_tracing();
    let url = db.resolve()?;
    tracing::info!(database = %redact(&url), %addr, "starting keel");
    let mut store = open(&db).await?;
    if view_cache_mb == 0 {
        // Nothing kept between requests: no views, and no histories between saves either.
        store.keep_histories(0);
    }
    let mut state =
        AppState::new(store.clone(), Library::builtin(), AppState::local_today()).await?;
    state.secure_cookies = secure_cookies;
    state.keep_views(view_cache_mb.saturating_mul(1024 * 1024));
    state.signup = match signup {
        "invite" => keel_web::SignupMode::Invite,
        "closed" => keel_web::SignupMode::Closed,
        _ => keel_web::SignupMode::Open,
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(anyhow::Error::from)?;
    // One line on stdout that tests and people can read: where Keel is.
    println!("Keel is running at http://{local}/");
    axum::serve(
        listener,
        keel_web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(anyhow::Error::from)?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
