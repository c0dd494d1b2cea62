-- Her bleeding log (clinical-rules.md sections 6 and 8): one row per day she recorded, "none"
-- included (a day marked "none" is known to be without bleeding). The check-in's bleeding is
-- written here, not into its body: one place for the log, whoever writes it.
CREATE TABLE bleeding (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    flow       TEXT NOT NULL CHECK (flow IN ('none', 'spotting', 'light', 'medium', 'heavy')),
    after_sex  INTEGER NOT NULL DEFAULT 0 CHECK (after_sex IN (0, 1)),
    PRIMARY KEY (user_id, date)
) WITHOUT ROWID;

CREATE TRIGGER bleeding_revision_insert AFTER INSERT ON bleeding BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER bleeding_revision_update AFTER UPDATE ON bleeding BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER bleeding_revision_delete AFTER DELETE ON bleeding BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;
