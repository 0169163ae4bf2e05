-- Accounts. Usernames and emails are unique case-insensitively: the Qingyu
-- clients let people type either to log in.
CREATE TABLE IF NOT EXISTS users (
  id             TEXT PRIMARY KEY,
  username       TEXT NOT NULL,
  username_lower TEXT NOT NULL UNIQUE,
  email          TEXT NOT NULL UNIQUE,
  password_hash  TEXT NOT NULL,
  roles          TEXT NOT NULL DEFAULT '["reader"]',
  status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'banned', 'disabled')),
  nickname       TEXT,
  avatar         TEXT,
  bio            TEXT,
  ban_reason     TEXT,
  banned_until   INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  last_login_at  INTEGER
);
CREATE INDEX IF NOT EXISTS users_created_at ON users (created_at);
CREATE INDEX IF NOT EXISTS users_status ON users (status);
UPDATE schema_meta SET value = '2' WHERE key = 'schema_version';
