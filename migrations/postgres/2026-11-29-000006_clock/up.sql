-- The statutory clock: a projection of each application's clock (derived from its events by
-- the replay in src/clock, rewritten in the transaction of every event) for the officials'
-- queue, its sort and its filters; who holds the case; the on-time figures of decisions.
-- clock_state: 0 running, 1 paused (changes requested), 2 stopped (a final state); the
-- numbers give the queue's order (running first, then paused, then closed).
ALTER TABLE applications ADD COLUMN clock_state INTEGER NOT NULL DEFAULT 0 CHECK (clock_state IN (0, 1, 2));
ALTER TABLE applications ADD COLUMN due_on DATE;
ALTER TABLE applications ADD COLUMN extended_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN assignee_id TEXT REFERENCES users (id);
ALTER TABLE applications ADD COLUMN decided_working_days INTEGER;
ALTER TABLE applications ADD COLUMN decided_within_limit BOOLEAN;

-- Existing rows: the state from the status; the due days are replayed at the next start.
UPDATE applications SET clock_state = CASE
    WHEN status = 'changes_requested' THEN 1
    WHEN status IN ('approved', 'rejected', 'withdrawn') THEN 2
    ELSE 0 END;

CREATE INDEX applications_clock_due ON applications (clock_state, due_on, id);
CREATE INDEX applications_status_due ON applications (status, clock_state, due_on, id);
CREATE INDEX applications_assignee_due ON applications (assignee_id, clock_state, due_on);
CREATE INDEX applications_township_due ON applications (township, clock_state, due_on);
CREATE INDEX applications_on_time ON applications (decided_year, decided_working_days, decided_within_limit);

-- The closed set of actions with extend, claim and assign (the whole list restated).
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_action_check;
ALTER TABLE events ADD CONSTRAINT events_action_check CHECK (action IN ('submit', 'supply_translation', 'confirm_translation', 'approve', 'reject', 'request_changes', 'resubmit', 'withdraw', 'extend', 'claim', 'assign'));
