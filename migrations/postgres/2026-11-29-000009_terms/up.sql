-- The translators' term base (with its audit trail), the translation memory of approved signs,
-- and the version counters that tell every replica when to reload its in-memory indexes.
CREATE TABLE terms (
    id TEXT PRIMARY KEY NOT NULL,
    zh TEXT NOT NULL UNIQUE,
    mn TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('proposed', 'approved')),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX terms_status ON terms (status);

-- A term's history outlives the term: no foreign key to `terms`.
CREATE TABLE term_events (
    id TEXT PRIMARY KEY NOT NULL,
    term_id TEXT NOT NULL,
    actor_id TEXT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'approve', 'delete', 'import')),
    -- JSON: the term before and after the change.
    details TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX term_events_term ON term_events (term_id, at);

-- One row per approved application: its Chinese and its confirmed Mongolian.
CREATE TABLE translation_memory (
    application_id TEXT PRIMARY KEY NOT NULL REFERENCES applications (id),
    approval_no TEXT NOT NULL,
    zh TEXT NOT NULL,
    mn TEXT NOT NULL,
    approved_at TIMESTAMP NOT NULL
);

CREATE TABLE term_versions (
    name TEXT PRIMARY KEY NOT NULL CHECK (name IN ('terms', 'memory')),
    n BIGINT NOT NULL
);
INSERT INTO term_versions (name, n) VALUES ('terms', 0), ('memory', 0);

-- Backfill: the applications approved before this migration.
INSERT INTO translation_memory (application_id, approval_no, zh, mn, approved_at)
SELECT a.id, COALESCE(a.approval_no, ''),
       (r.spec::jsonb -> 'texts' ->> 'zh'), (r.spec::jsonb -> 'texts' ->> 'mn'),
       COALESCE(a.decided_at, a.updated_at)
FROM applications a
JOIN revisions r ON r.application_id = a.id AND r.n = a.current_revision
WHERE a.status = 'approved'
  AND COALESCE((r.spec::jsonb -> 'texts' ->> 'zh'), '') <> ''
  AND COALESCE((r.spec::jsonb -> 'texts' ->> 'mn'), '') <> '';
