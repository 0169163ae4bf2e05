import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
// Copied from swagger-ui-dist by scripts/vendor-swagger-ui.ts (npm install, npm run dev, npm test).
import bundle from "../../vendor/swagger-ui/swagger-ui-bundle.js.txt";
import stylesheet from "../../vendor/swagger-ui/swagger-ui.css.txt";

interface Asset {
  body: string;
  contentType: string;
  /** Made on first use: hashing 1.7 MB per isolate start would slow every cold start, docs or not. */
  etag?: Promise<string>;
}

const ASSETS: Record<string, Asset> = {
  "swagger-ui-bundle.js": { body: bundle, contentType: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { body: stylesheet, contentType: "text/css; charset=utf-8" },
};

async function etagOf(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  return `"${Array.from(digest.subarray(0, 12), (byte) => byte.toString(16).padStart(2, "0")).join("")}"`;
}

async function serveAsset(c: Context<AppEnv>, asset: Asset): Promise<Response> {
  asset.etag ??= etagOf(asset.body);
  const etag = await asset.etag;
  // A day, then a revalidation that costs a 304: the files change only with an upgrade of swagger-ui-dist.
  c.header("Cache-Control", "public, max-age=86400");
  c.header("ETag", etag);
  const wanted = c.req.header("If-None-Match");
  if (wanted !== undefined && wanted.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) return c.body(null, 304);
  c.header("Content-Type", asset.contentType);
  return c.body(asset.body);
}

/**
 * Swagger UI's script and stylesheet for /docs (SWAGGER_UI_ASSETS_URL's default),
 * served by the Worker from Text modules rather than an `[assets]` binding,
 * which would route every API request through the asset router first.
 */
export function registerDocsAssetRoutes(app: OpenAPIHono<AppEnv>): void {
  app.get("/docs/assets/swagger-ui-dist/:file", (c) => {
    const asset = ASSETS[c.req.param("file")];
    if (!asset) throw new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
    return serveAsset(c, asset);
  });
}
