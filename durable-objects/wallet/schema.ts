/**
 * The Wallet's SQLite schema, as ordered migrations run in the constructor
 * under `blockConcurrencyWhile`. The invariants that must never break are
 * also CHECK constraints and triggers, so even a bug in the operations cannot
 * commit a negative balance or rewrite history: the transaction aborts instead.
 * Append new steps; never edit a shipped one.
 */
import { INBOX_TABLES, OUTBOX_SETTLED_INDEX, OUTBOX_TABLES } from "../outbox/schema";
import { BACKFILL_BALANCE_PROJECTION } from "./balance-projection";

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  -- Exactly one row (id = 1). held = money held for pending withdrawals.
  CREATE TABLE wallet (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    wallet_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    balance       INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
    held          INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0 AND held <= balance),
    frozen        INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1)),
    frozen_reason TEXT,
    total_income  INTEGER NOT NULL DEFAULT 0 CHECK (total_income >= 0),
    total_expense INTEGER NOT NULL DEFAULT 0 CHECK (total_expense >= 0),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
  );

  -- Append-only: amounts never change and rows are never deleted; only status moves
  -- (pending → completed/refunded/approved/rejected).
  CREATE TABLE ledger (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    type_seq        INTEGER NOT NULL,
    amount          INTEGER NOT NULL,
    balance_after   INTEGER NOT NULL CHECK (balance_after >= 0),
    held_delta      INTEGER NOT NULL DEFAULT 0,
    held_after      INTEGER NOT NULL CHECK (held_after >= 0 AND held_after <= balance_after),
    related_user_id TEXT,
    reference       TEXT,
    reason          TEXT,
    status          TEXT NOT NULL,
    idempotency_key TEXT,
    created_at      INTEGER NOT NULL
  );
  -- seq is dense (rows are never deleted) and type_seq numbers each type's rows 1..n, so a page at any
  -- offset is a range lookup: latency stays flat however long the ledger grows.
  CREATE UNIQUE INDEX ledger_by_type ON ledger (type, type_seq);
  CREATE INDEX ledger_by_reference ON ledger (reference) WHERE reference IS NOT NULL;
  CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
    BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
  CREATE TRIGGER ledger_immutable BEFORE UPDATE OF seq, id, type, type_seq, amount, balance_after, held_delta, held_after,
      related_user_id, reference, reason, idempotency_key, created_at ON ledger
    BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable except their status'); END;

  -- Row counts per type ('*' = all), kept with each insert so a page's total costs one lookup.
  CREATE TABLE ledger_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;

  CREATE TABLE recharge_orders (
    id              TEXT PRIMARY KEY,
    amount          INTEGER NOT NULL CHECK (amount > 0),
    method          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'credited')),
    transaction_id  TEXT,
    provider_txn_id TEXT,
    created_at      INTEGER NOT NULL,
    credited_at     INTEGER
  ) WITHOUT ROWID;

  CREATE TABLE withdrawals (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    amount        INTEGER NOT NULL CHECK (amount > 0),
    account       TEXT NOT NULL,
    method        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    review_reason TEXT,
    reviewed_by   TEXT,
    reviewed_at   INTEGER,
    created_at    INTEGER NOT NULL
  );
  CREATE INDEX withdrawals_by_status ON withdrawals (status, seq);

  -- Idempotency-Key records: the first result, stored with its effect, answers replays.
  CREATE TABLE requests (
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    result      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
  ) WITHOUT ROWID;
  CREATE INDEX requests_by_age ON requests (created_at);
  ${OUTBOX_TABLES}
  ${INBOX_TABLES}
  `,
  OUTBOX_SETTLED_INDEX,
  BACKFILL_BALANCE_PROJECTION,
];

/** The schema version this code expects. */
export const WALLET_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the object's SQLite schema to `WALLET_SCHEMA_VERSION`, all steps in one transaction. */
export function migrate(sql: SqlStorage, storage: DurableObjectStorage): void {
  storage.transactionSync(() => {
    const hasMeta = sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'meta'").one().n > 0;
    const current = hasMeta ? Number(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0]?.value ?? 0) : 0;
    for (let version = current; version < MIGRATIONS.length; version++) sql.exec(MIGRATIONS[version]!);
    if (current < MIGRATIONS.length) sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", String(MIGRATIONS.length));
  });
}
