/** Wallet and infrastructure dashboards. */
import type { DashboardSpec } from "./build.ts";

export const wallet: DashboardSpec = {
  uid: "qingyu-wallet",
  title: "Qingyu Edge / Wallet",
  description: "Wallet operations, money moved, the transfer outbox and recharge callbacks.",
  panels: [
    { title: "Operations by type", description: "Wallet operations per second by ledger type.", unit: "ops", stacked: true, queries: [{ expr: "sum by (type) (rate(qingyu_wallet_transactions_total[5m]))", legend: "{{type}}" }] },
    { title: "Operations by result", description: "Refusals (insufficient, frozen, invalid) are business outcomes; error is a failure.", unit: "ops", queries: [{ expr: "sum by (result) (rate(qingyu_wallet_transactions_total[5m]))", legend: "{{result}}" }] },
    {
      title: "Error ratio",
      description: "Share of wallet operations that failed with an error (alert at 1%).",
      type: "stat",
      width: 6,
      unit: "percentunit",
      thresholds: [{ value: 0.01, color: "red" }],
      queries: [{ expr: 'sum(rate(qingyu_wallet_transactions_total{result="error"}[5m])) / sum(rate(qingyu_wallet_transactions_total[5m])) or vector(0)' }],
    },
    {
      title: "Outbox pending",
      description: "Transfers and quota purchases not yet acknowledged (alert above 100 for 15 minutes).",
      type: "stat",
      width: 6,
      unit: "short",
      thresholds: [{ value: 100, color: "orange" }],
      queries: [{ expr: "sum(qingyu_wallet_outbox_pending)" }],
    },
    { title: "Money moved", description: "Yuan per hour by ledger type.", unit: "currencyCNY", queries: [{ expr: "sum by (type) (increase(qingyu_wallet_amount_fen_total[1h])) / 100", legend: "{{type}}" }] },
    { title: "Outbox retries", description: "Delivery retries per second.", unit: "ops", queries: [{ expr: "sum by (kind) (rate(qingyu_wallet_outbox_delivery_retries_total[5m]))", legend: "{{kind}}" }] },
    { title: "Recharge callbacks", description: "Payment provider callbacks by result.", unit: "ops", queries: [{ expr: "sum by (result) (rate(qingyu_wallet_recharge_callbacks_total[5m]))", legend: "{{result}}" }] },
  ],
};

export const infrastructure: DashboardSpec = {
  uid: "qingyu-infrastructure",
  title: "Qingyu Edge / Infrastructure",
  description: "Redis, D1 and Durable Objects (health checks and calls), the cache, and the metrics pipeline itself.",
  panels: [
    {
      title: "Dependency health",
      description: "Current status of each dependency (1 = that status).",
      type: "stat",
      width: 24,
      unit: "none",
      thresholds: [{ value: 1, color: "red" }],
      queries: [{ expr: 'max by (dependency) (qingyu_dependency_health_status{status!="healthy"})', legend: "{{dependency}} not healthy" }],
    },
    { title: "Health check latency", description: "Latency of the last health check per dependency (degraded above 750 ms by default).", unit: "s", thresholds: [{ value: 0.75, color: "orange" }], queries: [{ expr: "max by (dependency) (qingyu_dependency_health_check_duration_seconds)", legend: "{{dependency}}" }] },
    { title: "Dependency calls", description: "Calls per second to Redis, D1 and Durable Objects.", unit: "ops", queries: [{ expr: "sum by (dependency) (rate(qingyu_dependency_calls_total[5m]))", legend: "{{dependency}}" }] },
    {
      title: "Dependency error ratio",
      description: "Share of calls that failed (alerts: Redis 5%, Durable Objects 1%).",
      unit: "percentunit",
      thresholds: [{ value: 0.01, color: "orange" }, { value: 0.05, color: "red" }],
      queries: [{ expr: "sum by (dependency) (rate(qingyu_dependency_call_errors_total[5m])) / sum by (dependency) (rate(qingyu_dependency_calls_total[5m]))", legend: "{{dependency}}" }],
    },
    { title: "Dependency call p99", description: "Call duration p99 per dependency.", unit: "s", queries: [{ expr: "histogram_quantile(0.99, sum by (dependency, le) (rate(qingyu_dependency_call_duration_seconds_bucket[5m])))", legend: "{{dependency}}" }] },
    {
      title: "Cache hit ratio",
      description: "Reads answered from Redis.",
      unit: "percentunit",
      min: 0,
      max: 1,
      queries: [{ expr: "sum by (cache) (rate(qingyu_cache_hits_total[5m])) / (sum by (cache) (rate(qingyu_cache_hits_total[5m])) + sum by (cache) (rate(qingyu_cache_misses_total[5m])))", legend: "{{cache}}" }],
    },
    { title: "Exporter scrape duration", description: "Time to read every shard and render.", unit: "s", thresholds: [{ value: 2, color: "orange" }], queries: [{ expr: "max(qingyu_exporter_scrape_duration_seconds)", legend: "scrape" }, { expr: "max by (shard) (qingyu_exporter_shard_read_duration_seconds)", legend: "shard {{shard}}" }] },
    { title: "Shards up", description: "Shards that answered the last scrape (of the configured count).", type: "stat", width: 6, unit: "short", queries: [{ expr: "sum(qingyu_exporter_shard_up)" }] },
    { title: "Series exported", description: "Series in a scrape (cardinality watch).", type: "stat", width: 6, unit: "short", queries: [{ expr: "max(qingyu_exporter_series)" }] },
    { title: "Metric flushes", description: "Batches isolates sent to shards, by result.", unit: "ops", queries: [{ expr: "sum by (result) (rate(qingyu_metrics_flushes_total[5m]))", legend: "{{result}}" }] },
    {
      title: "Shard batches and drops",
      description: "Batches applied or skipped as duplicates, and samples dropped by reason.",
      unit: "ops",
      queries: [
        { expr: "sum by (result) (rate(qingyu_metrics_shard_batches_total[5m]))", legend: "batches {{result}}" },
        { expr: "sum by (reason) (rate(qingyu_metrics_dropped_samples_total[5m])) or vector(0)", legend: "dropped {{reason}}" },
      ],
    },
  ],
};
