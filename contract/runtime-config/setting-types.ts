/** Building blocks shared by the runtime config's sections. */
import { z } from "@hono/zod-openapi";

export const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Requests allowed per subject per window. */
export const RateLimitSchema = (limit: number, windowSeconds: number) =>
  z.object({ limit: int(1, 1_000_000).default(limit), windowSeconds: int(1, 86_400).default(windowSeconds) }).prefault({});
