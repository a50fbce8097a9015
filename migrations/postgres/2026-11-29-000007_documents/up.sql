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
UPDATE applications SET reference = numbered.reference FROM (
    SELECT id, submitted_year || '-' || lpad((row_number() OVER (
        PARTITION BY submitted_year ORDER BY submitted_at, id))::text, 4, '0') AS reference
    FROM applications
) AS numbered WHERE numbered.id = applications.id;
INSERT INTO reference_counters (year, last_seq)
    SELECT submitted_year, COUNT(*) FROM applications GROUP BY submitted_year;
-- Partial: rows written without a reference (by hand, or by tools that predate it) do not collide.
CREATE UNIQUE INDEX applications_reference ON applications (reference) WHERE reference <> '';
CREATE INDEX applications_replaces ON applications (replaces);

ALTER TABLE applications DROP CONSTRAINT applications_status_check;
ALTER TABLE applications ADD CONSTRAINT applications_status_check CHECK (status IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'revoked'));
ALTER TABLE events DROP CONSTRAINT events_action_check;
ALTER TABLE events ADD CONSTRAINT events_action_check CHECK (action IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw', 'extend', 'claim', 'assign', 'revoke'));
ALTER TABLE events DROP CONSTRAINT events_to_status_check;
ALTER TABLE events ADD CONSTRAINT events_to_status_check CHECK (to_status IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'revoked'));
ALTER TABLE events DROP CONSTRAINT events_from_status_check;
ALTER TABLE events ADD CONSTRAINT events_from_status_check CHECK (from_status IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn', 'revoked'));
