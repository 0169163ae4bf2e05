/**
 * The Prometheus e2e test's own traffic: requests through every route family,
 * plus the flows that make each Durable Object family record (quota levels and
 * the live stream, wallet postings, the outbox, a recharge callback). Driving
 * them here, rather than relying on other test files, keeps the verdict
 * independent of which tests ran first on the shared stack.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { readEnvFile } from "../../dev/env-file.ts";
import { ROOT } from "../../dev/stack.ts";
import { CALLBACK_SIGNATURE_HEADER, signCallback } from "../../src/wallet/callback.ts";
import { apiUrl, call, type Envelope } from "../support/http.ts";
import { login, registerUser, type TokenPair } from "../support/users.ts";

const SERVICE = { Authorization: "Bearer dev-only-ai-service-token-not-for-production-01" };

/** Requests through every route family the API has: system, health, auth, profile, sessions, quota (with a reservation and level crossings), wallet, admin, errors. */
export async function everyRouteFamily(): Promise<void> {
  const { username, password, pair } = await registerUser();
  const bearer = { Authorization: `Bearer ${pair.token}` };
  await login(username, password);
  const userId = pair.user.id;
  const requests: Array<Promise<Response>> = [
    call("/api/v1/system/ping"),
    call("/api/v1/system/health"),
    call("/api/v1/system/health/redis"),
    call("/health/ready"),
    call("/health/live"),
    call("/api/v1/user/profile", { headers: bearer }),
    call("/api/v1/shared/auth/sessions", { headers: bearer }),
    call("/api/v1/shared/auth/refresh", { method: "POST", json: { refresh_token: pair.refreshToken } }),
    call("/api/v1/shared/auth/login", { method: "POST", json: { username, password: "wrong-password1" } }),
    call("/api/v1/ai/quota", { headers: bearer }),
    call("/api/v1/ai/quota/statistics", { headers: bearer }),
    call(`/api/v1/internal/quota/${userId}/consume`, {
      method: "POST",
      headers: SERVICE,
      json: { amount: 10, service: "text_generation", requestId: crypto.randomUUID() },
    }),
    call("/api/v1/finance/wallet/balance", { headers: bearer }),
    call("/api/v1/admin/config", { headers: bearer }),
    call("/api/v1/no/such/route"),
    call("/api/v1/system/ping", { method: "DELETE" }),
    call("/api/v1/shared/auth/register", { method: "POST", body: "z".repeat(200_000), headers: { "content-type": "application/json" } }),
  ];
  await Promise.all((await Promise.all(requests)).map((response) => response.arrayBuffer()));
  await quotaLifecycle(userId, bearer);
  await walletFlow(bearer);
  // A second read of the profile is served from the cache (a hit; the first was a miss).
  await (await call("/api/v1/user/profile", { headers: bearer })).arrayBuffer();
  await (await call("/api/v1/shared/auth/logout", { method: "POST", headers: bearer })).arrayBuffer();
}

/** A reservation committed, then one consume that leaves under 10% of the daily quota: crosses warning and critical. */
async function quotaLifecycle(userId: string, bearer: Record<string, string>): Promise<void> {
  const internal = `/api/v1/internal/quota/${userId}`;
  const reserved = (await (
    await call(`${internal}/reservations`, {
      method: "POST",
      headers: SERVICE,
      json: { amount: 5, service: "text_generation", requestId: crypto.randomUUID() },
    })
  ).json()) as Envelope<{ reservation: { id: string } | null }>;
  const reservationId = reserved.data.reservation?.id;
  if (reservationId)
    await (await call(`${internal}/reservations/${reservationId}/commit`, { method: "POST", headers: SERVICE, json: { actual: 3 } })).arrayBuffer();
  const quota = (await (await call("/api/v1/ai/quota", { headers: bearer })).json()) as Envelope<{ totalQuota: number; remainingQuota: number }>;
  if (!quota.data) throw new Error(`GET /api/v1/ai/quota answered ${JSON.stringify(quota)}`);
  const { totalQuota, remainingQuota } = quota.data;
  if (totalQuota > 0 && remainingQuota > Math.floor(totalQuota * 0.05)) {
    const amount = remainingQuota - Math.floor(totalQuota * 0.05);
    await (
      await call(`${internal}/consume`, { method: "POST", headers: SERVICE, json: { amount, service: "text_generation", requestId: crypto.randomUUID() } })
    ).arrayBuffer();
  }
}

