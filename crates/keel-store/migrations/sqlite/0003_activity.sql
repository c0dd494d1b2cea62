-- The activity log and plan preferences. Every row is keyed by user_id.
CREATE TABLE activities (
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date          TEXT NOT NULL,
    exercise_id   TEXT NOT NULL,
    family        TEXT NOT NULL,
    level         INTEGER NOT NULL CHECK (level >= 1),
    sets          INTEGER,
    reps          INTEGER,
    hold_seconds  INTEGER,
    minutes       INTEGER,
    pain_during   INTEGER NOT NULL CHECK (pain_during BETWEEN 0 AND 10),
    effort        INTEGER CHECK (effort BETWEEN 0 AND 10),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, date, exercise_id)
) WITHOUT ROWID;

CREATE TABLE preferences (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
