-- Acknowledged findings and the bone-health record. Every row is keyed by user_id.

-- "I have seen a clinician about this": mutes repeats of a non-emergency rule for 14 days.
CREATE TABLE acknowledgements (
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    rule             TEXT NOT NULL,
    acknowledged_on  TEXT NOT NULL,   -- YYYY-MM-DD
    created_at       TEXT NOT NULL,
    PRIMARY KEY (user_id, rule)
) WITHOUT ROWID;

CREATE TABLE profiles (
    user_id             INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    body                TEXT NOT NULL,  -- the profile's canonical JSON
    updated_at          TEXT NOT NULL
);

CREATE TABLE height_measurements (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date     TEXT NOT NULL,
    cm       REAL NOT NULL CHECK (cm > 0),
    PRIMARY KEY (user_id, date)
) WITHOUT ROWID;

CREATE TABLE dexa_results (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date     TEXT NOT NULL,
    site     TEXT NOT NULL CHECK (site IN ('lumbar_spine', 'total_hip', 'femoral_neck')),
    t_score  REAL NOT NULL,
    PRIMARY KEY (user_id, date, site)
) WITHOUT ROWID;
