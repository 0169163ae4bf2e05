/**
 * Tables of the shared outbox module. An object that sends includes
 * `OUTBOX_TABLES` in one of its schema migrations; an object that receives
 * includes `INBOX_TABLES`. (The Wallet does both: it sends transfers and
 * receives them.) Never edit these after they ship: add a migration.
 */

/**
 * Messages waiting to be delivered, written in the same transaction as the
 * effect that owes them (a debit). `amount` is the money a message carries, so
 * conservation checks can count money in flight. Settled rows stay for a while
 * as the record of what was delivered (the owner prunes them with `pruneSettled`).
 */
export const OUTBOX_TABLES = `
  CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    target          TEXT NOT NULL,
    payload         TEXT NOT NULL,
    amount          INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'acked', 'rejected')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    result          TEXT,
    created_at      INTEGER NOT NULL,
    settled_at      INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
`;

/** Added after OUTBOX_TABLES shipped: lets `pruneSettled` find old settled rows without a scan. */
export const OUTBOX_SETTLED_INDEX = `
  CREATE INDEX IF NOT EXISTS outbox_settled ON outbox (settled_at) WHERE status != 'pending';
`;

/**
 * Messages this object has applied, by message id, with the result it
 * acknowledged: a redelivery (the sender never saw the ack) gets the same
 * answer and changes nothing. Kept for good: a sender retries until acked.
 */
export const INBOX_TABLES = `
  CREATE TABLE inbox (
    message_id  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    sender      TEXT NOT NULL,
    result      TEXT NOT NULL,
    received_at INTEGER NOT NULL
  ) WITHOUT ROWID;
`;
