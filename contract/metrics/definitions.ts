/**
 * Every metric family Qingyu Edge exports, in one place: name, type, help,
 * label names (with the allowed values where they are an enumeration) and
 * histogram buckets. Recording code, the MetricsShard and the exporter all read
 * this table, so HELP/TYPE are always known and labels are validated. Names
 * follow Prometheus conventions: base units, `_total` on counters.
 */

/** A label whose values the recording code bounds itself (route templates, dependency names). */
export const FREE = "*";

/** Label names → allowed values, or FREE. */
export type LabelSpec = Readonly<Record<string, readonly string[] | typeof FREE>>;

/**
 * How a gauge combines across isolates and shards: `sum` gauges are recorded as
 * deltas (+1 / −1) and summed; `last` gauges are set to a value and the newest
 * write wins; `scrape` gauges are computed by the exporter itself at scrape time.
 */
export type GaugeMerge = "sum" | "last" | "scrape";

/** One metric family. */
export type MetricDefinition =
  | { readonly type: "counter"; readonly help: string; readonly labels: LabelSpec }
  | { readonly type: "gauge"; readonly merge: GaugeMerge; readonly help: string; readonly labels: LabelSpec }
  | { readonly type: "histogram"; readonly help: string; readonly labels: LabelSpec; readonly buckets: readonly number[] };

const counter = <const L extends LabelSpec>(help: string, labels: L) => ({ type: "counter", help, labels }) as const;
const gauge = <const M extends GaugeMerge, const L extends LabelSpec>(merge: M, help: string, labels: L) => ({ type: "gauge", merge, help, labels }) as const;
const histogram = <const L extends LabelSpec>(help: string, labels: L, buckets: readonly number[]) => ({ type: "histogram", help, labels, buckets }) as const;

/** Methods outside this list are recorded as OTHER, so a client cannot invent label values. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"] as const;
export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
const HEALTH_STATUSES = ["healthy", "degraded", "unhealthy"] as const;
const DEPENDENCIES = ["redis", "d1", "durable_object"] as const;
const QUOTA_TYPES = ["daily", "monthly", "total"] as const;
const QUOTA_LEVELS = ["ok", "warning", "critical", "exhausted"] as const;
// The same list as contract/quota/auto-topup.ts AUTO_TOPUP_RESULTS (the typed recorder checks one against the
// other); kept here so the exporter's bundle does not pull in the quota schemas.
const AUTO_TOPUP_RESULTS = ["purchased", "insufficient_balance", "failed", "capped", "cancelled"] as const;
const WALLET_TYPES = ["recharge", "consume", "transfer_out", "transfer_in", "withdraw_hold", "withdraw_release", "withdraw", "quota_purchase", "refund", "admin_adjust"] as const;

/** Seconds: 5 ms to 10 s, the Prometheus client defaults (a DO round trip is ~1–5 ms, a slow dependency seconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Bytes: 64 B to 1 MiB, ×4 steps (bodies are capped by MAX_BODY_BYTES, 100 KiB by default). */
const SIZE_BUCKETS = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];
/** Remaining-quota ratios, with bounds on the warning (20%) and critical (10%) levels. */
const RATIO_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1];
/** Seconds of revocation staleness: docs/api.md promises 1 s, the degraded policy allows 60 s. */
const LAG_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];

