/** Bumped whenever a Durable Object's storage schema changes; reported by health checks. */
export const DURABLE_OBJECT_CODE_VERSION = "1";

/** What every Durable Object's `ping()` RPC returns. */
export interface PingReply {
  ok: true;
  version: string;
}

/** The health probe every object answers: proves the object runs and its SQLite storage answers. */
export function storagePing(sql: SqlStorage): PingReply {
  sql.exec("SELECT 1").one();
  return { ok: true, version: DURABLE_OBJECT_CODE_VERSION };
}
