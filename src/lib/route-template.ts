import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The route template that answered (`/api/v1/system/health/:service`), never the
 * raw path, so logs and metric labels stay bounded. "unmatched" for 404s.
 */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c);
  for (let index = routes.length - 1; index >= 0; index--) {
    const route = routes[index];
    if (route && route.method !== "ALL") return route.path;
  }
  return "unmatched";
}
