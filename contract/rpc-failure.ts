/**
 * The failure branch every Durable Object RPC shares. Business failures come
 * back as a value, not a thrown error, because Workers RPC keeps only an
 * exception's message and built-in name: a typed `code` and per-field
 * `details` would be lost on the way to the caller.
 */
import type { z } from "zod";

/** A typed failure; `details` names each bad field (`amount`, `policy.timeZone`) with its message. */
export type RpcFailure<Code extends string = string> = { error: { code: Code; message: string; details: Record<string, string> } };

/** True when an RPC answered with a failure instead of its result. */
export function isRpcFailure<T extends object, Code extends string>(result: T | RpcFailure<Code>): result is RpcFailure<Code> {
  return "error" in result;
}

/** Builds a failure value. */
export function rpcFailure<Code extends string>(code: Code, message: string, details: Record<string, string> = {}): RpcFailure<Code> {
  return { error: { code, message, details } };
}

/** A zod error as one message per field path (`policy.timeZone`), the first issue of each field winning. */
export function fieldDetails(error: z.ZodError, prefix = ""): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "input";
    byField[key] ??= issue.message;
  }
  return byField;
}
