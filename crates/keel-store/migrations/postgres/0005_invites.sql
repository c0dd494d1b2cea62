-- Invitations for invite-only sign-up: only a hash of each code is kept.
CREATE TABLE invites (
    code_hash   TEXT PRIMARY KEY,
    created_by  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    used_at     TEXT
);
