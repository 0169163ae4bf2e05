/**
 * Quota activity for the admin statistics (migrations/0005_quota_activity.sql).
 *
 * Why an aggregate: each user's quota lives in its own QuotaCounter object, so
 * counting users by level from the objects would cost one RPC per user on every
 * statistics request. Instead the quota routes report what they already hold (the
 * quota after each charge or change) and one D1 batch records it, off the response
 * path, in batches (see trackQuotaActivity). Cost: one D1 batch per isolate every 2 s at most. Limits: only calls through the quota
 * routes are seen (a wallet quota purchase goes object to object, so a level raised
 * by it shows when that user's next call reports it, or at the daily reset), and a
 * failed write is logged, not retried.
 */
import type { Context } from "hono";
import { periodStart } from "../../contract/quota/calendar";
import type { AppEnv } from "../env";
import type { QuotaLevel } from "../../contract/quota/inputs";
import type { QuotaView } from "../../contract/quota/views";
import { measuredCall } from "../lib/dependency";

/** D1 binds at most 100 parameters per statement; rows are packed up to that. */
const D1_MAX_BOUND_PARAMETERS = 100;

const USAGE_COLUMNS = 3;
const upsertUsage = (rows: number) =>
  `INSERT INTO quota_usage_daily (day_start, user_id, tokens) VALUES ${Array(rows).fill("(?, ?, ?)").join(", ")}
  ON CONFLICT (day_start, user_id) DO UPDATE SET tokens = tokens + excluded.tokens`;

const LEVEL_COLUMNS = 5;
const upsertLevel = (rows: number) =>
  `INSERT INTO quota_levels (user_id, level, status, resets_at, updated_at) VALUES ${Array(rows).fill("(?, ?, ?, ?, ?)").join(", ")}
  ON CONFLICT (user_id) DO UPDATE SET level = excluded.level, status = excluded.status, resets_at = excluded.resets_at, updated_at = excluded.updated_at
  WHERE excluded.updated_at >= quota_levels.updated_at`;

/** Tokens charged to one user on the local day starting at `dayStart`. */
export type QuotaUsageEntry = { dayStart: number; userId: string; tokens: number };

/**
 * One multi-row upsert per chunk of rows instead of one statement per row: a
 * flush of 100 users is 8 statements, not 200 (each statement in a D1 batch
 * has its own cost in the database and in the Worker, whatever its size).
 */
function chunkedUpserts(db: D1Database, rows: readonly unknown[][], columns: number, sql: (rows: number) => string): D1PreparedStatement[] {
  const perStatement = Math.floor(D1_MAX_BOUND_PARAMETERS / columns);
  const statements: D1PreparedStatement[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    statements.push(db.prepare(sql(chunk.length)).bind(...chunk.flat()));
  }
  return statements;
}

/**
 * Writes tokens per user and day and the daily quotas' levels in one D1 batch
 * (a later write of an older level never wins). `daily` holds daily quotas only,
 * at most one per user.
 */
export async function recordQuotaActivityBatch(
  db: D1Database,
  usage: readonly QuotaUsageEntry[],
  daily: readonly QuotaView[],
  operation = "quota_activity.flush",
): Promise<void> {
  const statements = [
    ...chunkedUpserts(
      db,
      usage.filter((entry) => entry.tokens > 0).map((entry) => [entry.dayStart, entry.userId, entry.tokens]),
      USAGE_COLUMNS,
      upsertUsage,
    ),
    ...chunkedUpserts(
      db,
      daily.map((quota) => [quota.userId, quota.level, quota.status, quota.resetAt === null ? null : Date.parse(quota.resetAt), Date.parse(quota.updatedAt)]),
      LEVEL_COLUMNS,
      upsertLevel,
    ),
  ];
  if (statements.length > 0) await measuredCall("d1", operation, () => db.batch(statements));
}

/** Records one quota change: tokens charged today, and the daily quota's level. */
export async function recordQuotaActivity(db: D1Database, quota: QuotaView, charged: number, timeZone: string, now = Date.now()): Promise<void> {
  const usage = charged > 0 ? [{ dayStart: periodStart("daily", now, timeZone), userId: quota.userId, tokens: charged }] : [];
  await recordQuotaActivityBatch(db, usage, quota.quotaType === "daily" ? [quota] : [], "quota_activity.record");
}

