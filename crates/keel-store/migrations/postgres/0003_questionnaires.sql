-- Questionnaire responses (PEG weekly, MRS monthly): one per instrument and day.
CREATE TABLE questionnaire_responses (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    instrument  TEXT NOT NULL,
    date        TEXT NOT NULL,
    answers     TEXT NOT NULL,
    total       DOUBLE PRECISION NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, instrument, date)
);
