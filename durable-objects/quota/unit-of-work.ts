/**
 * One operation's view of storage, used inside `transactionSync`: row access,
 * saving with level evaluation (events in the same transaction), ledger rows,
 * and what must happen after commit (WebSocket pushes, alarm time).
 */
import type { AutoTopupResult } from "../../contract/quota/auto-topup";
import type { QuotaPolicy } from "../../contract/quota/policy";
import type { LedgerType, QuotaLevel, QuotaType } from "../../contract/quota/inputs";
import type { QuotaEvent, QuotaView } from "../../contract/quota/views";
import type { PricedCall } from "./charges";
import { recordEvent } from "./events";
import { burn, forecastExhaustedAt } from "./forecast";
import { levelFor, levelsToFire, markFired, rearm } from "./levels";
import { quotaView, remainingOf, totalOf, type QuotaRow } from "./rows";
import { recordTopupIntent } from "./topup-intents";

/** A level change to push to WebSocket clients after commit. */
export type LevelChange = { quota: QuotaView; previousLevel: QuotaLevel; events: QuotaEvent[] };

/** A ledger row to append. Balances are `balanceOf(row)` before and after. */
export type LedgerInsert = {
  quotaType: QuotaType;
  amount: number;
  type: LedgerType;
  service?: string | null;
  model?: string | null;
  requestId?: string | null;
  description?: string | null;
  before: number;
  after: number;
  /** The priced call behind `amount`, whose tokens and price version the row keeps. */
  priced?: PricedCall | null;
};

const USAGE_UPSERT_ONE = `INSERT INTO usage_totals (dimension, key, amount) VALUES (?, ?, ?)
  ON CONFLICT (dimension, key) DO UPDATE SET amount = amount + excluded.amount`;
const USAGE_UPSERT_BOTH = `INSERT INTO usage_totals (dimension, key, amount) VALUES (?, ?, ?), (?, ?, ?)
  ON CONFLICT (dimension, key) DO UPDATE SET amount = amount + excluded.amount`;
// A priced call's tokens ride in the same statement as its credits: no extra round trip on the hot path.
const USAGE_UPSERT_PRICED = `INSERT INTO usage_totals (dimension, key, amount) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?)
  ON CONFLICT (dimension, key) DO UPDATE SET amount = amount + excluded.amount`;

const TYPE_ORDER = "CASE quota_type WHEN 'daily' THEN 0 WHEN 'monthly' THEN 1 ELSE 2 END";

/** The unit of work for one RPC or alarm run. */
export class UnitOfWork {
  /** Level events produced, in order; returned to the caller. */
  readonly events: QuotaEvent[] = [];
  /** Level changes to push after commit. */
  readonly levelChanges: LevelChange[] = [];
  /** Earliest time the alarm must run for work created here, or null. */
  dueAt: number | null = null;
  /** True when reset boundaries or reservation expiries moved, so the in-memory schedule must be reloaded. */
  scheduleChanged = false;
  /** Reservations this unit expired (counted in metrics once it committed). */
  expiredReservations = 0;
  /** Automatic top-up results this unit produced (capped crossings, cancelled intents), counted once it committed. */
  readonly topupResults: AutoTopupResult[] = [];

  constructor(
    readonly sql: SqlStorage,
    readonly userId: string,
    readonly policy: QuotaPolicy,
    readonly now: number,
  ) {}

  /** Asks for the alarm to run no later than `at`. */
  due(at: number): void {
    if (this.dueAt === null || at < this.dueAt) this.dueAt = at;
  }

  /** The row for a type; rows exist before any operation runs (see lifecycle `prepare`). */
  row(quotaType: QuotaType): QuotaRow {
    const row = this.sql.exec<QuotaRow>("SELECT * FROM quotas WHERE quota_type = ?", quotaType).toArray()[0];
    if (!row) throw new Error(`quota row '${quotaType}' is missing; prepare() creates rows before operations`);
    return row;
  }

  /** Every row, daily → monthly → total. */
  rows(): QuotaRow[] {
    return this.sql.exec<QuotaRow>(`SELECT * FROM quotas ORDER BY ${TYPE_ORDER}`).toArray();
  }

