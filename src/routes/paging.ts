import { z } from "@hono/zod-openapi";

/**
 * Query paging the Qingyu clients send either way: `limit`/`offset` or
 * `page`/`page_size` (the web client's shared API modules send `pageSize`).
 * `toWindow` turns any of them into limit and offset.
 */
export const PagingQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).optional(),
  page: z.coerce.number().int().min(1).max(10_000_000).optional(),
  page_size: z.coerce.number().int().min(1).max(100).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "Alias of page_size (the Qingyu web client's spelling)" }),
});

/** Limit, offset and the page numbers for the `pagination` block. */
export function toWindow(query: z.infer<typeof PagingQuerySchema>, defaultSize = 20) {
  const limit = query.limit ?? query.page_size ?? query.pageSize ?? defaultSize;
  const offset = query.offset ?? ((query.page ?? 1) - 1) * limit;
  return { limit, offset, page: Math.floor(offset / limit) + 1, pageSize: limit };
}
