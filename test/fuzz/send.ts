/** Turns a generated request into a real HTTP exchange with the stack. */
import { fillPath, type Operation } from "./contract.ts";
import { FixtureRef } from "./fixtures.ts";
import type { Cast } from "./cast.ts";
import { authorizationFor } from "./credentials.ts";
import { encodeSegment } from "./odd-values.ts";
import type { Exchange, FuzzRequest, SentRequest } from "./request-model.ts";

/** A request that gets no answer in this long is a failure (a hang), not a slow test. */
const ANSWER_TIMEOUT_MS = 20_000;

function bodyText(request: FuzzRequest, cast: Cast): string | undefined {
  const { body } = request;
  switch (body.kind) {
    case "none":
      return undefined;
    case "raw":
      return body.text;
    case "json":
      return JSON.stringify(cast.resolveDeep(body.value, request));
    case "huge": {
      const frame = '{"pad":""}';
      return `{"pad":"${"x".repeat(Math.max(0, body.bytes - frame.length))}"}`;
    }
  }
}

/** The concrete request: references resolved, path and query encoded, credentials chosen. */
export function materialize(request: FuzzRequest, operation: Operation, cast: Cast): SentRequest {
  const segments = Object.fromEntries(
    Object.entries(request.path).map(([name, value]) => [name, value instanceof FixtureRef ? encodeSegment(String(cast.resolve(value, request))) : value]),
  );
  const query = request.query
    .map(([name, value]) => `${encodeSegment(name)}=${encodeSegment(String(value instanceof FixtureRef ? cast.resolve(value, request) : value))}`)
    .join("&");
  const headers: Record<string, string> = Object.fromEntries(request.headers);
  const authorization = authorizationFor(cast, request, operation);
  if (authorization !== undefined) headers.Authorization = authorization;
  if (request.contentType !== null) headers["Content-Type"] = request.contentType;
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : bodyText(request, cast);
  return { method: request.method, url: `${cast.apiUrl}${fillPath(operation.path, segments)}${query ? `?${query}` : ""}`, headers, body };
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What `wrangler dev` (not the Worker) answers when it reloads the Worker because
 * a source file changed under it, as happens while others edit the working tree.
 */
export const DEV_RELOAD = "Your worker restarted mid-request";
const DEV_RELOAD_RETRIES = 3;

/**
 * Sends one request (a Buffer body, so fetch adds no Content-Type of its own)
 * and reads the whole answer. A request cut off by a `wrangler dev` reload is
 * sent again: that 503 comes from the dev server, never from production.
 */
export async function send(sent: SentRequest, request: FuzzRequest): Promise<Exchange> {
  for (let attempt = 1; ; attempt++) {
    const exchange = await sendOnce(sent, request);
    if (exchange.status !== 503 || !exchange.text.startsWith(DEV_RELOAD) || attempt > DEV_RELOAD_RETRIES) return exchange;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

async function sendOnce(sent: SentRequest, request: FuzzRequest): Promise<Exchange> {
  const started = performance.now();
  const response = await fetch(sent.url, {
    method: sent.method,
    headers: sent.headers,
    body: sent.body === undefined ? undefined : Buffer.from(sent.body),
    redirect: "manual",
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
  });
  const text = await response.text();
  return {
    request,
    sent,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    text,
    json: parseJson(text),
    ms: performance.now() - started,
  };
}
