-- Accounts hardening: usernames unique after NFKC + lower-casing (`username_key`), disabled
-- accounts, forced password changes, and an audit trail of account changes.
ALTER TABLE users ADD COLUMN username_key TEXT;
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- Existing names are ASCII, so lower() is their key. Should two of them collide (`Shop1` next
-- to `shop1`), the older keeps the key and the newer gets one no login name can produce
-- (`~` is not allowed in usernames); it still logs in by its exact name.
UPDATE users SET username_key = lower(username);
UPDATE users SET username_key = username_key || '~' || id
WHERE EXISTS (
    SELECT 1 FROM users AS older
    WHERE older.username_key = users.username_key
      AND (older.created_at < users.created_at
           OR (older.created_at = users.created_at AND older.id < users.id))
);
ALTER TABLE users ALTER COLUMN username_key SET NOT NULL;
CREATE UNIQUE INDEX users_by_key ON users (username_key);

CREATE TABLE user_events (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    -- NULL: the system (first start, the command line, this migration).
    actor_id TEXT REFERENCES users (id),
    kind TEXT NOT NULL
        CHECK (kind IN ('created', 'password_changed', 'password_reset', 'disabled', 'enabled')),
    at TIMESTAMP NOT NULL
);
CREATE INDEX user_events_user ON user_events (user_id, at);

INSERT INTO user_events (id, user_id, actor_id, kind, at)
SELECT 'created-' || id, id, NULL, 'created', created_at FROM users;
