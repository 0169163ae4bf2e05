/**
 * Metric families that are defined (src/metrics/definitions.ts), exported when
 * recorded, and used by dashboards and alerts, but that no code path exercised
 * end to end records yet: their features' owners add the `metrics.inc(...)`
 * calls (Auth, Quota, Wallet, the dependency clients, the cache). The
 * Prometheus e2e test lets panels and rules over these be empty and fails as
 * soon as one of them has series, so this list can only shrink. When a family
 * starts being recorded, remove it here and make sure the test's own traffic
 * (`everyRouteFamily` in prometheus.e2e.test.ts) exercises it, so the verdict
 * does not depend on which tests ran first on the shared stack. The README's
 * Monitoring section names the same families.
 */
export const NOT_YET_RECORDED: readonly string[] = [
  // Users and auth (src/auth, src/routes/auth*): registrations, logins, refreshes, revocations and sync lag are recorded
  "qingyu_auth_degraded_decisions_total",
  "qingyu_auth_active_sessions",
  // Dependency calls (Redis, D1, Durable Object RPC clients); health checks are recorded
  "qingyu_dependency_calls_total",
  "qingyu_dependency_call_errors_total",
  "qingyu_dependency_call_duration_seconds",
  // AI quota (durable-objects/quota-counter, src/routes/quota*): tokens, consume decisions, remaining ratio, level crossings and reservations are recorded
  "qingyu_quota_users",
  "qingyu_quota_webhook_deliveries_total",
  "qingyu_quota_websocket_clients",
  // Wallet (durable-objects/wallet, src/routes/wallet*)
  "qingyu_wallet_transactions_total",
  "qingyu_wallet_amount_fen_total",
  "qingyu_wallet_outbox_pending",
  "qingyu_wallet_outbox_delivery_retries_total",
  "qingyu_wallet_recharge_callbacks_total",
];
