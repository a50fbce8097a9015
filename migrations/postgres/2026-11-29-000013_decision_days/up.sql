-- The on-time figures at a region's size (issue 13): a running histogram of decisions per year,
-- working days and within-limit, kept by a trigger from the clock's projection on
-- `applications` (whatever writes it), so the yearly counts never aggregate a million rows; the
-- median is read off the histogram.
CREATE TABLE decision_days (
    year INTEGER NOT NULL,
    working_days INTEGER NOT NULL,
    within_limit BOOLEAN NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (year, working_days, within_limit)
);

INSERT INTO decision_days (year, working_days, within_limit, n)
SELECT decided_year, decided_working_days, COALESCE(decided_within_limit, false), COUNT(*)
FROM applications
WHERE decided_year IS NOT NULL AND decided_working_days IS NOT NULL
GROUP BY 1, 2, 3;

CREATE FUNCTION signboard_decision_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.decided_year IS NOT DISTINCT FROM NEW.decided_year
       AND OLD.decided_working_days IS NOT DISTINCT FROM NEW.decided_working_days
       AND OLD.decided_within_limit IS NOT DISTINCT FROM NEW.decided_within_limit THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE')
       AND OLD.decided_year IS NOT NULL AND OLD.decided_working_days IS NOT NULL THEN
        UPDATE decision_days SET n = n - 1
        WHERE year = OLD.decided_year AND working_days = OLD.decided_working_days
          AND within_limit = COALESCE(OLD.decided_within_limit, false);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT')
       AND NEW.decided_year IS NOT NULL AND NEW.decided_working_days IS NOT NULL THEN
        INSERT INTO decision_days (year, working_days, within_limit, n)
        VALUES (NEW.decided_year, NEW.decided_working_days,
                COALESCE(NEW.decided_within_limit, false), 1)
        ON CONFLICT (year, working_days, within_limit)
        DO UPDATE SET n = decision_days.n + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER decision_days
AFTER INSERT OR DELETE OR UPDATE OF decided_year, decided_working_days, decided_within_limit
ON applications FOR EACH ROW EXECUTE FUNCTION signboard_decision_days();
