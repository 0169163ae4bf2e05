-- The admins' index of withdrawals across all wallets. Each Wallet Durable
-- Object owns its withdrawals and sends every change here through its outbox;
-- `version` keeps a late, older update from overwriting a newer one.
CREATE TABLE IF NOT EXISTS wallet_withdrawals (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL,
  amount        INTEGER NOT NULL,
  account       TEXT NOT NULL,
  method        TEXT NOT NULL,
  status        TEXT NOT NULL,
  review_reason TEXT,
  reviewed_by   TEXT,
  reviewed_at   INTEGER,
  created_at    INTEGER NOT NULL,
  version       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS wallet_withdrawals_by_status ON wallet_withdrawals (status, created_at);
CREATE INDEX IF NOT EXISTS wallet_withdrawals_by_user ON wallet_withdrawals (user_id, created_at);
CREATE INDEX IF NOT EXISTS wallet_withdrawals_by_time ON wallet_withdrawals (created_at);
UPDATE schema_meta SET value = '4' WHERE key = 'schema_version';
