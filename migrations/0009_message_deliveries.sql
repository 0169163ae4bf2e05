-- Messages the queue consumer has delivered (src/messaging/consumer.ts), by message id
-- (= the event id): a redelivered message whose id is here is acknowledged without sending again.
CREATE TABLE message_deliveries (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  delivered_at INTEGER NOT NULL
);
CREATE INDEX message_deliveries_age ON message_deliveries (delivered_at);
UPDATE schema_meta SET value = '9' WHERE key = 'schema_version';
