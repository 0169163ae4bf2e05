/** Overview, auth and AI quota dashboards. Rates sum away the exporter's `shard` label. */
import type { DashboardSpec } from "./build.ts";

const errorRatio = (metric: string, bad: string) => `sum(rate(${metric}{${bad}}[5m])) / sum(rate(${metric}[5m]))`;

export const overview: DashboardSpec = {
  uid: "qingyu-overview",
  title: "Qingyu Edge / Overview",
  description: "Traffic, errors, latency and dependency health of the API Worker.",
  panels: [
    { title: "Requests by status class", description: "API responses per second.", unit: "reqps", stacked: true, queries: [{ expr: "sum by (status) (rate(qingyu_http_requests_total[5m]))", legend: "{{status}}" }] },
    {
      title: "5xx ratio",
      description: "Share of responses that were server errors (alerts at 1% and 5%).",
      type: "stat",
      width: 6,
      unit: "percentunit",
      thresholds: [{ value: 0.01, color: "orange" }, { value: 0.05, color: "red" }],
      queries: [{ expr: `${errorRatio("qingyu_http_requests_total", 'status="5xx"')} or vector(0)` }],
    },
    { title: "Requests in flight", description: "Requests being handled, summed over isolates.", type: "stat", width: 6, unit: "short", queries: [{ expr: "sum(qingyu_http_requests_in_flight)" }] },
    {
      title: "Latency p50 / p95 / p99",
      description: "Request duration quantiles over all routes (alert: p99 above 1 s).",
      unit: "s",
      thresholds: [{ value: 1, color: "red" }],
      queries: [0.5, 0.95, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(qingyu_http_request_duration_seconds_bucket[5m])))`, legend: `p${q * 100}` })),
    },
    { title: "Busiest routes", description: "Requests per second of the ten busiest route templates.", unit: "reqps", queries: [{ expr: "topk(10, sum by (method, route) (rate(qingyu_http_requests_total[5m])))", legend: "{{method}} {{route}}" }] },
    { title: "p99 latency by route", description: "Slowest route templates.", unit: "s", queries: [{ expr: "topk(10, histogram_quantile(0.99, sum by (route, le) (rate(qingyu_http_request_duration_seconds_bucket[5m]))))", legend: "{{route}}" }] },
    {
      title: "Response size p95",
      description: "Response and request body sizes.",
      unit: "bytes",
      queries: [
        { expr: "histogram_quantile(0.95, sum by (le) (rate(qingyu_http_response_size_bytes_bucket[5m])))", legend: "response p95" },
        { expr: "histogram_quantile(0.95, sum by (le) (rate(qingyu_http_request_size_bytes_bucket[5m])))", legend: "request p95" },
      ],
    },
    {
      title: "Unhealthy dependencies",
      description: "1 when the last health check of a dependency failed.",
      type: "stat",
      unit: "none",
      thresholds: [{ value: 1, color: "red" }],
      queries: [{ expr: 'max by (dependency) (qingyu_dependency_health_status{status="unhealthy"})', legend: "{{dependency}}" }],
    },
    { title: "Running versions", description: "API versions that flushed metrics recently.", type: "stat", unit: "none", queries: [{ expr: "count by (version, environment) (qingyu_build_info)", legend: "{{version}} ({{environment}})" }] },
  ],
};

export const auth: DashboardSpec = {
  uid: "qingyu-auth",
  title: "Qingyu Edge / Auth and sessions",
  description: "Registrations, logins, refresh rotation, revocation and sessions.",
  panels: [
    { title: "Logins by result", description: "Login attempts per second.", unit: "ops", stacked: true, queries: [{ expr: "sum by (result) (rate(qingyu_auth_logins_total[5m]))", legend: "{{result}}" }] },
    {
      title: "Login failure ratio",
      description: "Share of logins that failed (alert when most fail at volume).",
      type: "stat",
      width: 6,
      unit: "percentunit",
      thresholds: [{ value: 0.5, color: "orange" }],
      queries: [{ expr: `${errorRatio("qingyu_auth_logins_total", 'result="failure"')} or vector(0)` }],
    },
    { title: "Active sessions", description: "Sessions as last counted from the session index.", type: "stat", width: 6, unit: "short", queries: [{ expr: "max(qingyu_auth_active_sessions)" }] },
    { title: "Registrations by result", description: "Registration attempts per second.", unit: "ops", queries: [{ expr: "sum by (result) (rate(qingyu_auth_registrations_total[5m]))", legend: "{{result}}" }] },
    { title: "Refreshes by result", description: "Refresh-token rotations; reuse_detected revokes a session.", unit: "ops", queries: [{ expr: "sum by (result) (rate(qingyu_auth_refreshes_total[5m]))", legend: "{{result}}" }] },
    { title: "Revocations by reason", description: "Sessions or tokens revoked per second.", unit: "ops", queries: [{ expr: "sum by (reason) (rate(qingyu_auth_revocations_total[5m]))", legend: "{{reason}}" }] },
    {
      title: "Revocation staleness p99",
      description: "Age of an isolate's revocation set when it checked a token (promise: 1 s).",
      unit: "s",
      thresholds: [{ value: 1, color: "red" }],
      queries: [{ expr: "histogram_quantile(0.99, sum by (le) (rate(qingyu_auth_revocation_sync_lag_seconds_bucket[5m])))", legend: "p99" }],
    },
    { title: "Degraded auth decisions", description: "Decisions taken while Redis was unreachable.", unit: "ops", queries: [{ expr: "sum by (route_class, decision) (rate(qingyu_auth_degraded_decisions_total[5m]))", legend: "{{route_class}} {{decision}}" }] },
  ],
};

const levels = [
  { value: 0.1, color: "orange" as const },
  { value: 0.2, color: "green" as const },
];

export const quota: DashboardSpec = {
  uid: "qingyu-quota",
  title: "Qingyu Edge / AI quota",
  description: "Tokens consumed, consume decisions, levels (warning at 20% left, critical at 10%), reservations and delivery of level events.",
  panels: [
    { title: "Tokens consumed", description: "AI tokens charged per second, by quota type.", unit: "short", stacked: true, queries: [{ expr: "sum by (quota_type) (rate(qingyu_quota_tokens_consumed_total[5m]))", legend: "{{quota_type}}" }] },
    {
      title: "Credits by model",
      description: "Credits charged per second by model (priced and plain charges; models outside the price table show as other).",
      unit: "short",
      stacked: true,
      queries: [{ expr: "sum by (model) (rate(qingyu_quota_credits_charged_total[5m]))", legend: "{{model}}" }],
    },
    { title: "Consume decisions", description: "Consume calls per second by result.", unit: "ops", stacked: true, queries: [{ expr: "sum by (result) (rate(qingyu_quota_consume_total[5m]))", legend: "{{result}}" }] },
    {
      title: "Remaining quota at consume",
      description: "Quantiles of remaining/total after each consume; the lines mark the warning (20%) and critical (10%) levels.",
      unit: "percentunit",
      min: 0,
      max: 1,
      base: "red",
      thresholds: levels,
      queries: [0.5, 0.1].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(qingyu_quota_remaining_ratio_bucket[15m])))`, legend: `p${q * 100}` })),
    },
    {
      title: "Consumes by users below a level",
      description: "Share of consumes that left the user at or below 20% (warning) and 10% (critical) remaining.",
      unit: "percentunit",
      min: 0,
      thresholds: [{ value: 0.1, color: "orange" }, { value: 0.2, color: "red" }],
      queries: [
        { expr: 'sum(rate(qingyu_quota_remaining_ratio_bucket{le="0.2"}[15m])) / sum(rate(qingyu_quota_remaining_ratio_count[15m]))', legend: "≤ 20% left" },
        { expr: 'sum(rate(qingyu_quota_remaining_ratio_bucket{le="0.1"}[15m])) / sum(rate(qingyu_quota_remaining_ratio_count[15m]))', legend: "≤ 10% left" },
      ],
    },
    { title: "Users by level", description: "Users per quota level.", unit: "short", stacked: true, queries: [{ expr: "sum by (level) (qingyu_quota_users)", legend: "{{level}}" }] },
    { title: "Level crossings", description: "Threshold events per hour by level (exactly one per level per period per user).", unit: "short", queries: [{ expr: "sum by (level) (increase(qingyu_quota_threshold_events_total[1h]))", legend: "{{level}}" }] },
    { title: "Reservations", description: "Reservation lifecycle events per second.", unit: "ops", queries: [{ expr: "sum by (event) (rate(qingyu_quota_reservations_total[5m]))", legend: "{{event}}" }] },
    { title: "Webhook deliveries", description: "Threshold webhook attempts by result.", unit: "ops", queries: [{ expr: "sum by (result) (rate(qingyu_quota_webhook_deliveries_total[5m]))", legend: "{{result}}" }] },
    { title: "Quota stream clients", description: "WebSocket clients connected to /api/v1/ai/quota/stream.", type: "stat", unit: "short", queries: [{ expr: "sum(qingyu_quota_websocket_clients)" }] },
  ],
};
