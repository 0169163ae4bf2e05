import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "./index";
import { DEV_EXAMPLE_SECRETS } from "./production-guard";

/** A production env that passes every rule: https Redis elsewhere, real-looking secrets, sandbox and bench routes off. */
const PRODUCTION = {
  ENVIRONMENT: "production",
  UPSTASH_REDIS_REST_URL: "https://eu1-example.upstash.io",
  WALLET_RECHARGE_SANDBOX: "false",
  ENABLE_BENCH_ROUTES: "false",
};

async function liveWith(overrides: Record<string, unknown>) {
  const response = await createApp().fetch(new Request("https://api.test/health/live"), { ...env, ...PRODUCTION, ...overrides } as Env, createExecutionContext());
  const text = await response.text();
  return { status: response.status, text, config: (JSON.parse(text) as { data?: { details?: { config?: Record<string, string> } } }).data?.details?.config ?? {} };
}

describe("production guard (error)", () => {
  it("a production env without development settings starts (the baseline the cases below change)", async () => {
    expect((await liveWith({})).status).toBe(200);
  });

  const cases: Array<[string, Record<string, string>, string]> = [
    ["the recharge sandbox", { WALLET_RECHARGE_SANDBOX: "true" }, "WALLET_RECHARGE_SANDBOX"],
    ["the bench routes", { ENABLE_BENCH_ROUTES: "true" }, "ENABLE_BENCH_ROUTES"],
    ["a plain-http Redis URL", { UPSTASH_REDIS_REST_URL: "http://redis.example.com" }, "UPSTASH_REDIS_REST_URL"],
    ["a loopback Redis URL", { UPSTASH_REDIS_REST_URL: "https://127.0.0.1:8079" }, "UPSTASH_REDIS_REST_URL"],
    ["a localhost Redis URL", { UPSTASH_REDIS_REST_URL: "https://localhost" }, "UPSTASH_REDIS_REST_URL"],
    ["an IPv6 loopback Redis URL", { UPSTASH_REDIS_REST_URL: "https://[::1]:8079" }, "UPSTASH_REDIS_REST_URL"],
    ["the dev JWT secret under another kid", { JWT_KEYS: `prod-1:${DEV_EXAMPLE_SECRETS.JWT_KEYS?.split(":")[1]}` }, "JWT_KEYS"],
    ...Object.entries(DEV_EXAMPLE_SECRETS).map(([name, value]): [string, Record<string, string>, string] => [`the dev value of ${name}`, { [name]: value }, name]),
  ];
  for (const [what, overrides, variable] of cases) {
    it(`production refuses ${what}: 500 naming ${variable}, never its value`, async () => {
      const { status, text, config } = await liveWith(overrides);
      expect(status).toBe(500);
      expect(Object.keys(config)).toContain(variable);
      // A flag's "true" is no secret (the rule says it); URLs and secrets must never be echoed.
      const value = overrides[variable] ?? "";
      if (value !== "true") expect(text).not.toContain(value);
    });
  }

  it("development and test stacks keep their dev settings", async () => {
    for (const ENVIRONMENT of ["development", "test"]) {
      const overrides = { ENVIRONMENT, UPSTASH_REDIS_REST_URL: env.UPSTASH_REDIS_REST_URL, WALLET_RECHARGE_SANDBOX: "true", ENABLE_BENCH_ROUTES: "true", ...DEV_EXAMPLE_SECRETS };
      expect((await liveWith(overrides)).status).toBe(200);
    }
  });
});
