import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin, registerUser } from "../../test/workerd/api";
import { consume, internal } from "../../test/workerd/quota";

type Quota = { quotaType: string; totalQuota: number; usedQuota: number; remainingQuota: number; level: string; status: string; resetAt: string | null };

describe("AI quota routes (happy)", () => {
  it("a new user's quota is created lazily from the reader plan, with X-Quota headers", async () => {
    const { pair } = await registerUser();
    const response = await api("/api/v1/ai/quota", { token: pair.token });
    const body = await envelope<Quota>(response, 200);
    expect(body.data).toMatchObject({ quotaType: "daily", totalQuota: 10_000, usedQuota: 0, remainingQuota: 10_000, level: "ok", status: "active" });
    expect(response.headers.get("x-quota-remaining")).toBe("10000");
    expect(response.headers.get("x-quota-level")).toBe("ok");
    const all = await envelope<Quota[]>(await api("/api/v1/ai/quota/all", { token: pair.token }), 200);
    expect(all.data.map((quota) => quota.quotaType).sort()).toEqual(["daily", "monthly", "total"]);
    const total = await envelope<Quota>(await api("/api/v1/ai/quota?type=total", { token: pair.token }), 200);
    expect(total.data.resetAt).toBeNull();
  });

  it("the AI service consumes; the user sees the charge in quota, ledger (paginated) and statistics", async () => {
    const { pair } = await registerUser();
    for (const amount of [1200, 300, 500]) {
      const response = await consume(pair.user_id, amount);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-quota-level")).toBeTruthy();
    }
    const quota = await envelope<Quota>(await api("/api/v1/ai/quota", { token: pair.token }), 200);
    expect(quota.data.usedQuota).toBe(2000);
    const page = await envelope<Array<{ amount: number; type: string }>>(
      await api("/api/v1/ai/quota/transactions?page=1&page_size=2", { token: pair.token }),
      200,
    );
    expect(page.data).toHaveLength(2);
    expect((page as unknown as { pagination: Record<string, unknown> }).pagination).toMatchObject({
      total: 3,
      page: 1,
      page_size: 2,
      total_pages: 2,
      has_next: true,
      has_previous: false,
    });
    const offset = await envelope<unknown[]>(await api("/api/v1/ai/quota/transactions?limit=2&offset=2", { token: pair.token }), 200);
    expect(offset.data).toHaveLength(1);
    const stats = await envelope<{
      usedQuota: number;
      totalTransactions: number;
      quotaByService: Record<string, number>;
      quotaByModel: Record<string, number>;
    }>(await api("/api/v1/ai/quota/statistics", { token: pair.token }), 200);
    expect(stats.data.totalTransactions).toBe(3);
    expect(stats.data.quotaByService).toEqual({ text_generation: 2000 });
    expect(stats.data.quotaByModel).toEqual({ "deepseek-chat": 2000 });
  });

  it("crossing 20 % and 10 % leaves one warning and one critical notification; they can be marked read", async () => {
    const { pair } = await registerUser();
    await consume(pair.user_id, 8_100); // 19 % left → warning
    const critical = await consume(pair.user_id, 1_000); // 9 % left → critical
    expect(critical.headers.get("x-quota-level")).toBe("critical");
    await consume(pair.user_id, 100); // still critical: no new event
    const inbox = await envelope<{ items: Array<{ id: string; level: string; readAt: string | null }> }>(await api("/api/v1/notifications", { token: pair.token }), 200);
    expect(inbox.data.items.map((notification) => notification.level).sort()).toEqual(["critical", "warning"]);
    const first = inbox.data.items[0];
    const read = await envelope<{ readAt: string | null }>(await api(`/api/v1/notifications/${first?.id}/read`, { method: "POST", token: pair.token }), 200);
    expect(read.data.readAt).not.toBeNull();
    const unread = await envelope<{ items: unknown[]; total: number }>(await api("/api/v1/notifications?unread=true", { token: pair.token }), 200);
    expect(unread.data.items).toHaveLength(1);
    expect(unread.data.total).toBe(1);
  });

  it("reserve → commit charges the actual amount; reserve → release returns it all", async () => {
    const { pair } = await registerUser();
    const reserved = await envelope<{ reservation: { id: string } }>(
      await internal(`/${pair.user_id}/reservations`, { json: { amount: 1000, service: "chat", requestId: crypto.randomUUID() } }),
      201,
    );
    const committed = await envelope<{ charged: number; quota: Quota }>(
      await internal(`/${pair.user_id}/reservations/${reserved.data.reservation.id}/commit`, { json: { actual: 400 } }),
      200,
    );
    expect(committed.data.charged).toBe(400);
    expect(committed.data.quota.usedQuota).toBe(400);
    const second = await envelope<{ reservation: { id: string }; quota: Quota }>(
      await internal(`/${pair.user_id}/reservations`, { json: { amount: 500, service: "chat", requestId: crypto.randomUUID() } }),
      201,
    );
    expect(second.data.quota.remainingQuota).toBe(10_000 - 400 - 500);
    const released = await envelope<{ released: number; quota: Quota }>(
      await internal(`/${pair.user_id}/reservations/${second.data.reservation.id}`, { method: "DELETE" }),
      200,
    );
    expect(released.data.released).toBe(500);
    expect(released.data.quota.remainingQuota).toBe(9_600);
  });

  it("150 concurrent consumes of 1 against 100 remaining: exactly 100 succeed", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    await envelope(
      await api(`/api/v1/admin/quota/${pair.user_id}`, { method: "PUT", token: admin.pair.token, json: { quotaType: "daily", totalQuota: 100 } }),
      200,
    );
    const responses = await Promise.all(Array.from({ length: 150 }, () => consume(pair.user_id, 1)));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(100);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(50);
    const quota = await envelope<Quota>(await api("/api/v1/ai/quota", { token: pair.token }), 200);
    expect(quota.data).toMatchObject({ usedQuota: 100, totalQuota: 100, remainingQuota: 0, level: "exhausted" });
  });

  it("admin: suspend sticks until activate; recharge adds tokens once per requestId; every action is logged", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    await envelope(
      await api(`/api/v1/admin/quota/${pair.user_id}/suspend`, { method: "POST", token: admin.pair.token, json: { quotaType: "daily", reason: "abuse" } }),
      200,
    );
    expect((await envelope(await consume(pair.user_id, 1), 403)).code).toBe(4031);
    await envelope(await api(`/api/v1/admin/quota/${pair.user_id}/activate`, { method: "POST", token: admin.pair.token }), 200);
    expect((await consume(pair.user_id, 1)).status).toBe(200);
    const requestId = crypto.randomUUID();
    for (let i = 0; i < 2; i++) {
      await envelope(
        await api(`/api/v1/admin/quota/${pair.user_id}/recharge`, {
          method: "POST",
          token: admin.pair.token,
          json: { quotaType: "total", amount: 5000, reason: "goodwill", requestId },
        }),
        200,
      );
    }
    const all = await envelope<Quota[]>(await api(`/api/v1/admin/quota/${pair.user_id}`, { token: admin.pair.token }), 200);
    expect(all.data.find((quota) => quota.quotaType === "total")?.totalQuota).toBe(1_005_000);
    const logs = await envelope<Array<{ action: string }>>(
      await api(`/api/v1/admin/operation-logs?target=user:${pair.user_id}`, { token: admin.pair.token }),
      200,
    );
    expect(logs.data.map((entry) => entry.action)).toEqual(["quota.recharge", "quota.activate", "quota.suspend"]);
  });

  it("a runtime-config threshold change is followed by the next quota responses", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    await consume(pair.user_id, 6_000); // 40 % left: ok under the default 20 % warning
    expect((await api("/api/v1/ai/quota", { token: pair.token })).headers.get("x-quota-level")).toBe("ok");
    const config = await envelope<{ version: number; document: { quota: { thresholds: { warningPercent: number; criticalPercent: number } } } }>(
      await api("/api/v1/admin/config", { token: admin.pair.token }),
      200,
    );
    const previous = config.data.document.quota.thresholds;
    await envelope(
      await api("/api/v1/admin/config", {
        method: "PUT",
        token: admin.pair.token,
        json: { version: config.data.version, patch: { quota: { thresholds: { warningPercent: 50, criticalPercent: 10 } } } },
      }),
      200,
    );
    try {
      expect((await api("/api/v1/ai/quota", { token: pair.token })).headers.get("x-quota-level")).toBe("warning");
    } finally {
      const now = await envelope<{ version: number }>(await api("/api/v1/admin/config", { token: admin.pair.token }), 200);
      await api("/api/v1/admin/config", {
        method: "PUT",
        token: admin.pair.token,
        json: { version: now.data.version, patch: { quota: { thresholds: previous } } },
      });
    }
  });
});
