import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The one error-code table. Numbers are the ones the existing Qingyu clients
 * already know (the Go backend's pkg/response), so never renumber an entry.
 */
export const ErrorCodes = {
  INVALID_PARAMETER: { code: 1001, status: 400, message: "invalid parameters" },
  UNAUTHORIZED: { code: 1002, status: 401, message: "unauthorized" },
  FORBIDDEN: { code: 1003, status: 403, message: "forbidden" },
  NOT_FOUND: { code: 1004, status: 404, message: "not found" },
  METHOD_NOT_ALLOWED: { code: 1005, status: 405, message: "method not allowed" },
  CONFLICT: { code: 1006, status: 409, message: "conflict" },
  TOO_MANY_REQUESTS: { code: 1007, status: 429, message: "too many requests" },
  PAYLOAD_TOO_LARGE: { code: 1008, status: 413, message: "request body too large" },
  UNSUPPORTED_MEDIA_TYPE: { code: 1009, status: 415, message: "unsupported media type" },
  UPGRADE_REQUIRED: { code: 1010, status: 426, message: "upgrade required" },
  RANGE_NOT_SATISFIABLE: { code: 1011, status: 416, message: "range not satisfiable" },
  USERNAME_TAKEN: { code: 2003, status: 409, message: "username already taken" },
  EMAIL_TAKEN: { code: 2004, status: 409, message: "email already registered" },
  TOKEN_EXPIRED: { code: 2007, status: 401, message: "token expired" },
  TOKEN_INVALID: { code: 2008, status: 401, message: "token invalid" },
  AUTH_HEADER_MALFORMED: { code: 2009, status: 400, message: "malformed Authorization header" },
  TOKEN_MISSING: { code: 2010, status: 401, message: "missing token" },
  TOKEN_REVOKED: { code: 2016, status: 401, message: "token revoked" },
  PASSWORD_CHANGE_REQUIRED: { code: 2017, status: 403, message: "password change required" },
  INSUFFICIENT_BALANCE: { code: 3001, status: 409, message: "insufficient balance" },
  WALLET_FROZEN: { code: 3002, status: 403, message: "wallet frozen" },
  BELOW_MINIMUM_WITHDRAW: { code: 3003, status: 400, message: "below the minimum withdrawal" },
  UNKNOWN_RECIPIENT: { code: 3004, status: 404, message: "unknown recipient" },
  SELF_TRANSFER: { code: 3005, status: 400, message: "cannot transfer to yourself" },
  QUOTA_SUSPENDED: { code: 4031, status: 403, message: "quota suspended" },
  QUOTA_INSUFFICIENT: { code: 4291, status: 429, message: "quota insufficient" },
  QUOTA_EXHAUSTED: { code: 4292, status: 429, message: "quota exhausted" },
  QUOTA_UNKNOWN_MODEL: { code: 4221, status: 422, message: "no price for this model" },
  INTERNAL: { code: 5000, status: 500, message: "internal error" },
  DEPENDENCY_UNAVAILABLE: { code: 5003, status: 503, message: "dependency unavailable" },
} as const satisfies Record<string, { code: number; status: ContentfulStatusCode; message: string }>;

export type ErrorName = keyof typeof ErrorCodes;

/** Error details clients may show next to a form field (`{ field: message }`) or any JSON. */
export type ErrorDetails = Record<string, unknown>;

/**
 * A domain error that knows its own HTTP response. Services throw it; the app's
 * one `onError` turns it into the envelope.
 *
 * @example throw new ApiError("NOT_FOUND", "service 'mongo' is not known")
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly errorName: ErrorName;
  readonly details: ErrorDetails | undefined;
  readonly headers: Record<string, string>;

  constructor(errorName: ErrorName, message?: string, options: { details?: ErrorDetails; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message ?? ErrorCodes[errorName].message, { cause: options.cause });
    this.errorName = errorName;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  get code(): number {
    return ErrorCodes[this.errorName].code;
  }

  get status(): ContentfulStatusCode {
    return ErrorCodes[this.errorName].status;
  }
}

/** The envelope every error response uses; `data.details` is present only when there is something to say. */
export const ErrorEnvelopeSchema = z
  .object({
    code: z.number().int().openapi({ example: 1001, description: "Non-zero error code from the error table" }),
    message: z.string().openapi({ example: "invalid parameters" }),
    data: z.object({ details: z.record(z.string(), z.unknown()).optional() }).nullable(),
    timestamp: z.number().int().openapi({ description: "Epoch milliseconds", example: 1764230400000 }),
    request_id: z.string().openapi({ example: "4b3c9f0e-6d0a-4b6e-9e53-93f4bd0c2a11" }),
  })
  .openapi("ErrorEnvelope");

/** An OpenAPI error response with the envelope schema, for route-specific statuses. */
export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorEnvelopeSchema } },
});

/**
 * Error responses every route can produce, spread into each `createRoute({ responses })`
 * so the OpenAPI document shows them.
 */
export const commonErrorResponses = {
  400: errorResponse("Invalid parameters (code 1001) or malformed JSON"),
  404: errorResponse("Not found (code 1004)"),
  405: errorResponse("Method not allowed (code 1005)"),
  413: errorResponse("Request body too large (code 1008)"),
  415: errorResponse("Unsupported media type: JSON bodies need Content-Type application/json (code 1009)"),
  429: errorResponse("Too many requests (code 1007)"),
  500: errorResponse("Internal error (code 5000), including invalid server configuration"),
  503: errorResponse("A dependency is unavailable (code 5003)"),
} as const;

/** Extra error responses for routes behind authentication. */
export const authErrorResponses = {
  401: errorResponse("Missing, invalid, expired or revoked token (codes 1002, 2007, 2008, 2010, 2016)"),
  403: errorResponse("Forbidden (code 1003), or the account must first replace an admin-set temporary password (code 2017)"),
} as const;
