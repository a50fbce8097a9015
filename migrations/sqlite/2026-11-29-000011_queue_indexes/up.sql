-- The officials' queue at a region's size (issue 13; on SQLite `q` stays a LIKE): an index for every filter and sort of the
-- console, each ending in the list's order so that a first page (and a keyset page, `after=`)
-- is an index range scan with a LIMIT.
--
-- The due order is (clock_state, COALESCE(due_on, '9999-12-31'), id): a case without a due day
-- (paused) sorts after the dated ones of its state, the same on both backends.
DROP INDEX IF EXISTS applications_clock_due;
DROP INDEX IF EXISTS applications_status_due;
DROP INDEX IF EXISTS applications_assignee_due;
DROP INDEX IF EXISTS applications_township_due;
DROP INDEX IF EXISTS applications_status_submitted;
DROP INDEX IF EXISTS applications_merchant;

CREATE INDEX applications_queue_due ON applications (clock_state, (COALESCE(due_on, '9999-12-31')), id);
CREATE INDEX applications_queue_status_due ON applications (status, clock_state, (COALESCE(due_on, '9999-12-31')), id);
CREATE INDEX applications_queue_township_due ON applications (township, clock_state, (COALESCE(due_on, '9999-12-31')), id);
CREATE INDEX applications_queue_assignee_due ON applications (assignee_id, clock_state, (COALESCE(due_on, '9999-12-31')), id);
CREATE INDEX applications_queue_year_due ON applications (submitted_year, clock_state, (COALESCE(due_on, '9999-12-31')), id);
-- sort=submitted (newest first, scanned backwards), and the merchant's own list.
CREATE INDEX applications_queue_submitted ON applications (submitted_at, id);
CREATE INDEX applications_queue_status_submitted ON applications (status, submitted_at, id);
CREATE INDEX applications_queue_merchant ON applications (merchant_id, submitted_at, id);
