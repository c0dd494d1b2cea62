//! `keel desk` and `breaks`: the workstation check and the break timer.

use crate::cli::input::{CliError, open, read_stdin_json};
use crate::config::DatabaseArgs;
use crate::output;
use keel_core::Library;
use keel_store::LOCAL_USER;

async fn run_breaks(
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
    let settings = keel_app::desk::break_settings(&store, LOCAL_USER).await?;
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
        let now = keel_app::desk::local_now();
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

#[derive(Debug, clap::Args)]
pub struct DeskArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Assess the stored workstation answers instead of stdin
    #[arg(long)]
    pub stored: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn desk(args: DeskArgs) -> Result<(), CliError> {
    let DeskArgs { db, stored, json } = args;
    let input = if stored {
        let store = open(&db).await?;
        let d = keel_app::desk::desk_input(&store, LOCAL_USER).await?;
        store.close().await;
        d
    } else {
        keel_core::desk::DeskInput::parse(&read_stdin_json()?)?
    };
    let a = keel_core::desk::assess(&input);
    output::show(json, &a, output::desk);
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct BreaksArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Minutes between breaks [default: your break settings, or 30]
    #[arg(long)]
    pub interval: Option<u32>,
    /// Stop after this many breaks
    #[arg(long)]
    pub count: Option<u32>,
    /// Seconds between breaks, for trying it out
    #[arg(long, hide = true)]
    pub interval_seconds: Option<u64>,
}

pub async fn breaks(args: BreaksArgs) -> Result<(), CliError> {
    let BreaksArgs {
        db,
        interval,
        count,
        interval_seconds,
    } = args;
    run_breaks(db, interval, count, interval_seconds).await
}
