/** Small HTTP helpers for end-to-end tests against the local stack. */
import { inject } from "vitest";
import { waitFor } from "../../dev/net.ts";

/** The shared e2e stack's API base URL. */
export const apiUrl = (): string => inject("apiUrl");

/** The Qingyu envelope, loosely typed for assertions. */
export interface Envelope<T = unknown> {
  code: number;
  message: string;
  data: T;
  timestamp: number;
  request_id: string;
  pagination?: Record<string, number | boolean>;
}

/** fetch() against the API with a JSON body when `json` is given. */
export async function call(path: string, init: RequestInit & { json?: unknown; base?: string } = {}): Promise<Response> {
  const { json, base, headers, ...rest } = init;
  return fetch(`${base ?? apiUrl()}${path}`, {
    ...rest,
    headers: { ...(json === undefined ? {} : { "content-type": "application/json" }), ...(headers as Record<string, string> | undefined) },
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
}

/** Waits (at most 5 s, the recovery bound docs/api.md states) until `/health/ready` answers 200 again. */
export async function waitUntilReady(base: string, what: string): Promise<void> {
  await waitFor(async () => (await fetch(`${base}/health/ready`)).status === 200, { timeoutMs: 5000, intervalMs: 100, what });
}
