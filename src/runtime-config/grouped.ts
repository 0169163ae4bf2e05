/**
 * The runtime config as the web client's system-config page shows it
 * (src/modules/admin/api/system-config.api.ts: `ConfigGroup[]` of
 * `{key, value, type, description, editable, sensitive}`), computed from the
 * document and the schema's defaults, and the way back: a batch of
 * `{key, value}` as one merge patch (one validated change, one new version).
 */
import type { Json } from "../../contract/runtime-config/merge-patch";
import { DEFAULT_RUNTIME_CONFIG, type RuntimeConfig } from "../../contract/runtime-config/schema";

/** One setting, by its dotted path (`quota.thresholds.warningPercent`). */
export interface ConfigItem {
  key: string;
  value: Json;
  type: "string" | "number" | "boolean" | "object";
  description: string;
  editable: true;
  sensitive: boolean;
}

/** One top-level section of the document. */
export interface ConfigGroup {
  name: string;
  description: string;
  items: ConfigItem[];
}

/** What a sensitive value (a webhook secret) shows instead of itself; sent back unchanged, it changes nothing. */
export const MASKED_VALUE = "********";

const GROUP_DESCRIPTIONS: Record<keyof RuntimeConfig, string> = {
  quota: "AI quota plans per role, warning levels, reset time zone, reservations, the level webhook and the packages on sale",
  auth: "Token lifetimes, sessions, the revocation policy and the login and registration limits",
  wallet: "Wallet rate limit and money bounds",
  storage: "Upload size caps per purpose, storage quotas per role and cache lifetimes of served files",
  alerts: "The admin alert inbox",
  metrics: "Metric recording switch",
  features: "Named on/off switches for features being rolled out",
};

/** Records whose keys are data, not schema: their entries are items of their own, their names may hold dots. */
const RECORD_PATHS = ["features"];

const isObject = (value: Json | undefined): value is { [key: string]: Json } => typeof value === "object" && value !== null && !Array.isArray(value);
/** Keys whose values are secrets: masked in every admin view and never sent back. */
export const isSensitive = (key: string) => /secret|password|token$/i.test(key);

function typeOf(value: Json): ConfigItem["type"] {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return typeof value as ConfigItem["type"];
  return "object";
}

function valueAt(document: Json, path: string[]): Json | undefined {
  let node: Json | undefined = document;
  for (const part of path) node = isObject(node) ? node[part] : undefined;
  return node;
}

/** Leaves of an object, depth first; arrays and null are leaves (edited whole). */
function leaves(node: Json, path: string[], out: Array<{ path: string[]; value: Json }>): void {
  if (isObject(node) && Object.keys(node).length > 0) {
    for (const [key, child] of Object.entries(node)) leaves(child, [...path, key], out);
  } else if (!isObject(node) || path.length > 1) {
    out.push({ path, value: node });
  }
}

/** The grouped view of a document: one group per top-level section, one item per leaf. */
export function groupedConfig(document: RuntimeConfig): ConfigGroup[] {
  const root = document as unknown as { [key: string]: Json };
  const defaults = DEFAULT_RUNTIME_CONFIG as unknown as Json;
  return (Object.keys(GROUP_DESCRIPTIONS) as Array<keyof RuntimeConfig>).map((name) => {
    const found: Array<{ path: string[]; value: Json }> = [];
    leaves(root[name] ?? null, [name], found);
    const items = found.map(({ path, value }): ConfigItem => {
      const key = path.join(".");
      const sensitive = isSensitive(key);
      const fallback = valueAt(defaults, path);
      return {
        key,
        value: sensitive && value !== null ? MASKED_VALUE : value,
        type: typeOf(value),
        description: fallback === undefined ? "No default (added by an operator)" : `Default: ${JSON.stringify(fallback)}`,
        editable: true,
        sensitive,
      };
    });
    return { name, description: GROUP_DESCRIPTIONS[name], items };
  });
}

/** A key's path: dotted, except that a record's entry name is kept whole (`features.reader.v2` → features, reader.v2). */
function pathOf(key: string): string[] {
  const record = RECORD_PATHS.find((prefix) => key.startsWith(`${prefix}.`));
  return record ? [record, key.slice(record.length + 1)] : key.split(".");
}

/** Why a batch cannot be applied, per update (`updates.1.key` → message), or the merge patch that applies it. */
export type BatchPatch = { ok: true; patch: { [key: string]: Json }; keys: string[] } | { ok: false; issues: Record<string, string> };

/**
 * Turns `{key, value}` updates into one merge patch. A key must name a
 * setting that exists in the document (or an entry of a record); `null`
 * resets a setting to its default; a sensitive value sent back masked is left
 * as it is. The patched document is validated by the store, as one change.
 */
export function batchPatch(document: RuntimeConfig, updates: ReadonlyArray<{ key: string; value: Json }>): BatchPatch {
  const issues: Record<string, string> = {};
  const patch: { [key: string]: Json } = {};
  const keys: string[] = [];
  const seen = new Set<string>();
  updates.forEach(({ key, value }, index) => {
    const path = pathOf(key);
    const known = RECORD_PATHS.includes(path[0] ?? "") ? path.length === 2 && path[1] !== "" : valueAt(document as unknown as Json, path) !== undefined;
    if (seen.has(key)) issues[`updates.${index}.key`] = `"${key}" appears twice`;
    else if (!known) issues[`updates.${index}.key`] = `no setting "${key}"`;
    seen.add(key);
    if (!known || (isSensitive(key) && value === MASKED_VALUE)) return;
    let node = patch;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      node = isObject(next) ? next : (node[part] = {});
    }
    node[path[path.length - 1] ?? ""] = value;
    keys.push(key);
  });
  return Object.keys(issues).length > 0 ? { ok: false, issues } : { ok: true, patch, keys };
}