/** Activity gathered in this isolate since its last flush: tokens per user, and each user's latest daily quota. */
const pending = { tokens: new Map<string, { tokens: number; at: number }>(), daily: new Map<string, QuotaView>() };
let flushScheduled = false;
/** Longest an activity waits in the isolate before it is written (the loss bound if the isolate dies). */
const FLUSH_AFTER_MS = 2_000;
const FLUSH_AT_USERS = 200;

async function flushPending(db: D1Database, timeZone: string): Promise<void> {
  const usage = [...pending.tokens].map(([userId, entry]) => ({ dayStart: periodStart("daily", entry.at, timeZone), userId, tokens: entry.tokens }));
  const daily = [...pending.daily.values()];
  pending.tokens.clear();
  pending.daily.clear();
  await recordQuotaActivityBatch(db, usage, daily);
}

/**
 * The route-side hook. Charging calls are frequent, so their activity is
 * gathered per isolate and written in one D1 batch at most every 2 s (or
 * sooner past 200 users), off the response path: a consume costs no D1 write
 * of its own. At most 2 s of activity is lost if an isolate dies before its
 * flush; a failed write is logged, not retried. Callers skip replays, whose
 * charge was recorded the first time.
 *
 * @example trackQuotaActivity(c, result.quota, result.charged)
 */
export function trackQuotaActivity(c: Context<AppEnv>, quota: QuotaView, charged: number): void {
  if (charged > 0) {
    const entry = pending.tokens.get(quota.userId);
    if (entry) entry.tokens += charged;
    else pending.tokens.set(quota.userId, { tokens: charged, at: Date.now() });
  }
  if (quota.quotaType === "daily") pending.daily.set(quota.userId, quota);
  const full = pending.tokens.size + pending.daily.size >= FLUSH_AT_USERS;
  if (flushScheduled && !full) return;
  flushScheduled = true;
  const work = (async () => {
    if (!full) await new Promise((resolve) => setTimeout(resolve, FLUSH_AFTER_MS));
    flushScheduled = false;
    const { document } = await c.get("services").runtimeConfig();
    await flushPending(c.env.DB, document.quota.timeZone);
  })().catch((error: unknown) => c.get("logger").warn("quota activity not recorded", { error: String(error) }));
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (app.request in tests): the write still runs, unawaited.
  }
}

/** What the statistics read back. */
export interface QuotaActivitySummary {
  tokensConsumedToday: number;
  usersChargedToday: number;
  /** Users per daily-quota level; users with no level recorded since their last reset are `ok`. */
  usersByLevel: Record<QuotaLevel, number>;
  suspendedUsers: number;
}

/** Reads the aggregate for the day starting at `dayStart`; `totalUsers` fills the `ok` count. */
export async function quotaActivitySummary(db: D1Database, dayStart: number, totalUsers: number, now = Date.now()): Promise<QuotaActivitySummary> {
  const [usage, levels] = await measuredCall("d1", "quota_activity.summary", () =>
    db.batch([
      db.prepare("SELECT coalesce(sum(tokens), 0) AS tokens, count(*) AS users FROM quota_usage_daily WHERE day_start = ?").bind(dayStart),
      db
        .prepare(
          `SELECT CASE WHEN resets_at IS NOT NULL AND resets_at <= ? THEN 'ok' ELSE level END AS level,
                sum(CASE WHEN status = 'suspended' THEN 1 ELSE 0 END) AS suspended, count(*) AS n
           FROM quota_levels GROUP BY 1`,
        )
        .bind(now),
    ]),
  );
  const used = (usage?.results[0] ?? { tokens: 0, users: 0 }) as { tokens: number; users: number };
  const usersByLevel: Record<QuotaLevel, number> = { ok: 0, warning: 0, critical: 0, exhausted: 0 };
  let suspendedUsers = 0;
  for (const row of (levels?.results ?? []) as Array<{ level: QuotaLevel; suspended: number; n: number }>) {
    if (row.level !== "ok") usersByLevel[row.level] = row.n;
    suspendedUsers += row.suspended;
  }
  usersByLevel.ok = Math.max(0, totalUsers - usersByLevel.warning - usersByLevel.critical - usersByLevel.exhausted);
  return { tokensConsumedToday: used.tokens, usersChargedToday: used.users, usersByLevel, suspendedUsers };
}
