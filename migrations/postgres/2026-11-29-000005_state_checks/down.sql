ALTER TABLE applications DROP CONSTRAINT IF EXISTS applications_status_check;
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_action_check;
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_to_status_check;
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_from_status_check;
ALTER TABLE revisions DROP CONSTRAINT IF EXISTS revisions_verdict_check;
