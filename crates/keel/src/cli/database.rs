//! `keel migrate` and `seed`: the database itself.

use crate::cli::input::{CliError, open, today};
use crate::config::{DatabaseArgs, redact};

#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
}

pub async fn migrate(args: MigrateArgs) -> Result<(), CliError> {
    let MigrateArgs { db } = args;
    let url = db.resolve()?;
    let store = open(&db).await?;
    store.close().await;
    println!("Database {} is up to date.", redact(&url));
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// How many users to create
    #[arg(long, default_value_t = 1000)]
    pub users: i64,
    /// Days of history each, ending today
    #[arg(long, default_value_t = 365)]
    pub days: i64,
    /// The first user id (the local user is 1)
    #[arg(long, default_value_t = 2)]
    pub first_user: i64,
    /// Also give each seeded user a personal API token that can write, and write the
    /// tokens to this new file (owner-only), one per line (for load tests that act as many
    /// users)
    #[arg(long)]
    pub tokens: Option<std::path::PathBuf>,
}

pub async fn seed(args: SeedArgs) -> Result<(), CliError> {
    let SeedArgs {
        db,
        users,
        days,
        first_user,
        tokens,
    } = args;
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
            let token = keel_app::secret::new_token();
            let hash = keel_app::secret::hash_token(&token);
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
