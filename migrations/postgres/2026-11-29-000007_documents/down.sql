-- Back to migration 000005's closed sets.
ALTER TABLE applications DROP CONSTRAINT applications_status_check;
ALTER TABLE applications ADD CONSTRAINT applications_status_check CHECK (status IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn'));
ALTER TABLE events DROP CONSTRAINT events_action_check;
ALTER TABLE events ADD CONSTRAINT events_action_check CHECK (action IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw'));
ALTER TABLE events DROP CONSTRAINT events_to_status_check;
ALTER TABLE events ADD CONSTRAINT events_to_status_check CHECK (to_status IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn'));
ALTER TABLE events DROP CONSTRAINT events_from_status_check;
ALTER TABLE events ADD CONSTRAINT events_from_status_check CHECK (from_status IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn'));
DROP TABLE documents;
DROP TABLE approvals;
DROP TABLE reference_counters;
DROP INDEX applications_replaces;
DROP INDEX applications_reference;
ALTER TABLE applications DROP COLUMN replaces;
ALTER TABLE applications DROP COLUMN reference;
