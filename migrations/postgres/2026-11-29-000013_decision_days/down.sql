DROP TRIGGER IF EXISTS decision_days ON applications;
DROP FUNCTION IF EXISTS signboard_decision_days();
DROP TABLE IF EXISTS decision_days;
