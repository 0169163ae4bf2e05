/**
 * dev/redis.ts and dev/net.ts: the redis-server child the bridge (and the dev
 * stack) relies on.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFreePort, waitFor } from "../../dev/net.ts";
import { findRedisServer, startRedis, type RedisProcess } from "../../dev/redis.ts";
import { startUpstashBridge } from "../../dev/upstash-bridge.ts";

let dir: string;
let redis: RedisProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qingyu-redis-"));
  redis = await startRedis({ port: await getFreePort(), dir: join(dir, "data") });
});
afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("startRedis", () => {
  it("persists through stop/start with AOF (persist defaults to true)", async () => {
    const client = new IORedis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.connect();
    await client.set("kept", "yes");
    await client.quit();

    await redis.stop();
    expect(redis.running()).toBe(false);
    await redis.stop(); // idempotent
    await redis.start();
    expect(redis.running()).toBe(true);

    const again = new IORedis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await again.connect();
    expect(await again.get("kept")).toBe("yes");
    await again.quit();
  });

  it("rejects with redis' own output when the port is taken, instead of adopting the other server", async () => {
    await expect(startRedis({ port: redis.port, dir: join(dir, "clash"), persist: false })).rejects.toThrow(
      /exited \(code 1\)[\s\S]*Address already in use/,
    );
    expect(redis.running()).toBe(true);
  });

  it("findRedisServer fails fast with a one-line install hint", () => {
    expect(findRedisServer()).toMatch(/\/redis-server$/);
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent-dir";
    try {
      expect(() => findRedisServer()).toThrow(
        /^redis-server not found on PATH\. Install it: sudo apt-get install -y redis-server$/,
      );
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe("net helpers and bridge startup", () => {
  it("waitFor reports what it waited for and the last error", async () => {
    await expect(
      waitFor(async () => { throw new Error("still booting"); }, { timeoutMs: 120, intervalMs: 20, what: "the thing" }),
    ).rejects.toThrow(/^timed out after 120ms waiting for the thing.*still booting/);
    let n = 0;
    expect(await waitFor(async () => (++n >= 3 ? n : undefined), { timeoutMs: 1_000, intervalMs: 5, what: "n" })).toBe(3);
  });

  it("a bridge on a busy port rejects (EADDRINUSE) instead of hanging", async () => {
    const port = await getFreePort();
    const first = await startUpstashBridge({ port, token: "t", redisUrl: redis.url });
    try {
      await expect(startUpstashBridge({ port, token: "t", redisUrl: redis.url })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.stop();
    }
  });
});
