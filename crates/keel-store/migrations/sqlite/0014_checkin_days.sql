-- The save's year of days (date, pain, day type) and the plan's pains, read from an index of
-- their own: a check-in's row holds its JSON (some 700 bytes), so a year of rows is some 70
-- pages, and after any other connection's write SQLite reads each page again from the file.
-- From this index a year is three pages (docs/benchmarks.md, 2026-12-06). PostgreSQL keeps
-- its shared buffers across connections and has no such cost: no index there.
CREATE INDEX checkins_days ON checkins (user_id, date, pain, day_type);
