-- Every admin action, append-only: who did what to which target, and when.
CREATE TABLE IF NOT EXISTS admin_operation_logs (
  id         TEXT PRIMARY KEY,
  admin_id   TEXT NOT NULL,
  action     TEXT NOT NULL,
  target     TEXT,
  details    TEXT,
  request_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS admin_operation_logs_created_at ON admin_operation_logs (created_at);
CREATE INDEX IF NOT EXISTS admin_operation_logs_admin ON admin_operation_logs (admin_id, created_at);
CREATE INDEX IF NOT EXISTS admin_operation_logs_action ON admin_operation_logs (action, created_at);
-- Append-only: the API never updates or deletes a row, and these triggers refuse it.
CREATE TRIGGER IF NOT EXISTS admin_operation_logs_no_update BEFORE UPDATE ON admin_operation_logs BEGIN SELECT RAISE(ABORT, 'admin_operation_logs is append-only'); END;
CREATE TRIGGER IF NOT EXISTS admin_operation_logs_no_delete BEFORE DELETE ON admin_operation_logs BEGIN SELECT RAISE(ABORT, 'admin_operation_logs is append-only'); END;
UPDATE schema_meta SET value = '3' WHERE key = 'schema_version';
