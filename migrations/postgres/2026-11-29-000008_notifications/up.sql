-- The notification outbox and inbox: one row per recipient of a workflow event, written in the
-- event's transaction. The row is the inbox entry (`read_at`) and the delivery job of the
-- webhook and log sinks (`status`, `attempts`, `next_attempt_at`, the claim's `lease_until` and `claim`).
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    event TEXT NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    recipient_id TEXT NOT NULL REFERENCES users (id),
    recipient_role TEXT NOT NULL,
    text TEXT NOT NULL,
    text_mn TEXT,
    -- The webhook body, fixed at the event so that every attempt sends the same bytes.
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    -- The claim holding the lease: a worker records a result only under its own claim.
    claim TEXT,
    last_error TEXT,
    delivered_at TIMESTAMP
);
CREATE INDEX notifications_inbox ON notifications (recipient_id, created_at);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
