/** Small HTTP helpers for end-to-end tests against the local stack. */
import { inject } from "vitest";

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
