/**
 * Helpers for the QuotaCounter tests (inside workerd). Never imported by
 * production code.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { resolveQuotaPolicy, type QuotaPolicy, type QuotaPolicyOverrides } from "../../contract/quota/policy";
import type { QuotaFailure } from "../../contract/quota/results";

/** A fresh object per test: names are unique so tests never share state. */
export function freshCounter(label: string): DurableObjectStub<import("../../durable-objects/quota/object").QuotaCounter> {
  return env.QUOTA_COUNTER.getByName(`${label}-${crypto.randomUUID()}`);
}

/** A reader policy with small, round totals so percentages are easy to reason about. */
export function testPolicy(totals: { daily?: number | null; monthly?: number | null; total?: number | null } = {}, overrides: QuotaPolicyOverrides = {}): QuotaPolicy {
  return resolveQuotaPolicy("reader", {
    ...overrides,
    plans: { reader: { daily: 100, monthly: 1_000, total: 10_000, ...totals } },
  });
}

/** Unwraps an RPC result (RPC stubs wrap each union member), failing the test when it is a failure. */
export function ok<R extends object>(result: R): Exclude<R, QuotaFailure> {
  if ("error" in result) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result as Exclude<R, QuotaFailure>;
}

/** Reads storage directly (bypassing the object's logic, so lazy resets do not run). */
export function sqlRows<T extends Record<string, SqlStorageValue>>(
  stub: DurableObjectStub,
  query: string,
  ...bindings: SqlStorageValue[]
): Promise<T[]> {
  return runInDurableObject(stub, (_instance, state) => state.storage.sql.exec<T>(query, ...bindings).toArray());
}

/** Counts ledger rows of one type. */
export async function ledgerCount(stub: DurableObjectStub, type: string): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(stub, "SELECT count(*) AS n FROM ledger WHERE type = ?", type);
  return row?.n ?? 0;
}

/** Unique request ids for a test. */
export function requestIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
}
