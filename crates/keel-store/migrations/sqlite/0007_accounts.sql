-- Accounts: a password (argon2id hash) and role on users, server-side sessions, personal API
-- tokens, the security audit trail and attempt counters for rate limits.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user';
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,          -- SHA-256 of the cookie value; the value is never stored
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL              -- absolute expiry
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    scope       TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at  TEXT NOT NULL,
    revoked_at  TEXT,
    PRIMARY KEY (user_id, id)
);

CREATE TABLE audit_events (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    id       TEXT NOT NULL,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL,
    PRIMARY KEY (user_id, id)
);
CREATE INDEX audit_events_at ON audit_events (user_id, at);

CREATE TABLE attempts (
    key  TEXT NOT NULL,                      -- 'login-ip:...', 'login-account:...', 'signup-ip:...'
    at   TEXT NOT NULL
);
CREATE INDEX attempts_key ON attempts (key, at);
