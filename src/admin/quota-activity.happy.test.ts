import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { QuotaView } from "../../contract/quota/views";
import { quotaActivitySummary, recordQuotaActivity, recordQuotaActivityBatch } from "./quota-activity";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-27T04:00:00.000Z"); // 12:00 in Shanghai
const TODAY = Date.parse("2026-11-26T16:00:00.000Z"); // Shanghai midnight

function quota(userId: string, overrides: Partial<QuotaView> = {}): QuotaView {
  return {
    id: `${userId}:daily`,
    userId,
    quotaType: "daily",
    totalQuota: 10_000,
    usedQuota: 0,
    reservedQuota: 0,
    remainingQuota: 10_000,
    unlimited: false,
    status: "active",
    level: "ok",
    resetAt: new Date(TODAY + DAY).toISOString(),
    createdAt: new Date(NOW - DAY).toISOString(),
    updatedAt: new Date(NOW).toISOString(),
    forecastExhaustedAt: null,
    rolledQuota: 0,
    ...overrides,
  };
}

describe("quota activity aggregate (happy)", () => {
  it("tokens add up per local day; charges on other quota types count too but set no level", async () => {
    const user = crypto.randomUUID();
    await recordQuotaActivity(env.DB, quota(user), 300, "Asia/Shanghai", NOW);
    await recordQuotaActivity(env.DB, quota(user), 200, "Asia/Shanghai", NOW + 1);
    await recordQuotaActivity(env.DB, quota(user, { quotaType: "monthly", level: "critical" }), 50, "Asia/Shanghai", NOW + 2);
    await recordQuotaActivity(env.DB, quota(user), 999, "Asia/Shanghai", TODAY - 1); // yesterday, local time
    const summary = await quotaActivitySummary(env.DB, TODAY, 1, NOW);
    const row = await env.DB.prepare("SELECT tokens FROM quota_usage_daily WHERE day_start = ? AND user_id = ?").bind(TODAY, user).first<{ tokens: number }>();
    expect(row?.tokens).toBe(550);
    expect(summary.tokensConsumedToday).toBeGreaterThanOrEqual(550);
    const level = await env.DB.prepare("SELECT level FROM quota_levels WHERE user_id = ?").bind(user).first<{ level: string }>();
    expect(level?.level).toBe("ok");
  });

  it("an older state arriving late never overwrites a newer one", async () => {
    const user = crypto.randomUUID();
    await recordQuotaActivity(env.DB, quota(user, { level: "critical", updatedAt: new Date(NOW + 10).toISOString() }), 0, "Asia/Shanghai", NOW);
    await recordQuotaActivity(env.DB, quota(user, { level: "warning", updatedAt: new Date(NOW + 5).toISOString() }), 0, "Asia/Shanghai", NOW);
    const level = await env.DB.prepare("SELECT level FROM quota_levels WHERE user_id = ?").bind(user).first<{ level: string }>();
    expect(level?.level).toBe("critical");
  });

  it("a level past its daily reset counts as ok; suspension sticks; ok fills the rest of the users", async () => {
    await env.DB.exec("DELETE FROM quota_levels");
    await recordQuotaActivity(env.DB, quota("a", { level: "exhausted" }), 0, "Asia/Shanghai", NOW);
    await recordQuotaActivity(env.DB, quota("b", { level: "warning", resetAt: new Date(NOW - 1).toISOString() }), 0, "Asia/Shanghai", NOW);
    await recordQuotaActivity(env.DB, quota("c", { status: "suspended", resetAt: new Date(NOW - 1).toISOString() }), 0, "Asia/Shanghai", NOW);
    const summary = await quotaActivitySummary(env.DB, TODAY, 10, NOW);
    expect(summary.usersByLevel).toEqual({ ok: 9, warning: 0, critical: 0, exhausted: 1 });
    expect(summary.suspendedUsers).toBe(1);
  });

  it("a flush of many users packs rows into few statements and writes every user's tokens and level", async () => {
    const users = Array.from({ length: 150 }, () => crypto.randomUUID()); // more rows than one statement holds, for both tables
    const levels = ["ok", "warning", "critical", "exhausted"] as const;
    await recordQuotaActivityBatch(
      env.DB,
      users.map((userId, index) => ({ dayStart: TODAY, userId, tokens: index + 1 })),
      users.map((userId, index) => quota(userId, { level: levels[index % 4] })),
    );
    // Written again with an older state: the tokens add up, the levels stay.
    await recordQuotaActivityBatch(
      env.DB,
      users.map((userId) => ({ dayStart: TODAY, userId, tokens: 1 })),
      users.map((userId) => quota(userId, { level: "ok", updatedAt: new Date(NOW - 1).toISOString() })),
    );
    // Read back whole tables (an IN list of 150 would exceed D1's 100 bound parameters) and keep this test's users.
    const mine = new Set(users);
    const tokens = await env.DB.prepare("SELECT user_id, tokens FROM quota_usage_daily WHERE day_start = ?")
      .bind(TODAY)
      .all<{ user_id: string; tokens: number }>();
    const tokensByUser = new Map(tokens.results.filter((row) => mine.has(row.user_id)).map((row) => [row.user_id, row.tokens]));
    expect(tokensByUser).toEqual(new Map(users.map((userId, index) => [userId, index + 2])));
    const stored = await env.DB.prepare("SELECT user_id, level FROM quota_levels").all<{ user_id: string; level: string }>();
    const levelByUser = new Map(stored.results.filter((row) => mine.has(row.user_id)).map((row) => [row.user_id, row.level]));
    expect(levelByUser).toEqual(new Map(users.map((userId, index) => [userId, levels[index % 4]])));
  });
});
