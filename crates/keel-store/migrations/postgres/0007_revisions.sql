-- Her revision: every change to a user's data moves it on, in the same transaction, whoever
-- makes it (this server, another server on the same database, the CLI, an import, a cascade).
-- A server may reuse what it worked out from her data for as long as her revision has not
-- moved. Triggers, not application code, so that no write path can forget. Sessions, tokens,
-- feed tokens, the audit trail and invites are not her health data and leave it alone.
-- A new user row starts at a random revision, so that an id used again after a deletion never
-- matches what was kept for the earlier user.
ALTER TABLE users ADD COLUMN revision BIGINT NOT NULL
    DEFAULT (floor(random() * 4503599627370496))::bigint;

-- Statement-level with transition tables: one UPDATE per statement, however many rows it
-- wrote (COPY included). `= ANY(ARRAY(...))` probes the primary key for each user: a transition
-- table has no statistics, and `IN (SELECT ...)` was planned as a scan of every user.
CREATE FUNCTION keel_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE users SET revision = revision + 1
        WHERE id = ANY(ARRAY(SELECT DISTINCT user_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE users SET revision = revision + 1
        WHERE id = ANY(ARRAY(SELECT user_id FROM new_rows UNION SELECT user_id FROM old_rows));
    ELSE
        UPDATE users SET revision = revision + 1
        WHERE id = ANY(ARRAY(SELECT DISTINCT user_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['checkins', 'acknowledgements', 'profiles', 'height_measurements', 'dexa_results', 'activities', 'preferences', 'user_settings', 'breaks', 'posture_log', 'questionnaire_responses'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
            'FOR EACH STATEMENT EXECUTE FUNCTION keel_bump_revision()', t || '_revision_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows '
            'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION keel_bump_revision()',
            t || '_revision_update', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
            'FOR EACH STATEMENT EXECUTE FUNCTION keel_bump_revision()', t || '_revision_delete', t);
    END LOOP;
END
$$;
