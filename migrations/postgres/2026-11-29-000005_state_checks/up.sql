-- Closed sets in the database too: an application's status, an event's action and states and a
-- revision's verdict can only be one of the names the service knows (src/applications/states.rs).
ALTER TABLE applications ADD CONSTRAINT applications_status_check CHECK (status IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn'));
ALTER TABLE events ADD CONSTRAINT events_action_check CHECK (action IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw'));
ALTER TABLE events ADD CONSTRAINT events_to_status_check CHECK (to_status IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn'));
ALTER TABLE events ADD CONSTRAINT events_from_status_check CHECK (from_status IN ('translating', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn'));
ALTER TABLE revisions ADD CONSTRAINT revisions_verdict_check CHECK (verdict IN ('pass', 'warn', 'fail'));
