//! Accounts: the rules for credentials and token names, and password hashing (argon2id, off
//! the async threads).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use keel_core::ValidationErrors;
use keel_store::{ApiToken, Store, StoreError, UserId};

/// Longest name of an API token.
pub const TOKEN_NAME_MAX_CHARS: usize = 60;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// argon2id, version 19, m = 19 MiB, t = 2, p = 1: the crate's defaults, which are OWASP's
/// recommended minimum.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// [`hash_password`] on a blocking thread: argon2id takes tens of milliseconds of CPU, which
/// must not hold an async worker (and every request queued behind it).
pub async fn hash_password_apart(password: &str) -> Result<String, String> {
    let password = password.to_string();
    crate::apart(move || hash_password(&password)).await
}

/// [`verify_password`] on a blocking thread (see [`hash_password_apart`]).
pub async fn verify_password_apart(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    crate::apart(move || Ok(verify_password(&password, &hash)))
        .await
        .unwrap_or(false)
}

/// Checks an email and password for sign-up, naming the field at fault.
pub fn validate_credentials(email: &str, password: &str) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let email = email.trim().to_lowercase();
    let plausible = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if let Some(problem) = keel_core::validate::text_problem(&email) {
        errors.add("email", problem);
    } else if !plausible {
        errors.add("email", "must be an email address, like name@example.org");
    }
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        errors.add(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        );
    } else if n > MAX_PASSWORD_CHARS {
        errors.add(
            "password",
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        );
    } else if password.chars().any(char::is_control) {
        errors.add(
            "password",
            "must not contain control characters (tabs, line breaks, NUL)",
        );
    }
    errors.into_result(|| email)
}

/// Changes her password after checking the current one: every session ends and every
/// personal token is revoked. The outer error is the store's, the inner one names the field.
pub async fn change_password(
    store: &Store,
    user: UserId,
    current: &str,
    new: &str,
) -> Result<Result<(), ValidationErrors>, StoreError> {
    let Some(hash) = store.password_hash(user).await? else {
        return Ok(Err(ValidationErrors::single(
            "current",
            "this account has no password yet",
        )));
    };
    if !verify_password_apart(current, &hash).await {
        return Ok(Err(ValidationErrors::single(
            "current",
            "is not your current password",
        )));
    }
    if let Err(e) = validate_credentials("x@example.org", new) {
        return Ok(Err(e));
    }
    store
        .set_password(
            user,
            &hash_password_apart(new).await.map_err(StoreError::Other)?,
        )
        .await?;
    store
        .audit(
            user,
            "password-changed",
            "all sessions ended, all personal tokens revoked",
        )
        .await?;
    Ok(Ok(()))
}

/// Revokes one of her tokens, and says so in her security log; `false` if she has no such
/// token.
pub async fn revoke_token(store: &Store, user: UserId, id: &str) -> Result<bool, StoreError> {
    let revoked = store.revoke_token(user, id).await?;
    if revoked {
        store.audit(user, "token-revoked", id).await?;
    }
    Ok(revoked)
}

/// Makes a personal API token named `name` with `scope` (read or write): the stored record
/// and the secret, which is shown to her once and kept only as a fingerprint.
pub async fn create_token(
    store: &Store,
    user: UserId,
    name: &str,
    scope: &str,
) -> Result<Result<(ApiToken, String), ValidationErrors>, StoreError> {
    let name = name.trim();
    let mut errors = ValidationErrors::new();
    if name.is_empty() || name.chars().count() > TOKEN_NAME_MAX_CHARS {
        errors.add(
            "name",
            format!("must be 1 to {TOKEN_NAME_MAX_CHARS} characters"),
        );
    } else if let Some(problem) = keel_core::validate::text_problem(name) {
        errors.add("name", problem);
    }
    if scope != "read" && scope != "write" {
        errors.add("scope", "must be read or write");
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let secret = format!("keel_{}", crate::secret::new_token());
    let token = store
        .create_token(user, name, &crate::secret::hash_token(&secret), scope)
        .await?;
    store
        .audit(user, "token-created", &format!("{name} ({scope})"))
        .await?;
    Ok(Ok((token, secret)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(h, hash_password("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn credentials_are_checked_by_field() {
        assert_eq!(
            validate_credentials(" Ana@Example.org ", "long enough pw").unwrap(),
            "ana@example.org"
        );
        assert!(
            validate_credentials("ana", "long enough pw")
                .unwrap_err()
                .message_for("email")
                .is_some()
        );
        assert!(
            validate_credentials("ana@example.org", "short")
                .unwrap_err()
                .message_for("password")
                .is_some()
        );
        assert!(
            validate_credentials("ana@example.org", &"p".repeat(129))
                .unwrap_err()
                .message_for("password")
                .is_some()
        );
    }
}
