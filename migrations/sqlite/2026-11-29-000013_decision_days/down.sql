DROP TRIGGER IF EXISTS decision_days_update;
DROP TRIGGER IF EXISTS decision_days_delete;
DROP TRIGGER IF EXISTS decision_days_insert;
DROP TABLE IF EXISTS decision_days;
