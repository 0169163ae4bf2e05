/** Admin accounts on the e2e stack, made the documented way (`npm run user:promote`). */
import { spawnSync } from "node:child_process";
import { inject } from "vitest";
import { readEnvFile } from "../../dev/env-file.ts";
import { ROOT } from "../../dev/stack.ts";
import { login, registerUser, type TokenPair } from "./users.ts";

/** Registers a user, promotes it with the promote script against the stack's local D1, and logs in again. */
export async function registerAdmin(stateDir: string = inject("stateDir"), base?: string): Promise<TokenPair> {
  const { username, password } = await registerUser(base);
  const result = spawnSync(process.execPath, ["scripts/user-promote.ts", username], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, QINGYU_STATE_DIR: stateDir },
  });
  if (result.status !== 0) throw new Error(`promote failed: ${result.stderr}`);
  return login(username, password, base);
}

/** The AI service token the test stacks run with (from .dev.vars.example). */
export async function serviceToken(): Promise<string> {
  const vars = await readEnvFile(`${ROOT}/.dev.vars.example`);
  if (!vars.AI_SERVICE_TOKEN) throw new Error("AI_SERVICE_TOKEN missing from .dev.vars.example");
  return vars.AI_SERVICE_TOKEN;
}

/**
 * Merges `patch` into the stack's runtime config as `adminToken`'s admin, the
 * way an operator does (read the version, PUT a merge patch). The saving
 * isolate uses the new document at once; others within the config cache TTL.
 */
export async function patchRuntimeConfig(apiUrl: string, adminToken: string, patch: Record<string, unknown>): Promise<void> {
  const headers = { Authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const read = await fetch(`${apiUrl}/api/v1/admin/config`, { headers });
  if (read.status !== 200) throw new Error(`config read failed: ${read.status} ${await read.text()}`);
  const { version } = ((await read.json()) as { data: { version: number } }).data;
  const saved = await fetch(`${apiUrl}/api/v1/admin/config`, { method: "PUT", headers, body: JSON.stringify({ version, patch }) });
  if (saved.status !== 200) throw new Error(`config update failed: ${saved.status} ${await saved.text()}`);
}
