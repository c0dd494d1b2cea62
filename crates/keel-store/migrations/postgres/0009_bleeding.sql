-- Her bleeding log (clinical-rules.md sections 6 and 8): one row per day she recorded, "none"
-- included. The check-in's bleeding is written here, not into its body.
CREATE TABLE bleeding (
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date       TEXT NOT NULL CHECK (date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    flow       TEXT NOT NULL CHECK (flow IN ('none', 'spotting', 'light', 'medium', 'heavy')),
    after_sex  INTEGER NOT NULL DEFAULT 0 CHECK (after_sex IN (0, 1)),
    PRIMARY KEY (user_id, date)
);

CREATE TRIGGER bleeding_revision_insert AFTER INSERT ON bleeding REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keel_bump_revision();
CREATE TRIGGER bleeding_revision_update AFTER UPDATE ON bleeding REFERENCING OLD TABLE AS old_rows
    NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION keel_bump_revision();
CREATE TRIGGER bleeding_revision_delete AFTER DELETE ON bleeding REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keel_bump_revision();
