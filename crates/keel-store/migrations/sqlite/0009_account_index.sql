-- Whether any account exists is asked on every request until the first one does: a partial
-- index answers it without reading every user.
CREATE INDEX users_accounts ON users (id) WHERE password_hash IS NOT NULL;
