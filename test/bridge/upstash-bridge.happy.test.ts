/**
 * Happy paths through the real @upstash/redis client: if these pass, Workers
 * code talks to the local bridge exactly as it would to Upstash.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "@upstash/redis";
import { startStack, type BridgeStack } from "./stack.ts";

let stack: BridgeStack;
let redis: Redis;

beforeAll(async () => {
  stack = await startStack();
  redis = stack.client();
});
afterAll(async () => {
  await stack?.stop();
});

describe("strings through @upstash/redis (base64 response encoding)", () => {
  // "test" and "abcd" are themselves valid base64: a bridge that forgot to
  // encode would make the client decode them into garbage.
  it.each([
    ["valid-base64 word", "test"],
    ["another valid-base64 word", "abcd"],
    ["unicode and emoji", "héllo 世界 🚀 — ünïcödé"],
    ["binary-ish control characters", "\u0000\u0001\u0002\u00ff\ufffd end"],
    ["JSON-looking but quoted text", "not {json"],
    ["empty string", ""],
  ])("round-trips %s", async (_label, value) => {
    expect(await redis.set(`str:${_label}`, value)).toBe("OK");
    expect(await redis.get(`str:${_label}`)).toBe(value);
  });

  it("returns null for missing keys and fields", async () => {
    expect(await redis.get("missing:key")).toBeNull();
    expect(await redis.hget("missing:hash", "f")).toBeNull();
    expect(await redis.mget("str:valid-base64 word", "missing:key")).toEqual(["test", null]);
  });

  it("status replies decode (PING, SET)", async () => {
    expect(await redis.ping()).toBe("PONG");
    expect(await redis.echo("abcd")).toBe("abcd");
  });

  it("serialises and deserialises JSON objects", async () => {
    const doc = { id: 7, title: "青玉", tags: ["a", "b"], nested: { ok: true, n: null } };
    await redis.set("json:doc", doc);
    expect(await redis.get("json:doc")).toEqual(doc);
  });
});

describe("numbers, hashes, sorted sets, expiry", () => {
  it("incr / incrby / decr return numbers", async () => {
    expect(await redis.incr("num:a")).toBe(1);
    expect(await redis.incrby("num:a", 41)).toBe(42);
    expect(await redis.decr("num:a")).toBe(41);
    expect(await redis.get("num:a")).toBe(41);
    expect(await redis.incrbyfloat("num:f", 1.5)).toBe(1.5);
  });

  it("hashes", async () => {
    expect(await redis.hset("h:1", { name: "lin", count: 3 })).toBe(2);
    expect(await redis.hincrby("h:1", "count", 2)).toBe(5);
    expect(await redis.hget("h:1", "name")).toBe("lin");
    expect(await redis.hgetall("h:1")).toEqual({ name: "lin", count: 5 });
    expect(await redis.hgetall("h:missing")).toBeNull();
  });

  it("sorted sets with scores", async () => {
    expect(await redis.zadd("z:1", { score: 1.5, member: "a" }, { score: 2, member: "b" }, { score: 10, member: "c" })).toBe(3);
    expect(await redis.zrange("z:1", 1, 5, { byScore: true, withScores: true })).toEqual(["a", 1.5, "b", 2]);
    expect(await redis.zscore("z:1", "a")).toBe(1.5);
    expect(await redis.zrange("z:1", 0, -1, { rev: true })).toEqual(["c", "b", "a"]);
  });

  it("expire / ttl / persist / del", async () => {
    await redis.set("ttl:k", "v", { ex: 100 });
    const ttl = await redis.ttl("ttl:k");
    expect(ttl).toBeGreaterThan(95);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.expire("ttl:k", 5)).toBe(1);
    expect(await redis.ttl("ttl:k")).toBeLessThanOrEqual(5);
    expect(await redis.persist("ttl:k")).toBe(1);
    expect(await redis.ttl("ttl:k")).toBe(-1);
    expect(await redis.ttl("ttl:missing")).toBe(-2);
    expect(await redis.del("ttl:k", "ttl:missing")).toBe(1);
    expect(await redis.get("ttl:k")).toBeNull();
  });
});

describe("pipelines", () => {
  it("isolates a failing command to its own slot", async () => {
    await redis.del("p:s", "p:n");
    const build = () => {
      const p = redis.pipeline();
      p.set("p:s", "text");
      p.lpush("p:s", "x"); // WRONGTYPE
      p.get("p:s");
      p.incr("p:n");
      return p;
    };
    const results = await build().exec({ keepErrors: true });
    expect(results[0]).toEqual({ error: undefined, result: "OK" });
    expect(results[1]?.error).toMatch(/WRONGTYPE/);
    expect(results[2]).toEqual({ error: undefined, result: "text" });
    expect(results[3]).toEqual({ error: undefined, result: 1 });
    // Without keepErrors the client throws, but the other commands still ran.
    await expect(build().exec()).rejects.toThrow(/Command 2 \[ lpush \] failed: WRONGTYPE/);
    expect(await redis.get("p:n")).toBe(2);
  });

  it("auto-pipelined concurrent calls (the client default) all resolve", async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `auto:${i}`);
    await Promise.all(keys.map((k, i) => redis.set(k, i)));
    expect(await Promise.all(keys.map((k) => redis.get(k)))).toEqual(keys.map((_, i) => i));
  });
});

describe("raw protocol", () => {
  it("base64 mode encodes bulk AND status strings, keeps integers and nil, recurses into arrays", async () => {
    const h = { "upstash-encoding": "base64" };
    expect((await stack.call("/", { body: '["SET","raw:k","v"]', headers: h })).body).toEqual({ result: "T0s=" });
    expect((await stack.call("/", { body: '["PING"]', headers: h })).body).toEqual({ result: "UE9ORw==" });
    expect((await stack.call("/", { body: '["INCR","raw:n"]', headers: h })).body).toEqual({ result: 1 });
    expect((await stack.call("/", { body: '["GET","raw:none"]', headers: h })).body).toEqual({ result: null });
    const script = `return {1, 'a', {2, 'b'}, redis.call('GET', 'raw:none')}`;
    const nested = await stack.call("/", { body: JSON.stringify(["EVAL", script, 0]), headers: h });
    // redis.call returns Lua false for a missing key, which Redis replies as nil.
    expect(nested.body).toEqual({ result: [1, "YQ==", [2, "Yg=="], null] });
    expect((await stack.call("/", { body: '["MGET","raw:k","raw:none"]', headers: h })).body).toEqual({ result: ["dg==", null] });
  });

  it("binary values keep their raw bytes in base64 mode; plain mode returns UTF-8 text", async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41, 0x0a]);
    expect((await stack.call("/set/raw:bin", { body: bytes })).status).toBe(200);
    const b64 = await stack.call("/get/raw:bin", { method: "GET", headers: { "upstash-encoding": "base64" } });
    expect(b64.body).toEqual({ result: bytes.toString("base64") });
    expect((await stack.call("/", { body: '["SET","raw:t","héllo"]' })).body).toEqual({ result: "OK" });
    expect((await stack.call("/", { body: '["GET","raw:t"]' })).body).toEqual({ result: "héllo" });
  });

  it("path style: URL-decoded segments, GET or POST with the body as last argument", async () => {
    expect((await stack.call("/set/path%20key/va%2Flue", { method: "GET" })).body).toEqual({ result: "OK" });
    expect((await stack.call("/get/path%20key", { method: "GET" })).body).toEqual({ result: "va/lue" });
    expect((await stack.call("/hset/path:h/f", { body: "from body" })).body).toEqual({ result: 1 });
    expect((await stack.call("/hgetall/path:h", { method: "GET" })).body).toEqual({ result: ["f", "from body"] });
  });

  it("numbers and booleans in JSON commands are stringified; Upstash-Sync-Token is accepted", async () => {
    const res = await stack.call("/", { body: '["SET","raw:b",true,"EX",60]', headers: { "upstash-sync-token": "whatever" } });
    expect(res.body).toEqual({ result: "OK" });
    expect((await stack.call("/get/raw:b", { method: "GET" })).body).toEqual({ result: "true" });
  });

  it("pipeline endpoint answers one slot per command", async () => {
    const res = await stack.call("/pipeline", { body: '[["SET","pl:a","1"],["INCR","pl:a"],["NOSUCHCMD"],["GET","pl:a"]]' });
    expect(res.status).toBe(200);
    const slots = res.body as Array<Record<string, unknown>>;
    expect(slots[0]).toEqual({ result: "OK" });
    expect(slots[1]).toEqual({ result: 2 });
    expect(slots[2]?.error).toMatch(/unknown command/i);
    expect(slots[3]).toEqual({ result: "2" });
  });
});
