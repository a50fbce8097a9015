-- The officials' queue at a region's size (issue 13): an index for every filter and sort of the
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

CREATE INDEX applications_queue_due ON applications (clock_state, (COALESCE(due_on, '9999-12-31')), id) INCLUDE (due_on);
CREATE INDEX applications_queue_status_due ON applications (status, clock_state, (COALESCE(due_on, '9999-12-31')), id) INCLUDE (due_on);
CREATE INDEX applications_queue_township_due ON applications (township, clock_state, (COALESCE(due_on, '9999-12-31')), id) INCLUDE (due_on);
CREATE INDEX applications_queue_assignee_due ON applications (assignee_id, clock_state, (COALESCE(due_on, '9999-12-31')), id) INCLUDE (due_on);
CREATE INDEX applications_queue_year_due ON applications (submitted_year, clock_state, (COALESCE(due_on, '9999-12-31')), id) INCLUDE (due_on);
-- (INCLUDE due_on: a count of a due-day filter is then an index-only scan.)
-- A whole licence code (a region's codes share their first characters, whose trigrams are in
-- every row).
CREATE INDEX applications_queue_license ON applications (license_no);
-- sort=submitted (newest first, scanned backwards), and the merchant's own list.
CREATE INDEX applications_queue_submitted ON applications (submitted_at, id);
CREATE INDEX applications_queue_status_submitted ON applications (status, submitted_at, id);
CREATE INDEX applications_queue_merchant ON applications (merchant_id, submitted_at, id);

-- `q`: one text of the searched fields, joined by a unit separator (U+001F) that no query may
-- contain, so a match never spans two fields.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION signboard_queue_text(shop_name text, address text, license_no text, reference text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT shop_name || E'\x1f' || address || E'\x1f' || license_no || E'\x1f' || reference $$;

-- Queries of three characters or more: trigrams (`LIKE '%…%'`).
CREATE INDEX applications_queue_trgm ON applications
    USING gin (signboard_queue_text(shop_name, address, license_no, reference) gin_trgm_ops);

-- A query of one or two characters has no trigram (a two-character Chinese name such as 草原
-- is common): every character and every pair of adjacent characters of the text, searched with
-- `@> ARRAY[q]`.
CREATE FUNCTION signboard_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
       SELECT substr(t, i, 1) AS g FROM generate_series(1, char_length(t)) AS i
       UNION ALL
       SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i) AS grams $$;

CREATE INDEX applications_queue_grams ON applications
    USING gin (signboard_grams(signboard_queue_text(shop_name, address, license_no, reference)));
