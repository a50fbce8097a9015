-- Back to migration 000005's closed sets.
DROP TRIGGER IF EXISTS applications_status_check_insert;
CREATE TRIGGER applications_status_check_insert BEFORE INSERT ON applications
WHEN NEW.status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: applications.status is not a known status');
END;

DROP TRIGGER IF EXISTS applications_status_check_update;
CREATE TRIGGER applications_status_check_update BEFORE UPDATE OF status ON applications
WHEN NEW.status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: applications.status is not a known status');
END;

DROP TRIGGER IF EXISTS events_action_check_insert;
CREATE TRIGGER events_action_check_insert BEFORE INSERT ON events
WHEN NEW.action NOT IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.action is not a known action');
END;

DROP TRIGGER IF EXISTS events_action_check_update;
CREATE TRIGGER events_action_check_update BEFORE UPDATE OF action ON events
WHEN NEW.action NOT IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.action is not a known action');
END;

DROP TRIGGER IF EXISTS events_to_status_check_insert;
CREATE TRIGGER events_to_status_check_insert BEFORE INSERT ON events
WHEN NEW.to_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.to_status is not a known status');
END;

DROP TRIGGER IF EXISTS events_to_status_check_update;
CREATE TRIGGER events_to_status_check_update BEFORE UPDATE OF to_status ON events
WHEN NEW.to_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.to_status is not a known status');
END;

DROP TRIGGER IF EXISTS events_from_status_check_insert;
CREATE TRIGGER events_from_status_check_insert BEFORE INSERT ON events
WHEN NEW.from_status IS NOT NULL AND NEW.from_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.from_status is not a known status');
END;

DROP TRIGGER IF EXISTS events_from_status_check_update;
CREATE TRIGGER events_from_status_check_update BEFORE UPDATE OF from_status ON events
WHEN NEW.from_status IS NOT NULL AND NEW.from_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.from_status is not a known status');
END;

DROP TABLE documents;
DROP TABLE approvals;
DROP TABLE reference_counters;
DROP INDEX applications_replaces;
DROP INDEX applications_reference;
ALTER TABLE applications DROP COLUMN replaces;
ALTER TABLE applications DROP COLUMN reference;
