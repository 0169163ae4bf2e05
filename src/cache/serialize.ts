/**
 * Cache values are JSON, checked before they are stored: only values that come
 * back exactly as they went in (plain objects, arrays, strings, finite numbers,
 * booleans, null) are accepted, so a Date, Map, class instance, NaN or cycle
 * fails loudly here instead of returning something different on the next hit.
 */

/** Why a value cannot be cached. */
export type CacheValueProblem = "too_large" | "not_serializable";

/** A value the cache refused; the message names the key, the problem and, for size, both numbers. */
export class CacheValueError extends Error {
  override readonly name = "CacheValueError";
  readonly key: string;
  readonly problem: CacheValueProblem;

  constructor(key: string, problem: CacheValueProblem, message: string) {
    super(`cache value for "${key}" ${message}`);
    this.key = key;
    this.problem = problem;
  }
}

const MAX_DEPTH = 32;

/** The path of the first part of `value` that would not survive a JSON round trip, or undefined. */
function unserializablePath(value: unknown, path: string, depth: number, seen: Set<object>): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path} (${String(value)})`;
  if (typeof value !== "object") return `${path} (${typeof value})`;
  if (depth > MAX_DEPTH) return `${path} (nested deeper than ${MAX_DEPTH})`;
  if (seen.has(value)) return `${path} (circular reference)`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const problem = unserializablePath(value[index], `${path}[${index}]`, depth + 1, seen);
        if (problem) return problem;
      }
      return undefined;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return `${path} (${(value as object).constructor?.name ?? "object"} instance)`;
    for (const [name, inner] of Object.entries(value)) {
      // JSON drops undefined properties; that loses nothing a reader could see.
      if (inner === undefined) continue;
      const problem = unserializablePath(inner, `${path}.${name}`, depth + 1, seen);
      if (problem) return problem;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

const encoder = new TextEncoder();

/**
 * The stored form of a value: `{"v": value}` as JSON, so strings, numbers and
 * null are stored unambiguously. Throws CacheValueError when the value cannot
 * round-trip or is larger than `maxBytes`.
 */
export function serializeCacheValue(key: string, value: unknown, maxBytes: number): string {
  const problem = unserializablePath(value, "value", 0, new Set());
  if (problem) throw new CacheValueError(key, "not_serializable", `cannot be stored as JSON: ${problem}`);
  const text = JSON.stringify({ v: value });
  const bytes = encoder.encode(text).byteLength;
  if (bytes > maxBytes) throw new CacheValueError(key, "too_large", `is ${bytes} bytes, over the ${maxBytes}-byte limit (CACHE_MAX_VALUE_BYTES)`);
  return text;
}

/**
 * Reads a stored entry. The Upstash client already JSON-parses string replies,
 * so the entry arrives either as the wrapper object or (with automatic
 * deserialization off) as its text. Anything else is corrupt: `{ ok: false }`.
 */
export function deserializeCacheValue<T>(stored: unknown): { ok: true; value: T } | { ok: false } {
  let parsed = stored;
  if (typeof stored === "string") {
    try {
      parsed = JSON.parse(stored) as unknown;
    } catch {
      return { ok: false };
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !Object.hasOwn(parsed, "v")) return { ok: false };
  return { ok: true, value: (parsed as { v: T }).v };
}
