/** The testing Worker is the production app plus the bench and fault routes, and nothing else. */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/index";
import { api } from "../workerd/api";
import testingWorker from "./index";
import { isTestingOnlyPath, TESTING_ONLY_PATHS } from "./surface";

type OpenApiDocument = { paths: Record<string, unknown> };

async function productionPaths(): Promise<string[]> {
  const response = await createApp().fetch(new Request("https://api.test/openapi.json"), env, createExecutionContext());
  return Object.keys(((await response.json()) as OpenApiDocument).paths);
}

describe("testing Worker entry (happy)", () => {
  it("serves /openapi.json with exactly the production paths plus the bench and fault routes", async () => {
    const testing = Object.keys(((await (await api("/openapi.json")).json()) as OpenApiDocument).paths);
    const production = await productionPaths();
    expect(production.filter(isTestingOnlyPath)).toEqual([]);
    expect(testing.filter((path) => !production.includes(path)).sort()).toEqual([...TESTING_ONLY_PATHS].sort());
    expect(production.filter((path) => !testing.includes(path))).toEqual([]);
  });

  it("answers 503 to every request under ENVIRONMENT=production, so a mistaken deploy of wrangler.testing.toml serves nothing", async () => {
    const response = await testingWorker.fetch(new Request("https://api.test/health/live"), { ...env, ENVIRONMENT: "production" } as Env, createExecutionContext());
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/testing Worker/);
    expect((await api("/health/live")).status).toBe(200);
  });

  it("keeps every handler of the production entry (the queue consumer included)", async () => {
    const production = (await import("../../src/index")).default;
    expect(Object.keys(testingWorker).sort()).toEqual(Object.keys(production).sort());
    expect(testingWorker.queue).toBe(production.queue);
  });
});
