import type { Context, MiddlewareHandler } from "hono";

/**
 * Response headers assembled in plain JavaScript and handed to the runtime
 * once, when the JSON response is made.
 *
 * Why: every `Headers.set` is a call from JavaScript into the runtime, and a
 * JSON answer carried about two dozen headers set one by one (the secure
 * headers after the handler, CORS, the request id, `X-Quota-*`, content type
 * and length): about a tenth of a no-op's isolate time (profile, 2026-12-02).
 * Now `c.header()` before the response exists writes into a plain object, and
 * `c.json()` builds the response with that object, the secure headers and the
 * body's size in one `new Response(...)`. A response made any other way (a
 * handler's own `Response`, `c.body`, a Durable Object's WebSocket upgrade)
 * gets the same headers set afterwards, as before.
 *
 * The secure headers are Hono's `secureHeaders()` defaults, which this replaces.
 */

/** Hono's `secureHeaders()` defaults (hono/secure-headers), lower-cased as the runtime stores them. */
export const SECURE_HEADERS: Readonly<Record<string, string>> = {
  "cross-origin-resource-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};
const SECURE_HEADER_ENTRIES = Object.entries(SECURE_HEADERS);

const encoder = new TextEncoder();
// JSON.stringify leaves non-ASCII characters as they are; without any, the UTF-8 length is the string's length.
const NON_ASCII = /[^\x00-\x7f]/;

/** What the assembler knows about this request's JSON response. */
interface Assembly {
  /** Headers set before the response existed, by lower-cased name. */
  headers: Record<string, string>;
  /** The response `c.json` made, and its body's size in UTF-8 bytes. */
  response: Response | undefined;
  bytes: number;
}

const assemblies = new WeakMap<Context, Assembly>();

type HeaderFn = (name: string, value?: string, options?: { append?: boolean }) => void;
type JsonFn = (object: unknown, arg?: number | ResponseInit, headers?: Record<string, string>) => Response;

/**
 * The size of the JSON body `c.json` sent, when `c.res` is still that response
 * (the metrics middleware reads it instead of the response's body or headers).
 */
export function jsonResponseBytes(c: Context): number | undefined {
  const assembly = assemblies.get(c);
  return assembly !== undefined && assembly.response !== undefined && c.res === assembly.response ? assembly.bytes : undefined;
}

/**
 * Sets headers on the response, first copying a response whose headers are
 * immutable (one passed through from a Durable Object's `fetch`, such as the
 * quota stream's WebSocket upgrade).
 */
export function setResponseHeaders(c: Context, headers: Iterable<readonly [string, string]>): void {
  const list = [...headers];
  try {
    for (const [name, value] of list) c.res.headers.set(name, value);
  } catch {
    c.res = new Response(c.res.body, c.res);
    for (const [name, value] of list) c.res.headers.set(name, value);
  }
}

/** Installs the assembler; the factory adds it first, before anything sets a header. */
export function responseHeaders(): MiddlewareHandler {
  return async function responseHeaders(c, next) {
    const assembly: Assembly = { headers: {}, response: undefined, bytes: 0 };
    assemblies.set(c, assembly);
    const honoHeader = c.header as unknown as HeaderFn;
    const honoJson = c.json as unknown as JsonFn;
    const header: HeaderFn = (name, value, options) => {
      if (assembly.response !== undefined) return honoHeader(name, value, options);
      const key = name.toLowerCase();
      if (value === undefined) delete assembly.headers[key];
      else if (options?.append && assembly.headers[key] !== undefined) assembly.headers[key] = `${assembly.headers[key]}, ${value}`;
      else assembly.headers[key] = value;
    };
    const json: JsonFn = (object, arg, extra) => {
      // A ResponseInit (not used by our routes) goes the ordinary way; the headers are then set after the handler.
      if (typeof arg === "object" || assembly.response !== undefined) return honoJson(object, arg, extra);
      const text = JSON.stringify(object);
      const data = NON_ASCII.test(text) ? encoder.encode(text) : text;
      const bytes = typeof data === "string" ? data.length : data.byteLength;
      const headers: Record<string, string> = { ...SECURE_HEADERS, ...assembly.headers, "content-type": "application/json", "content-length": String(bytes) };
      if (extra) for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
      assembly.response = new Response(data, { status: arg ?? 200, headers });
      assembly.bytes = bytes;
      return assembly.response;
    };
    c.header = header as unknown as typeof c.header;
    c.json = json as unknown as typeof c.json;
    await next();
    if (c.res === assembly.response) return;
    // Made another way: the headers collected so far and the secure headers, set on it now.
    // Headers the handler chose win over the defaults (a served public image needs a cross-origin resource policy).
    setResponseHeaders(c, [...SECURE_HEADER_ENTRIES, ...Object.entries(assembly.headers)]);
    c.res.headers.delete("X-Powered-By");
  };
}
