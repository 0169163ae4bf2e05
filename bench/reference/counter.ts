/**
 * The reference's Durable Object: a quota counter and a wallet of the same
 * shape as ours, bare. Each operation is one `transactionSync` that checks the
 * idempotency record, reads the balance, debits it, appends a ledger row and
 * stores the answer under the request id (UNIQUE); the answer leaves only after
 * the commit (the output gate), as ours does.
 */
import { DurableObject } from "cloudflare:workers";

/** Large enough that no bench run exhausts it. */
const OPENING_TOTAL = 1_000_000_000_000;

/** What a consume or debit answers. */
export type ReferenceResult = { ok: boolean; remaining: number; transactionId: string | null; replayed: boolean };

export class ReferenceCounter extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, used INTEGER NOT NULL, total INTEGER NOT NULL)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS ledger (id TEXT PRIMARY KEY, kind TEXT NOT NULL, amount INTEGER NOT NULL,
        before_balance INTEGER NOT NULL, after_balance INTEGER NOT NULL, request_id TEXT, timestamp INTEGER NOT NULL)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS requests (request_id TEXT PRIMARY KEY, result TEXT NOT NULL, created_at INTEGER NOT NULL)`);
      this.sql.exec(`INSERT OR IGNORE INTO counters (kind, used, total) VALUES ('quota', 0, ?), ('wallet', 0, ?)`, OPENING_TOTAL, OPENING_TOTAL);
    });
  }

  noop(): null {
    return null;
  }

  /** Check-and-debit of a quota counter. */
  consume(amount: number, requestId: string): ReferenceResult {
    return this.debitOf("quota", amount, requestId);
  }

  /** Check-and-debit of a wallet balance (integer minor units). */
  debit(amount: number, requestId: string): ReferenceResult {
    return this.debitOf("wallet", amount, requestId);
  }

  private debitOf(kind: "quota" | "wallet", amount: number, requestId: string): ReferenceResult {
    return this.ctx.storage.transactionSync(() => {
      const prior = this.sql.exec<{ result: string }>("SELECT result FROM requests WHERE request_id = ?", requestId).toArray()[0];
      if (prior) return { ...(JSON.parse(prior.result) as ReferenceResult), replayed: true };
      const { used, total } = this.sql.exec<{ used: number; total: number }>("SELECT used, total FROM counters WHERE kind = ?", kind).one();
      const now = Date.now();
      let result: ReferenceResult;
      if (used + amount > total) {
        result = { ok: false, remaining: total - used, transactionId: null, replayed: false };
      } else {
        this.sql.exec("UPDATE counters SET used = ? WHERE kind = ?", used + amount, kind);
        const id = crypto.randomUUID();
        this.sql.exec(
          "INSERT INTO ledger (id, kind, amount, before_balance, after_balance, request_id, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)",
          id, kind, amount, total - used, total - used - amount, requestId, now,
        );
        result = { ok: true, remaining: total - used - amount, transactionId: id, replayed: false };
      }
      this.sql.exec("INSERT INTO requests (request_id, result, created_at) VALUES (?, ?, ?)", requestId, JSON.stringify(result), now);
      return result;
    });
  }
}
