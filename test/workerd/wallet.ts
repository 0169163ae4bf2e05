/** Helpers for wallet route tests (inside workerd): money through the real API and the real callback path. */
import { env } from "cloudflare:workers";
import { signCallback, type RechargeCallback } from "../../src/wallet/callback";
import { api, envelope, type Envelope } from "./api";

/** Where the wallet routes live. */
export const WALLET = "/api/v1/finance/wallet";

/** A recharge order as the API returns it. */
export type OrderData = { order_id: string; amount: number; status: string; payment_url: string | null };

/** Calls a wallet route as `token`, with an optional Idempotency-Key. */
export function walletApi(path: string, token: string, init: { json?: unknown; method?: string; key?: string } = {}): Promise<Response> {
  return api(`${WALLET}${path}`, { method: init.method, json: init.json, token, headers: init.key === undefined ? {} : { "Idempotency-Key": init.key } });
}

/** POSTs a callback body signed with the test secret (or `secret`), exactly as a provider would. */
export async function sendCallback(body: RechargeCallback | string, secret: string = env.WALLET_CALLBACK_SECRET, signature?: string): Promise<Response> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return api(`${WALLET}/recharge/callback`, {
    method: "POST",
    body: raw,
    headers: { "content-type": "application/json", "X-Qingyu-Signature": signature ?? (await signCallback(secret, raw)) },
  });
}

/** Creates an order for `yuan` and pays it through a signed callback; returns the order id. */
export async function fundWallet(token: string, yuan: string): Promise<string> {
  const order = await envelope<OrderData>(await walletApi("/recharge", token, { json: { amount: yuan, method: "alipay" } }), 201);
  const paid = await sendCallback({
    order_id: order.data.order_id,
    amount: yuan,
    timestamp: Math.floor(Date.now() / 1000),
    provider_txn_id: `p-${order.data.order_id}`,
  });
  if (paid.status !== 200) throw new Error(`funding failed: ${paid.status} ${await paid.text()}`);
  return order.data.order_id;
}

/** The caller's balance in fen. */
export async function balanceOf(token: string): Promise<number> {
  return (await envelope<number>(await walletApi("/balance", token), 200)).data;
}

/** Reads an envelope expecting an error status and returns it. */
export async function failureOf(response: Response, status: number): Promise<Envelope<{ details?: Record<string, string> } | null>> {
  return envelope<{ details?: Record<string, string> } | null>(response, status);
}
