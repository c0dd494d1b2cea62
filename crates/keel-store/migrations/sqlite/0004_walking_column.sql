-- Walking minutes as a column, so that weekly totals need no JSON functions.
ALTER TABLE checkins ADD COLUMN walking_minutes INTEGER;
UPDATE checkins SET walking_minutes = json_extract(body, '$.walking_minutes');
