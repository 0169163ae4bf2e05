import { z } from "zod";
import { ApiError } from "./errors";

const intFromString = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const commaList = z
  .string()
  .transform((value) => value.split(",").map((item) => item.trim()).filter(Boolean));

/**
 * Deploy-time configuration of the API Worker: every var and secret, validated
 * once per isolate on the first request. Runtime-tunable settings (quota
 * thresholds, plans, ...) live in the ConfigStore, not here.
 */
export const EnvConfigSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
  APP_VERSION: z.string().min(1).default("0.0.0"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Origins allowed by CORS, comma separated; empty means no cross-origin access. */
  CORS_ORIGINS: commaList.default([]),
  MAX_BODY_BYTES: intFromString("MAX_BODY_BYTES", 1, 10 * 1024 * 1024).default(102_400),
  HEALTH_CHECK_TIMEOUT_MS: intFromString("HEALTH_CHECK_TIMEOUT_MS", 50, 10_000).default(1500),
  HEALTH_DEGRADED_LATENCY_MS: intFromString("HEALTH_DEGRADED_LATENCY_MS", 1, 10_000).default(750),
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/, error: "UPSTASH_REDIS_REST_URL must be an http(s) URL" }),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(16, "UPSTASH_REDIS_REST_TOKEN must be at least 16 characters"),
  /** Where Swagger UI loads its script and stylesheet from (served by the Worker's static assets by default). */
  SWAGGER_UI_ASSETS_URL: z.string().min(1).default("/docs/assets"),
});

export type EnvConfig = z.infer<typeof EnvConfigSchema>;

/** Names of variables that hold secrets: never logged, never echoed. */
export const SECRET_VARIABLES = new Set(["UPSTASH_REDIS_REST_TOKEN"]);

const cache = new WeakMap<object, EnvConfig>();

/**
 * Parses the Worker's env into a typed config, cached per env object (one per
 * isolate in production). A bad value throws an ApiError naming each variable
 * and the rule it broke, never the value itself.
 */
export function loadConfig(env: Record<string, unknown>): EnvConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const input = Object.fromEntries(
    Object.keys(EnvConfigSchema.shape).map((key) => [key, env[key] === "" && key !== "CORS_ORIGINS" ? undefined : env[key]]),
  );
  const parsed = EnvConfigSchema.safeParse(input);
  if (!parsed.success) {
    const details: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? "env");
      // zod messages for our schema never contain the input value; keep it that way.
      details[variable] = input[variable] === undefined ? "is required" : issue.message;
    }
    throw new ApiError("INTERNAL", `invalid server configuration: ${Object.keys(details).join(", ")}`, {
      details: { config: details },
    });
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
