/**
 * The QuotaCounter's SQLite schema, as ordered migrations. `migrate` runs in
 * the constructor under `blockConcurrencyWhile`, so no request ever sees a
 * half-migrated object. Append new steps; never edit a shipped one.
 */

/**
 * The inbox also holds account notices (password changed, wallet events). `kind` says which; `event_id` is
 * the event's id (a notice's queue message id; a quota-level row's own id) and UNIQUE, so a notice whose
 * message the queue delivers again is stored once. `details` is the notice's small JSON (amount, reason).
 * SQLite cannot drop NOT NULL from the quota columns in place, hence the rebuild; rows keep seq and id.
 * Exported for its test, which runs it on an object rewound to the inbox before it.
 */
export const INBOX_NOTICES_STEP = `
  CREATE TABLE notifications_next (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    event_id       TEXT NOT NULL UNIQUE,
    quota_type     TEXT,
    level          TEXT,
    previous_level TEXT,
    threshold      REAL,
    remaining      INTEGER,
    total          INTEGER,
    reset_at       INTEGER,
    details        TEXT,
    created_at     INTEGER NOT NULL,
    read_at        INTEGER
  );
  INSERT INTO notifications_next (seq, id, kind, event_id, quota_type, level, previous_level, threshold, remaining, total, reset_at, created_at, read_at)
    SELECT seq, id, 'quota_level', id, quota_type, level, previous_level, threshold, remaining, total, reset_at, created_at, read_at FROM notifications;
  DROP TABLE notifications;
  ALTER TABLE notifications_next RENAME TO notifications;
  CREATE INDEX notifications_unread ON notifications (seq) WHERE read_at IS NULL;
  CREATE INDEX notifications_read_age ON notifications (read_at) WHERE read_at IS NOT NULL;
  `;

