import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

/** Where a client alias comes from: its path and the client source file that calls it. */
export interface ClientAlias {
  path: string;
  /** The Qingyu web client file that calls this path (yukin371/Qingyu_fronted). */
  client: string;
  /** The method the client uses, when it is not the canonical route's. */
  method?: RouteConfig["method"];
}

/** The OpenAPI extension naming the canonical route of an alias (`GET /api/v1/finance/wallet/detail`). */
export const ALIAS_EXTENSION = "x-client-alias-of";

/**
 * The canonical route's config under the alias's path: same schemas, same
 * handler, documented as the client alias (summary prefix, description and
 * the `x-client-alias-of` extension), under its own operation id.
 */
export function aliasRouteOf<R extends RouteConfig>(route: R, alias: ClientAlias): R {
  const canonical = `${route.method.toUpperCase()} ${route.path}`;
  return {
    ...route,
    method: alias.method ?? route.method,
    path: alias.path,
    operationId: undefined,
    summary: `Client alias of ${canonical}`,
    description: `The path the Qingyu web client (${alias.client}) calls; served by the same handler as ${canonical}.${route.summary ? ` ${route.summary}.` : ""}`,
    [ALIAS_EXTENSION]: canonical,
  } as R;
}

/**
 * Registers a route and its client aliases over the one handler: an alias is
 * a second path, never a second implementation. Middleware on paths is the
 * caller's: guard `aliasPaths(...)` as well as the canonical path.
 *
 * @example openapiWithAliases(app, balance, handler, [{ path: "/api/v1/shared/wallet/balance", client: "src/modules/shared/api/wallet.ts" }])
 */
export function openapiWithAliases<R extends RouteConfig>(app: OpenAPIHono<AppEnv>, route: R, handler: RouteHandler<R, AppEnv>, aliases: readonly ClientAlias[]): void {
  app.openapi(route, handler);
  for (const alias of aliases) app.openapi(aliasRouteOf(route, alias), handler);
}

/** Hono path patterns (`{id}` → `:id`) of aliases, for `app.use` guards. */
export function honoPathsOf(aliases: readonly ClientAlias[]): string[] {
  return aliases.map((alias) => alias.path.replace(/\{([^}]+)\}/g, ":$1"));
}
