-- The login and registration limits, shared by every replica: one counter per scope
-- (`pair`: a username from an address, `user`, `addr`, `register`), key and fixed window,
-- raised by an upsert before the password is checked and given back by what did not fail.
-- Rows whose window has ended (`expires_at`, Unix seconds) are pruned.
CREATE TABLE limit_counters (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (scope, key, window_start)
);
CREATE INDEX limit_counters_expires ON limit_counters (expires_at);
