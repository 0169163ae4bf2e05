/**
 * Real accounts for the fuzzer, made through the public API (the admin through
 * the documented promote script), each with some history to aim at: quota
 * notifications, open reservations, a wallet recharge and a pending withdrawal.
 */
import { registerAdmin } from "../support/admin.ts";
import { call, type Envelope } from "../support/http.ts";
import { registerUser, type TokenPair } from "../support/users.ts";
import { forgeTokens, type ForgedVariant } from "./forged-tokens.ts";

/** One real account and what the fuzzer knows about it. */
export interface Identity {
  label: string;
  username: string;
  email: string;
  password: string;
  userId: string;
  token: string;
  refreshToken: string;
  notificationIds: string[];
  reservationIds: string[];
  orderIds: string[];
  withdrawIds: string[];
  forged: Record<ForgedVariant, string>;
  isAdmin: boolean;
}

/** Where recruits are made. */
export interface Recruiter {
  apiUrl: string;
  stateDir: string;
  serviceToken: string;
}

/** test/support registers everyone with this password. */
const PASSWORD = "reading2024";

async function identityFrom(label: string, pair: TokenPair, isAdmin: boolean): Promise<Identity> {
  const username = pair.user.username;
  return {
    label,
    username,
    // test/support/users.ts registers everyone as <username>@example.com.
    email: `${username}@example.com`,
    password: PASSWORD,
    userId: pair.user.id,
    token: pair.token,
    refreshToken: pair.refreshToken,
    notificationIds: [],
    reservationIds: [],
    orderIds: [],
    withdrawIds: [],
    forged: await forgeTokens(pair.token),
    isAdmin,
  };
}

/**
 * Spends 90 % of the `total` quota (a warning and a critical notification), opens two reservations,
 * recharges the wallet (credited at once on the test stacks' sandbox) and asks for a withdrawal.
 * Routes that do not exist (yet) just leave their ids empty.
 */
async function giveHistory(recruiter: Recruiter, identity: Identity): Promise<void> {
  const base = recruiter.apiUrl;
  const asUser = { Authorization: `Bearer ${identity.token}` };
  const internal = (path: string, json: unknown) =>
    call(`/api/v1/internal/quota/${identity.userId}${path}`, { base, method: "POST", json, headers: { Authorization: `Bearer ${recruiter.serviceToken}` } });
  const total = (await (await call("/api/v1/ai/quota?type=total", { base, headers: asUser })).json()) as Envelope<{ totalQuota?: number } | null>;
  const spend = Math.floor((total.data?.totalQuota ?? 0) * 0.9);
  if (spend > 0) await internal("/consume", { quotaType: "total", amount: spend, service: "fuzz-setup", requestId: crypto.randomUUID() });
  for (let index = 0; index < 2; index++) {
    const reserved = (await (
      await internal("/reservations", { amount: 10, service: "fuzz-setup", requestId: crypto.randomUUID(), ttlSeconds: 3600 })
    ).json()) as Envelope<{
      reservation?: { id: string };
    } | null>;
    if (reserved.data?.reservation) identity.reservationIds.push(reserved.data.reservation.id);
  }
  const wallet = (path: string, json: unknown) => call(`/api/v1/finance/wallet${path}`, { base, method: "POST", json, headers: asUser });
  const order = (await (await wallet("/recharge", { amount: "100", method: "alipay" })).json()) as Envelope<{ order_id?: string } | null>;
  if (order.data?.order_id) identity.orderIds.push(order.data.order_id);
  const withdrawal = (await (await wallet("/withdraw", { amount: "10", account: "fuzz-account" })).json()) as Envelope<{ withdrawal?: { id: string } } | null>;
  if (withdrawal.data?.withdrawal) identity.withdrawIds.push(withdrawal.data.withdrawal.id);
  const inbox = (await (await call("/api/v1/notifications", { base, headers: asUser })).json()) as Envelope<{ items: Array<{ id: string }> } | null>;
  identity.notificationIds = (inbox.data?.items ?? []).map((notification) => notification.id);
}

/** A new reader (registered through the API from its own IP) with history. */
export async function recruitUser(recruiter: Recruiter, label: string): Promise<Identity> {
  const { pair } = await registerUser(recruiter.apiUrl, PASSWORD);
  const identity = await identityFrom(label, pair, false);
  await giveHistory(recruiter, identity);
  return identity;
}

/** A new admin (registered, promoted with `npm run user:promote`'s script, logged in again) with history. */
export async function recruitAdmin(recruiter: Recruiter): Promise<Identity> {
  const identity = await identityFrom("admin", await registerAdmin(recruiter.stateDir, recruiter.apiUrl), true);
  await giveHistory(recruiter, identity);
  return identity;
}