  /** The row as clients see it. */
  view(row: QuotaRow): QuotaView {
    return quotaView(row, this.userId, forecastExhaustedAt(row, this.now, this.policy.forecast));
  }

  /**
   * Writes a mutated row, recomputing its level. Each alert level reached and
   * not yet fired this period produces one event, stored now. `rearm` first
   * forgets fired levels the quota is back above (recharge, raised total).
   */
  save(row: QuotaRow, options: { rearm?: boolean } = {}): QuotaEvent[] {
    const previous = row.level;
    const level = levelFor(remainingOf(row) ?? 0, totalOf(row), this.policy.thresholds);
    const armed = options.rearm ? rearm(row.fired, level) : row.fired;
    const reached = levelsToFire(level, armed);
    row.level = level;
    row.fired = markFired(armed, reached);
    row.updated_at = this.now;
    this.sql.exec(
      `UPDATE quotas SET base_total = ?, total_source = ?, bonus = ?, used = ?, reserved = ?, suspended = ?,
         level = ?, fired = ?, period_start = ?, reset_at = ?, updated_at = ?, burn_rate = ?, burn_at = ?, rolled = ? WHERE quota_type = ?`,
      row.base_total,
      row.total_source,
      row.bonus,
      row.used,
      row.reserved,
      row.suspended,
      row.level,
      row.fired,
      row.period_start,
      row.reset_at,
      row.updated_at,
      row.burn_rate,
      row.burn_at,
      row.rolled,
      row.quota_type,
    );
    let before: QuotaLevel = previous;
    const events = reached.map((alert) => {
      const event = recordEvent(this, row, alert, before);
      before = alert;
      return event;
    });
    this.events.push(...events);
    // A top-up intent is owed by the debit that crossed the threshold, so it is written with it.
    if (reached.length > 0 && row.quota_type === "total") recordTopupIntent(this, reached);
    // A period with something to undo needs the alarm at its boundary; idle rows roll over lazily.
    if (row.reset_at !== null && (row.used > 0 || row.bonus > 0 || row.fired !== 0)) this.due(row.reset_at);
    if (level !== previous || events.length > 0) this.levelChanges.push({ quota: this.view(row), previousLevel: previous, events });
    return events;
  }

  /** Counts a debit of `credits` in the row's burn rate; the next `save` writes it with the debit. */
  burn(row: QuotaRow, credits: number): void {
    burn(row, credits, this.now, this.policy.forecast);
  }

  /** Appends a ledger row and returns its id. */
  ledger(entry: LedgerInsert): string {
    const id = crypto.randomUUID();
    this.sql.exec(
      `INSERT INTO ledger (id, quota_type, amount, type, service, model, request_id, description, before_balance, after_balance, timestamp,
         input_tokens, output_tokens, price_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      entry.quotaType,
      entry.amount,
      entry.type,
      entry.service ?? null,
      entry.model ?? null,
      entry.requestId ?? null,
      entry.description ?? null,
      entry.before,
      entry.after,
      this.now,
      entry.priced?.inputTokens ?? null,
      entry.priced?.outputTokens ?? null,
      entry.priced?.priceVersion ?? null,
    );
    return id;
  }

  /** Adds net usage (negative for refunds) to the by-service and by-model totals statistics read (a priced call's tokens too): one statement. */
  usage(service: string | null | undefined, model: string | null | undefined, amount: number, priced: PricedCall | null = null): void {
    if (priced && service) {
      this.sql.exec(
        USAGE_UPSERT_PRICED,
        "service",
        service,
        amount,
        "model",
        priced.model,
        amount,
        "model_input_tokens",
        priced.model,
        priced.inputTokens,
        "model_output_tokens",
        priced.model,
        priced.outputTokens,
      );
      return;
    }
    if (amount === 0) return;
    if (service && model) this.sql.exec(USAGE_UPSERT_BOTH, "service", service, amount, "model", model, amount);
    else if (service) this.sql.exec(USAGE_UPSERT_ONE, "service", service, amount);
    else if (model) this.sql.exec(USAGE_UPSERT_ONE, "model", model, amount);
  }
}
