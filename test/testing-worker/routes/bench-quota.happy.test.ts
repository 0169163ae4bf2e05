import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { envelope, registerUser } from "../../workerd/api";
import { benchApp } from "../bench-app";
import { testingObjects } from "../stubs";

const SERVICE = { authorization: `Bearer ${env.AI_SERVICE_TOKEN}` };

describe("bench quota floors (happy)", () => {
  it("noop answers null from the user's QuotaCounter and charges nothing", async () => {
    const call = benchApp();
    const { pair } = await registerUser();
    const noop = await envelope<null>(await call(`/api/v1/internal/quota/${pair.user_id}/noop`, { method: "POST", headers: SERVICE }), 200);
    expect(noop.data).toBeNull();
    const status = await envelope<{ usedQuota: number }>(await call("/api/v1/ai/quota", { headers: { authorization: `Bearer ${pair.token}` } }), 200);
    expect(status.data).toMatchObject({ usedQuota: 0 });
  });

  it("the testing QuotaCounter's noop RPC answers null", async () => {
    expect(await testingObjects(env).quotaCounter.getByName(`noop-${crypto.randomUUID()}`).noop()).toBeNull();
  });

  it("consume-redis debits an atomic Redis counter against the user's plan and refuses what exceeds it", async () => {
    const call = benchApp();
    const { pair } = await registerUser();
    const consume = (amount: number) =>
      call(`/api/v1/internal/quota/${pair.user_id}/consume-redis`, { headers: SERVICE, json: { amount, service: "bench", requestId: crypto.randomUUID() } });
    const first = await envelope<{ remaining: number }>(await consume(5), 200);
    const second = await envelope<{ remaining: number }>(await consume(7), 200);
    expect(second.data.remaining).toBe(first.data.remaining - 7);
    expect((await envelope(await consume(second.data.remaining + 1), 429)).code).toBe(4291);
    // Refused means not debited: the whole remainder can still be spent.
    expect((await envelope<{ remaining: number }>(await consume(second.data.remaining), 200)).data.remaining).toBe(0);
  });
});
