/** Helpers for the Wallet tests (inside workerd). Never imported by production code. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { WalletFailure } from "../../contract/wallet/results";
import type { Wallet } from "../../durable-objects/wallet/object";

/** A fresh wallet per test: names are unique (and valid user ids) so tests never share state. */
export function freshWallet(label: string): { id: string; stub: DurableObjectStub<Wallet> } {
  const id = `${label}-${crypto.randomUUID()}`;
  return { id, stub: env.WALLET.getByName(id) };
}

/** Unwraps an RPC result, failing the test with the error when it is a failure. */
export function ok<T extends object>(result: T): Exclude<T, WalletFailure> {
  if ("error" in result) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  // Not a failure, so it is the success branch.
  return result as Exclude<T, WalletFailure>;
}

/** Unwraps an expected failure. */
export function failure(result: object): WalletFailure["error"] {
  if (!("error" in result)) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return (result as WalletFailure).error;
}

let keys = 0;
/** A unique Idempotency-Key. */
export const key = (prefix = "k") => `${prefix}-${++keys}-${crypto.randomUUID()}`;

/** Credits `fen` through a sandbox recharge (the route decides sandbox from config; here the test does). */
export async function fund(stub: DurableObjectStub<Wallet>, fen: number): Promise<void> {
  ok(await stub.createRecharge({ amount: fen, method: "alipay", idempotencyKey: key("fund"), sandbox: true }));
}

/** Reads storage directly. */
export function sqlRows<T extends Record<string, SqlStorageValue>>(stub: DurableObjectStub, query: string, ...bindings: SqlStorageValue[]): Promise<T[]> {
  return runInDurableObject(stub, (_instance, state) => state.storage.sql.exec<T>(query, ...bindings).toArray());
}

/** Waits until `check` passes (outbox deliveries run from alarms), or fails after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
