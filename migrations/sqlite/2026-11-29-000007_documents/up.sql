-- Documents after the decision (issue 11): readable reference numbers, the replacement of an
-- approved sign, revocation (status `revoked`, action `revoke`), the signed verification
-- records and register of approvals, and the first issue of each document.
-- The closed sets of migration 2026-11-29-000005_state_checks are restated in full with
-- `revoked` and `revoke` added.

-- Reference numbers people can read: `2026-0042`, per year of submission, gap-free.
CREATE TABLE reference_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_seq INTEGER NOT NULL
);

-- One row per approval: the signed verification record behind the certificate's QR code and
-- the public register (公示). The token is looked up by its SHA-256 (`token_hash`, unique).
CREATE TABLE approvals (
    application_id TEXT PRIMARY KEY NOT NULL REFERENCES applications (id),
    approval_no TEXT NOT NULL UNIQUE,
    reference TEXT NOT NULL,
    token TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    revision INTEGER NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    decided_year INTEGER NOT NULL,
    shop_name TEXT NOT NULL,
    address TEXT NOT NULL,
    township TEXT NOT NULL,
    licence_masked TEXT NOT NULL,
    text_zh TEXT NOT NULL,
    text_mn TEXT NOT NULL,
    canonical TEXT NOT NULL,
    signature TEXT NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    replaced_by TEXT REFERENCES applications (id)
);
CREATE INDEX approvals_register ON approvals (decided_at, application_id);
CREATE INDEX approvals_year_township ON approvals (decided_year, township, decided_at);

-- The first issue of each document of an application (the audit of what was handed out).
CREATE TABLE documents (
    application_id TEXT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL CHECK (kind IN ('receipt', 'correction_notice', 'approval_decision', 'rejection_decision', 'certificate')),
    first_issued_at TIMESTAMP NOT NULL,
    issued_to TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (application_id, kind)
);

ALTER TABLE applications ADD COLUMN reference TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN replaces TEXT;
UPDATE applications SET reference = (
    SELECT printf('%d-%04d', a.submitted_year, COUNT(*)) FROM applications b, applications a
    WHERE a.id = applications.id AND b.submitted_year = a.submitted_year
      AND (b.submitted_at < a.submitted_at OR (b.submitted_at = a.submitted_at AND b.id <= a.id))
);
INSERT INTO reference_counters (year, last_seq)
    SELECT submitted_year, COUNT(*) FROM applications GROUP BY submitted_year;
-- Partial: rows written without a reference (by hand, or by tools that predate it) do not collide.
CREATE UNIQUE INDEX applications_reference ON applications (reference) WHERE reference <> '';
CREATE INDEX applications_replaces ON applications (replaces);

DROP TRIGGER IF EXISTS applications_status_check_insert;
CREATE TRIGGER applications_status_check_insert BEFORE INSERT ON applications
WHEN NEW.status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'revoked')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: applications.status is not a known status');
END;

DROP TRIGGER IF EXISTS applications_status_check_update;
CREATE TRIGGER applications_status_check_update BEFORE UPDATE OF status ON applications
WHEN NEW.status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'revoked')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: applications.status is not a known status');
END;

DROP TRIGGER IF EXISTS events_action_check_insert;
CREATE TRIGGER events_action_check_insert BEFORE INSERT ON events
WHEN NEW.action NOT IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw', 'extend', 'claim', 'assign', 'revoke')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.action is not a known action');
END;

DROP TRIGGER IF EXISTS events_action_check_update;
CREATE TRIGGER events_action_check_update BEFORE UPDATE OF action ON events
WHEN NEW.action NOT IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw', 'extend', 'claim', 'assign', 'revoke')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.action is not a known action');
END;

DROP TRIGGER IF EXISTS events_to_status_check_insert;
CREATE TRIGGER events_to_status_check_insert BEFORE INSERT ON events
WHEN NEW.to_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'revoked')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.to_status is not a known status');
END;

DROP TRIGGER IF EXISTS events_to_status_check_update;
CREATE TRIGGER events_to_status_check_update BEFORE UPDATE OF to_status ON events
WHEN NEW.to_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'revoked')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.to_status is not a known status');
END;

DROP TRIGGER IF EXISTS events_from_status_check_insert;
CREATE TRIGGER events_from_status_check_insert BEFORE INSERT ON events
WHEN NEW.from_status IS NOT NULL AND NEW.from_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'revoked')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.from_status is not a known status');
END;

DROP TRIGGER IF EXISTS events_from_status_check_update;
CREATE TRIGGER events_from_status_check_update BEFORE UPDATE OF from_status ON events
WHEN NEW.from_status IS NOT NULL AND NEW.from_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'revoked')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.from_status is not a known status');
END;
