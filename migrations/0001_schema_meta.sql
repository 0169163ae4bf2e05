-- Records which application schema version this D1 database carries, so the
-- health check can tell "reachable but never migrated" from "ready".
CREATE TABLE IF NOT EXISTS schema_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT OR REPLACE INTO schema_meta (key, value) VALUES ('schema_version', '1');
