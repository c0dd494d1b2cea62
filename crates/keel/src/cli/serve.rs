//! `keel serve`: the web server, its request logs and a graceful stop on SIGTERM or Ctrl-C.

use crate::cli::input::{CliError, open};
use crate::config::{DatabaseArgs, redact};
use keel_core::Library;
use keel_web::AppState;
use std::net::SocketAddr;

async fn run_serve(
    db: DatabaseArgs,
    addr: SocketAddr,
    secure_cookies: bool,
    signup: &str,
    view_cache_mb: u64,
    phones: keel_web::safety::Phones,
) -> Result<(), CliError> {
    init_tracing();
    let url = db.resolve()?;
    tracing::info!(database = %redact(&url), %addr, "starting keel");
    let store = open(&db).await?;
    let mut state =
        AppState::new(store.clone(), Library::builtin(), AppState::local_today()).await?;
    state.secure_cookies = secure_cookies;
    state.phones = phones;
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

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on
    #[arg(long, env = "KEEL_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Mark cookies Secure: set this when Keel is served over HTTPS
    #[arg(long, env = "KEEL_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Who may sign up once the first account exists: open, invite (codes from an
    /// administrator) or closed (only `keel user add`)
    #[arg(long, env = "KEEL_SIGNUP", default_value = "open", value_parser = ["open", "invite", "closed"])]
    pub signup: String,
    /// Memory for kept plans, Today pages and journal spans, in MiB (about 70 KB for
    /// each user active at once; 0 keeps nothing, nor the histories kept between saves)
    #[arg(long, env = "KEEL_VIEW_CACHE_MB", default_value_t = 64)]
    pub view_cache_mb: u64,
    /// The local emergency number the pages offer to call on an emergency day
    #[arg(long, env = "KEEL_EMERGENCY_NUMBER", default_value = "999", value_parser = phone_number)]
    pub emergency_number: String,
    /// The local urgent-care line the pages offer to call after an urgent finding
    #[arg(long, env = "KEEL_URGENT_CARE_NUMBER", default_value = "111", value_parser = phone_number)]
    pub urgent_care_number: String,
}

/// A number to dial: digits, with spaces, hyphens and a leading + allowed (2 to 20 digits).
fn phone_number(s: &str) -> Result<String, String> {
    let s = s.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (c == '+' && i == 0));
    if allowed && (2..=20).contains(&digits) {
        Ok(s.to_string())
    } else {
        Err("must be a number to dial, like 999, 112 or +44 20 7946 0000".into())
    }
}

pub async fn serve(args: ServeArgs) -> Result<(), CliError> {
    let ServeArgs {
        db,
        addr,
        secure_cookies,
        signup,
        view_cache_mb,
        emergency_number,
        urgent_care_number,
    } = args;
    let phones = keel_web::safety::Phones {
        emergency: emergency_number,
        urgent: urgent_care_number,
    };
    run_serve(db, addr, secure_cookies, &signup, view_cache_mb, phones).await
}
