-- Desk setup, break settings, breaks taken, the sit/stand log and calendar feed tokens.
CREATE TABLE user_settings (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,            -- 'desk' or 'breaks'
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;

CREATE TABLE breaks (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    taken_at     TEXT NOT NULL,           -- local date and time, YYYY-MM-DDTHH:MM:SS
    date         TEXT NOT NULL,
    minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 60),
    exercise_id  TEXT,
    PRIMARY KEY (user_id, taken_at)
) WITHOUT ROWID;

CREATE TABLE posture_log (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    logged_at  TEXT NOT NULL,
    date       TEXT NOT NULL,
    posture    TEXT NOT NULL CHECK (posture IN ('sit', 'stand')),
    minutes    INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    PRIMARY KEY (user_id, logged_at)
) WITHOUT ROWID;

-- Only a hash of the secret is kept: the feed URL is shown once.
CREATE TABLE feed_tokens (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;