/** Each entry moves the schema from version i to i + 1. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  -- One row per quota type. total = base_total + bonus (NULL base_total = unlimited);
  -- bonus is what recharges added this period. level/fired remember which level
  -- events this period already produced (bit 1 warning, 2 critical, 4 exhausted).
  CREATE TABLE quotas (
    quota_type   TEXT PRIMARY KEY,
    id           TEXT NOT NULL,
    base_total   INTEGER,
    total_source TEXT NOT NULL,
    bonus        INTEGER NOT NULL DEFAULT 0,
    used         INTEGER NOT NULL DEFAULT 0,
    reserved     INTEGER NOT NULL DEFAULT 0,
    suspended    INTEGER NOT NULL DEFAULT 0,
    level        TEXT NOT NULL,
    fired        INTEGER NOT NULL DEFAULT 0,
    period_start INTEGER NOT NULL,
    reset_at     INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- Append-only: rows are never deleted, so max(seq) is the row count (statistics stay O(log n)).
  CREATE TABLE ledger (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL,
    quota_type     TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    type           TEXT NOT NULL,
    service        TEXT,
    model          TEXT,
    request_id     TEXT,
    description    TEXT,
    before_balance INTEGER NOT NULL,
    after_balance  INTEGER NOT NULL,
    timestamp      INTEGER NOT NULL
  );

  -- Idempotency: the stored result is returned verbatim on replay.
  CREATE TABLE requests (
    kind        TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    result      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, request_id)
  ) WITHOUT ROWID;
  CREATE INDEX requests_by_age ON requests (created_at);

  CREATE TABLE reservations (
    id         TEXT PRIMARY KEY,
    quota_type TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    service    TEXT NOT NULL,
    model      TEXT,
    request_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    settled_at INTEGER,
    actual     INTEGER,
    charged    INTEGER,
    overage    INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'active';

  -- The inbox: one row per level event (the event id is the notification id).
  CREATE TABLE notifications (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    quota_type     TEXT NOT NULL,
    level          TEXT NOT NULL,
    previous_level TEXT NOT NULL,
    threshold      REAL NOT NULL,
    remaining      INTEGER NOT NULL,
    total          INTEGER NOT NULL,
    reset_at       INTEGER,
    created_at     INTEGER NOT NULL,
    read_at        INTEGER
  );
  CREATE INDEX notifications_unread ON notifications (seq) WHERE read_at IS NULL;
  CREATE INDEX notifications_read_age ON notifications (read_at) WHERE read_at IS NOT NULL;

  -- Webhook outbox; url and secret are captured when the event happens.
  CREATE TABLE webhook_outbox (
    event_id        TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX outbox_due ON webhook_outbox (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX outbox_delivered ON webhook_outbox (delivered_at) WHERE status = 'delivered';

  -- Net tokens by service and by model, kept with each debit so statistics never scan the ledger.
  CREATE TABLE usage_totals (
    dimension TEXT NOT NULL,
    key       TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    PRIMARY KEY (dimension, key)
  ) WITHOUT ROWID;
  `,
  INBOX_NOTICES_STEP,
  // Per-model pricing: a priced call's tokens and price version on its ledger row (amount stays the credits
  // charged), and on a priced reservation the price its commit is charged at.
  `
  ALTER TABLE ledger ADD COLUMN input_tokens INTEGER;
  ALTER TABLE ledger ADD COLUMN output_tokens INTEGER;
  ALTER TABLE ledger ADD COLUMN price_version TEXT;
  ALTER TABLE reservations ADD COLUMN price_version TEXT;
  ALTER TABLE reservations ADD COLUMN input_price INTEGER;
  ALTER TABLE reservations ADD COLUMN output_price INTEGER;
  `,
  // The exhaustion forecast: each quota's exponentially weighted burn rate (credits per ms) and when it was last updated.
  `
  ALTER TABLE quotas ADD COLUMN burn_rate REAL NOT NULL DEFAULT 0;
  ALTER TABLE quotas ADD COLUMN burn_at INTEGER;
  `,
  // Rollover: credits carried into this period from the last one's unused plan (part of the total; spent first).
  `
  ALTER TABLE quotas ADD COLUMN rolled INTEGER NOT NULL DEFAULT 0;
  `,
  // Automatic top-up: the user's setting (one row) and the intents, each recorded with the debit that crossed
  // the threshold and sent to the wallet by the alarm. `day_start` is the local day an intent counts against
  // (maxPerDay); the package is copied in, so an intent buys what was agreed when it was recorded.
  `
  CREATE TABLE auto_topup (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    package_id  TEXT NOT NULL,
    tokens      INTEGER NOT NULL,
    price_fen   INTEGER NOT NULL,
    threshold   TEXT NOT NULL CHECK (threshold IN ('warning', 'critical')),
    max_per_day INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  );
  CREATE TABLE topup_intents (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'purchased', 'failed', 'cancelled')),
    package_id      TEXT NOT NULL,
    tokens          INTEGER NOT NULL,
    price_fen       INTEGER NOT NULL,
    threshold       TEXT NOT NULL,
    day_start       INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    purchase_id     TEXT,
    failure         TEXT,
    created_at      INTEGER NOT NULL,
    settled_at      INTEGER
  );
  CREATE INDEX topup_intents_due ON topup_intents (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX topup_intents_by_day ON topup_intents (day_start, status);
  `,
];

/** The schema version this code expects. */
export const QUOTA_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the object's SQLite schema to `QUOTA_SCHEMA_VERSION`, all steps in one transaction. */
export function migrate(sql: SqlStorage, storage: DurableObjectStorage): void {
  storage.transactionSync(() => {
    const hasMeta = sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'meta'").one().n > 0;
    const current = hasMeta
      ? Number(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0]?.value ?? 0)
      : 0;
    for (let version = current; version < MIGRATIONS.length; version++) {
      sql.exec(MIGRATIONS[version]!);
    }
    if (current < MIGRATIONS.length) {
      sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", String(MIGRATIONS.length));
    }
  });
}
