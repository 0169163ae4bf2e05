/**
 * What every typed object client shares (quota/client.ts, wallet/client.ts,
 * config-store/client.ts, metrics-shard/client.ts): the call, its recording
 * as a `durable_object` dependency call (`quota_counter.consume`), an
 * overloaded or briefly unreachable object as 503 with Retry-After, and a
 * typed failure as the error table's row. Route handlers then read as
 * validate → call → respond.
 */
import { isRpcFailure, type RpcFailure } from "../contract/rpc-failure";
import { ApiError, type ErrorName } from "../src/errors";
import { measuredCall } from "../src/lib/dependency";
import { operationName, UNMEASURED } from "../src/lib/measured-stub";
import { recordsCounters, type Metrics } from "../src/metrics/api";

/** Each failure code an object answers with, and the error-table row it becomes. */
export type FailureTable<Code extends string> = Readonly<Record<Code, ErrorName>>;

type Method = (...args: never[]) => unknown;

/** A stub's methods with typed failures taken out of their results: those are thrown as `ApiError`s. */
export type ObjectClient<Stub> = {
  [K in keyof Stub as Stub[K] extends Method ? K : never]: Stub[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Exclude<Awaited<R>, RpcFailure>> : never;
};

/** Workers mark an overloaded or briefly unreachable object's errors; the caller may retry those. */
function isRetryable(error: unknown): boolean {
  const flags = (error ?? {}) as { retryable?: unknown; overloaded?: unknown };
  return flags.retryable === true || flags.overloaded === true;
}

/** Throws the error-table row of a typed failure; a code the table lacks is a bug (500). */
function raise(object: string, failure: RpcFailure, failures: FailureTable<string>): never {
  const { code, message, details } = failure.error;
  const name = Object.hasOwn(failures, code) ? failures[code] : undefined;
  if (name === undefined) throw new Error(`${object} answered an unmapped failure code ${code}: ${message}`);
  throw new ApiError(name, message, { details: details && Object.keys(details).length > 0 ? details : undefined });
}

async function settle(object: string, call: () => Promise<unknown>, failures: FailureTable<string> | null): Promise<unknown> {
  let result: unknown;
  try {
    result = await call();
  } catch (error) {
    if (isRetryable(error)) throw new ApiError("DEPENDENCY_UNAVAILABLE", `${object} temporarily unavailable; retry shortly`, { cause: error, headers: { "Retry-After": "1" } });
    throw error;
  }
  if (failures !== null && typeof result === "object" && result !== null && isRpcFailure(result)) raise(object, result as RpcFailure, failures);
  return result;
}

/**
 * A typed client over one object's stub. `failures` null passes every result
 * through (objects whose refusals are data, like the ConfigStore's). With
 * `metrics` paused nothing is timed, the same short cut as the measured stubs.
 *
 * @example await objectClient(env.WALLET.getByName(userId), "wallet", WALLET_FAILURES, metrics).consume(input)
 */
export function objectClient<Stub extends object>(stub: Stub, object: string, failures: FailureTable<string> | null, metrics?: Metrics): ObjectClient<Stub> {
  const recorded = metrics === undefined || recordsCounters(metrics);
  return new Proxy(stub, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof property !== "string" || typeof value !== "function" || UNMEASURED.has(property)) return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      // Reflect.apply, not method.apply: on an RPC stub every property, `apply` included, is a remote method.
      const call = (args: unknown[]) => () => Reflect.apply(method, target, args) as Promise<unknown>;
      if (!recorded) return (...args: unknown[]) => settle(object, call(args), failures);
      const operation = operationName(object, property);
      return (...args: unknown[]) => settle(object, () => measuredCall("durable_object", operation, call(args), { metrics }), failures);
    },
  }) as unknown as ObjectClient<Stub>;
}
