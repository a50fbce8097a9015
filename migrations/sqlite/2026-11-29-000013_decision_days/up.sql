-- The on-time figures at a region's size (issue 13): a running histogram of decisions per year,
-- working days and within-limit, kept by triggers from the clock's projection on `applications`
-- (whatever writes it), so the yearly counts never aggregate a million rows; the median is
-- read off the histogram.
CREATE TABLE decision_days (
    year INTEGER NOT NULL,
    working_days INTEGER NOT NULL,
    within_limit BOOLEAN NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (year, working_days, within_limit)
);

INSERT INTO decision_days (year, working_days, within_limit, n)
SELECT decided_year, decided_working_days, COALESCE(decided_within_limit, 0), COUNT(*)
FROM applications
WHERE decided_year IS NOT NULL AND decided_working_days IS NOT NULL
GROUP BY decided_year, decided_working_days, COALESCE(decided_within_limit, 0);

CREATE TRIGGER decision_days_insert AFTER INSERT ON applications
WHEN NEW.decided_year IS NOT NULL AND NEW.decided_working_days IS NOT NULL
BEGIN
    INSERT INTO decision_days (year, working_days, within_limit, n)
    SELECT NEW.decided_year, NEW.decided_working_days, COALESCE(NEW.decided_within_limit, 0), 1
    WHERE true
    ON CONFLICT (year, working_days, within_limit) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER decision_days_delete AFTER DELETE ON applications
WHEN OLD.decided_year IS NOT NULL AND OLD.decided_working_days IS NOT NULL
BEGIN
    UPDATE decision_days SET n = n - 1
    WHERE year = OLD.decided_year AND working_days = OLD.decided_working_days
      AND within_limit = COALESCE(OLD.decided_within_limit, 0);
END;

CREATE TRIGGER decision_days_update
AFTER UPDATE OF decided_year, decided_working_days, decided_within_limit ON applications
WHEN OLD.decided_year IS NOT NEW.decided_year
  OR OLD.decided_working_days IS NOT NEW.decided_working_days
  OR OLD.decided_within_limit IS NOT NEW.decided_within_limit
BEGIN
    UPDATE decision_days SET n = n - 1
    WHERE OLD.decided_year IS NOT NULL AND OLD.decided_working_days IS NOT NULL
      AND year = OLD.decided_year AND working_days = OLD.decided_working_days
      AND within_limit = COALESCE(OLD.decided_within_limit, 0);
    INSERT INTO decision_days (year, working_days, within_limit, n)
    SELECT NEW.decided_year, NEW.decided_working_days, COALESCE(NEW.decided_within_limit, 0), 1
    WHERE NEW.decided_year IS NOT NULL AND NEW.decided_working_days IS NOT NULL
    ON CONFLICT (year, working_days, within_limit) DO UPDATE SET n = n + 1;
END;
