-- The clock's reminders sent: one row per application, event (`due_soon`, `overdue`) and due
-- day, so that a reminder is written once however many replicas scan (the primary key) and
-- again only when the due day moves (an extension, a resubmission).
CREATE TABLE reminders (
    application_id TEXT NOT NULL REFERENCES applications (id),
    event TEXT NOT NULL CHECK (event IN ('due_soon', 'overdue')),
    due_on DATE NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, event, due_on)
);
