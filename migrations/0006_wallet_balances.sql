-- The admins' projection of every wallet's balance and held money (fen), for
-- statistics. Each Wallet Durable Object owns its balance and reports changes
-- here through its outbox; `version` (the wallet's ledger sequence) keeps a
-- late, older report from overwriting a newer one.
CREATE TABLE IF NOT EXISTS wallet_balances (
  user_id    TEXT PRIMARY KEY,
  balance    INTEGER NOT NULL,
  held       INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
UPDATE schema_meta SET value = '6' WHERE key = 'schema_version';
