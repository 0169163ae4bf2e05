/**
 * The web client's AI quota calls (src/modules/ai/api/ai.ts) and its
 * notification centre (src/modules/notification/api/notifications.ts through
 * src/utils/request-adapter.ts; src/modules/notification/services/notification.service.ts),
 * sent and unwrapped as the client does. Notifications are made the real way:
 * the AI service consumes quota over the internal route until levels cross.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { serviceToken } from "../support/admin.ts";
import { call } from "../support/http.ts";
import { registerThroughClient, type ClientSession } from "./accounts.ts";
import { asArray, asObject, ClientRejection, httpService, send, unwrapRequestAdapter } from "./qingyu-http.ts";

let aiToken: string;
beforeAll(async () => {
  aiToken = await serviceToken();
});

/** The AI service spends `amount` of the user's daily quota (8,100 then 1,000 of 10,000 cross warning and critical). */
async function spend(userId: string, amount: number): Promise<void> {
  const response = await call(`/api/v1/internal/quota/${userId}/consume`, {
    method: "POST",
    headers: { Authorization: `Bearer ${aiToken}` },
    json: { amount, service: "text_generation", model: "deepseek-chat", requestId: crypto.randomUUID() },
  });
  if (response.status !== 200) throw new Error(`consume failed: ${response.status} ${await response.text()}`);
}

async function readerWithTwoNotifications(): Promise<ClientSession> {
  const session = await registerThroughClient();
  await spend(String(session.user.id), 8_100);
  await spend(String(session.user.id), 1_000);
  return session;
}

/** request-adapter's GET: httpService.get(url, { params, responseType }) → axios params {params: …}. */
const adapterGet = async (path: string, token: string, params?: Record<string, unknown>) => unwrapRequestAdapter(await send("GET", path, { token, params: params ? { params } : {} }));
const adapterPost = async (path: string, token: string, data?: unknown) => unwrapRequestAdapter(await send("POST", path, { token, data }));

describe("quota — src/modules/ai/api/ai.ts getQuotaInfo / getAllQuotas / getQuotaStatistics / getTransactionHistory", () => {
  it("GET /ai/quota → QuotaInfo: userId, quotaType, totalQuota, usedQuota, remainingQuota, status, resetAt", async () => {
    const session = await registerThroughClient();
    await spend(String(session.user.id), 100);
    const quota = asObject(await httpService("GET", "/ai/quota", { token: session.token }));
    expect(quota).toMatchObject({ userId: session.user.id, quotaType: "daily", totalQuota: 10_000, usedQuota: 100, remainingQuota: 9_900, status: "active", resetAt: expect.any(String) });
  });

  it("GET /ai/quota/all → QuotaInfo[]; GET /ai/quota/statistics → QuotaStatistics; GET /ai/quota/transactions {params} → rows with pagination on the envelope", async () => {
    const session = await registerThroughClient();
    await spend(String(session.user.id), 250);
    const all = asArray(await httpService("GET", "/ai/quota/all", { token: session.token })).map(asObject);
    expect(all.map((quota) => quota.quotaType).sort()).toEqual(["daily", "monthly", "total"]);
    const stats = asObject(await httpService("GET", "/ai/quota/statistics", { token: session.token }));
    expect(stats).toMatchObject({ totalTransactions: 1, quotaByService: { textGeneration: 250 } });
    const page = await send("GET", "/ai/quota/transactions", { token: session.token, params: { params: { page: 1, pageSize: 10 } } });
    expect(page.body.pagination).toMatchObject({ total: 1 });
    const rows = asArray(await httpService("GET", "/ai/quota/transactions", { token: session.token })).map(asObject);
    expect(rows[0]).toMatchObject({ amount: 250, quotaType: "daily", service: "text_generation" });
  });
});

describe("notifications — src/modules/notification/api/notifications.ts", () => {
  it("getNotifications {page, page_size} → {items, total, page, pageSize} (request-adapter, camelCased)", async () => {
    const session = await readerWithTwoNotifications();
    const list = asObject(await adapterGet("/api/v1/notifications", session.token, { page: 1, page_size: 10 }));
    expect(list).toMatchObject({ total: 2, page: 1, pageSize: 20 });
    const items = asArray(list.items ?? null).map(asObject);
    expect(items.map((item) => item.level)).toEqual(["critical", "warning"]);
    expect(items[0]).toMatchObject({ id: expect.any(String), title: expect.any(String), message: expect.any(String), readAt: null, createdAt: expect.any(String) });
  });

  it("getUnreadCount → {count}; getNotificationStats → {total, unread, byType}; markAsRead (POST) → {success}; markMultipleAsRead {notification_ids} / markAllAsRead → {success, count}", async () => {
    const session = await readerWithTwoNotifications();
    const items = asArray(asObject(await adapterGet("/api/v1/notifications", session.token)).items ?? null).map(asObject);
    expect(await adapterGet("/api/v1/notifications/unread-count", session.token)).toEqual({ count: 2 });
    expect(await adapterGet("/api/v1/notifications/stats", session.token)).toEqual({ total: 2, unread: 2, byType: { quotaLevel: 2 } });
    expect(asObject(await adapterPost(`/api/v1/notifications/${String(items[0]?.id)}/read`, session.token))).toMatchObject({ success: true });
    expect(await adapterPost("/api/v1/notifications/batch-read", session.token, { notification_ids: items.map((item) => item.id) })).toEqual({ success: true, count: 1, affected: 1 });
    expect(await adapterPost("/api/v1/notifications/read-all", session.token)).toEqual({ success: true, count: 0, affected: 0 });
    expect(await adapterGet("/api/v1/notifications/unread-count", session.token)).toEqual({ count: 0 });
  });

  it("notification.service.ts: PUT /{id}/read and PUT /read-all {type} answer {success} / {success, affected}", async () => {
    const session = await readerWithTwoNotifications();
    const items = asArray(asObject(await adapterGet("/api/v1/notifications", session.token)).items ?? null).map(asObject);
    expect(asObject(await httpService("PUT", `/api/v1/notifications/${String(items[1]?.id)}/read`, { token: session.token }))).toMatchObject({ success: true });
    expect(await httpService("PUT", "/api/v1/notifications/read-all", { token: session.token, data: {} })).toEqual({ success: true, count: 1, affected: 1 });
  });

  it("calls this backend does not serve yet get a clean envelope the client rejects (never a 5xx)", async () => {
    const session = await registerThroughClient();
    const someone = crypto.randomUUID();
    const unserved: Array<["GET" | "POST" | "PUT" | "DELETE", string, unknown]> = [
      ["DELETE", `/api/v1/notifications/${someone}`, undefined],
      ["POST", "/api/v1/notifications/batch-delete", { notification_ids: [someone] }],
      ["POST", "/api/v1/notifications/clear-read", undefined],
      ["GET", "/api/v1/notifications/preferences", undefined],
      ["PUT", "/api/v1/notifications/preferences", { channel_enabled: { in_app: true } }],
      ["POST", `/api/v1/notifications/${someone}/resend`, { channels: ["in_app"] }],
      ["GET", "/api/v1/notifications/ws-endpoint", undefined],
      ["GET", "/api/v1/notifications/polling", undefined],
    ];
    for (const [method, path, data] of unserved) {
      const exchange = await send(method, path, { token: session.token, data });
      expect([404, 405], `${method} ${path}`).toContain(exchange.status);
      expect(exchange.body.code, `${method} ${path}`).toBeGreaterThan(0);
      expect(() => unwrapRequestAdapter(exchange)).toThrow(ClientRejection);
    }
  });
});
