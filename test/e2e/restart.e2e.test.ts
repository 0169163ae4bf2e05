import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../dev/stack.ts";
import { serviceToken } from "../support/admin.ts";
import { onNewPorts, randomStackOptions } from "../support/stack-options.ts";
import { login, registerUser } from "../support/users.ts";

/** This file restarts a whole stack on the same state folder, so it runs its own. */
let stack: Stack | undefined;
let stateDir: string | undefined;
afterAll(async () => {
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe("restarting the local stack loses nothing (persisted state)", () => {
  it("quota counters, ledger, reservations, accounts and sessions survive a full restart", async () => {
    const options = await randomStackOptions("qingyu-e2e-restart-");
    stateDir = options.stateDir;
    stack = await startStack(options);
    const token = await serviceToken();
    const internal = (path: string, json: unknown) =>
      fetch(`${stack?.apiUrl}/api/v1/internal/quota${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(json),
      });

    const { username, password, pair } = await registerUser(stack.apiUrl);
    expect((await internal(`/${pair.user.id}/consume`, { amount: 1234, service: "e2e", requestId: "restart-1" })).status).toBe(200);
    expect((await internal(`/${pair.user.id}/reservations`, { amount: 500, ttlSeconds: 3600, service: "e2e", requestId: "restart-2" })).status).toBe(201);

    await stack.stop();
    // New ports, same state folder: what a developer gets after Ctrl-C and `npm run dev` again.
    stack = await startStack(await onNewPorts(options));

    const quota = (await (await fetch(`${stack.apiUrl}/api/v1/ai/quota`, { headers: { Authorization: `Bearer ${pair.token}` } })).json()) as {
      code: number;
      data: { usedQuota: number; reservedQuota: number };
    };
    expect(quota.code).toBe(0); // the session and its access token survived (Redis AOF)
    expect(quota.data).toMatchObject({ usedQuota: 1234, reservedQuota: 500 });
    const ledger = (await (await fetch(`${stack.apiUrl}/api/v1/ai/quota/transactions`, { headers: { Authorization: `Bearer ${pair.token}` } })).json()) as {
      data: Array<{ type: string }>;
    };
    expect(ledger.data.map((row) => row.type).sort()).toEqual(["consume", "reserve"]);
    // The replay of a request from before the restart is still recognised: charged once.
    expect((await internal(`/${pair.user.id}/consume`, { amount: 1234, service: "e2e", requestId: "restart-1" })).status).toBe(200);
    const after = (await (await fetch(`${stack.apiUrl}/api/v1/ai/quota`, { headers: { Authorization: `Bearer ${pair.token}` } })).json()) as {
      data: { usedQuota: number };
    };
    expect(after.data.usedQuota).toBe(1234);
    expect((await login(username, password, stack.apiUrl)).token).toBeTruthy();
  }, 120_000);
});
