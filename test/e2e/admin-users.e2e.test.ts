import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../dev/stack.ts";
import { registerAdmin } from "../support/admin.ts";
import { call, type Envelope } from "../support/http.ts";
import { randomStackOptions } from "../support/stack-options.ts";
import { login, registerUser } from "../support/users.ts";

/** Its own stack at LOG_LEVEL=debug, so the log check below sees every line the API writes. */
let stack: Stack;
beforeAll(async () => {
  const options = await randomStackOptions("qingyu-e2e-admin-");
  stack = await startStack({ ...options, apiVars: { ...options.apiVars, LOG_LEVEL: "debug" } });
});
afterAll(async () => {
  await stack?.stop();
  if (stack) await rm(stack.options.stateDir, { recursive: true, force: true });
});

const as = (token: string, path: string, init: { method?: string; json?: unknown } = {}) =>
  call(path, { base: stack.apiUrl, method: init.method, json: init.json, headers: { Authorization: `Bearer ${token}` } });

async function allLogs(): Promise<string> {
  const dir = join(stack.options.stateDir, "logs");
  const files = await readdir(dir);
  return (await Promise.all(files.map((file) => readFile(join(dir, file), "utf8")))).join("\n");
}

describe("admin console on the running stack (e2e)", () => {
  it("a ban ends the user's sessions: their token answers 2016 within 1 s", async () => {
    const admin = await registerAdmin(stack.options.stateDir, stack.apiUrl);
    const { pair } = await registerUser(stack.apiUrl);
    expect((await as(pair.token, "/api/v1/user/profile")).status).toBe(200);
    const bannedAt = Date.now();
    const ban = await as(admin.token, `/api/v1/admin/users/${pair.user.id}/status`, { method: "PUT", json: { status: "banned", reason: "e2e" } });
    expect(ban.status).toBe(200);
    let code = 0;
    while (Date.now() - bannedAt < 3_000 && code !== 2016) {
      const response = await as(pair.token, "/api/v1/user/profile");
      code = ((await response.json()) as Envelope).code;
    }
    expect(code).toBe(2016);
    expect(Date.now() - bannedAt).toBeLessThan(1_000);
  });

  it("reset-password: the temporary password logs in, and appears in no log file", async () => {
    const admin = await registerAdmin(stack.options.stateDir, stack.apiUrl);
    const { username, pair } = await registerUser(stack.apiUrl);
    const response = await as(admin.token, `/api/v1/admin/users/${pair.user.id}/reset-password`, { method: "POST" });
    expect(response.status).toBe(200);
    const { temporaryPassword } = ((await response.json()) as Envelope<{ temporaryPassword: string }>).data;
    expect((await login(username, temporaryPassword, stack.apiUrl)).token).toBeTruthy();
    const stats = await as(admin.token, "/api/v1/admin/stats?refresh=true");
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as Envelope<{ users: { total: number } }>).data.users.total).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 500)); // let wrangler flush its output to the log files
    const logs = await allLogs();
    expect(logs).toContain("/api/v1/admin/users/:id/reset-password"); // the access log line is there
    expect(logs).not.toContain(temporaryPassword);
  });
});
