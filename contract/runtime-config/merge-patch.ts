/** JSON values, as config documents and patches are. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is { [key: string]: Json } => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * RFC 7396 JSON Merge Patch: objects merge key by key, `null` deletes a key,
 * anything else (arrays included) replaces.
 */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: { [key: string]: Json } = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key] ?? null, value);
  }
  return result;
}

/** The merge patch that puts back what `patch` would change in `current` (the leaves it touches; absent keys → null). */
export function inverseMergePatch(patch: { [key: string]: Json }, current: { [key: string]: Json }): { [key: string]: Json } {
  return Object.fromEntries(
    Object.entries(patch).map(([key, value]) => {
      const before = current[key];
      if (isObject(value) && isObject(before)) return [key, inverseMergePatch(value, before)];
      return [key, before ?? null];
    }),
  );
}

/** One changed leaf between two documents, for the history view; `null` where the key was absent. */
export interface ConfigChange {
  path: string;
  before: Json;
  after: Json;
}

/** The leaves that differ between two documents (arrays compare whole). */
export function diffDocuments(before: Json | undefined, after: Json | undefined, path = ""): ConfigChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffDocuments(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || "(root)", before: before ?? null, after: after ?? null }];
}
