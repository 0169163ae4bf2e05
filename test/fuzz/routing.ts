/**
 * Requests to the edges of the route table: documented paths with methods they
 * do not have (→ 405 with `Allow`), and paths next to documented ones that do
 * not exist (→ 404).
 */
import fc from "fast-check";
import type { Contract, Operation } from "./contract.ts";
import { requestArbitrary, type RequestOptions } from "./request-arbitrary.ts";
import type { Exchange, FuzzRequest } from "./request-model.ts";

/** The methods a client might try on any path (HEAD, OPTIONS and TRACE have their own rules). */
const TRIED_METHODS = ["get", "post", "put", "delete", "patch"] as const;

/** A pseudo-operation: a wrong method, or a made-up path. */
export interface RoutingVariant {
  operation: Operation;
}

/** Every wrong-method and made-up-path variant of the document's paths, by pseudo-operation key. */
export function routingVariants(contract: Contract): Map<string, RoutingVariant> {
  const variants: RoutingVariant[] = [];
  for (const [path, methods] of contract.methodsByPath) {
    const model = contract.operations.find((operation) => operation.path === path);
    if (!model) continue;
    for (const method of TRIED_METHODS.filter((candidate) => !methods.includes(candidate))) {
      variants.push({ operation: { ...model, key: `${method.toUpperCase()} ${path} (undocumented method)`, method, responses: new Map() } });
    }
    for (const suffix of ["/x", "/", "/..%2f", "/%00"]) {
      variants.push({
        operation: { ...model, key: `${model.method.toUpperCase()} ${path}${suffix} (made-up path)`, path: `${path}${suffix}`, responses: new Map() },
      });
    }
  }
  return new Map(variants.map((variant) => [variant.operation.key, variant]));
}

/** Requests to the variants (`request.operation` names the variant). */
export function routingArbitrary(variants: Map<string, RoutingVariant>, options: RequestOptions): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...variants.values()).chain((variant) => requestArbitrary(variant.operation, options));
}

/** Document template (`/a/{id}`) → anchored regex: a parameter is one non-empty segment; a trailing slash is the same path. */
function templatePattern(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  return new RegExp(`^${source}/?$`);
}

/**
 * The documented methods of every path template the URL really addresses. An
 * empty path parameter (`/sessions/` for `/sessions/{id}`) addresses a
 * different documented path, so the variant's own methods are not the answer.
 */
export function documentedMethodsFor(contract: Contract, url: string): string[] {
  const path = new URL(url).pathname;
  const methods = new Set<string>();
  for (const [template, templateMethods] of contract.methodsByPath) {
    if (templatePattern(template).test(path)) for (const method of templateMethods) methods.add(method.toUpperCase());
  }
  return [...methods];
}

/** A 405 must list every documented method of the path it addresses in `Allow`. */
export function allowProblems(exchange: Exchange, contract: Contract): string[] {
  const allowed = documentedMethodsFor(contract, exchange.sent.url);
  if (exchange.status !== 405 || allowed.length === 0) return [];
  const listed = (exchange.headers.allow ?? "").split(",").map((method) => method.trim().toUpperCase());
  const missing = allowed.filter((method) => !listed.includes(method));
  return missing.length > 0 ? [`405 Allow "${exchange.headers.allow ?? ""}" misses ${missing.join(", ")}`] : [];
}
