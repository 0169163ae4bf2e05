import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import type { AppEnv } from "./env";
import { ApiError, type ErrorName } from "./errors";
import { fail } from "./lib/envelope";
import { allowedMethods } from "./lib/allowed-methods";
import { requestId } from "./middleware/request-id";
import { responseHeaders } from "./middleware/response-headers";

/** Per-field messages (`{"body.email": "Invalid email address"}`) for the 1001 envelope. */
function fieldErrors(error: ZodError, target: string): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = [target, ...issue.path.map(String)].join(".");
    details[field] ??= issue.message;
  }
  return details;
}

const STATUS_TO_ERROR: Record<number, ErrorName> = {
  400: "INVALID_PARAMETER",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
  503: "DEPENDENCY_UNAVAILABLE",
};

/** The app's one error handler: every failure leaves as the envelope. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof ApiError) return fail(c, error);
  if (error instanceof HTTPException) {
    // Hono's own 4xx (e.g. "Malformed JSON in request body" from the validator).
    const name = STATUS_TO_ERROR[error.status] ?? (error.status >= 500 ? "INTERNAL" : "INVALID_PARAMETER");
    return fail(c, new ApiError(name, error.status < 500 && error.message ? error.message : undefined));
  }
  // Unknown errors: the access log line carries the message; the client gets no internals.
  return fail(c, new ApiError("INTERNAL"));
}

/** Unknown route → 404 envelope, or 405 with `Allow` when the path exists under other methods. */
function handleNotFound(app: OpenAPIHono<AppEnv>) {
  return (c: Context<AppEnv>): Response => {
    const methods = allowedMethods(app.routes, c.req.path);
    if (methods.length > 0) {
      return fail(c, new ApiError("METHOD_NOT_ALLOWED", `method ${c.req.method} not allowed; use ${methods.join(", ")}`, { headers: { Allow: methods.join(", ") } }));
    }
    return fail(c, new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
  };
}

/**
 * The app factory (Unkey style): zod validation errors become 400 envelopes,
 * the request id, one `onError`, envelope 404/405, and the bearer security
 * scheme for OpenAPI. Other middleware and the routes are added by `createApp`.
 */
export function newApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        // The message names the first problem in words, since clients show `message` to the person (details keep them all).
        const first = result.error.issues[0];
        const field = first?.path.map(String).join(".");
        const message = first ? `invalid parameters: ${field ? `${field}: ` : ""}${first.message}` : "invalid parameters";
        throw new ApiError("INVALID_PARAMETER", message, { details: fieldErrors(result.error, result.target) });
      }
    },
  });
  // First, before anything sets a header: the assembler collects them for the response (and adds the secure headers).
  // Every envelope carries the request id, so the id middleware belongs to the factory.
  app.use(responseHeaders(), requestId());
  app.onError(handleError);
  app.notFound(handleNotFound(app));
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Access token from /api/v1/shared/auth/login",
  });
  return app;
}
