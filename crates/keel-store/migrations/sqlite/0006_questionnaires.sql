-- Questionnaire responses (PEG weekly, MRS monthly): one per instrument and day.
CREATE TABLE questionnaire_responses (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    instrument  TEXT NOT NULL,
    date        TEXT NOT NULL,
    answers     TEXT NOT NULL,   -- JSON list of item scores, in item order
    total       REAL NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, instrument, date)
) WITHOUT ROWID;
