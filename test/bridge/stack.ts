/**
 * Per-test-file fixture: a private redis-server (temp dir, free port) with an
 * Upstash bridge in front of it, plus small raw-HTTP helpers.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "@upstash/redis";
import { getFreePort } from "../../dev/net.ts";
import { startRedis, type RedisProcess } from "../../dev/redis.ts";
import { startUpstashBridge, type UpstashBridge } from "../../dev/upstash-bridge.ts";

/** Response of a raw bridge call: status plus parsed JSON body. */
export interface RawResponse {
  status: number;
  body: unknown;
  ms: number;
}

/** Everything a bridge test file needs. */
export interface BridgeStack {
  redis: RedisProcess;
  bridge: UpstashBridge;
  token: string;
  /** Every line the bridge and redis-server logged. */
  logs: string[];
  /** A real @upstash/redis client pointed at the bridge. */
  client(overrides?: { token?: string; retry?: false }): Redis;
  /** Raw HTTP call; `auth: false` omits the Authorization header. */
  call(path: string, init?: { method?: string; body?: string | Buffer; headers?: Record<string, string>; auth?: boolean }): Promise<RawResponse>;
  stop(): Promise<void>;
}

/** Starts redis + bridge; call `stop()` in afterAll. */
export async function startStack(opts: { maxBodyBytes?: number } = {}): Promise<BridgeStack> {
  const dir = await mkdtemp(join(tmpdir(), "qingyu-bridge-"));
  const logs: string[] = [];
  const token = randomBytes(24).toString("hex");
  const redis = await startRedis({ port: await getFreePort(), dir, persist: false, log: (l) => logs.push(`redis: ${l}`) });
  let bridge: UpstashBridge;
  try {
    bridge = await startUpstashBridge({
      port: await getFreePort(),
      token,
      redisUrl: redis.url,
      maxBodyBytes: opts.maxBodyBytes,
      log: (l) => logs.push(`bridge: ${l}`),
    });
  } catch (err) {
    await redis.stop();
    throw err;
  }

  const call: BridgeStack["call"] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.auth !== false) headers.authorization = `Bearer ${token}`;
    const started = performance.now();
    const res = await fetch(bridge.url + path, { method: init.method ?? "POST", headers, body: init.body });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the raw text; the assertion will show it
    }
    return { status: res.status, body, ms: performance.now() - started };
  };

  return {
    redis,
    bridge,
    token,
    logs,
    call,
    client: (overrides = {}) =>
      new Redis({
        url: bridge.url,
        token: overrides.token ?? token,
        enableTelemetry: false,
        ...(overrides.retry === false ? { retry: false } : {}),
      }),
    stop: async () => {
      await bridge.stop();
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
