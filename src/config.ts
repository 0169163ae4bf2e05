import { z } from "zod";
import { ApiError } from "./errors";
import { productionProblems } from "./production-guard";

const intFromString = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** `kid:secret,kid2:secret2`: the first key signs, every key verifies (so keys rotate without logging anyone out). */
const jwtKeys = z
  .string()
  .transform((value, ctx) => {
    const keys = value.split(",").map((entry) => entry.trim()).filter(Boolean).map((entry) => {
      const colon = entry.indexOf(":");
      return { kid: entry.slice(0, colon), secret: entry.slice(colon + 1) };
    });
    if (keys.length === 0 || keys.some((key) => !/^[\w.-]{1,64}$/.test(key.kid) || key.secret.length < 32)) {
      ctx.addIssue({ code: "custom", message: "JWT_KEYS must be kid:secret pairs, comma separated, each secret at least 32 characters" });
      return z.NEVER;
    }
    return keys;
  });

const commaList = z
  .string()
  .transform((value) => value.split(",").map((item) => item.trim()).filter(Boolean));

/**
 * Deploy-time configuration of the API Worker: every var and secret, validated
 * once per isolate on the first request. Runtime-tunable settings (quota
 * thresholds and plans, token lifetimes, session and rate limits, the
 * revocation policy) live in the ConfigStore (src/runtime-config), not here.
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
  JWT_KEYS: jwtKeys,
  JWT_ISSUER: z.string().min(1).default("qingyu-edge"),
  JWT_AUDIENCE: z.string().min(1).default("qingyu-clients"),
  USER_STORE: z.enum(["d1", "mongodb-data-api"]).default("d1"),
  MONGODB_DATA_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  MONGODB_DATA_API_KEY: z.string().min(1).optional(),
  MONGODB_DATA_SOURCE: z.string().min(1).default("Cluster0"),
  MONGODB_DATABASE: z.string().min(1).default("qingyu"),
  /** Bearer token of the AI service that spends quota through /api/v1/internal/quota (never a user JWT). */
  AI_SERVICE_TOKEN: z.string().min(32, "AI_SERVICE_TOKEN must be at least 32 characters"),
  /** Turns on the testing Worker's bench and fault routes and object hooks (test/testing-worker/); production has none, and refuses it on. */
  ENABLE_BENCH_ROUTES: z.enum(["true", "false"]).default("false").transform((value) => value === "true"),
  /** How long an isolate keeps its copy of the runtime config; a change is seen everywhere within this plus one round trip. */
  CONFIG_CACHE_TTL_MS: intFromString("CONFIG_CACHE_TTL_MS", 0, 4_000).default(2_000),
  /** Where Swagger UI loads its script and stylesheet from (served by the Worker's static assets by default). */
  SWAGGER_UI_ASSETS_URL: z.string().min(1).default("/docs/assets"),
}).superRefine((config, ctx) => {
  if (config.USER_STORE !== "mongodb-data-api") return;
  for (const name of ["MONGODB_DATA_API_URL", "MONGODB_DATA_API_KEY"] as const) {
    if (!config[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when USER_STORE=mongodb-data-api" });
  }
});

export type EnvConfig = z.infer<typeof EnvConfigSchema>;

const cache = new WeakMap<object, EnvConfig>();
const CONFIG_KEYS = Object.keys(EnvConfigSchema.shape);

/**
 * Parses the Worker's env into a typed config, cached per env object (one per
 * isolate in production). A bad value throws an ApiError naming each variable
 * and the rule it broke, never the value itself.
 */
export function loadConfig(env: Record<string, unknown>): EnvConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const input = Object.fromEntries(
    CONFIG_KEYS.map((key) => [key, env[key] === "" && key !== "CORS_ORIGINS" ? undefined : env[key]]),
  );
  const parsed = EnvConfigSchema.safeParse(input);
  // Production also refuses development settings (src/production-guard.ts); it reads env as given, wallet vars included.
  const refused = productionProblems(env);
  if (!parsed.success || Object.keys(refused).length > 0) {
    const details: Record<string, string> = { ...refused };
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const variable = String(issue.path[0] ?? "env");
      // zod messages for our schema never contain the input value; keep it that way.
      details[variable] = input[variable] === undefined ? "is required" : issue.message;
    }
    throw new ApiError("INTERNAL", `invalid server configuration: ${Object.keys(details).join(", ")}`, {
      details: { config: details },
    });
  }
  cache.set(env, parsed.data as EnvConfig);
  return parsed.data as EnvConfig;
}
