/**
 * What only the testing Worker may have: its routes as /openapi.json lists
 * them, and fragments of its code that a production bundle must not contain.
 * Env-neutral on purpose: node tests (the bundle check, the e2e /openapi.json
 * check) and workerd tests both import it.
 */

/** Every bench and fault route, as OpenAPI paths. */
export const TESTING_ONLY_PATHS: readonly string[] = [
  "/api/v1/internal/quota/{userId}/noop",
  "/api/v1/internal/quota/{userId}/consume-redis",
  "/api/v1/internal/bench/users",
  "/api/v1/internal/bench/wallet/{userId}/ledger",
  "/api/v1/internal/faults/wallets/{userId}/crash",
  "/api/v1/internal/faults/wallets/{userId}/outbox-hold",
  "/api/v1/internal/faults/metrics-shards/{shard}/delay",
];

/** Whether an OpenAPI path is a bench or fault route, including ones added later under the same prefixes. */
export function isTestingOnlyPath(path: string): boolean {
  return (
    TESTING_ONLY_PATHS.includes(path) ||
    path.startsWith("/api/v1/internal/bench/") ||
    path.startsWith("/api/v1/internal/faults/") ||
    /\/(noop|consume-redis)$/.test(path)
  );
}

/**
 * Text that marks bench or fault code in a bundle: the route paths as the
 * source spells them (the bundler keeps `${BASE}/noop` templates as they are)
 * and the hooks' naming rule. The bundle test also asserts each one IS in the
 * testing Worker's bundle, so a renamed route cannot make this list stale.
 */
export const TESTING_ONLY_BUNDLE_MARKERS: readonly string[] = ["internal/faults", "internal/bench", "/noop", "/consume-redis", "ForTest"];