/** Data of an answer that must be a success, or a thrown error naming the call. */
async function dataOf<T>(what: string, response: Response): Promise<T> {
  const body = (await response.json()) as Envelope<T>;
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.data;
}

/**
 * A recharge (credited at once: the shared stack runs the wallet in sandbox
 * mode), the provider's signed callback for it (a duplicate, the order being
 * credited), a transfer to another account and a quota purchase (each an
 * outbox message delivered to another object).
 */
async function walletFlow(bearer: Record<string, string>): Promise<void> {
  const idempotent = () => ({ ...bearer, "Idempotency-Key": crypto.randomUUID() });
  const order = await dataOf<{ order_id: string }>(
    "recharge",
    await call("/api/v1/finance/wallet/recharge", { method: "POST", headers: idempotent(), json: { amount: "12.34", method: "alipay" } }),
  );
  const secret = (await readEnvFile(join(ROOT, ".dev.vars.example"))).WALLET_CALLBACK_SECRET ?? "";
  const raw = JSON.stringify({ order_id: order.order_id, amount: "12.34", timestamp: Math.floor(Date.now() / 1000), status: "paid" });
  await dataOf(
    "recharge callback",
    await call("/api/v1/finance/wallet/recharge/callback", {
      method: "POST",
      headers: { "content-type": "application/json", [CALLBACK_SIGNATURE_HEADER]: await signCallback(secret, raw) },
      body: raw,
    }),
  );
  const recipient = await registerUser();
  await dataOf(
    "transfer",
    await call("/api/v1/finance/wallet/transfer", { method: "POST", headers: idempotent(), json: { to_user_id: recipient.pair.user.id, amount: "1.00" } }),
  );
  await dataOf("quota purchase", await call("/api/v1/ai/quota/recharge", { method: "POST", headers: idempotent(), json: { amount: "1.00" } }));
}

/**
 * Opens the quota stream of a new user and resolves once its snapshot
 * arrived; `close()` ends it. While it is open, `qingyu_quota_websocket_clients`
 * counts it.
 */
export async function openQuotaStream(): Promise<{ close(): Promise<void> }> {
  const { pair } = await registerUser();
  const ticketed = await fetch(`${apiUrl()}/api/v1/ai/quota/stream/ticket`, { method: "POST", headers: { Authorization: `Bearer ${pair.token}` } });
  const { ticket } = ((await ticketed.json()) as { data: { ticket: string } }).data;
  const url = `${apiUrl().replace(/^http/, "ws")}/api/v1/ai/quota/stream?ticket=${encodeURIComponent(ticket)}`;
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no snapshot on the quota stream within 10 s")), 10_000);
    socket.addEventListener("message", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error("quota stream failed to open"));
    });
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.addEventListener("close", () => resolve());
        socket.close(1000, "done");
      }),
  };
}

/**
 * A threshold-webhook receiver set as the stack's quota webhook, so the level
 * crossings this traffic causes are really delivered. It refuses the first
 * delivery (503), so a failure and its retry are recorded too. `stop()` puts
 * the runtime config back (no webhook) for the tests that run after.
 */
export async function quotaWebhookReceiver(admin: TokenPair): Promise<{ received(): number; stop(): Promise<void> }> {
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received += 1;
      response.writeHead(received === 1 ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const setWebhook = async (webhook: { url: string; secret: string } | null) => {
    const headers = { Authorization: `Bearer ${admin.token}` };
    const current = await dataOf<{ version: number }>("read config", await call("/api/v1/admin/config", { headers }));
    await dataOf(
      "config update",
      await call("/api/v1/admin/config", { method: "PUT", headers, json: { version: current.version, patch: { quota: { webhook } } } }),
    );
  };
  await setWebhook({ url: `http://127.0.0.1:${port}/hooks/quota`, secret: "prometheus-e2e-webhook-secret-0123" });
  return {
    received: () => received,
    stop: async () => {
      await setWebhook(null);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
