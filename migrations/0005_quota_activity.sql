-- A small aggregate of quota activity for the admin statistics, so they need not
-- ask every user's QuotaCounter object (one RPC per user). The quota routes write
-- it after each charge or level change, off the response path.
--
-- Each user's daily-quota level and status as last seen. A level only holds until
-- the daily reset (`resets_at`); after it the user is back at `ok`.
CREATE TABLE IF NOT EXISTS quota_levels (
  user_id    TEXT PRIMARY KEY,
  level      TEXT NOT NULL CHECK (level IN ('ok', 'warning', 'critical', 'exhausted')),
  status     TEXT NOT NULL,
  resets_at  INTEGER,
  -- The QuotaCounter's own updatedAt: a late write of an older state never wins.
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS quota_levels_by_reset ON quota_levels (resets_at);
-- Tokens charged per user per local day (midnight in the runtime config's quota time zone, epoch ms).
CREATE TABLE IF NOT EXISTS quota_usage_daily (
  day_start INTEGER NOT NULL,
  user_id   TEXT NOT NULL,
  tokens    INTEGER NOT NULL,
  PRIMARY KEY (day_start, user_id)
);
UPDATE schema_meta SET value = '5' WHERE key = 'schema_version';
