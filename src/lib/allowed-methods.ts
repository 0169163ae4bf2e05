import type { RouterRoute } from "hono/types";

type CompiledRoute = { method: string; pattern: RegExp };

const compiled = new WeakMap<readonly RouterRoute[], CompiledRoute[]>();

/** Hono path → anchored regex: `:param` matches one segment, `*` anything. */
function toPattern(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) => {
      if (segment === "*") return ".*";
      if (segment.startsWith(":")) return "[^/]+";
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return new RegExp(`^${source}/?$`);
}

/**
 * The methods registered for `path`, ignoring middleware (method ALL). Used to
 * tell "wrong method" (405) from "no such route" (404). Compiled once per app.
 */
export function allowedMethods(routes: readonly RouterRoute[], path: string): string[] {
  let table = compiled.get(routes);
  if (!table) {
    table = routes.filter((route) => route.method !== "ALL").map((route) => ({ method: route.method, pattern: toPattern(route.path) }));
    compiled.set(routes, table);
  }
  const methods = new Set<string>();
  for (const route of table) if (route.pattern.test(path)) methods.add(route.method);
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
