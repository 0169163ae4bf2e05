import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { startStack, type Stack } from "../../dev/stack.ts";
import { randomStackOptions } from "../support/stack-options.ts";
import { login, registerUser } from "../support/users.ts";

type Report = { status: string; checks: Array<{ name: string; status: string }> };

/** This file stops redis-server, so it runs its own stack rather than the shared one. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack(await randomStackOptions("qingyu-e2e-outage-"));
});
afterAll(async () => {
  await stack?.stop();
  if (stack) await rm(stack.options.stateDir, { recursive: true, force: true });
});

async function readiness(): Promise<{ status: number; report: Report }> {
  const response = await fetch(`${stack.apiUrl}/health/ready`);
  return { status: response.status, report: (await response.json()) as Report };
}

describe("Redis outage and recovery (error)", () => {
  it("auth during the outage: standard routes keep serving on the synced revocations; Redis-backed calls answer 503 code 5003", async () => {
    const { username, password, pair } = await registerUser(stack.apiUrl);
    const profile = () => fetch(`${stack.apiUrl}/api/v1/user/profile`, { headers: { Authorization: `Bearer ${pair.token}` } });
    expect((await profile()).status).toBe(200);
    await stack.redis.stop();
    try {
      await new Promise((resolve) => setTimeout(resolve, 700)); // past the sync interval: the copy is now stale
      expect((await profile()).status).toBe(200);
      const loginDuringOutage = await fetch(`${stack.apiUrl}/api/v1/shared/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
      expect(loginDuringOutage.status).toBe(503);
      expect(((await loginDuringOutage.json()) as { code: number }).code).toBe(5003);
    } finally {
      await stack.redis.start();
    }
    await waitFor(async () => (await fetch(`${stack.apiUrl}/health/ready`)).status === 200, { timeoutMs: 5000, intervalMs: 100, what: "readiness after Redis returns" });
    expect((await login(username, password, stack.apiUrl)).token).toBeTruthy();
  });

  it("/health/ready goes 503 with Redis unhealthy within 5 s of Redis stopping, and back to 200 within 5 s of its return", async () => {
    expect((await readiness()).status).toBe(200);

    await stack.redis.stop();
    const stoppedAt = Date.now();
    const down = await waitFor(async () => {
      const result = await readiness();
      return result.status === 503 ? result : undefined;
    }, { timeoutMs: 5000, intervalMs: 100, what: "/health/ready to turn 503" });
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(down.report.checks.find((check) => check.name === "redis")?.status).toBe("unhealthy");
    expect(down.report.checks.find((check) => check.name === "d1")?.status).toBe("healthy");

    await stack.redis.start();
    const restartedAt = Date.now();
    await waitFor(async () => (await readiness()).status === 200, { timeoutMs: 5000, intervalMs: 100, what: "/health/ready to return to 200" });
    expect(Date.now() - restartedAt).toBeLessThan(5000);
  });
});
