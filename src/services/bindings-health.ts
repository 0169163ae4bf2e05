import type { PingReply } from "../../durable-objects/ping";
import { timedProbe, type HealthCheck } from "./health";

type Limits = { timeoutMs: number; degradedMs: number };

/** D1 is healthy when it answers and carries the migrated schema. */
export function d1HealthCheck(db: D1Database, limits: Limits): HealthCheck {
  let schemaVersion = "unknown";
  return {
    name: "d1",
    kind: "dependency",
    critical: true,
    version: () => `schema-${schemaVersion}`,
    health: () =>
      timedProbe(async () => {
        const row = await db.prepare("SELECT value FROM schema_meta WHERE key = 'schema_version'").first<{ value: string }>();
        if (!row) throw new Error("schema not migrated (run the D1 migrations)");
        schemaVersion = row.value;
      }, limits),
  };
}

/** Any Durable Object namespace whose class offers the `ping()` RPC. */
type PingableNamespace = DurableObjectNamespace<Rpc.DurableObjectBranded & { ping(): Promise<PingReply> }>;

/**
 * Pings one dedicated object of a namespace. A named object (not a random id)
 * keeps health checks from creating a new object on every probe.
 */
export function durableObjectHealthCheck(name: string, namespace: PingableNamespace, limits: Limits, critical = true): HealthCheck {
  let codeVersion = "unknown";
  return {
    name,
    kind: "durable_object",
    critical,
    version: () => codeVersion,
    health: () =>
      timedProbe(async () => {
        const reply = await namespace.getByName("__health__").ping();
        codeVersion = reply.version;
      }, limits),
  };
}
