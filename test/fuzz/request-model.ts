/**
 * A generated request before it is sent: plain data plus `FixtureRef`s, so
 * fast-check can print, replay and shrink it.
 */
import type { FixtureRef } from "./fixtures.ts";

/** How the request authenticates. `matching` is the right credential for the operation. */
export const AUTH_VARIANTS = [
  "matching",
  "none",
  "other-user",
  "admin",
  "service",
  "self-user",
  "revoked",
  "expired",
  "not-yet-valid",
  "wrong-issuer",
  "wrong-audience",
  "unknown-kid",
  "wrong-key",
  "alg-none",
  "not-access",
  "garbage",
  "basic-scheme",
  "empty-bearer",
  "lowercase-scheme",
  "two-tokens",
  "huge",
] as const;
export type AuthVariant = (typeof AUTH_VARIANTS)[number];

/** What goes in the request body. */
export type Body =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "raw"; text: string }
  /** A JSON object padded to exactly this many bytes (built at send time to keep reports short). */
  | { kind: "huge"; bytes: number };

/** One generated request. */
export interface FuzzRequest {
  operation: string;
  method: string;
  /** Path parameter values, already percent-encoded, or references. */
  path: Record<string, string | FixtureRef>;
  /** Query pairs (values not yet encoded), in order; names may repeat. */
  query: Array<[string, string | FixtureRef]>;
  auth: AuthVariant;
  /** Pool index of the calling user, and of another user (for `other-user` and `other.*` references). */
  self: number;
  other: number;
  body: Body;
  /** `null`: no Content-Type header at all. */
  contentType: string | null;
  headers: Array<[string, string]>;
  /** What was made invalid on purpose (empty: a valid request). */
  mutations: string[];
}

/** The request as it went over the wire, for reports. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** What came back. */
export interface Exchange {
  request: FuzzRequest;
  sent: SentRequest;
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  ms: number;
}

function clip(text: string, max = 600): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** A short, copy-pasteable account of one exchange for failure messages. */
export function describeExchange(exchange: Exchange): string {
  const { sent } = exchange;
  const headers = Object.entries(sent.headers)
    .map(([name, value]) => `  ${name}: ${clip(/^authorization$/i.test(name) ? value.replace(/^(\S+\s+)?(.{12}).*$/s, "$1$2…") : value, 200)}`)
    .join("\n");
  return [
    `${sent.method} ${clip(sent.url, 400)}`,
    headers,
    sent.body === undefined ? "  (no body)" : `  body: ${clip(JSON.stringify(sent.body))}`,
    `mutations: ${exchange.request.mutations.join(", ") || "none (valid request)"}; auth: ${exchange.request.auth}`,
    `→ ${exchange.status} ${clip(exchange.text)}`,
  ].join("\n");
}
