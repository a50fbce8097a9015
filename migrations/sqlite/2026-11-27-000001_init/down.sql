DROP TABLE stat_counts;
DROP TABLE approval_counters;
DROP TABLE events;
DROP TABLE attachments;
DROP TABLE revisions;
DROP TABLE applications;
DROP TABLE users;
