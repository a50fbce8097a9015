DROP TABLE user_events;
DROP INDEX users_by_key;
ALTER TABLE users DROP COLUMN must_change_password;
ALTER TABLE users DROP COLUMN disabled;
ALTER TABLE users DROP COLUMN username_key;
