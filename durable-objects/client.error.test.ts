/** The typed object clients: a typed failure is its error-table row, an overloaded object a 503, and every call is recorded. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ApiError } from "../src/errors";
import type { Metrics } from "../src/metrics/api";
import { objectClient } from "./client";
import { configStore } from "./config-store/client";
import { QUOTA_FAILURES, quotaClient } from "./quota/client";
import { WALLET_FAILURES, walletClient } from "./wallet/client";
import { testPolicy } from "../test/workerd/quota-counter-object";
import { key } from "../test/workerd/wallet-object";

/** A recorder that keeps the dependency-call counts. */
function recording() {
  const operations: string[] = [];
  const metrics: Metrics = {
    inc: (name, labels) => {
      if (name === "qingyu_dependency_calls_total") operations.push(String((labels as Record<string, string>).operation));
    },
    add: () => undefined,
    set: () => undefined,
    observe: () => undefined,
  };
  return { metrics, operations };
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("object clients (error)", () => {
  it("a quota invalid_argument answer is thrown as INVALID_PARAMETER with its field details", async () => {
    const error = await thrown(quotaClient(env, `client-${crypto.randomUUID()}`).consume({ amount: -5, requestId: "r-1" } as never, testPolicy({ daily: 100 })));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ errorName: "INVALID_PARAMETER", details: { amount: expect.any(String) } });
  });

  it("a wallet refusal is thrown as its own row (INSUFFICIENT_BALANCE), and nothing moved", async () => {
    const userId = `client-${crypto.randomUUID()}`;
    const wallet = walletClient(env, userId);
    const error = await thrown(wallet.consume({ amount: 100, reason: "x", idempotencyKey: key() }));
    expect(error).toMatchObject({ errorName: "INSUFFICIENT_BALANCE" });
    expect((await wallet.getWallet()).balance).toBe(0);
  });

  it("a failure code the table lacks is a bug, not a client error: a plain Error naming the code", async () => {
    const { invalid_argument: _dropped, ...table } = QUOTA_FAILURES;
    const client = objectClient(env.QUOTA_COUNTER.getByName(`client-${crypto.randomUUID()}`), "quota_counter", table);
    const error = await thrown(client.consume({ amount: -5, requestId: "r-2" } as never, testPolicy({ daily: 100 })));
    expect(error).not.toBeInstanceOf(ApiError);
    expect(String(error)).toContain("unmapped failure code invalid_argument");
  });

  it("an overloaded or briefly unreachable object (the runtime marks the error retryable) is 503 DEPENDENCY_UNAVAILABLE with Retry-After", async () => {
    // The runtime's overload error cannot be provoked on demand locally; this object stands in for the stub that threw it.
    const overloaded = { ping: async () => Promise.reject(Object.assign(new Error("Durable Object is overloaded"), { overloaded: true })) };
    const error = await thrown(objectClient(overloaded, "wallet", WALLET_FAILURES).ping());
    expect(error).toMatchObject({ errorName: "DEPENDENCY_UNAVAILABLE", headers: { "Retry-After": "1" } });
    const bug = await thrown(objectClient({ ping: async () => Promise.reject(new TypeError("boom")) }, "wallet", WALLET_FAILURES).ping());
    expect(bug).toBeInstanceOf(TypeError);
  });

  it("every call is recorded as <object>.<method>, answered failures included", async () => {
    const { metrics, operations } = recording();
    const client = quotaClient(env, `client-${crypto.randomUUID()}`, metrics);
    await client.getAllQuotas(testPolicy({ daily: 100 }));
    await thrown(client.consume({ amount: -1, requestId: "r-3" } as never, testPolicy({ daily: 100 })));
    expect(operations).toEqual(["quota_counter.getAllQuotas", "quota_counter.consume"]);
  });

  it("the ConfigStore's refusals are data and pass through", async () => {
    const result = await configStore(env.CONFIG_STORE).update({ mode: "merge", body: {}, expectedVersion: -1, author: "test" });
    expect(result).toMatchObject({ ok: false, reason: "conflict" });
  });
});
