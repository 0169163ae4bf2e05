import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../index";

/** Points the Worker at a port where no bridge listens: Redis is "down". */
const redisDownEnv = { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" } as Env;
const fetchRedisDown = (path: string) => createApp().fetch(new Request(`https://api.test${path}`), redisDownEnv, createExecutionContext());

type Report = { status: string; checks: Array<{ name: string; status: string; message?: string }> };

describe("health when Redis is unreachable (error)", () => {
  it("/health/ready → 503, Redis unhealthy, the rest still reported", async () => {
    const started = Date.now();
    const response = await fetchRedisDown("/health/ready");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(response.status).toBe(503);
    const report = await response.json<Report>();
    expect(report.status).toBe("unhealthy");
    const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    expect(byName.redis?.status).toBe("unhealthy");
    expect(byName.redis?.message).toBeTruthy();
    expect(byName.d1?.status).not.toBe("unhealthy");
    expect(byName.quota_counter?.status).not.toBe("unhealthy");
  });

  it("/api/v1/system/health → 503 envelope, code 5003, report in details", async () => {
    const response = await fetchRedisDown("/api/v1/system/health");
    expect(response.status).toBe(503);
    const body = await response.json<{ code: number; data: { details: { report: Report } } }>();
    expect(body.code).toBe(5003);
    expect(body.data.details.report.status).toBe("unhealthy");
  });

  it("/api/v1/system/health/redis → 503 envelope; /health/live stays 200", async () => {
    expect((await fetchRedisDown("/api/v1/system/health/redis")).status).toBe(503);
    expect((await fetchRedisDown("/health/live")).status).toBe(200);
  });

  it("the Redis message never contains the token", async () => {
    const text = await (await fetchRedisDown("/health/ready")).text();
    expect(text).not.toContain(env.UPSTASH_REDIS_REST_TOKEN);
  });
});
