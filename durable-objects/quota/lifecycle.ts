/**
 * Everything that happens to a user's quotas without an operation asking:
 * lazy creation with the role's plan, following policy changes, calendar
 * resets, reservation expiry, pruning, and when the alarm must next run.
 * The same code runs lazily before each request and from the alarm, so a read
 * after a boundary is right even if the alarm has not fired yet.
 */
import { QUOTA_TYPES } from "../../contract/quota/defaults";
import type { QuotaPolicy } from "../../contract/quota/policy";
import type { QuotaType } from "../../contract/quota/inputs";
import { nextBoundary, periodStart } from "../../contract/quota/calendar";
import { expireDueReservations } from "./reservations";
import { balanceOf, isoOrNull, type QuotaRow } from "./rows";
import type { UnitOfWork } from "./unit-of-work";
import type { ResolvedPolicy } from "./validation";

/** In-memory schedule the object keeps between requests; rebuilt from storage after eviction. */
export class Schedule {
  /** True once the three quota rows exist. */
  rowsReady = false;
  /** Earliest reset boundary or reservation expiry: before this, `prepare` has nothing due. */
  nextDueAt = Number.POSITIVE_INFINITY;

  /** Reloads both from storage. */
  refresh(sql: SqlStorage): void {
    const rows = sql.exec<{ n: number; reset: number | null }>("SELECT count(*) AS n, min(reset_at) AS reset FROM quotas").one();
    const expiry = sql
      .exec<{ at: number | null }>("SELECT min(expires_at) AS at FROM reservations WHERE status = 'active'")
      .one().at;
    this.rowsReady = rows.n === QUOTA_TYPES.length;
    this.nextDueAt = Math.min(rows.reset ?? Number.POSITIVE_INFINITY, expiry ?? Number.POSITIVE_INFINITY);
  }
}

function createRow(uow: UnitOfWork, quotaType: QuotaType): void {
  const { policy, now } = uow;
  const base = policy.plan[quotaType];
  uow.sql.exec(
    `INSERT INTO quotas (quota_type, id, base_total, total_source, level, period_start, reset_at, created_at, updated_at)
     VALUES (?, ?, ?, 'plan', 'ok', ?, ?, ?, ?)`,
    quotaType,
    crypto.randomUUID(),
    base,
    periodStart(quotaType, now, policy.timeZone),
    nextBoundary(quotaType, now, policy.timeZone),
    now,
    now,
  );
  // A zero plan starts exhausted; saving evaluates (and records) that like any other level.
  uow.save(uow.row(quotaType));
}

/**
 * Credits the ending monthly period carries into the next: `percent` of its unused plan, at most `cap`.
 * Spending order is rolled-over credits first, then this period's recharges, then the plan, so only the
 * plan's own unused share can roll (rolled credits never roll twice: they expire with the next period).
 * Nothing rolls into a period that does not directly follow (a month skipped while idle expired them).
 */
function rolloverOf(row: QuotaRow, policy: QuotaPolicy, nextStart: number): number {
  const rollover = policy.rollover;
  if (!rollover || row.quota_type !== "monthly" || row.base_total === null || row.reset_at !== nextStart) return 0;
  // Holds still open count as spent: their commit lands in the new period.
  const spentFromPlan = Math.max(0, row.used + row.reserved - row.rolled - row.bonus);
  const unusedPlan = Math.max(0, row.base_total - spentFromPlan);
  return Math.min(rollover.cap, Math.floor((unusedPlan * rollover.percent) / 100));
}

/** Starts a new period: usage, this period's recharges and rolled credits go, a rollover may come, level events re-arm. */
function resetRow(uow: UnitOfWork, row: QuotaRow): void {
  const { now, policy } = uow;
  const before = balanceOf(row);
  const { used, bonus, rolled } = row;
  const dirty = used > 0 || bonus > 0 || rolled > 0 || row.fired !== 0;
  const nextStart = periodStart(row.quota_type, now, policy.timeZone);
  const carried = rolloverOf(row, policy, nextStart);
  row.used = 0;
  row.bonus = 0;
  row.rolled = 0;
  row.fired = 0;
  row.period_start = nextStart;
  row.reset_at = nextBoundary(row.quota_type, now, policy.timeZone);
  uow.save(row);
  // An idle period ends silently: a ledger row per idle day would only be noise.
  if (dirty) {
    const description =
      `${row.quota_type} period reset: ${used} used` +
      (bonus > 0 ? `, ${bonus} recharged tokens expired` : "") +
      (rolled > 0 ? `, ${rolled} rolled-over credits expired` : "");
    uow.ledger({ quotaType: row.quota_type, amount: used, type: "reset", description, before, after: balanceOf(row) });
  }
  if (carried > 0) {
    // Its own save: the rollover is part of the new period's total, and levels evaluate (and re-arm) against it.
    const beforeRollover = balanceOf(row);
    row.rolled = carried;
    uow.save(row, { rearm: true });
    const description = `${carried} unused plan credits rolled over (${policy.rollover?.percent}%, cap ${policy.rollover?.cap}); they expire at ${isoOrNull(row.reset_at)}`;
    uow.ledger({ quotaType: row.quota_type, amount: carried, type: "rollover", description, before: beforeRollover, after: balanceOf(row) });
  }
}

