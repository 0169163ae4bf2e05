import type { RuntimeConfig } from "../../contract/runtime-config/schema";

// Its own module, importing only types, so that the metrics code can read it without an import cycle
// (the config cache's ConfigStore stub is itself a measured stub).
let latest: RuntimeConfig | null = null;

/** Called by the config cache whenever it stores a copy. */
export function setLatestRuntimeConfig(document: RuntimeConfig): void {
  latest = document;
}

/** The runtime config document this isolate stored last, whatever its age (null before its first read): for code with no env at hand. */
export function latestRuntimeConfig(): RuntimeConfig | null {
  return latest;
}
