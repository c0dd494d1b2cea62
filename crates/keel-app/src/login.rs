//! Signing up and logging in, as the pages and the API both do them: who may sign up, the
//! rate limits that hold back password guessing, the security log, and a new session for
//! every log-in. Passwords are hashed and checked on a blocking thread.

use chrono::Duration;
use keel_core::ValidationErrors;
use keel_store::{Store, StoreError, UserId};

use crate::secret::hash_token;

/// Wrong passwords for one account from one address, in [`login_window`]: the guesser's limit.
pub const LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: i64 = 5;

/// Wrong passwords for one account from all addresses together, in [`login_account_window`]:
/// slower, so that a guesser with many addresses is held back too, while one who only knows
/// her email cannot lock her out with five tries.
pub const LOGIN_FAILURES_PER_ACCOUNT: i64 = 50;

/// Log-in attempts from one address, in [`login_window`].
pub const LOGIN_ATTEMPTS_PER_ADDRESS: i64 = 20;

/// Sign-ups from one address, in [`signup_window`].
pub const SIGNUPS_PER_ADDRESS: i64 = 5;

pub fn login_window() -> Duration {
    Duration::minutes(15)
}

pub fn login_account_window() -> Duration {
    Duration::hours(1)
}

pub fn signup_window() -> Duration {
    Duration::hours(1)
}

/// How long a session lasts from its log-in, however active.
pub fn session_lifetime() -> Duration {
    Duration::days(14)
}

/// Who may create an account once the first exists (the first is always allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupMode {
    Open,
    /// With an invitation code from an administrator.
    Invite,
    /// Only with `keel user add`.
    Closed,
}

/// What decides whether a sign-up may go ahead: this server's mode, and whether an account
/// exists yet.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub mode: SignupMode,
    pub accounts_exist: bool,
}

/// Why a valid attempt was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Sign-up is closed, or needs an invitation it did not have (the API's 403).
    Forbidden,
    /// The email has an account already (409).
    Taken,
    /// Email and password do not match an account (401).
    WrongCredentials,
}

/// What a log-in or sign-up attempt came to.
pub enum Outcome {
    /// In, with the new session's token (for her cookie only; its hash is stored).
    In(UserId, String),
    /// The request itself is not valid.
    Invalid(ValidationErrors),
    /// Valid, but refused as things stand, with the field to blame.
    Refused(Refusal, ValidationErrors),
    /// Too many attempts: try again after this long.
    Limited(Duration),
}

pub async fn sign_up(
    store: &Store,
    gate: Gate,
    addr: &str,
    email: &str,
    password: &str,
    invite: Option<&str>,
) -> Result<Outcome, StoreError> {
    if store
        .count_attempt(&format!("signup-ip:{addr}"), signup_window())
        .await?
        > SIGNUPS_PER_ADDRESS
    {
        return Ok(Outcome::Limited(signup_window()));
    }
    let email = match crate::accounts::validate_credentials(email, password) {
        Ok(e) => e,
        Err(e) => return Ok(Outcome::Invalid(e)),
    };
    if gate.mode != SignupMode::Open && gate.accounts_exist {
        if gate.mode == SignupMode::Closed {
            return Ok(Outcome::Refused(
                Refusal::Forbidden,
                ValidationErrors::single(
                    "email",
                    "sign-up is closed on this Keel; ask its administrator for an account",
                ),
            ));
        }
        let valid = match invite.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => store.use_invite(&hash_token(code)).await?,
            None => false,
        };
        if !valid {
            return Ok(Outcome::Refused(
                Refusal::Forbidden,
                ValidationErrors::single(
                    "invite",
                    "a valid, unused invitation code is needed to sign up here",
                ),
            ));
        }
    }
    let hash = crate::accounts::hash_password_apart(password)
        .await
        .map_err(StoreError::Other)?;
    match store.create_account(&email, &hash).await {
        Ok((user, first)) => {
            store
                .audit(
                    user,
                    "signup",
                    if first {
                        "first account: administrator, earlier local data kept"
                    } else {
                        "account created"
                    },
                )
                .await?;
            let token = start_session(store, user).await?;
            Ok(Outcome::In(user, token))
        }
        Err(StoreError::Conflict(_)) => Ok(Outcome::Refused(
            Refusal::Taken,
            ValidationErrors::single("email", "already has an account; log in instead"),
        )),
        Err(e) => Err(e),
    }
}

pub async fn log_in(
    store: &Store,
    addr: &str,
    email: &str,
    password: &str,
) -> Result<Outcome, StoreError> {
    let email = email.trim().to_lowercase();
    if let Some(problem) = keel_core::validate::text_problem(&email) {
        return Ok(Outcome::Invalid(ValidationErrors::single("email", problem)));
    }
    let account_key = format!("login-account:{email}");
    let pair_key = format!("login-account-address:{email} {addr}");
    if store
        .count_attempt(&format!("login-ip:{addr}"), login_window())
        .await?
        > LOGIN_ATTEMPTS_PER_ADDRESS
        || store.attempts(&pair_key, login_window()).await?
            >= LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
    {
        return Ok(Outcome::Limited(login_window()));
    }
    if store.attempts(&account_key, login_account_window()).await? >= LOGIN_FAILURES_PER_ACCOUNT {
        return Ok(Outcome::Limited(login_account_window()));
    }
    let found = store.account_by_email(&email).await?;
    // Verify against a real hash even for unknown emails, so timing does not reveal accounts.
    let ok = match &found {
        Some((_, hash, _)) => crate::accounts::verify_password_apart(password, hash).await,
        None => {
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let dummy = DUMMY.get_or_init(|| {
                crate::accounts::hash_password("not a real password").unwrap_or_default()
            });
            crate::accounts::verify_password_apart(password, dummy).await;
            false
        }
    };
    match (found, ok) {
        (Some((user, _, _)), true) => {
            store.clear_attempts(&pair_key).await?;
            store.audit(user, "login", &format!("from {addr}")).await?;
            let token = start_session(store, user).await?;
            Ok(Outcome::In(user, token))
        }
        (found, _) => {
            store.count_attempt(&pair_key, login_window()).await?;
            store
                .count_attempt(&account_key, login_account_window())
                .await?;
            if let Some((user, _, _)) = found {
                store
                    .audit(user, "login-failed", &format!("from {addr}"))
                    .await?;
            }
            Ok(Outcome::Refused(
                Refusal::WrongCredentials,
                ValidationErrors::single("password", "or email is not right: please try again"),
            ))
        }
    }
}

/// A new session id for every log-in: the old cookie, if any, never carries over.
async fn start_session(store: &Store, user: UserId) -> Result<String, StoreError> {
    let token = crate::secret::new_token();
    store
        .create_session(user, &hash_token(&token), session_lifetime())
        .await?;
    Ok(token)
}
