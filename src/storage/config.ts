import { z } from "zod";
import { ApiError } from "../errors";

/** Deploy-time storage settings: the key signed URLs are made with. Sizes and quotas are runtime config (`storage`). */
const StorageConfigSchema = z.object({
  FILES_SIGNING_SECRET: z.string().min(32, "FILES_SIGNING_SECRET must be at least 32 characters"),
});

export type StorageConfig = z.infer<typeof StorageConfigSchema>;

const cache = new WeakMap<object, StorageConfig>();

/** Validates the storage vars once per env object; a bad value is a 500 naming the variable, never its value. */
export function loadStorageConfig(env: object): StorageConfig {
  let config = cache.get(env);
  if (!config) {
    const parsed = StorageConfigSchema.safeParse({ FILES_SIGNING_SECRET: (env as { FILES_SIGNING_SECRET?: unknown }).FILES_SIGNING_SECRET });
    if (!parsed.success) throw new ApiError("INTERNAL", "invalid server configuration: FILES_SIGNING_SECRET");
    config = parsed.data;
    cache.set(env, config);
  }
  return config;
}
