-- Closed sets in the database too: an application's status, an event's action and states and a
-- revision's verdict can only be one of the names the service knows (src/applications/states.rs).
-- SQLite cannot add a CHECK to an existing table, so BEFORE INSERT/UPDATE triggers refuse any
-- other value.

CREATE TRIGGER applications_status_check_insert BEFORE INSERT ON applications
WHEN NEW.status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: applications.status is not a known status');
END;

CREATE TRIGGER applications_status_check_update BEFORE UPDATE OF status ON applications
WHEN NEW.status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: applications.status is not a known status');
END;

CREATE TRIGGER events_action_check_insert BEFORE INSERT ON events
WHEN NEW.action NOT IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.action is not a known action');
END;

CREATE TRIGGER events_action_check_update BEFORE UPDATE OF action ON events
WHEN NEW.action NOT IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.action is not a known action');
END;

CREATE TRIGGER events_to_status_check_insert BEFORE INSERT ON events
WHEN NEW.to_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.to_status is not a known status');
END;

CREATE TRIGGER events_to_status_check_update BEFORE UPDATE OF to_status ON events
WHEN NEW.to_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.to_status is not a known status');
END;

CREATE TRIGGER events_from_status_check_insert BEFORE INSERT ON events
WHEN NEW.from_status IS NOT NULL AND NEW.from_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.from_status is not a known status');
END;

CREATE TRIGGER events_from_status_check_update BEFORE UPDATE OF from_status ON events
WHEN NEW.from_status IS NOT NULL AND NEW.from_status NOT IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: events.from_status is not a known status');
END;

CREATE TRIGGER revisions_verdict_check_insert BEFORE INSERT ON revisions
WHEN NEW.verdict NOT IN ('pass', 'warn', 'fail')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: revisions.verdict is not a known verdict');
END;

CREATE TRIGGER revisions_verdict_check_update BEFORE UPDATE OF verdict ON revisions
WHEN NEW.verdict NOT IN ('pass', 'warn', 'fail')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: revisions.verdict is not a known verdict');
END;
