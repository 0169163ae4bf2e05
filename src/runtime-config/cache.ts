import type { ConfigSnapshot } from "../../durable-objects/config-store";
import type { Logger } from "../lib/logger";
import { DEFAULT_RUNTIME_CONFIG } from "./schema";

type ConfigNamespace = Env["CONFIG_STORE"];

interface Entry {
  snapshot: ConfigSnapshot;
  fetchedAt: number;
  loading?: Promise<ConfigSnapshot>;
}

const entries = new WeakMap<ConfigNamespace, Entry>();

/** The single ConfigStore object. */
export function configStore(namespace: ConfigNamespace) {
  return namespace.getByName("global");
}

/**
 * The runtime config as this isolate sees it: fetched from the ConfigStore at
 * most every `ttlMs`, so a change reaches every isolate within `ttlMs` plus one
 * round trip (README: "within 5 seconds"). If the store cannot be reached the
 * last copy is kept (or the documented defaults before any copy) and a warning
 * is logged, so a config outage never takes the API down.
 */
export async function getRuntimeConfig(namespace: ConfigNamespace, ttlMs: number, logger?: Logger, now = Date.now()): Promise<ConfigSnapshot> {
  const entry = entries.get(namespace);
  if (entry && now - entry.fetchedAt < ttlMs) return entry.snapshot;
  if (entry?.loading) return entry.loading;
  const loading = configStore(namespace)
    .get()
    .then((snapshot) => {
      entries.set(namespace, { snapshot, fetchedAt: Date.now() });
      return snapshot;
    })
    .catch((error: unknown) => {
      logger?.warn("runtime config unavailable; using the last copy", { error: String(error) });
      const fallback = entry?.snapshot ?? { version: 0, document: DEFAULT_RUNTIME_CONFIG, updatedAt: null, updatedBy: null };
      // Retry on the next request after a short pause rather than on every request.
      entries.set(namespace, { snapshot: fallback, fetchedAt: Date.now() - Math.max(0, ttlMs - 500) });
      return fallback;
    });
  entries.set(namespace, {
    snapshot: entry?.snapshot ?? { version: 0, document: DEFAULT_RUNTIME_CONFIG, updatedAt: null, updatedBy: null },
    fetchedAt: entry?.fetchedAt ?? 0,
    loading,
  });
  return loading;
}

/** After this isolate saved a new version: use it at once. */
export function rememberRuntimeConfig(namespace: ConfigNamespace, snapshot: ConfigSnapshot): void {
  entries.set(namespace, { snapshot, fetchedAt: Date.now() });
}
