//! `keel export`, `import`, `import-csv`, `backup` and `restore`: her data in and out.

use crate::cli::input::{CliError, json_input, open, today};
use crate::cli::user::target_user;
use crate::config::DatabaseArgs;
use keel_core::Library;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[arg(long, default_value = "json", value_parser = ["json", "csv", "fhir"])]
    pub format: String,
    /// The account's email [default: the local user, when there are no accounts]
    #[arg(long)]
    pub user: Option<String>,
    /// Where to write it
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: std::path::PathBuf,
}

pub async fn export(args: ExportArgs) -> Result<(), CliError> {
    let ExportArgs {
        db,
        format,
        user,
        output,
    } = args;
    let store = open(&db).await?;
    let id = target_user(&store, user.as_deref()).await?;
    let library = Library::builtin();
    let started = std::time::Instant::now();
    let kind = keel_app::export::Format::from_name(&format)
        .ok_or_else(|| CliError::Input("format: must be json, csv or fhir".into()))?;
    let data =
        keel_app::export::read_for_export(&store, &library, id, kind, "via keel export").await;
    store.close().await;
    let data = data?;
    let stamp = keel_app::export::now_stamp();
    let bytes = keel_app::export::render(&data, kind, &stamp).map_err(|e| anyhow::anyhow!(e))?;
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

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The export file
    pub file: std::path::PathBuf,
    /// The account's email [default: the local user, when there are no accounts]
    #[arg(long)]
    pub user: Option<String>,
}

pub async fn import(args: ImportArgs) -> Result<(), CliError> {
    let ImportArgs { db, file, user } = args;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| CliError::Input(format!("file: cannot read {}: {e}", file.display())))?;
    let value = json_input(&text, "file")?;
    let library = Library::builtin();
    let store = open(&db).await?;
    let id = target_user(&store, user.as_deref()).await?;
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("importing in one transaction...");
    }
    let imported =
        keel_app::import::import_export(&store, &library, id, &value, today(), "via keel import")
            .await;
    store.close().await;
    let imported = imported?;
    println!(
        "Imported {} check-ins, {} activities and {} questionnaire answers.",
        imported.check_ins, imported.activities, imported.questionnaires
    );
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct ImportCsvArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The CSV file (with a header row)
    pub file: std::path::PathBuf,
    /// Keel field = column header, repeatable: --map date=Day --map pain="Pain level"
    #[arg(long = "map", value_name = "FIELD=COLUMN", required = true)]
    pub map: Vec<String>,
    /// How the file writes dates (chrono format)
    #[arg(long, default_value = "%Y-%m-%d")]
    pub date_format: String,
    /// Report what would be imported and what is refused, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The account's email [default: the local user, when there are no accounts]
    #[arg(long)]
    pub user: Option<String>,
}

pub async fn import_csv(args: ImportCsvArgs) -> Result<(), CliError> {
    let ImportCsvArgs {
        db,
        file,
        map,
        date_format,
        dry_run,
        user,
    } = args;
    let mut mapping = std::collections::BTreeMap::new();
    for pair in &map {
        let (field, column) = pair
            .split_once('=')
            .ok_or_else(|| CliError::Input(format!("map: \"{pair}\" should be FIELD=COLUMN")))?;
        mapping.insert(field.trim().to_string(), column.trim().to_string());
    }
    let text = std::fs::read_to_string(&file)
        .map_err(|e| CliError::Input(format!("file: cannot read {}: {e}", file.display())))?;
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut report =
        keel_app::import::csv::check_with_progress(&text, &mapping, &date_format, today(), |n| {
            if tty {
                eprint!("\rchecked {n} rows");
            }
        })?;
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
    let saved = keel_app::import::csv::save(&store, id, &mut report, "via keel import-csv").await;
    store.close().await;
    let n = saved?;
    println!("Imported {n} check-ins.");
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Where to write the copy (must not exist)
    pub file: std::path::PathBuf,
}

pub async fn backup(args: BackupArgs) -> Result<(), CliError> {
    let BackupArgs { db, file } = args;
    let store = open(&db).await?;
    store.backup_to(&file).await?;
    store.close().await;
    let n = keel_store::verify_backup(&file).await?;
    println!("Backed up to {} ({n} check-ins), checked.", file.display());
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The backup file
    pub file: std::path::PathBuf,
}

pub async fn restore(args: RestoreArgs) -> Result<(), CliError> {
    let RestoreArgs { db, file } = args;
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
