import type { OpenAPIHono } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import type { AppEnv } from "../env";
import { registerDocsAssetRoutes } from "./docs-assets";

/** The OpenAPI document's header; the version follows the deployed APP_VERSION. */
function documentInfo(version: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Qingyu Edge API",
      version,
      description: "The Qingyu web-novel platform's API on Cloudflare Workers. Every JSON response uses the envelope `{code, message, data, timestamp, request_id}`; `code` 0 means success.",
    },
    tags: [
      { name: "health", description: "Liveness and readiness probes" },
      { name: "system", description: "System status for Qingyu clients" },
    ],
  };
}

/** Serves the OpenAPI 3.1 document at /openapi.json and Swagger UI at /docs. */
export function registerDocsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.doc31("/openapi.json", (c) => documentInfo(c.var.config.APP_VERSION));
  app.get("/docs", (c, next) =>
    swaggerUI<AppEnv>({ url: "/openapi.json", title: "Qingyu Edge API", baseUrl: c.var.config.SWAGGER_UI_ASSETS_URL, persistAuthorization: true })(c, next),
  );
  registerDocsAssetRoutes(app);
}
