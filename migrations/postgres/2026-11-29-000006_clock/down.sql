DELETE FROM events WHERE action IN ('extend', 'claim', 'assign');
DROP INDEX IF EXISTS applications_clock_due;
DROP INDEX IF EXISTS applications_status_due;
DROP INDEX IF EXISTS applications_assignee_due;
DROP INDEX IF EXISTS applications_township_due;
DROP INDEX IF EXISTS applications_on_time;
ALTER TABLE applications DROP COLUMN decided_within_limit;
ALTER TABLE applications DROP COLUMN decided_working_days;
ALTER TABLE applications DROP COLUMN assignee_id;
ALTER TABLE applications DROP COLUMN extended_by;
ALTER TABLE applications DROP COLUMN due_on;
ALTER TABLE applications DROP COLUMN clock_state;

-- The closed set of actions of migration 000005.
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_action_check;
ALTER TABLE events ADD CONSTRAINT events_action_check CHECK (action IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw'));
