import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../dev/stack.ts";
import { call, type Envelope, waitUntilReady } from "../support/http.ts";
import { randomStackOptions } from "../support/stack-options.ts";
import { registerUser } from "../support/users.ts";

type Profile = { nickname: string | null };

/** This file stops redis-server, so it runs its own stack rather than the shared one. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack(await randomStackOptions("qingyu-e2e-cache-"));
});
afterAll(async () => {
  await stack?.stop();
  if (stack) await rm(stack.options.stateDir, { recursive: true, force: true });
});

describe("profile cache through a Redis outage (error)", () => {
  it("reads go to D1 while redis-server is down; a write made then is what readers see after Redis returns", async () => {
    const { pair } = await registerUser(stack.apiUrl);
    const auth = { Authorization: `Bearer ${pair.token}` };
    const nickname = async () => {
      const response = await call("/api/v1/user/profile", { base: stack.apiUrl, headers: auth });
      expect(response.status).toBe(200);
      return ((await response.json()) as Envelope<Profile>).data.nickname;
    };
    const rename = (value: string) => call("/api/v1/user/profile", { base: stack.apiUrl, method: "PUT", headers: auth, json: { nickname: value } });

    expect((await rename("Before")).status).toBe(200);
    expect(await nickname()).toBe("Before"); // now cached in Redis

    await stack.redis.stop();
    try {
      expect(await nickname()).toBe("Before");
      expect((await rename("During the outage")).status).toBe(200);
      expect(await nickname()).toBe("During the outage");
    } finally {
      await stack.redis.start();
    }
    await waitUntilReady(stack.apiUrl, "readiness after Redis returns");
    // Redis still holds the copy cached before the outage (checked through the bridge); the invalidation queued during it must win.
    const stored = await fetch(stack.bridgeUrl, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.redisToken}`, "content-type": "application/json" },
      body: JSON.stringify(["GET", `cache:v:profile:${pair.user.id}`]),
    });
    expect(((await stored.json()) as { result: string | null }).result).toContain('"nickname":"Before"');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await nickname()).toBe("During the outage");
    expect(await nickname()).toBe("During the outage");
  });
});
