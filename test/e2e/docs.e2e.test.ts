import { validate, compileErrors } from "@readme/openapi-parser";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUrl, call } from "../support/http.ts";
import { isTestingOnlyPath, TESTING_ONLY_PATHS } from "../testing-worker/surface.ts";

type Operation = { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>; security?: unknown[] };
type OpenApiDocument = { openapi: string; info: { title: string }; paths: Record<string, Record<string, Operation>>; components: { securitySchemes?: Record<string, unknown> } };

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe("OpenAPI document (happy)", () => {
  it("is OpenAPI 3.1 and passes @readme/openapi-parser validation", async () => {
    const document = (await (await call("/openapi.json")).json()) as OpenApiDocument;
    expect(document.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(document.components.securitySchemes).toHaveProperty("bearerAuth");
  });

  it("lists no bench or fault route: the production Worker has none (they are the testing Worker's, docs/testing.md)", async () => {
    const document = (await (await call("/openapi.json")).json()) as OpenApiDocument;
    const paths = Object.keys(document.paths);
    expect(paths.length).toBeGreaterThan(4);
    expect(paths.filter(isTestingOnlyPath)).toEqual([]);
    for (const path of TESTING_ONLY_PATHS) expect(paths).not.toContain(path);
    // The routes are gone, not hidden: the production Worker answers 404 to them, whatever the caller sends.
    const answer = await call("/api/v1/internal/faults/wallets/someone/crash", { method: "POST" });
    expect(answer.status).toBe(404);
  });

  it("documents the error envelope on every operation", async () => {
    const document = (await (await call("/openapi.json")).json()) as OpenApiDocument;
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
    expect(operations.length).toBeGreaterThan(4);
    for (const { path, method, operation } of operations) {
      const errorStatuses = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
      expect(errorStatuses.length, `${method} ${path}`).toBeGreaterThan(0);
      if (path.startsWith("/health")) continue; // probes answer the bare report, even on 503
      for (const status of errorStatuses) {
        const ref = operation.responses[status]?.content?.["application/json"]?.schema?.$ref;
        expect(ref, `${method} ${path} ${status}`).toBe("#/components/schemas/ErrorEnvelope");
      }
    }
  });
});

describe("Swagger UI in headless Chromium (happy)", () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: sudo apt-get install -y chromium (or set CHROMIUM_PATH)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("renders the API title and the operations from /openapi.json, loading nothing from outside", async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(apiUrl())) outside.push(request.url());
    });
    await page.goto(`${apiUrl()}/docs`);
    const title = page.locator(".information-container .title");
    await title.waitFor({ timeout: 20_000 });
    expect(await title.textContent()).toContain("Qingyu Edge API");
    expect(await page.locator(".opblock").count()).toBeGreaterThan(4);
    expect(outside).toEqual([]);
  });
});
