/**
 * Authentication on every path, no token leaks, loopback-only listeners.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type BridgeStack } from "./stack.ts";

let stack: BridgeStack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
  // Checked after stop so shutdown messages are included too.
  const all = stack.logs.join("\n");
  expect(all.length).toBeGreaterThan(0);
  expect(all).not.toContain(stack.token);
});

const endpoints = [
  ["POST", "/", '["SET","sec:k","pwned"]'],
  ["POST", "/pipeline", '[["SET","sec:k","pwned"]]'],
  ["POST", "/multi-exec", '[["SET","sec:k","pwned"]]'],
  ["POST", "/set/sec:k", "pwned"],
  ["GET", "/set/sec:k/pwned", undefined],
  ["GET", "/get/sec:k", undefined],
  ["PUT", "/", undefined],
] as const;

describe("bearer token required on every path", () => {
  it.each(endpoints)("%s %s without a token → 401", async (method, path, body) => {
    const res = await stack.call(path, { method, body, auth: false });
    expect(res).toMatchObject({ status: 401, body: { error: "Unauthorized" } });
  });

  it.each(endpoints)("%s %s with a wrong token → 401", async (method, path, body) => {
    const res = await stack.call(path, { method, body, auth: false, headers: { authorization: "Bearer wrong" } });
    expect(res).toMatchObject({ status: 401, body: { error: "Unauthorized" } });
  });

  it("near misses are rejected too (prefix, suffix, scheme, query parameter)", async () => {
    const t = stack.token;
    for (const authorization of [t, `Bearer ${t.slice(0, -1)}`, `Bearer ${t}x`, `bearer ${t}`, `Basic ${t}`, `Bearer  ${t}`]) {
      expect((await stack.call("/", { body: '["PING"]', auth: false, headers: { authorization } })).status).toBe(401);
    }
    expect((await stack.call(`/?_token=${t}`, { body: '["PING"]', auth: false })).status).toBe(401);
  });

  it("rejected requests executed nothing", async () => {
    expect((await stack.call("/", { body: '["EXISTS","sec:k"]' })).body).toEqual({ result: 0 });
  });

  it("the real client with a wrong token fails with Unauthorized; the right one works", async () => {
    await expect(stack.client({ token: "not-the-token", retry: false }).get("sec:k")).rejects.toThrow(/Unauthorized/);
    expect(await stack.client().ping()).toBe("PONG");
  });

  it("error bodies never echo the presented token", async () => {
    const res = await stack.call("/", { body: "[", auth: false, headers: { authorization: `Bearer ${stack.token}zz` } });
    expect(JSON.stringify(res.body)).not.toContain(stack.token);
  });
});

describe("loopback only", () => {
  it("the bridge listens on 127.0.0.1", () => {
    expect(new URL(stack.bridge.url).hostname).toBe("127.0.0.1");
  });

  it("redis-server is bound to 127.0.0.1 with protected mode on", async () => {
    expect((await stack.call("/", { body: '["CONFIG","GET","bind"]' })).body).toEqual({ result: ["bind", "127.0.0.1"] });
    expect((await stack.call("/", { body: '["CONFIG","GET","protected-mode"]' })).body).toEqual({ result: ["protected-mode", "yes"] });
  });
});
