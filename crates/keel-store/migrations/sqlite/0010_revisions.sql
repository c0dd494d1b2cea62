-- Her revision: every change to a user's data moves it on, in the same transaction, whoever
-- makes it (this server, another server on the same database, the CLI, an import, a cascade).
-- A server may reuse what it worked out from her data for as long as her revision has not
-- moved. Triggers, not application code, so that no write path can forget. Sessions, tokens,
-- feed tokens, the audit trail and invites are not her health data and leave it alone.
-- A new user row starts at a random revision, so that an id used again after a deletion never
-- matches what was kept for the earlier user.
ALTER TABLE users ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
UPDATE users SET revision = abs(random() % 4503599627370496);
CREATE TRIGGER users_revision_start AFTER INSERT ON users BEGIN
    UPDATE users SET revision = abs(random() % 4503599627370496) WHERE id = NEW.id;
END;

CREATE TRIGGER checkins_revision_insert AFTER INSERT ON checkins BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER checkins_revision_update AFTER UPDATE ON checkins BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER checkins_revision_delete AFTER DELETE ON checkins BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER acknowledgements_revision_insert AFTER INSERT ON acknowledgements BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER acknowledgements_revision_update AFTER UPDATE ON acknowledgements BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER acknowledgements_revision_delete AFTER DELETE ON acknowledgements BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER profiles_revision_insert AFTER INSERT ON profiles BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER profiles_revision_update AFTER UPDATE ON profiles BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER profiles_revision_delete AFTER DELETE ON profiles BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER height_measurements_revision_insert AFTER INSERT ON height_measurements BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER height_measurements_revision_update AFTER UPDATE ON height_measurements BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER height_measurements_revision_delete AFTER DELETE ON height_measurements BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER dexa_results_revision_insert AFTER INSERT ON dexa_results BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER dexa_results_revision_update AFTER UPDATE ON dexa_results BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER dexa_results_revision_delete AFTER DELETE ON dexa_results BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER activities_revision_insert AFTER INSERT ON activities BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER activities_revision_update AFTER UPDATE ON activities BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER activities_revision_delete AFTER DELETE ON activities BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER preferences_revision_insert AFTER INSERT ON preferences BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER preferences_revision_update AFTER UPDATE ON preferences BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER preferences_revision_delete AFTER DELETE ON preferences BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER user_settings_revision_insert AFTER INSERT ON user_settings BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER user_settings_revision_update AFTER UPDATE ON user_settings BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER user_settings_revision_delete AFTER DELETE ON user_settings BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER breaks_revision_insert AFTER INSERT ON breaks BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER breaks_revision_update AFTER UPDATE ON breaks BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER breaks_revision_delete AFTER DELETE ON breaks BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER posture_log_revision_insert AFTER INSERT ON posture_log BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER posture_log_revision_update AFTER UPDATE ON posture_log BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER posture_log_revision_delete AFTER DELETE ON posture_log BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER questionnaire_responses_revision_insert AFTER INSERT ON questionnaire_responses BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER questionnaire_responses_revision_update AFTER UPDATE ON questionnaire_responses BEGIN
    UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER questionnaire_responses_revision_delete AFTER DELETE ON questionnaire_responses BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
END;
