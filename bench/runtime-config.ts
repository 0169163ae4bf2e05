/**
 * The bench's runtime-config changes, made through the admin API as an
 * operator makes them: one admin registered, promoted with the promote script
 * against the stack's local D1, then merge patches.
 */
import { spawnSync } from "node:child_process";
import { ROOT, type Stack } from "../dev/stack.ts";
import { inverseMergePatch, type Json } from "../contract/runtime-config/merge-patch.ts";
import type { RegisteredScenario } from "./scenario.ts";

type JsonObject = { [key: string]: Json };

async function request<T>(stack: Stack, path: string, init: { method?: string; json?: unknown; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(new URL(path, stack.apiUrl), {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { data: T }).data;
}

/** An admin of the bench stack who changes its runtime config. */
export interface BenchOperator {
  /** Merges `patch`; returns the patch that undoes it. The saving isolate uses it at once, others within the config cache TTL. */
  patch(patch: JsonObject): Promise<JsonObject>;
}

/** Registers and promotes the bench's admin. */
export async function benchOperator(stack: Stack, stateDir: string): Promise<BenchOperator> {
  const username = `bench_admin_${Math.floor(Math.random() * 1e9)}`;
  const password = "bench-admin-12345";
  await request(stack, "/api/v1/shared/auth/register", { json: { username, email: `${username}@bench.example`, password } });
  const promoted = spawnSync(process.execPath, ["scripts/user-promote.ts", username], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, QINGYU_STATE_DIR: stateDir },
  });
  if (promoted.status !== 0) throw new Error(`promote failed: ${promoted.stderr}`);
  const login = async () => (await request<{ token: string }>(stack, "/api/v1/shared/auth/login", { json: { username, password } })).token;
  let token = await login();
  // This login comes before the bench raises the access-token lifetime, so its token lives the default 15 minutes,
  // less than a long run (a profiled full run failed on its 37th run with 401 "token expired"): log in again then.
  const authorized = async <T>(call: (token: string) => Promise<T>): Promise<T> => {
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes(" answered 401: ")) throw error;
      token = await login();
      return call(token);
    }
  };
  return {
    async patch(patch) {
      const { version, document } = await authorized((token) => request<{ version: number; document: JsonObject }>(stack, "/api/v1/admin/config", { token }));
      await authorized((token) => request(stack, "/api/v1/admin/config", { method: "PUT", token, json: { version, patch } }));
      return inverseMergePatch(patch, document);
    },
  };
}

/** How long a runtime-config change takes to reach every isolate and object: CONFIG_CACHE_TTL_MS (2 s) plus a round trip. */
export const CONFIG_SETTLES_MS = 3000;

const settle = () => new Promise((resolve) => setTimeout(resolve, CONFIG_SETTLES_MS));

/**
 * Runs `body` with the scenario's runtime-config patch in force, waiting for it to reach everything before and after.
 * Every run, patched or not, starts after the same quiet pause: otherwise a patched run (say metrics off) would start on
 * a stack that had just finished its background work, and the unpatched run it is compared with on one still doing the
 * previous run's (metrics and activity flushes, alarms).
 */
export async function withRuntimeConfig<T>(
  operator: BenchOperator,
  scenario: Pick<RegisteredScenario, "name" | "runtimeConfig">,
  progress: (line: string) => void,
  body: () => Promise<T>,
): Promise<T> {
  if (scenario.runtimeConfig === undefined) {
    await settle();
    return body();
  }
  const undo = await operator.patch(scenario.runtimeConfig);
  progress(`${scenario.name}: runtime config ${JSON.stringify(scenario.runtimeConfig)} applied`);
  await settle();
  try {
    return await body();
  } finally {
    await operator.patch(undo);
    await settle();
  }
}
