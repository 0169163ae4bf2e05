import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin, registerUser } from "../../test/workerd/api";
import { consume, internal } from "../../test/workerd/quota";

type Quota = { usedQuota: number; remainingQuota: number };

describe("AI quota routes (error)", () => {
  it.each([
    ["negative", { amount: -5 }],
    ["zero", { amount: 0 }],
    ["fractional", { amount: 1.5 }],
    ["huge", { amount: 1e15 }],
    ["non-numeric", { amount: "12" }],
    ["unknown type", { amount: 5, quotaType: "weekly" }],
    ["missing requestId", { amount: 5, requestId: undefined }],
  ])("%s → 400 code 1001 and nothing is charged", async (_name, override) => {
    const { pair } = await registerUser();
    const body: Record<string, unknown> = { service: "chat", requestId: crypto.randomUUID(), ...override };
    expect((await envelope(await internal(`/${pair.user_id}/consume`, { json: body }), 400)).code).toBe(1001);
    const quota = await envelope<Quota>(await api("/api/v1/ai/quota", { token: pair.token }), 200);
    expect(quota.data.usedQuota).toBe(0);
  });

  it("insufficient → 429 code 4291 with Retry-After and remainingQuota/resetAt; exhausted → 4292", async () => {
    const { pair } = await registerUser();
    const tooMuch = await consume(pair.user_id, 10_001);
    const body = await envelope<{ details: { remainingQuota: number; resetAt: string } }>(tooMuch, 429);
    expect(body.code).toBe(4291);
    expect(body.data.details.remainingQuota).toBe(10_000);
    expect(Date.parse(body.data.details.resetAt)).toBeGreaterThan(Date.now());
    expect(Number(tooMuch.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await consume(pair.user_id, 10_000)).status).toBe(200);
    expect((await envelope(await consume(pair.user_id, 1), 429)).code).toBe(4292);
  });

  it("the same requestId 10× concurrently charges once, with identical answers; different parameters → 409", async () => {
    const { pair } = await registerUser();
    const requestId = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 10 }, () => consume(pair.user_id, 700, requestId)));
    const bodies = await Promise.all(responses.map((response) => envelope<{ transactionId: string; charged: number }>(response, 200)));
    expect(new Set(bodies.map((body) => body.data.transactionId)).size).toBe(1);
    expect(responses.filter((response) => response.headers.get("idempotent-replayed") === "true")).toHaveLength(9);
    const quota = await envelope<Quota>(await api("/api/v1/ai/quota", { token: pair.token }), 200);
    expect(quota.data.usedQuota).toBe(700);
    expect((await envelope(await consume(pair.user_id, 800, requestId), 409)).code).toBe(1006);
  });

  it("unknown user → 404; unknown reservation → 404; commit of a released reservation → 4xx", async () => {
    expect((await envelope(await consume("no-such-user", 1), 404)).code).toBe(1004);
    const { pair } = await registerUser();
    expect((await internal(`/${pair.user_id}/reservations/${crypto.randomUUID()}/commit`, { json: { actual: 1 } })).status).toBe(404);
    const reserved = await envelope<{ reservation: { id: string } }>(
      await internal(`/${pair.user_id}/reservations`, { json: { amount: 10, service: "chat", requestId: crypto.randomUUID() } }),
      201,
    );
    await envelope(await internal(`/${pair.user_id}/reservations/${reserved.data.reservation.id}`, { method: "DELETE" }), 200);
    const late = await internal(`/${pair.user_id}/reservations/${reserved.data.reservation.id}/commit`, { json: { actual: 5 } });
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect(late.status).toBeLessThan(500);
  });

  it("admin: total must be > 0; an unknown user → 404", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    expect(
      (
        await envelope(
          await api(`/api/v1/admin/quota/${pair.user_id}`, { method: "PUT", token: admin.pair.token, json: { quotaType: "daily", totalQuota: 0 } }),
          400,
        )
      ).code,
    ).toBe(1001);
    expect((await api("/api/v1/admin/quota/nobody-at-all", { token: admin.pair.token })).status).toBe(404);
    expect(
      (
        await envelope(
          await api(`/api/v1/admin/quota/${pair.user_id}/suspend`, { method: "POST", token: admin.pair.token, json: { quotaType: "yearly" } }),
          400,
        )
      ).code,
    ).toBe(1001);
  });

  it("bad type query on the user route → 400", async () => {
    const { pair } = await registerUser();
    expect((await envelope(await api("/api/v1/ai/quota?type=forever", { token: pair.token }), 400)).code).toBe(1001);
  });
});

describe("internal quota routes (security)", () => {
  it("no token → 401 2010; a wrong service token → 401 1002; a user's JWT is never accepted", async () => {
    const { pair } = await registerUser();
    const path = `/api/v1/internal/quota/${pair.user_id}/consume`;
    const json = { amount: 1, service: "chat", requestId: crypto.randomUUID() };
    expect((await envelope(await api(path, { json }), 401)).code).toBe(2010);
    expect((await envelope(await api(path, { json, headers: { Authorization: "Bearer not-the-service-token-at-all-0000000" } }), 401)).code).toBe(1002);
    expect((await envelope(await api(path, { json, token: pair.token }), 401)).code).toBe(1002);
    expect(env.AI_SERVICE_TOKEN.length).toBeGreaterThanOrEqual(32);
  });
});
