-- Settings of the server itself, not of any user: the key that binds form tokens to a
-- visitor, shared by every process on this database, and the mark that accounts have existed
-- here (deleting the last account must not reopen the single-user mode to anyone who asks).
CREATE TABLE server_settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO server_settings (name, value)
    SELECT 'accounts_since', 'before migration 12'
    WHERE EXISTS (SELECT 1 FROM users WHERE password_hash IS NOT NULL);
