import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "./config";
import { createApp } from "./index";

const SECRET = "super-secret-token-value-123456";

function fetchWith(overrides: Record<string, unknown>, path = "/health/live") {
  const badEnv = { ...env, ...overrides } as Env;
  return createApp().fetch(new Request(`https://api.test${path}`), badEnv, createExecutionContext());
}

describe("configuration (error)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a bad value → 500 envelope naming the variable, never its value, and exactly one log line", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const response = await fetchWith({ MAX_BODY_BYTES: "lots", UPSTASH_REDIS_REST_TOKEN: SECRET, UPSTASH_REDIS_REST_URL: "ftp://nope" });
    expect(response.status).toBe(500);
    const text = await response.text();
    const body = JSON.parse(text) as { code: number; message: string; data: { details: { config: Record<string, string> } } };
    expect(body.code).toBe(5000);
    expect(Object.keys(body.data.details.config).sort()).toEqual(["MAX_BODY_BYTES", "UPSTASH_REDIS_REST_URL"]);
    expect(text).not.toContain("lots");
    expect(text).not.toContain("ftp://nope");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("MAX_BODY_BYTES");
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain("lots");
  });

  it("a missing secret is named as required", async () => {
    const response = await fetchWith({ UPSTASH_REDIS_REST_TOKEN: undefined });
    const body = await response.json<{ data: { details: { config: Record<string, string> } } }>();
    expect(response.status).toBe(500);
    expect(body.data.details.config).toEqual({ UPSTASH_REDIS_REST_TOKEN: "is required" });
  });

  it("a too-short secret is rejected without echoing it", async () => {
    const response = await fetchWith({ UPSTASH_REDIS_REST_TOKEN: "short" });
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(text).toContain("UPSTASH_REDIS_REST_TOKEN");
    expect(text).not.toContain('"short"');
  });
});

describe("configuration of the account store (error)", () => {
  it("USER_STORE=mongodb-data-api without its URL and key names both", async () => {
    const response = await fetchWith({ USER_STORE: "mongodb-data-api" });
    const body = await response.json<{ data: { details: { config: Record<string, string> } } }>();
    expect(response.status).toBe(500);
    expect(Object.keys(body.data.details.config).sort()).toEqual(["MONGODB_DATA_API_KEY", "MONGODB_DATA_API_URL"]);
  });

  it("JWT_KEYS with a short secret is refused without echoing it", async () => {
    const response = await fetchWith({ JWT_KEYS: "k1:tooshort" });
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(text).toContain("JWT_KEYS");
    expect(text).not.toContain("tooshort");
  });
});

describe("configuration (happy)", () => {
  it("parses numbers, lists and defaults", () => {
    const config = loadConfig({ ...env, CORS_ORIGINS: "https://a.example, https://b.example", MAX_BODY_BYTES: "2048", LOG_LEVEL: undefined });
    expect(config.CORS_ORIGINS).toEqual(["https://a.example", "https://b.example"]);
    expect(config.MAX_BODY_BYTES).toBe(2048);
    expect(config.LOG_LEVEL).toBe("info");
  });

  it("is validated once per env object", () => {
    const source = { ...env };
    expect(loadConfig(source)).toBe(loadConfig(source));
  });
});
