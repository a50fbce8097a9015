-- Accounts, applications with immutable revisions, attachments, the audit trail and the
-- per-year approval counters. Ids are UUID text; times are naive UTC.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    phone TEXT,
    role TEXT NOT NULL CHECK (role IN ('merchant', 'translator', 'reviewer', 'admin')),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE applications (
    id TEXT PRIMARY KEY NOT NULL,
    merchant_id TEXT NOT NULL REFERENCES users (id),
    shop_name TEXT NOT NULL,
    license_no TEXT NOT NULL,
    address TEXT NOT NULL,
    township TEXT NOT NULL,
    phone TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    current_revision INTEGER NOT NULL,
    translation_confirmed BOOLEAN NOT NULL,
    approval_no TEXT UNIQUE,
    submitted_at TIMESTAMP NOT NULL,
    submitted_year INTEGER NOT NULL,
    decided_at TIMESTAMP,
    decided_year INTEGER,
    decided_month INTEGER,
    updated_at TIMESTAMP NOT NULL,
    idempotency_key TEXT,
    UNIQUE (merchant_id, idempotency_key)
);
CREATE INDEX applications_status_submitted ON applications (status, submitted_at);
CREATE INDEX applications_merchant ON applications (merchant_id, submitted_at);
CREATE INDEX applications_submitted_year ON applications (submitted_year, status);
CREATE INDEX applications_decided ON applications (decided_year, status, decided_month);

CREATE TABLE revisions (
    application_id TEXT NOT NULL REFERENCES applications (id),
    n INTEGER NOT NULL,
    spec TEXT NOT NULL,
    layout TEXT,
    findings TEXT NOT NULL,
    verdict TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    profile_version TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, n)
);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    revision INTEGER NOT NULL,
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    original_name TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_application ON attachments (application_id, revision);
CREATE INDEX attachments_sha256 ON attachments (sha256);

CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    seq INTEGER NOT NULL,
    actor_id TEXT NOT NULL REFERENCES users (id),
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    comment TEXT,
    details TEXT,
    revision INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (application_id, seq)
);

CREATE TABLE approval_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_seq INTEGER NOT NULL
);

-- Running counts behind GET /stats/approvals, kept in the same transaction as each change of
-- state so that reading them costs a few rows whatever the number of applications.
-- month 0: the whole year; township '': all townships. Metrics: submitted, pending,
-- approved, rejected.
CREATE TABLE stat_counts (
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    township TEXT NOT NULL,
    metric TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (year, month, township, metric)
);
