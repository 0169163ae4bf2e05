import { recordsCounters, type Metrics } from "../metrics/api";
import { measuredCall } from "./dependency";

// Not RPC methods: a Proxy must not look like a promise, and these return other stubs or nothing to time.
export const UNMEASURED = new Set(["then", "dup", "connect", "constructor"]);

// "<object>.<method>" per object and method, made once: a string built per call is hashed again by every series lookup.
const operations = new Map<string, Map<string, string>>();

/** `<object>.<method>`, the `operation` label of a Durable Object call, interned. */
export function operationName(object: string, method: string): string {
  let methods = operations.get(object);
  if (!methods) {
    methods = new Map();
    operations.set(object, methods);
  }
  let name = methods.get(method);
  if (name === undefined) {
    name = `${object}.${method}`;
    methods.set(method, name);
  }
  return name;
}

/**
 * A Durable Object stub whose RPC calls are counted as `durable_object` calls,
 * with operation `<object>.<method>` (`quota_counter.consume`): a fixed set of
 * names from our code. Typed failures (`{ error }` values) are answers, so
 * only thrown errors (overloaded, unreachable, a bug) count as errors.
 * One wrapper at the place a stub is made covers every call made through it.
 *
 * @example const counter = measuredStub(env.QUOTA_COUNTER.getByName(userId), "quota_counter");
 */
export function measuredStub<T extends object>(stub: T, object: string, metrics?: Metrics): T {
  // With metrics off (METRICS_ENABLED=false, or recording paused in the runtime config) the stub is returned as is: recording off costs nothing.
  if (metrics !== undefined && !recordsCounters(metrics)) return stub;
  return new Proxy(stub, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof property !== "string" || typeof value !== "function" || UNMEASURED.has(property)) return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      // Reflect.apply, not method.apply: on an RPC stub every property, `apply` included, is a remote method.
      return (...args: unknown[]) =>
        measuredCall("durable_object", operationName(object, property), () => Reflect.apply(method, target, args) as Promise<unknown>, { metrics });
    },
  });
}
