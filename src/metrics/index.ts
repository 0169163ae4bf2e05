/**
 * The metrics module: record through `Metrics` (`c.var.metrics` in routes,
 * `isolateMetrics()` elsewhere), families are declared in definitions.ts.
 */
export { NO_METRICS, type Metrics } from "./api";
export { isolateMetrics } from "./isolate";
export { metrics } from "./middleware";
