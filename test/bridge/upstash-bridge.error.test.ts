/**
 * Error mapping of the bridge: 400 for bad input and redis errors, 413 for big
 * bodies, 405 for other methods, 503 (fast) while redis is down — and recovery
 * once redis is back, without restarting the bridge.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type BridgeStack } from "./stack.ts";

let stack: BridgeStack;
const errorBody = (pattern: RegExp): unknown => ({ error: expect.stringMatching(pattern) });

beforeAll(async () => {
  stack = await startStack({ maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await stack?.stop();
});

describe("bad requests → 400 {error}", () => {
  it.each([
    ["malformed JSON", "/", '["SET","k"'],
    ["not an array", "/", '{"cmd":"GET"}'],
    ["empty command", "/", "[]"],
    ["object argument", "/", '["SET","k",{"a":1}]'],
    ["null argument", "/", '["GET",null]'],
    ["pipeline not an array", "/pipeline", '"GET"'],
    ["pipeline with a bad command", "/pipeline", '[["GET","k"],"GET"]'],
    ["multi-exec malformed JSON", "/multi-exec", "[[,]]"],
  ])("%s", async (_label, path, body) => {
    const res = await stack.call(path, { body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorBody(/^ERR /));
  });

  it("redis errors: WRONGTYPE, unknown command, wrong arity", async () => {
    await stack.call("/", { body: '["SET","e:str","v"]' });
    expect(await stack.call("/", { body: '["LPUSH","e:str","x"]' })).toMatchObject({ status: 400, body: errorBody(/^WRONGTYPE/) });
    expect(await stack.call("/", { body: '["NOPE","x"]' })).toMatchObject({ status: 400, body: errorBody(/unknown command/) });
    expect(await stack.call("/", { body: '["GET"]' })).toMatchObject({ status: 400, body: errorBody(/wrong number of arguments/) });
    expect(await stack.call("/hget/e:str", { method: "GET" })).toMatchObject({ status: 400, body: errorBody(/wrong number/) });
  });

  it("the real client surfaces redis errors as thrown UpstashError", async () => {
    await expect(stack.client().lpush("e:str", "x")).rejects.toThrow(/WRONGTYPE/);
  });
});

describe("limits and methods", () => {
  it("body over maxBodyBytes → 413, and the bridge keeps serving", async () => {
    const big = JSON.stringify(["SET", "e:big", "x".repeat(100 * 1024)]);
    for (const path of ["/", "/pipeline", "/multi-exec", "/set/e:big"]) {
      const res = await stack.call(path, { body: big });
      expect(res.status).toBe(413);
      expect(res.body).toEqual(errorBody(/larger than 65536 bytes/));
    }
    expect((await stack.call("/", { body: '["GET","e:big"]' })).body).toEqual({ result: null });
    // Just under the limit is fine.
    const fits = JSON.stringify(["SET", "e:fits", "y".repeat(60 * 1024)]);
    expect((await stack.call("/", { body: fits })).body).toEqual({ result: "OK" });
  });

  it("a streamed (chunked) body over the limit → 413 too", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${stack.bridge.url}/set/e:stream`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.token}` },
      body: stream,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    expect(res.status).toBe(413);
  });

  it.each(["PUT", "DELETE", "PATCH", "OPTIONS"])("%s → 405", async (method) => {
    const res = await stack.call("/", { method });
    expect(res.status).toBe(405);
    expect(res.body).toEqual(errorBody(/not allowed/));
  });

  it("GET on /pipeline and /multi-exec → 405", async () => {
    expect((await stack.call("/pipeline", { method: "GET" })).status).toBe(405);
    expect((await stack.call("/multi-exec", { method: "GET" })).status).toBe(405);
  });
});

describe("redis outage", () => {
  it("answers 503 quickly while redis is down and recovers after it restarts", async () => {
    await stack.redis.stop();
    for (const [path, body] of [["/", '["GET","k"]'], ["/pipeline", '[["GET","k"]]'], ["/multi-exec", '[["INCR","k"]]']] as const) {
      const res = await stack.call(path, { body });
      expect(res.status).toBe(503);
      expect(res.body).toEqual(errorBody(/^redis unavailable: /));
      expect(res.ms).toBeLessThan(1_000);
    }
    await expect(stack.client({ retry: false }).get("k")).rejects.toThrow(/redis unavailable/);

    await stack.redis.start();
    const restarted = performance.now();
    let status = 0;
    while (performance.now() - restarted < 2_000) {
      status = (await stack.call("/", { body: '["PING"]' })).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).toBe(200);
    expect(await stack.client().set("e:after", "back")).toBe("OK");
    expect(await stack.client().get("e:after")).toBe("back");
  });
});