/** The metric registry. Adding a family here is all it takes to record and export it. */
export const METRICS = {
  // HTTP (recorded by the metrics middleware)
  qingyu_http_requests_total: counter("HTTP requests answered, by method, route template and status class.", { method: HTTP_METHODS, route: FREE, status: STATUS_CLASSES }),
  qingyu_http_request_duration_seconds: histogram("Time from the metrics middleware receiving a request to the response being ready.", { method: HTTP_METHODS, route: FREE, status: STATUS_CLASSES }, DURATION_BUCKETS),
  qingyu_http_request_size_bytes: histogram("Request body size as declared by Content-Length; requests without a body count as 0, streamed bodies without a length are not observed.", { method: HTTP_METHODS, route: FREE }, SIZE_BUCKETS),
  qingyu_http_response_size_bytes: histogram("Response body size in bytes.", { method: HTTP_METHODS, route: FREE, status: STATUS_CLASSES }, SIZE_BUCKETS),
  qingyu_http_requests_in_flight: gauge("sum", "Requests being handled right now, summed over isolates as of their last flush.", {}),
  qingyu_build_info: gauge("last", "Version and environment of API Worker isolates that flushed within the gauge TTL (value is always 1).", { version: FREE, environment: FREE }),

  // Dependencies and services
  qingyu_dependency_health_status: gauge("last", "Last health check result per dependency, one-hot over status (1 = current status).", { dependency: FREE, status: HEALTH_STATUSES }),
  qingyu_dependency_health_check_duration_seconds: gauge("last", "Latency of the last health check of each dependency.", { dependency: FREE }),
  qingyu_dependency_calls_total: counter("Calls to a dependency (Redis over REST, D1, Durable Object RPC), by operation.", { dependency: DEPENDENCIES, operation: FREE }),
  qingyu_dependency_call_errors_total: counter("Dependency calls that failed, by kind (timeout, unavailable, error).", { dependency: DEPENDENCIES, operation: FREE, kind: ["timeout", "unavailable", "error"] }),
  qingyu_dependency_call_duration_seconds: histogram("Duration of dependency calls.", { dependency: DEPENDENCIES, operation: FREE }, DURATION_BUCKETS),

  // AI quota
  qingyu_quota_tokens_consumed_total: counter("AI tokens charged to users' quotas.", { quota_type: QUOTA_TYPES }),
  qingyu_quota_credits_charged_total: counter("Credits charged to users' quotas by model (the model when the price table lists it, else other).", { model: FREE }),
  qingyu_quota_consume_total: counter("Quota consume decisions by result.", { quota_type: QUOTA_TYPES, result: ["ok", "insufficient", "exhausted", "suspended", "duplicate"] }),
  qingyu_quota_threshold_events_total: counter("Downward level crossings (exactly one per level per period per user).", { level: ["warning", "critical", "exhausted"] }),
  qingyu_quota_remaining_ratio: histogram("Share of the quota left after each successful consume (remaining / total): how close consuming users are to the 20% and 10% levels.", { quota_type: QUOTA_TYPES }, RATIO_BUCKETS),
  qingyu_quota_users: gauge("sum", "Users by the most severe level of their quotas, kept by +1/−1 when that level changes.", { level: QUOTA_LEVELS }),
  qingyu_quota_reservations_total: counter("Quota reservations by lifecycle event.", { event: ["created", "committed", "released", "expired"] }),
  qingyu_quota_webhook_deliveries_total: counter("Threshold webhook delivery attempts by result (failed: retried later; gave_up: the last attempt failed).", { result: ["delivered", "failed", "gave_up"] }),
  qingyu_quota_auto_topups_total: counter(
    "Automatic top-ups from the wallet by result (purchased; insufficient_balance or failed: nothing bought, one notice; capped: the crossing found maxPerDay used; cancelled: turned off before it was sent).",
    { result: AUTO_TOPUP_RESULTS },
  ),
  qingyu_quota_websocket_clients: gauge("sum", "WebSocket clients connected to the quota stream.", {}),

  // Users and auth
  qingyu_auth_registrations_total: counter("Registration attempts by result.", { result: ["success", "conflict", "invalid", "throttled"] }),
  qingyu_auth_logins_total: counter("Login attempts by result.", { result: ["success", "failure", "forbidden", "throttled"] }),
  qingyu_auth_refreshes_total: counter("Refresh-token rotations by result.", { result: ["success", "invalid", "expired", "reuse_detected"] }),
  qingyu_auth_revocations_total: counter("Sessions or tokens revoked, by reason.", { reason: ["logout", "logout_all", "session_evicted", "password_change", "admin", "reuse_detected"] }),
  qingyu_auth_revocation_sync_lag_seconds: histogram("Age of an isolate's revocation set when it checked a token.", {}, LAG_BUCKETS),
  qingyu_auth_degraded_decisions_total: counter("Auth decisions taken while Redis was unreachable, by route class and decision.", { route_class: ["admin", "wallet", "default"], decision: ["allowed_stale", "denied"] }),
  qingyu_auth_active_sessions: gauge("last", "Live sessions in the whole system, as counted from the session index by the latest session change.", {}),

  // Wallet
  qingyu_wallet_transactions_total: counter("Wallet operations by ledger type and result.", { type: WALLET_TYPES, result: ["success", "insufficient", "frozen", "invalid", "duplicate", "error"] }),
  qingyu_wallet_amount_fen_total: counter("Money moved by ledger type, in fen (absolute value; held money for withdraw_hold and withdraw_release).", { type: WALLET_TYPES }),
  qingyu_wallet_outbox_pending: gauge("sum", "Outbox entries (transfers, quota purchases) not yet acknowledged.", { kind: ["transfer", "quota_purchase"] }),
  qingyu_wallet_outbox_delivery_retries_total: counter("Outbox delivery retries (sends after the first).", { kind: ["transfer", "quota_purchase"] }),
  qingyu_wallet_recharge_callbacks_total: counter("Payment provider recharge callbacks by result.", { result: ["credited", "duplicate", "bad_signature", "stale", "amount_mismatch", "unknown_order"] }),

  // Cache
  qingyu_messages_total: counter("Queue messages by kind and stage: enqueued by the API, delivered (or found already delivered) by the consumer, retried after a failed delivery, dead-lettered after the last retry.", {
    kind: ["email_code", "account_notice"],
    stage: ["enqueued", "delivered", "duplicate", "retried", "dead_lettered"],
  }),
  qingyu_storage_uploads_total: counter("Uploads by purpose and result (too_large: past the purpose cap or the byte quota; unsupported: refused type; interrupted: the body was cut off).", {
    purpose: ["avatar", "cover", "attachment"],
    result: ["stored", "too_large", "unsupported", "interrupted", "error"],
  }),
  qingyu_storage_uploaded_bytes_total: counter("Bytes stored by uploads, by purpose.", { purpose: ["avatar", "cover", "attachment"] }),
  qingyu_cache_hits_total: counter("Cache reads answered from Redis.", { cache: FREE }),
  qingyu_cache_misses_total: counter("Cache reads that went to the source.", { cache: FREE }),

  // The metrics pipeline itself
  qingyu_metrics_flushes_total: counter("Batches isolates sent to MetricsShard objects, by result.", { result: ["ok", "error"] }),
  qingyu_metrics_dropped_samples_total: counter("Samples dropped to keep labels bounded, by reason.", { reason: ["cardinality", "invalid_label", "invalid_value", "unknown_metric", "schema"] }),
  qingyu_metrics_shard_batches_total: counter("Batches a MetricsShard received, by result (duplicate = a retried batch already applied).", { result: ["applied", "duplicate"] }),

  // The exporter (computed at scrape time)
  qingyu_exporter_scrape_duration_seconds: gauge("scrape", "Time the exporter took to read every shard and render this scrape.", {}),
  qingyu_exporter_shard_up: gauge("scrape", "1 when the shard answered this scrape in time, 0 when it failed or timed out.", { shard: FREE }),
  qingyu_exporter_shard_read_duration_seconds: gauge("scrape", "Time one shard took to answer this scrape (the timeout when it did not).", { shard: FREE }),
  qingyu_exporter_shard_failures: gauge("scrape", "Shards that failed this scrape, by reason.", { reason: ["timeout", "error"] }),
  qingyu_exporter_series: gauge("scrape", "Series in this scrape (excluding the exporter's own).", {}),
  qingyu_exporter_build_info: gauge("scrape", "Version of the metrics exporter (value is always 1).", { version: FREE }),
} as const satisfies Record<string, MetricDefinition>;

type Defs = typeof METRICS;
/** Any family name. */
export type MetricName = keyof Defs;
type NamesWhere<T> = { [N in MetricName]: Defs[N] extends T ? N : never }[MetricName];
/** Counter families. */
export type CounterName = NamesWhere<{ type: "counter" }>;
/** Gauges recorded as deltas. */
export type SumGaugeName = NamesWhere<{ type: "gauge"; merge: "sum" }>;
/** Gauges recorded as absolute values (newest wins). */
export type LastGaugeName = NamesWhere<{ type: "gauge"; merge: "last" }>;
/** Histogram families. */
export type HistogramName = NamesWhere<{ type: "histogram" }>;
/** The label object a family takes: enumerated labels are typed as their allowed values. */
export type LabelsOf<N extends MetricName> = {
  readonly [K in keyof Defs[N]["labels"]]: Defs[N]["labels"][K] extends readonly (infer V)[] ? V : string;
};

/** The definition of a family by name, or undefined for names this build does not know. */
export function definitionOf(name: string): MetricDefinition | undefined {
  return Object.hasOwn(METRICS, name) ? (METRICS as Record<string, MetricDefinition>)[name] : undefined;
}
