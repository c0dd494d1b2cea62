-- A row's update moves her revision on with two keyed updates instead of one `IN (old, new)`:
-- SQLite answers an IN list with a temporary table, built and freed on every write, which
-- was about a third of a check-in save's time. The second update finds a row only when the
-- write moved the row to another user.
DROP TRIGGER checkins_revision_update;
CREATE TRIGGER checkins_revision_update AFTER UPDATE ON checkins BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER acknowledgements_revision_update;
CREATE TRIGGER acknowledgements_revision_update AFTER UPDATE ON acknowledgements BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER profiles_revision_update;
CREATE TRIGGER profiles_revision_update AFTER UPDATE ON profiles BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER height_measurements_revision_update;
CREATE TRIGGER height_measurements_revision_update AFTER UPDATE ON height_measurements BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER dexa_results_revision_update;
CREATE TRIGGER dexa_results_revision_update AFTER UPDATE ON dexa_results BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER activities_revision_update;
CREATE TRIGGER activities_revision_update AFTER UPDATE ON activities BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER preferences_revision_update;
CREATE TRIGGER preferences_revision_update AFTER UPDATE ON preferences BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER user_settings_revision_update;
CREATE TRIGGER user_settings_revision_update AFTER UPDATE ON user_settings BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER breaks_revision_update;
CREATE TRIGGER breaks_revision_update AFTER UPDATE ON breaks BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER posture_log_revision_update;
CREATE TRIGGER posture_log_revision_update AFTER UPDATE ON posture_log BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
DROP TRIGGER questionnaire_responses_revision_update;
CREATE TRIGGER questionnaire_responses_revision_update AFTER UPDATE ON questionnaire_responses BEGIN
    UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id;
END;
