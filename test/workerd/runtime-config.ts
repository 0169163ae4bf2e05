/**
 * Runs a test under a runtime-config change, as an admin would make it, and
 * restores the changed leaves afterwards. Imported by tests only.
 */
import { env } from "cloudflare:workers";
import { rememberRuntimeConfig } from "../../src/runtime-config/cache";
import { configStore } from "../../durable-objects/config-store/client";
import { inverseMergePatch, type Json } from "../../contract/runtime-config/merge-patch";

type JsonObject = { [key: string]: Json };

/**
 * Merges `patch` into the ConfigStore (retrying if another test file saved
 * meanwhile) and makes this isolate use it at once, so no test waits for the
 * config cache TTL.
 */
async function mergeIntoStore(patch: JsonObject): Promise<JsonObject> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const store = configStore(env.CONFIG_STORE);
    const current = await store.get();
    const result = await store.update({ mode: "merge", body: patch, expectedVersion: current.version, author: "test" });
    if (result.ok) {
      rememberRuntimeConfig(env.CONFIG_STORE, result);
      return current.document as unknown as JsonObject;
    }
    if (result.reason !== "conflict") throw new Error(`runtime config refused: ${JSON.stringify(result)}`);
  }
  throw new Error("runtime config kept changing under the test");
}

/** Runs `body` with `patch` merged into the runtime config, then restores what it changed. */
export async function withRuntimeConfig<T>(patch: JsonObject, body: () => Promise<T>): Promise<T> {
  const before = await mergeIntoStore(patch);
  try {
    return await body();
  } finally {
    await mergeIntoStore(inverseMergePatch(patch, before));
  }
}
