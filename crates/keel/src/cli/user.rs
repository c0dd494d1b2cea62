//! `keel user`: accounts, and which account a data command works on.

use crate::cli::input::{CliError, open};
use crate::config::DatabaseArgs;
use crate::output;
use clap::Subcommand;
use keel_store::{LOCAL_USER, Store};

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

async fn run_user(db: DatabaseArgs, action: UserAction) -> Result<(), CliError> {
    use keel_app::accounts as auth;
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
pub(crate) async fn target_user(
    store: &Store,
    email: Option<&str>,
) -> Result<keel_store::UserId, CliError> {
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

#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(subcommand)]
    pub action: UserAction,
}

pub async fn user(args: UserArgs) -> Result<(), CliError> {
    run_user(args.db, args.action).await
}
