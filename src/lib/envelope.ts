import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { ApiError } from "../errors";

/** Pagination block of list responses, as the Qingyu clients read it. */
export const PaginationSchema = z
  .object({
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    total_pages: z.number().int(),
    has_next: z.boolean(),
    has_previous: z.boolean(),
  })
  .openapi("Pagination");

export type Pagination = z.infer<typeof PaginationSchema>;

const envelopeBase = {
  code: z.literal(0).openapi({ description: "0 on success" }),
  message: z.string().openapi({ example: "ok" }),
  timestamp: z.number().int().openapi({ description: "Epoch milliseconds", example: 1764230400000 }),
  request_id: z.string(),
};

/**
 * Wraps a data schema in the success envelope for OpenAPI and typed responses.
 *
 * @example responses: { 200: jsonContent(envelopeOf(HealthSchema), "Health report") }
 */
export function envelopeOf<T extends z.ZodType>(data: T) {
  return z.object({ ...envelopeBase, data });
}

/** The success envelope with a `pagination` block, for list endpoints. */
export function paginatedEnvelopeOf<T extends z.ZodType>(data: T) {
  return z.object({ ...envelopeBase, data, pagination: PaginationSchema });
}

/** Builds the `pagination` block from a total and the requested page. */
export function paginate(total: number, page: number, pageSize: number): Pagination {
  const totalPages = pageSize > 0 ? Math.ceil(total / pageSize) : 0;
  return {
    total,
    page,
    page_size: pageSize,
    total_pages: totalPages,
    has_next: page < totalPages,
    has_previous: page > 1,
  };
}

/** OpenAPI response entry for a JSON body. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

function requestIdOf(c: Context<AppEnv>): string {
  return c.get("requestId") ?? "";
}

function body<T>(c: Context<AppEnv>, data: T, message: string) {
  return { code: 0 as const, message, data, timestamp: Date.now(), request_id: requestIdOf(c) };
}

/** Sends `{code: 0, message, data, timestamp, request_id}` with status 200. */
export function ok<T>(c: Context<AppEnv>, data: T, message = "ok") {
  return c.json(body(c, data, message), 200);
}

/** Sends the success envelope with status 201. */
export function created<T>(c: Context<AppEnv>, data: T, message = "created") {
  return c.json(body(c, data, message), 201);
}

/** Sends the success envelope plus `pagination`. */
export function okPage<T>(c: Context<AppEnv>, data: T, pagination: Pagination, message = "ok") {
  return c.json({ ...body(c, data, message), pagination }, 200);
}

/** The error envelope body for an ApiError (shared by onError, notFound and middleware that answer early). */
export function errorBody(c: Context<AppEnv>, error: ApiError) {
  return {
    code: error.code,
    message: error.message,
    data: error.details ? { details: error.details } : null,
    timestamp: Date.now(),
    request_id: requestIdOf(c),
  };
}

/** Sends the error envelope with the error's status and headers. */
export function fail(c: Context<AppEnv>, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(errorBody(c, error), error.status);
}
