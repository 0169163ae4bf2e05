/**
 * The parts of the testing Worker's object hooks (objects.ts: a crash, a slow
 * read, held outbox deliveries) for the fault tests in `test/faults/`. They
 * work only with ENABLE_BENCH_ROUTES=true, the same flag that gates the routes
 * reaching them (routes/faults.ts). Checking it in the objects too is a second
 * fence: any Worker bound to the class (the exporter is) could call the RPC
 * methods directly.
 */
import type { OutboxHandler } from "../../durable-objects/outbox/delivery";

export function testHooksEnabled(env: Env): boolean {
  // Not a declared var: it is off unless a test or bench stack sets it (see src/config.ts).
  return (env as unknown as Record<string, unknown>).ENABLE_BENCH_ROUTES === "true";
}

/** What a hook answers where hooks are off: a value, not a throw, as every other RPC failure here. */
export const HOOKS_OFF = { refused: "test hooks are off (ENABLE_BENCH_ROUTES is not true)" } as const;

/** What `DeliveryHold` reports: whether it holds, and how many sends it has failed since the object started. */
export type DeliveryHoldState = { held: boolean; failedDeliveries: number };

/**
 * A switch that makes an object's outbox deliveries fail before they leave,
 * as an outage of every receiver would: the messages stay pending and are
 * retried with backoff. It lives in memory only, so a restart (or eviction)
 * of the object ends the "outage", as a crash that took the fault with it.
 */
export class DeliveryHold {
  private held = false;
  private failed = 0;

  /** Handlers that fail while held and otherwise call the real ones. */
  wrap(handlers: Readonly<Record<string, OutboxHandler>>): Record<string, OutboxHandler> {
    const wrapped: Record<string, OutboxHandler> = {};
    for (const [kind, handler] of Object.entries(handlers)) {
      wrapped[kind] = (message) => {
        if (!this.held) return handler(message);
        this.failed += 1;
        return Promise.reject(new Error("test hook: outbox deliveries are held"));
      };
    }
    return wrapped;
  }

  set(held: boolean): DeliveryHoldState {
    this.held = held;
    return { held, failedDeliveries: this.failed };
  }
}
