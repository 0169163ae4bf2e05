/**
 * The Qingyu web client's HTTP layer (GitHub yukin371/Qingyu_fronted), rebuilt
 * so the contract tests send requests exactly as it builds them and read
 * answers exactly as it unwraps them:
 *
 * - src/core/services/http.service.ts: a path starting with "/" but not
 *   "/api/v1" gets the "/api/v1" prefix; `Authorization: Bearer <token>`;
 *   every GET gets `_t=<now>`; the JSON content type is
 *   "application/json;charset=utf-8". `get(url, params)` hands its second
 *   argument to axios as `params`, so the modules' `get(url, { params })`
 *   sends `params[page]=1` (axios' bracket notation), not `page=1`.
 *   Unwrapping: a body without `code` is returned as it is; `code === 0`
 *   returns `data` with every key turned snake_case → camelCase
 *   (src/utils/caseConverter.ts); any other code rejects.
 * - src/utils/request-adapter.ts (the notification module): the result of
 *   http.service, and if that still has a `code` of 0 or 200, its `data`.
 * - modules that call `axios` directly (src/modules/admin/api/system-config.api.ts)
 *   get the raw body and read `response.data.data…` themselves.
 */
import { apiUrl } from "../support/http.ts";

/** Any JSON value the client may read. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** src/utils/caseConverter.ts snakeToCamel. */
export function snakeToCamel(text: string): string {
  return text.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** src/utils/caseConverter.ts convertObjectKeysToCamelCase. */
export function camelCaseKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [snakeToCamel(key), camelCaseKeys(child)]));
}

/** axios' default params serialisation: nested objects in brackets, arrays as `key[]`, null/undefined left out. */
export function axiosParams(params: Record<string, unknown>, prefix = ""): string[] {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) parts.push(`${encodeURIComponent(`${name}[]`)}=${encodeURIComponent(String(item))}`);
    else if (typeof value === "object") parts.push(...axiosParams(value as Record<string, unknown>, name));
    else parts.push(`${encodeURIComponent(name).replace(/%5B/gi, "[").replace(/%5D/gi, "]")}=${encodeURIComponent(String(value))}`);
  }
  return parts;
}

/** What went over the wire and came back. */
export interface Exchange {
  url: string;
  status: number;
  /** The parsed body, before any unwrapping. */
  body: JsonObject;
}

/** Where the error lands when http.service rejects (business code ≠ 0, or an HTTP error). */
export class ClientRejection extends Error {
  readonly exchange: Exchange;

  constructor(exchange: Exchange) {
    super(`client rejected ${exchange.url}: HTTP ${exchange.status} ${JSON.stringify(exchange.body)}`);
    this.exchange = exchange;
  }
}

interface SendOptions {
  token?: string;
  /** axios `params` (already as the module passes them, e.g. `{ params: {...} }`). */
  params?: Record<string, unknown>;
  data?: unknown;
  headers?: Record<string, string>;
}

/** Sends a request the way http.service.ts's axios instance builds it and returns the raw exchange. */
export async function send(method: "GET" | "POST" | "PUT" | "DELETE", path: string, options: SendOptions = {}): Promise<Exchange> {
  const prefixed = path.startsWith("/") && !path.startsWith("/api/v1") ? `/api/v1${path}` : path;
  const params = method === "GET" ? { ...(options.params ?? {}), _t: Date.now() } : (options.params ?? {});
  const query = axiosParams(params).join("&");
  const url = `${prefixed}${query ? `?${query}` : ""}`;
  const headers: Record<string, string> = { Accept: "application/json, text/plain, */*", ...(options.headers ?? {}) };
  if (options.data !== undefined) headers["Content-Type"] = "application/json;charset=utf-8";
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const response = await fetch(`${apiUrl()}${url}`, { method, headers, body: options.data === undefined ? undefined : JSON.stringify(options.data) });
  const text = await response.text();
  let body: JsonObject;
  try {
    body = JSON.parse(text) as JsonObject;
  } catch {
    throw new Error(`${method} ${url}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { url, status: response.status, body };
}

/** http.service.ts's response interceptor: `data` (camelCased) on code 0; the body as it is without `code`; a rejection otherwise. */
export function unwrapHttpService(exchange: Exchange): Json {
  if (exchange.status < 200 || exchange.status >= 300) throw new ClientRejection(exchange);
  if (!("code" in exchange.body)) return exchange.body;
  if (exchange.body.code !== 0) throw new ClientRejection(exchange);
  const data = exchange.body.data ?? null;
  return data !== null && typeof data === "object" ? camelCaseKeys(data) : data;
}

/** request-adapter.ts on top of http.service: unwraps once more if a `code` of 0 or 200 is still there. */
export function unwrapRequestAdapter(exchange: Exchange): Json {
  const result = unwrapHttpService(exchange);
  if (result !== null && typeof result === "object" && !Array.isArray(result) && "code" in result && (result.code === 0 || result.code === 200)) return result.data ?? null;
  return result;
}

/** A call through http.service: sends and unwraps. */
export async function httpService(method: "GET" | "POST" | "PUT" | "DELETE", path: string, options: SendOptions = {}): Promise<Json> {
  return unwrapHttpService(await send(method, path, options));
}

/** Narrows a client-read value to an object for assertions. */
export function asObject(value: Json): JsonObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value;
}

/** Narrows a client-read value to an array for assertions. */
export function asArray(value: Json): Json[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value;
}
