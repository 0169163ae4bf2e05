/** Log levels in increasing severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are never written to a log, at any depth. */
const SENSITIVE_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|signature|credential/i;

/** A structured logger bound to one request's fields. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines also carry `fields` (e.g. the route once it is known). */
  child(fields: Record<string, unknown>): Logger;
}

/** Query parameters that carry a credential (a stream ticket, a token someone put in a URL anyway). */
const CREDENTIAL_QUERY = /([?&](?:access_token|refresh_token|id_token|token|ticket|api_key|apikey|secret|signature|sig|password)=)[^&#\s"']*/gi;

/** A text with the values of credential-bearing query parameters replaced, so no URL in a log line carries one. */
export function redactUrl(text: string): string {
  return text.includes("=") ? text.replace(CREDENTIAL_QUERY, "$1[redacted]") : text;
}

/** Replaces values of sensitive keys, and credentials in URL-like strings, with "[redacted]" so no token or password reaches the logs. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactUrl(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, SENSITIVE_KEY.test(key) ? "[redacted]" : redact(inner, depth + 1)]),
  );
}

/**
 * Creates a JSON-lines logger (Workers Logs and `wrangler dev` both show
 * console output; one JSON object per line keeps it machine-readable).
 *
 * @example createLogger("info", { request_id }).info("request", { status: 200 })
 */
export function createLogger(minLevel: LogLevel, base: Record<string, unknown> = {}): Logger {
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVEL_RANK[level] < LEVEL_RANK[minLevel]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...(redact(fields ?? {}) as object) });
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger(minLevel, { ...base, ...(redact(fields) as object) }),
  };
}