/** Applies a changed policy: plan totals (for rows still on the plan), thresholds, time zone. */
function followPolicy(uow: UnitOfWork, previous: QuotaPolicy | null): void {
  const { policy, now } = uow;
  for (const row of uow.rows()) {
    if (previous && previous.timeZone !== policy.timeZone && row.reset_at !== null) {
      row.reset_at = nextBoundary(row.quota_type, now, policy.timeZone);
    }
    const planned = policy.plan[row.quota_type];
    if (row.total_source === "plan" && row.base_total !== planned) {
      const before = balanceOf(row);
      row.base_total = planned;
      uow.save(row, { rearm: true });
      const description = `plan total for role ${policy.role}: ${planned ?? "unlimited"}`;
      uow.ledger({ quotaType: row.quota_type, amount: planned ?? -1, type: "admin_set", description, before, after: balanceOf(row) });
    } else {
      // Thresholds may have moved: re-evaluating fires any level newly reached.
      uow.save(row);
    }
  }
  uow.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('policy', ?)", JSON.stringify(policy));
}

/**
 * Runs before every operation inside its transaction: creates missing rows,
 * follows a changed policy, and performs any reset or expiry that is due.
 * Returns true when the schedule (boundaries, expiries) may have changed.
 */
export function prepare(uow: UnitOfWork, schedule: Schedule, resolved: ResolvedPolicy, previous: QuotaPolicy | null): boolean {
  let changed = false;
  if (!schedule.rowsReady) {
    const existing = new Set(uow.rows().map((row) => row.quota_type));
    for (const quotaType of QUOTA_TYPES) if (!existing.has(quotaType)) createRow(uow, quotaType);
    changed = true;
  }
  if (resolved.changed) {
    followPolicy(uow, previous);
    changed = true;
  }
  if (uow.now >= schedule.nextDueAt) {
    runDue(uow);
    changed = true;
  }
  return changed;
}

/** Resets rows past their boundary and expires reservations past their TTL. */
export function runDue(uow: UnitOfWork): void {
  for (const row of uow.rows()) {
    if (row.reset_at !== null && row.reset_at <= uow.now) resetRow(uow, row);
  }
  expireDueReservations(uow);
}

/** Deletes housekeeping rows past their retention (never ledger rows: the ledger is append-only). */
export function prune(sql: SqlStorage, policy: QuotaPolicy, now: number): void {
  const { idempotencyTtlSeconds, deliveredWebhookTtlSeconds, readNotificationTtlSeconds } = policy.retention;
  sql.exec("DELETE FROM requests WHERE created_at <= ?", now - idempotencyTtlSeconds * 1000);
  sql.exec("DELETE FROM webhook_outbox WHERE status = 'delivered' AND delivered_at <= ?", now - deliveredWebhookTtlSeconds * 1000);
  sql.exec("DELETE FROM notifications WHERE read_at IS NOT NULL AND read_at <= ?", now - readNotificationTtlSeconds * 1000);
}

/**
 * When the alarm must next run: the earliest reset of a row with something to
 * reset, reservation expiry, webhook attempt, or top-up send. Idle rows need no alarm
 * (their period rolls over lazily on the next request), so inactive users cost nothing.
 */
export function nextAlarmAt(sql: SqlStorage): number | null {
  const at = sql
    .exec<{ at: number | null }>(
      `SELECT min(at) AS at FROM (
         SELECT min(reset_at) AS at FROM quotas WHERE reset_at IS NOT NULL AND (used > 0 OR bonus > 0 OR fired <> 0)
         UNION ALL SELECT min(expires_at) FROM reservations WHERE status = 'active'
         UNION ALL SELECT min(next_attempt_at) FROM webhook_outbox WHERE status = 'pending'
         UNION ALL SELECT min(next_attempt_at) FROM topup_intents WHERE status = 'pending')`,
    )
    .one().at;
  return at;
}
