import type { ConfigSnapshot } from "../../contract/runtime-config/snapshot";
import type { Logger } from "../lib/logger";
import { configStore } from "../../durable-objects/config-store/client";
import { setLatestRuntimeConfig } from "./latest";
import { DEFAULT_RUNTIME_CONFIG, type RuntimeConfig } from "../../contract/runtime-config/schema";

type ConfigNamespace = Env["CONFIG_STORE"];

interface Entry {
  snapshot: ConfigSnapshot;
  fetchedAt: number;
}

const entries = new WeakMap<ConfigNamespace, Entry>();

function remember(namespace: ConfigNamespace, entry: Entry): void {
  entries.set(namespace, entry);
  setLatestRuntimeConfig(entry.snapshot.document);
}

/**
 * A plain copy of a snapshot. An RPC result belongs to the request that
 * received it; the isolate's copy is read by every later request, and workerd
 * refuses ("Cannot perform I/O on behalf of a different request") when one
 * request touches another's I/O objects.
 */
function detached(snapshot: ConfigSnapshot): ConfigSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as ConfigSnapshot;
}

/**
 * The runtime config as this isolate sees it: fetched from the ConfigStore at
 * most every `ttlMs`, so a change reaches every isolate within `ttlMs` plus one
 * round trip (README: "within 5 seconds"). If the store cannot be reached the
 * last copy is kept (or the documented defaults before any copy) and a warning
 * is logged, so a config outage never takes the API down. Requests that find
 * the copy stale each fetch for themselves rather than await another request's
 * RPC, for the same reason as `detached`.
 */
export async function getRuntimeConfig(namespace: ConfigNamespace, ttlMs: number, logger?: Logger, now = Date.now()): Promise<ConfigSnapshot> {
  const entry = entries.get(namespace);
  if (entry && now - entry.fetchedAt < ttlMs) return entry.snapshot;
  try {
    const snapshot = detached(await configStore(namespace).get());
    remember(namespace, { snapshot, fetchedAt: Date.now() });
    return snapshot;
  } catch (error) {
    logger?.warn("runtime config unavailable; using the last copy", { error: String(error) });
    const fallback = entry?.snapshot ?? { version: 0, document: DEFAULT_RUNTIME_CONFIG, updatedAt: null, updatedBy: null };
    // Retry after a short pause rather than on every request.
    remember(namespace, { snapshot: fallback, fetchedAt: Date.now() - Math.max(0, ttlMs - 500) });
    return fallback;
  }
}

/**
 * The isolate's copy while it is fresh, else undefined: hot paths (requireAuth)
 * read it without awaiting anything and fall back to `getRuntimeConfig` only
 * when the copy is due for a refresh.
 */
export function cachedRuntimeConfig(namespace: ConfigNamespace, ttlMs: number, now = Date.now()): ConfigSnapshot | undefined {
  const entry = entries.get(namespace);
  return entry && now - entry.fetchedAt < ttlMs ? entry.snapshot : undefined;
}

/** After this isolate saved a new version: use it at once. */
export function rememberRuntimeConfig(namespace: ConfigNamespace, snapshot: ConfigSnapshot): void {
  remember(namespace, { snapshot: detached(snapshot), fetchedAt: Date.now() });
}

/**
 * One value of the runtime config for this request: taken from the isolate's
 * copy synchronously while it is fresh (hot paths then await nothing), else a
 * promise of it from a refreshed copy.
 *
 * @example rateLimit({ name: "wallet", limits: (c) => runtimeSetting(c.var.services, (doc) => doc.wallet.rateLimit), key })
 */
/** Where a request reads the runtime config: the request's services (declared here, not imported, so this module and services/ do not import each other). */
export interface RuntimeConfigSource {
  cachedRuntimeConfig(): ConfigSnapshot | undefined;
  runtimeConfig(): Promise<ConfigSnapshot>;
}

export function runtimeSetting<T>(services: RuntimeConfigSource, pick: (document: RuntimeConfig) => T): T | Promise<T> {
  const cached = services.cachedRuntimeConfig();
  return cached ? pick(cached.document) : services.runtimeConfig().then((snapshot) => pick(snapshot.document));
}
