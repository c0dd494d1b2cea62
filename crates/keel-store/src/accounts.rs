//! Accounts, sessions, API tokens, the audit trail and rate-limit counters. Secrets are
//! never stored: sessions and tokens are kept as SHA-256 hashes, passwords as argon2id hashes.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::Serialize;
use sqlx::Row;

use crate::{LOCAL_USER, Store, StoreError, UserId};

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub scope: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub at: String,
    pub kind: String,
    pub detail: String,
}

/// A random id for rows that need one on both backends.
fn random_hex(bytes: usize) -> Result<String, StoreError> {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

impl Store {
    /// A random 256-bit secret of the server's (hex), shared by every process on this database:
    /// the first to ask makes it, and it is never shown to anyone.
    pub async fn server_secret(&self, name: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO server_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(random_hex(32)?)
        .execute(&mut *self.conn().await?)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM server_settings WHERE name = $1")
                .bind(name)
                .fetch_one(&mut *self.conn().await?)
                .await?,
        )
    }

    /// Whether any account has ever been created here; before that Keel runs as one local
    /// user. Deleting the last account does not bring the single-user mode back.
    pub async fn accounts_exist(&self) -> Result<bool, StoreError> {
        Ok(self.local_revision().await?.is_none())
    }

    /// Before accounts exist: `None` once any has, otherwise the local user's revision. One
    /// query, asked on every request in single-user mode.
    pub async fn local_revision(&self) -> Result<Option<i64>, StoreError> {
        // The mark stays when the last account is deleted: an emptied server is not an open one.
        const SQL: &str = "SELECT (SELECT COUNT(*) FROM server_settings WHERE name = 'accounts_since') AS accounts,
                    (SELECT revision FROM users WHERE id = $1) AS revision";
        let answer = self
            .read_rows(SQL, &[LOCAL_USER.0.into()], |r| {
                Ok((r.get::<i64>("accounts")?, r.get::<Option<i64>>("revision")?))
            })
            .await?;
        // One row always (two scalar sub-selects).
        let (accounts, revision) = answer.into_iter().next().ok_or(StoreError::NotFound)?;
        // Without its row (never, short of hand-made damage) the local user has nothing to
        // keep views of; revision 0 never matches a row made later, which starts at random.
        Ok((accounts == 0).then(|| revision.unwrap_or(0)))
    }

    /// Her revision: it moves on with every change to her data, by any writer.
    #[cfg(test)]
    pub(crate) async fn revision(&self, user: UserId) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT revision FROM users WHERE id = $1")
                .bind(user.0)
                .fetch_optional(&mut *self.conn().await?)
                .await?,
        )
    }

    /// Creates an account. The first account takes over the local user, so everything recorded
    /// before accounts existed becomes hers, and is an admin. Returns the id and whether it
    /// was the first.
    pub async fn create_account(
        &self,
        email: &str,
        password_hash: &str,
    ) -> Result<(UserId, bool), StoreError> {
        // The local user's lock serialises sign-ups, so only one can be first.
        let mut tx = self.begin_write(LOCAL_USER).await?;
        let existing: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE password_hash IS NOT NULL LIMIT 1) AS a",
        )
        .fetch_one(&mut *tx)
        .await?;
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&mut *tx)
            .await?;
        if taken > 0 {
            return Err(StoreError::Conflict("email".into()));
        }
        let now = stamp(Utc::now());
        let local: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1")
            .bind(LOCAL_USER.0)
            .fetch_one(&mut *tx)
            .await?;
        // From now on this server is in account mode, whatever happens to the accounts.
        sqlx::query(
            "INSERT INTO server_settings (name, value) VALUES ('accounts_since', $1) ON CONFLICT (name) DO NOTHING",
        )
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let (id, first) = if existing == 0 && local > 0 {
            sqlx::query("UPDATE users SET email = $1, name = $1, password_hash = $2, role = 'admin' WHERE id = $3")
                .bind(email)
                .bind(password_hash)
                .bind(LOCAL_USER.0)
                .execute(&mut *tx)
                .await?;
            (LOCAL_USER, true)
        } else {
            let mut b = [0u8; 6];
            getrandom::fill(&mut b).map_err(|e| StoreError::Other(e.to_string()))?;
            let id = 1_000
                + (b.iter().fold(0i64, |acc, x| (acc << 8) | i64::from(*x)) % 1_000_000_000_000);
            sqlx::query("INSERT INTO users (id, name, created_at, email, password_hash, role) VALUES ($1, $2, $3, $2, $4, $5)")
                .bind(id)
                .bind(email)
                .bind(&now)
                .bind(password_hash)
                .bind(if existing == 0 { "admin" } else { "user" })
                .execute(&mut *tx)
                .await?;
            (UserId(id), existing == 0)
        };
        tx.commit().await?;
        Ok((id, first))
    }

    /// The account for an email: id, password hash and role.
    pub async fn account_by_email(
        &self,
        email: &str,
    ) -> Result<Option<(UserId, String, String)>, StoreError> {
        let row = sqlx::query("SELECT id, password_hash, role FROM users WHERE email = $1 AND password_hash IS NOT NULL")
            .bind(email)
            .fetch_optional(&mut *self.conn().await?)
            .await?;
        row.map(|r| {
            Ok((
                UserId(r.try_get("id")?),
                r.try_get("password_hash")?,
                r.try_get("role")?,
            ))
        })
        .transpose()
    }

    pub async fn account(&self, user: UserId) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query("SELECT id, email, role, created_at FROM users WHERE id = $1 AND password_hash IS NOT NULL")
            .bind(user.0)
            .fetch_optional(&mut *self.conn().await?)
            .await?;
        row.map(|r| {
            Ok(Account {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                role: r.try_get("role")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
    }

    pub async fn password_hash(&self, user: UserId) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user.0)
                .fetch_optional(&mut *self.conn().await?)
                .await?
                .flatten(),
        )
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query("SELECT id, email, role, created_at FROM users WHERE password_hash IS NOT NULL ORDER BY created_at, id")
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Account {
                    id: r.try_get("id")?,
                    email: r.try_get("email")?,
                    role: r.try_get("role")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Sets a new password and ends every session of the account.
    /// Sets her password, ends all of her sessions and revokes all of her personal tokens.
    pub async fn set_password(&self, user: UserId, password_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write(user).await?;
        let r = sqlx::query(
            "UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash IS NOT NULL",
        )
        .bind(password_hash)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // A new password shuts out whoever knew the old one: their sessions, and the personal
        // tokens they may have made with it.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(stamp(Utc::now()))
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// On SQLite, moves the write-ahead log into the file and empties it, so that the pages a
    /// deletion overwrote (with zeros: `secure_delete`) leave no older copy in the log. Best
    /// effort: a reader in the middle of a long read can keep the log for a moment; the next
    /// checkpoint then finishes the work.
    pub(crate) async fn forget_deleted(&self) {
        if self.backend != crate::Backend::Sqlite {
            return;
        }
        let checkpoint = async {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut *self.conn().await?)
                .await?;
            Ok::<_, StoreError>(())
        };
        if let Err(e) = checkpoint.await {
            tracing::warn!(error = %e, "checkpoint after a deletion failed");
        }
    }

    /// Deletes an account and, through the foreign keys, all of her data.
    pub async fn delete_account(&self, user: UserId) -> Result<(), StoreError> {
        let mut tx = self.begin_write(user).await?;
        let r = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if user == LOCAL_USER {
            // Keep the local user row, empty, for the single-user mode.
            sqlx::query("INSERT INTO users (id, name, created_at) VALUES ($1, 'local', $2)")
                .bind(LOCAL_USER.0)
                .bind(stamp(Utc::now()))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.forget_deleted().await;
        Ok(())
    }

    pub async fn create_session(
        &self,
        user: UserId,
        token_hash: &str,
        lifetime: Duration,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)")
            .bind(token_hash)
            .bind(user.0)
            .bind(stamp(now))
            .bind(stamp(now + lifetime))
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }

    /// The user of a live session, with her revision: not past its absolute expiry, and seen
    /// within `idle`. Marks it seen now.
    pub async fn session_user(
        &self,
        token_hash: &str,
        idle: Duration,
    ) -> Result<Option<(UserId, i64)>, StoreError> {
        const SQL: &str = "SELECT s.user_id, s.last_seen_at, s.expires_at, u.revision
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1";
        let now = Utc::now();
        let row = self
            .read_rows(SQL, &[token_hash.into()], |r| {
                Ok((
                    r.get::<i64>("user_id")?,
                    r.get::<String>("last_seen_at")?,
                    r.get::<String>("expires_at")?,
                    r.get::<i64>("revision")?,
                ))
            })
            .await?
            .into_iter()
            .next();
        let Some((user_id, last_seen, expires, revision)) = row else {
            return Ok(None);
        };
        if expires <= stamp(now) || last_seen <= stamp(now - idle) {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *self.conn().await?)
                .await?;
            return Ok(None);
        }
        // Touch at most once a minute, to spare writes.
        if last_seen <= stamp(now - Duration::minutes(1)) {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(stamp(now))
                .bind(token_hash)
                .execute(&mut *self.conn().await?)
                .await?;
        }
        Ok(Some((UserId(user_id), revision)))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }

    pub async fn create_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
        scope: &str,
    ) -> Result<ApiToken, StoreError> {
        let id = random_hex(8)?;
        let now = stamp(Utc::now());
        sqlx::query("INSERT INTO api_tokens (user_id, id, name, token_hash, scope, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(user.0)
            .bind(&id)
            .bind(name)
            .bind(token_hash)
            .bind(scope)
            .bind(&now)
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(ApiToken {
            id,
            name: name.into(),
            scope: scope.into(),
            created_at: now,
            revoked_at: None,
        })
    }

    pub async fn tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query("SELECT id, name, scope, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id")
            .bind(user.0)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    scope: r.try_get("scope")?,
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    pub async fn revoke_token(&self, user: UserId, id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND id = $3 AND revoked_at IS NULL")
            .bind(stamp(Utc::now()))
            .bind(user.0)
            .bind(id)
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// The user, scope and the user's revision of a live token.
    pub async fn token_user(
        &self,
        token_hash: &str,
    ) -> Result<Option<(UserId, String, i64)>, StoreError> {
        const SQL: &str = "SELECT t.user_id, t.scope, u.revision FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL";
        let rows = self
            .read_rows(SQL, &[token_hash.into()], |r| {
                Ok((
                    UserId(r.get("user_id")?),
                    r.get::<String>("scope")?,
                    r.get::<i64>("revision")?,
                ))
            })
            .await?;
        Ok(rows.into_iter().next())
    }

    pub async fn audit(&self, user: UserId, kind: &str, detail: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_events (user_id, id, at, kind, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user.0)
        .bind(random_hex(8)?)
        .bind(stamp(Utc::now()))
        .bind(kind)
        .bind(detail)
        .execute(&mut *self.conn().await?)
        .await?;
        Ok(())
    }

    pub async fn audit_events(
        &self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query("SELECT at, kind, detail FROM audit_events WHERE user_id = $1 ORDER BY at DESC, id LIMIT $2")
            .bind(user.0)
            .bind(limit)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEvent {
                    at: r.try_get("at")?,
                    kind: r.try_get("kind")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Records an attempt under `key` and returns how many fall within `window`, this one
    /// included. Older attempts are pruned.
    pub async fn count_attempt(&self, key: &str, window: Duration) -> Result<i64, StoreError> {
        let now = Utc::now();
        let since = stamp(now - window);
        sqlx::query("DELETE FROM attempts WHERE key = $1 AND at < $2")
            .bind(key)
            .bind(&since)
            .execute(&mut *self.conn().await?)
            .await?;
        sqlx::query("INSERT INTO attempts (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(stamp(now))
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(&since)
                .fetch_one(&mut *self.conn().await?)
                .await?,
        )
    }

    /// Attempts under `key` within `window`, without recording one.
    pub async fn attempts(&self, key: &str, window: Duration) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(stamp(Utc::now() - window))
                .fetch_one(&mut *self.conn().await?)
                .await?,
        )
    }

    pub async fn clear_attempts(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM attempts WHERE key = $1")
            .bind(key)
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }
}

impl Store {
    pub async fn create_invite(&self, by: UserId, code_hash: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO invites (code_hash, created_by, created_at) VALUES ($1, $2, $3)")
            .bind(code_hash)
            .bind(by.0)
            .bind(stamp(Utc::now()))
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }

    /// Marks an unused invite used; false when there is no such unused invite.
    pub async fn use_invite(&self, code_hash: &str) -> Result<bool, StoreError> {
        let r =
            sqlx::query("UPDATE invites SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL")
                .bind(stamp(Utc::now()))
                .bind(code_hash)
                .execute(&mut *self.conn().await?)
                .await?;
        Ok(r.rows_affected() == 1)
    }
}
