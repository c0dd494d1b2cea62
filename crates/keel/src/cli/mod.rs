//! The `keel` command line: the subcommands, one module per group, and what they share
//! (`input`: the errors and their exit codes, the database, reading flags, stdin and files).

use clap::{Parser, Subcommand};

mod activity;
mod bone;
mod checkin;
mod data;
mod database;
mod desk;
mod input;
mod period;
mod report;
mod serve;
mod stage;
mod user;

pub use input::CliError;

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
    Serve(serve::ServeArgs),
    /// Apply pending database migrations
    Migrate(database::MigrateArgs),
    /// Record today's check-in (or another day's, with --date)
    Checkin(Box<checkin::CheckinArgs>),
    /// Show the day type and plan for a day
    Plan(checkin::PlanArgs),
    /// Bone health: with --stored, the status of your saved record; otherwise the stateless
    /// assessment of the bone JSON on stdin (nothing stored)
    Bone(bone::BoneArgs),
    /// Log an exercise as done, with the actual dose, pain during it and effort
    Log(Box<activity::LogArgs>),
    /// This week's activity against the targets: 150 moderate minutes, 2 strength days, a daily hip flexor stretch
    Week(activity::WeekArgs),
    /// Workstation check: with --stored, your saved answers; otherwise the answers as JSON on
    /// stdin (nothing stored)
    Desk(desk::DeskArgs),
    /// A break countdown in the terminal: a bell at each break, each break logged; Ctrl-C stops
    Breaks(desk::BreaksArgs),
    /// The clinician report for a period, as a PDF
    Report(report::ReportArgs),
    /// Export everything of one person's: json (imports back), csv (zip) or fhir
    Export(data::ExportArgs),
    /// Replace one person's data with a Keel JSON export, in one transaction
    Import(data::ImportArgs),
    /// Import check-ins from another tracker's CSV file, all or nothing
    ImportCsv(data::ImportCsvArgs),
    /// A consistent copy of the SQLite database, safe while the server runs
    Backup(data::BackupArgs),
    /// Put a backup back in place of the database, after checking it (stop the server first)
    Restore(data::RestoreArgs),
    /// Manage accounts: add, list, reset-password, delete
    User(user::UserArgs),
    /// Fill a database with synthetic daily history in bulk, for benchmarks and scale tests
    Seed(database::SeedArgs),
    /// Acknowledge a non-emergency finding ("I have seen a clinician about this"); mutes it for 14 days
    Ack(checkin::AckArgs),
    /// Stateless red-flag triage: reads the triage JSON on stdin, stores nothing
    Triage(checkin::TriageArgs),
    /// Stateless perimenopause stage from a bleeding log: reads the stage JSON on stdin, stores nothing
    Stage(stage::StageArgs),
    /// Your bleeding log and stage: add a past period, log a day, remove, list, stage
    Period(period::PeriodArgs),
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Migrate(args) => database::migrate(args).await,
        Command::Checkin(args) => checkin::checkin(*args).await,
        Command::Plan(args) => checkin::plan(args).await,
        Command::Bone(args) => bone::bone(args).await,
        Command::Log(args) => activity::log(*args).await,
        Command::Week(args) => activity::week(args).await,
        Command::Desk(args) => desk::desk(args).await,
        Command::Breaks(args) => desk::breaks(args).await,
        Command::Report(args) => report::report(args).await,
        Command::Export(args) => data::export(args).await,
        Command::Import(args) => data::import(args).await,
        Command::ImportCsv(args) => data::import_csv(args).await,
        Command::Backup(args) => data::backup(args).await,
        Command::Restore(args) => data::restore(args).await,
        Command::User(args) => user::user(args).await,
        Command::Seed(args) => database::seed(args).await,
        Command::Ack(args) => checkin::ack(args).await,
        Command::Triage(args) => checkin::triage(args).await,
        Command::Stage(args) => stage::stage(args).await,
        Command::Period(args) => period::period(args).await,
    }
}
