import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshWallet, fund, key, ok } from "../../workerd/wallet-object";
import { shardName } from "../../../contract/metrics/wire";
import { api, envelope, registerUser } from "../../workerd/api";
import { testingObjects } from "../stubs";

/** The fault-injection routes exist in the testing Worker only; here it runs without ENABLE_BENCH_ROUTES, as a stack that did not ask for them. */
const routes = [
  { method: "POST", path: "/api/v1/internal/faults/wallets/someone/crash" },
  { method: "PUT", path: "/api/v1/internal/faults/metrics-shards/0/delay", json: { delayMs: 5000 } },
  { method: "PUT", path: "/api/v1/internal/faults/wallets/someone/outbox-hold", json: { held: true } },
];

describe("fault-injection routes (security)", () => {
  it("answer 401 without the service token, and to a user's JWT", async () => {
    const { pair } = await registerUser();
    for (const route of routes) {
      expect((await envelope(await api(route.path, { method: route.method, json: route.json }), 401)).code).toBe(2010);
      expect((await envelope(await api(route.path, { method: route.method, json: route.json, token: pair.token }), 401)).code).toBe(1002);
    }
  });

  it("answer 404 with the service token while ENABLE_BENCH_ROUTES is off, and change nothing", async () => {
    for (const route of routes) {
      const response = await api(route.path, { method: route.method, json: route.json, headers: { Authorization: `Bearer ${env.AI_SERVICE_TOKEN}` } });
      expect((await envelope(response, 404)).code).toBe(1004);
    }
    // The shard still answers at once.
    const startedAt = Date.now();
    await env.METRICS_SHARD.getByName(shardName(0)).snapshot();
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });

  it("the objects refuse the hooks themselves when the flag is off (a second fence for other Workers bound to them)", async () => {
    const objects = testingObjects(env);
    expect(await objects.wallet.getByName("faults-security").crashForTest("x")).toEqual({ refused: expect.stringMatching(/test hooks are off/) });
    expect(await objects.metricsShard.getByName(shardName(1)).setSnapshotDelayForTest(5000)).toEqual({ refused: expect.stringMatching(/test hooks are off/) });
    const alice = freshWallet("faults-hold");
    expect(await objects.wallet.getByName(alice.id).holdDeliveriesForTest(true)).toEqual({ refused: expect.stringMatching(/test hooks are off/) });
    // Nothing is held: a transfer's credit is still delivered inline.
    await fund(alice.stub, 500);
    const sent = ok(await alice.stub.transfer({ toUserId: freshWallet("faults-hold-to").id, amount: 100, idempotencyKey: key() }));
    expect(sent.transfer.status).toBe("completed");
  });
});
