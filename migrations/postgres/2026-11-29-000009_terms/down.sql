DROP TABLE term_versions;
DROP TABLE translation_memory;
DROP TABLE term_events;
DROP TABLE terms;
