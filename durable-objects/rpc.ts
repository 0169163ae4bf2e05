/**
 * The one input gate of every Durable Object RPC method. The routes validate
 * too; this is defence in depth, since any Worker holding the binding can call
 * an object. A bad input is answered, never thrown, so its per-field details
 * reach the caller (see `RpcFailure`).
 */
import type { z } from "zod";
import { fieldDetails, rpcFailure, type RpcFailure } from "../contract/rpc-failure";

/** A parse that either succeeded or names each bad field. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; failure: RpcFailure<"invalid_argument"> };

/** Parses an RPC input once; `details` keys are field paths (`amount`, `quotaType`). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, failure: rpcFailure("invalid_argument", "invalid parameters", fieldDetails(result.error)) };
}

/**
 * Parses `input` with `schema` and runs `operation` on the parsed value, or
 * answers the invalid-argument failure without running anything. The
 * operation is where the object opens its one transaction.
 *
 * @example consume(input) { return rpc(ConsumeInputSchema, input, (args) => this.book.run(() => consume(args))); }
 */
export function rpc<S extends z.ZodType, R>(schema: S, input: unknown, operation: (args: z.output<S>) => R): R | RpcFailure<"invalid_argument"> {
  const args = parseInput(schema, input);
  return args.ok ? operation(args.value) : args.failure;
}
