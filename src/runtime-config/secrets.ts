/**
 * Secrets in the runtime config (today `quota.webhook.secret`; any key that
 * `isSensitive` matches) are write-only: `GET /api/v1/admin/config`, its
 * history, rollbacks and saves show them as set (this mask) or unset (null or
 * absent), never their value. A mask sent back in a document or a patch keeps
 * the stored secret as it is, so a read-edit-write round trip does not wipe it.
 */
import { isSensitive } from "./grouped";
import type { ConfigChange, Json } from "../../contract/runtime-config/merge-patch";
import type { RuntimeConfig } from "../../contract/runtime-config/schema";

/**
 * What a set secret shows instead of its value in the document view. At least
 * 16 characters, so the masked document still validates against the documented
 * schema (the webhook secret's minimum).
 */
export const WRITE_ONLY_MASK = "[write-only: set]";

type JsonObject = { [key: string]: Json };
const isObject = (value: Json | undefined): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** A copy of `value` with every sensitive key's value masked. */
export function maskSecrets(value: Json): Json {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, isSensitive(key) && inner !== null ? WRITE_ONLY_MASK : maskSecrets(inner)]),
  );
}

/** The document as admins see it. */
export const maskedDocument = (document: RuntimeConfig): RuntimeConfig => maskSecrets(document as unknown as Json) as unknown as RuntimeConfig;

/** History entries as admins see them: a changed secret shows as set/unset before and after. */
export function maskedChanges(changes: ConfigChange[]): ConfigChange[] {
  return changes.map((change) => {
    const leaf = change.path.split(".").pop() ?? "";
    const mask = (value: Json) => (isSensitive(leaf) && value !== null ? WRITE_ONLY_MASK : maskSecrets(value));
    return { path: change.path, before: mask(change.before), after: mask(change.after) };
  });
}

/**
 * Puts the stored secrets back where an update carries the mask: in a merge
 * patch the key is dropped (absent means unchanged); in a whole document it
 * takes the current value.
 */
export function restoreMaskedSecrets(body: Json, current: Json, mode: "merge" | "replace"): Json {
  if (!isObject(body)) return body;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    const stored = isObject(current) ? current[key] : undefined;
    if (isSensitive(key) && value === WRITE_ONLY_MASK) {
      if (mode === "replace" && stored !== undefined) out[key] = stored;
      continue;
    }
    out[key] = isObject(value) ? restoreMaskedSecrets(value, stored ?? null, mode) : value;
  }
  return out;
}
