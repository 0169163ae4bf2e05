/**
 * The testing Worker's bindings typed with its own classes. `Env` comes from
 * `wrangler types` over wrangler.toml, so it names the production classes;
 * here the same bindings hold the Testing* subclasses (index.ts exports them
 * under the production names), which is what makes these casts true.
 */
import type { TestingMetricsShard, TestingQuotaCounter, TestingWallet } from "./objects";

/** The object namespaces of a testing Worker's env, with the test hooks in their types. */
export function testingObjects(env: Env) {
  return {
    quotaCounter: env.QUOTA_COUNTER as unknown as DurableObjectNamespace<TestingQuotaCounter>,
    wallet: env.WALLET as unknown as DurableObjectNamespace<TestingWallet>,
    metricsShard: env.METRICS_SHARD as unknown as DurableObjectNamespace<TestingMetricsShard>,
  };
}
