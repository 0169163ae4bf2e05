/** Bumped whenever a Durable Object's storage schema changes; reported by health checks. */
export const DURABLE_OBJECT_CODE_VERSION = "1";

/** What every Durable Object's `ping()` RPC returns. */
export interface PingReply {
  ok: true;
  version: string;
}
