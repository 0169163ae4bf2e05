/**
 * The way to reach a MetricsShard by index (isolates spread their batches
 * over `METRICS_SHARDS` shards). Deliberately unrecorded: counting the
 * metrics pipeline's own flushes as dependency calls would make every flush
 * produce the next one's series.
 */
import { shardName } from "../../contract/metrics/wire";

/** Shard `index` (0-based). */
export function metricsShard(env: Pick<Env, "METRICS_SHARD">, index: number) {
  return env.METRICS_SHARD.getByName(shardName(index));
}
