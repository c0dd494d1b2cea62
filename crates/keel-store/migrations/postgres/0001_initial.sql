-- Keel's schema on PostgreSQL, the same tables as on SQLite. Every user-owned row is keyed by
-- user_id first, so tables can be partitioned or distributed by user.
CREATE TABLE users (
    id          BIGINT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

INSERT INTO users (id, name, created_at)
VALUES (1, 'local', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));

-- Dates are ISO 8601 text (YYYY-MM-DD) on both backends: they sort and compare as dates.
CREATE TABLE checkins (
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date             TEXT NOT NULL CHECK (date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    pain             BIGINT NOT NULL CHECK (pain BETWEEN 0 AND 10),
    body             TEXT NOT NULL,
    triage           TEXT NOT NULL,
    day_type         TEXT NOT NULL CHECK (day_type IN ('stop', 'flare', 'gentle', 'steady', 'strong')),
    decision         TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    walking_minutes  BIGINT,
    PRIMARY KEY (user_id, date)
);

CREATE TABLE acknowledgements (
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    rule             TEXT NOT NULL,
    acknowledged_on  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (user_id, rule)
);

CREATE TABLE profiles (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE height_measurements (
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date     TEXT NOT NULL,
    cm       DOUBLE PRECISION NOT NULL CHECK (cm > 0),
    PRIMARY KEY (user_id, date)
);

CREATE TABLE dexa_results (
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date     TEXT NOT NULL,
    site     TEXT NOT NULL CHECK (site IN ('lumbar_spine', 'total_hip', 'femoral_neck')),
    t_score  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (user_id, date, site)
);

CREATE TABLE activities (
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date          TEXT NOT NULL,
    exercise_id   TEXT NOT NULL,
    family        TEXT NOT NULL,
    level         BIGINT NOT NULL CHECK (level >= 1),
    sets          BIGINT,
    reps          BIGINT,
    hold_seconds  BIGINT,
    minutes       BIGINT,
    pain_during   BIGINT NOT NULL CHECK (pain_during BETWEEN 0 AND 10),
    effort        BIGINT CHECK (effort BETWEEN 0 AND 10),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, date, exercise_id)
);

CREATE TABLE preferences (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
