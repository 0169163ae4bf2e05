-- Account notices written in the same D1 batch as the change they announce
-- (a password change), so a Worker that dies between the write and the
-- enqueue loses nothing: the request's own enqueue deletes its row, and the
-- cron drain (src/messaging/notice-outbox.ts) enqueues and deletes rows
-- older than NOTICE_OUTBOX_GRACE_SECONDS. The row id is the message id, so a
-- row sent by both is still one delivery.
CREATE TABLE notice_outbox (
  id         TEXT PRIMARY KEY,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX notice_outbox_age ON notice_outbox (created_at);
UPDATE schema_meta SET value = '11' WHERE key = 'schema_version';
