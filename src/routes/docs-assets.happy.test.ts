import { describe, expect, it } from "vitest";
import { api } from "../../test/workerd/api";

const BASE = "/docs/assets/swagger-ui-dist";

describe("Swagger UI's files served by the Worker (happy)", () => {
  it("serves the script and the stylesheet with their types, a day's caching and an ETag", async () => {
    const script = await api(`${BASE}/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("cache-control")).toBe("public, max-age=86400");
    expect(script.headers.get("x-content-type-options")).toBe("nosniff");
    const text = await script.text();
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text).toContain("SwaggerUIBundle");

    const css = await api(`${BASE}/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(await css.text()).toContain(".swagger-ui");
    expect(css.headers.get("etag")).not.toBe(script.headers.get("etag"));
  });

  it("answers a revalidation with the same ETag by 304 and no body", async () => {
    const first = await api(`${BASE}/swagger-ui.css`);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{24}"$/);
    await first.arrayBuffer();
    const again = await api(`${BASE}/swagger-ui.css`, { headers: { "If-None-Match": `"other", ${etag}` } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
  });

  it("/docs points Swagger UI at these files", async () => {
    const page = await (await api("/docs")).text();
    expect(page).toContain("/docs/assets/swagger-ui-dist/swagger-ui-bundle.js");
    expect(page).toContain("/docs/assets/swagger-ui-dist/swagger-ui.css");
  });
});
