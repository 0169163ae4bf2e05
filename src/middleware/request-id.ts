import type { Context, MiddlewareHandler } from "hono";
import { requestId as honoRequestId } from "hono/request-id";

/** W3C trace context: version-traceid-parentid-flags, all lowercase hex. */
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** Uses the trace id of a valid `traceparent` header, so our logs join the caller's trace. */
function idFromTraceparent(c: Context): string {
  const match = TRACEPARENT.exec(c.req.header("traceparent") ?? "");
  const traceId = match?.[1];
  return traceId && !/^0+$/.test(traceId) ? traceId : crypto.randomUUID();
}

/**
 * Request id middleware: accepts `X-Request-ID` (word characters, `-` and `=`,
 * at most 128), else the W3C `traceparent` trace id, else a new UUID; echoes it
 * in `X-Request-ID`. Hono's own middleware does the header handling.
 */
export function requestId(): MiddlewareHandler {
  return honoRequestId({ headerName: "X-Request-ID", limitLength: 128, generator: idFromTraceparent });
}
