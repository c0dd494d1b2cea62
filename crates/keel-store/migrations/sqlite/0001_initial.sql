-- Keel's first schema. Every user-owned row is keyed by user_id.
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

-- Before accounts exist, everything belongs to this one local user.
INSERT INTO users (id, name, created_at) VALUES (1, 'local', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TABLE checkins (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date        TEXT NOT NULL,              -- YYYY-MM-DD, the user's local date
    pain        INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
    body        TEXT NOT NULL,              -- the check-in's canonical JSON
    triage      TEXT NOT NULL,              -- triage result at the time of saving (JSON)
    day_type    TEXT NOT NULL CHECK (day_type IN ('stop', 'flare', 'gentle', 'steady', 'strong')),
    decision    TEXT NOT NULL,              -- day-type decision with rule and reason (JSON)
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, date)
) WITHOUT ROWID;
