/**
 * A local fake payment provider for end-to-end tests: an HTTP server that
 * plays Alipay/WeChat Pay's part. The API's recharge answer carries
 * `payment_url = <provider>/pay?order_id=…&amount=<fen>`; GET on it "pays" and
 * the provider POSTs the signed callback to the API, exactly as
 * src/wallet/callback.ts specifies. Tests can also make it misbehave: a wrong
 * secret, a stale timestamp, a different amount, or replay a callback verbatim.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CALLBACK_SIGNATURE_HEADER, signCallback } from "../../src/wallet/callback.ts";

/** One callback the provider sent, and what the API answered. */
export interface SentCallback {
  raw: string;
  signature: string;
  status: number;
  response: { code: number; message: string; data: unknown };
}

/** Ways to make one payment's callback wrong. */
export interface Tamper {
  /** Sign with this key instead of the shared secret (a forger). */
  secret?: string;
  /** Seconds to add to the timestamp (negative: stale). */
  skewSeconds?: number;
  /** Report this many fen instead of the order's amount. */
  amountFen?: number;
}

/** A running fake provider. */
export interface FakePaymentProvider {
  url: string;
  /** Every callback sent, in order. */
  readonly sent: readonly SentCallback[];
  /** Where callbacks go (the API's base URL); set once the stack is up. */
  setApiUrl(url: string): void;
  /** "Pays" an order: signs and sends its callback, possibly tampered. */
  pay(orderId: string, amountFen: number, tamper?: Tamper): Promise<SentCallback>;
  /** Sends an earlier callback again, byte for byte (a provider retrying, or an attacker replaying). */
  replay(callback: SentCallback): Promise<SentCallback>;
  stop(): Promise<void>;
}

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

/** Starts the provider on a free loopback port, signing with `secret`. */
export async function startFakePaymentProvider(secret: string): Promise<FakePaymentProvider> {
  let apiUrl = "";
  let counter = 0;
  const sent: SentCallback[] = [];

  async function deliver(raw: string, signature: string): Promise<SentCallback> {
    if (!apiUrl) throw new Error("fake provider: setApiUrl first");
    const response = await fetch(`${apiUrl}/api/v1/finance/wallet/recharge/callback`, {
      method: "POST",
      headers: { "content-type": "application/json", [CALLBACK_SIGNATURE_HEADER]: signature },
      body: raw,
    });
    const record: SentCallback = { raw, signature, status: response.status, response: (await response.json()) as SentCallback["response"] };
    sent.push(record);
    return record;
  }

  async function pay(orderId: string, amountFen: number, tamper: Tamper = {}): Promise<SentCallback> {
    counter += 1;
    const raw = JSON.stringify({
      order_id: orderId,
      amount: yuan(tamper.amountFen ?? amountFen),
      timestamp: Math.floor(Date.now() / 1000) + (tamper.skewSeconds ?? 0),
      provider_txn_id: `fake-${counter}`,
      status: "paid",
    });
    return deliver(raw, await signCallback(tamper.secret ?? secret, raw));
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://provider.local");
    const orderId = url.searchParams.get("order_id");
    const amount = Number(url.searchParams.get("amount"));
    if (request.method !== "GET" || url.pathname !== "/pay" || !orderId || !Number.isInteger(amount)) {
      response.writeHead(404).end();
      return;
    }
    pay(orderId, amount).then(
      (callback) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ paid: true, callback_status: callback.status })),
      (error: unknown) => response.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ paid: false, error: String(error) })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    setApiUrl: (url) => {
      apiUrl = url;
    },
    pay,
    replay: (callback) => deliver(callback.raw, callback.signature),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
