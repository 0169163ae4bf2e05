/** Starts a real redis-server and the Upstash REST bridge for the workerd tests. */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { getFreePort } from "../../dev/net.ts";
import { startRedis } from "../../dev/redis.ts";
import { startUpstashBridge } from "../../dev/upstash-bridge.ts";

declare module "vitest" {
  export interface ProvidedContext {
    upstashUrl: string;
    upstashToken: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "qingyu-workers-redis-"));
  const redis = await startRedis({ port: await getFreePort(), dir, persist: false });
  const token = randomBytes(24).toString("hex");
  const bridge = await startUpstashBridge({ port: await getFreePort(), token, redisUrl: redis.url });
  project.provide("upstashUrl", bridge.url);
  project.provide("upstashToken", token);
  return async () => {
    await bridge.stop();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
