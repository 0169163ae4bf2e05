/**
 * The testing Worker's Durable Object classes: the production classes plus the
 * hooks the benchmark and the fault tests call. index.ts exports them under the
 * production class names, so wrangler.testing.toml binds and migrates exactly
 * what wrangler.toml does, and the exporter's `script_name` binding reaches
 * them. Every hook answers HOOKS_OFF unless ENABLE_BENCH_ROUTES is "true"
 * (test-hooks.ts): the routes check the flag too, but any Worker bound to a
 * class (the exporter is) could call the RPC methods directly.
 */
import type { OutboxHandler } from "../../durable-objects/outbox/delivery";
import { MetricsShard } from "../../durable-objects/metrics-shard/object";
import { QuotaCounter } from "../../durable-objects/quota/object";
import { Wallet } from "../../durable-objects/wallet/object";
import type { ShardSnapshot } from "../../contract/metrics/wire";
import { DeliveryHold, HOOKS_OFF, testHooksEnabled, type DeliveryHoldState } from "./test-hooks";

/** QuotaCounter with the benchmark's floor: an RPC that does nothing. */
export class TestingQuotaCounter extends QuotaCounter {
  /** Does nothing: the benchmark's floor for a round trip to this object (bench "quota-noop-rpc"). */
  noop(): null {
    return null;
  }
}

/** Wallet that can crash on request and hold its outbox deliveries. */
export class TestingWallet extends Wallet {
  // `declare`, not a field with an initialiser: Wallet's constructor calls outboxHandlers() before
  // this class's initialisers run, and an initialiser would then replace the hold the handlers use.
  declare private hold: DeliveryHold;

  /** Wraps the deliveries in the hold (a pass-through until holdDeliveriesForTest(true)). */
  protected override outboxHandlers(handlers: Record<string, OutboxHandler>): Record<string, OutboxHandler> {
    this.hold = new DeliveryHold();
    return this.hold.wrap(handlers);
  }

  /**
   * Resets the object as an eviction or a crash would. Memory is dropped,
   * calls in flight fail, and the next call builds a new instance from
   * storage. The call itself fails: abort() throws, and that failure is how
   * the caller knows it happened. Where hooks are off it answers the refusal.
   */
  crashForTest(reason: string): typeof HOOKS_OFF {
    if (!testHooksEnabled(this.env)) return HOOKS_OFF;
    this.ctx.abort(`test crash: ${String(reason).slice(0, 100)}`);
    return HOOKS_OFF; // not reached: abort() throws
  }

  /**
   * While `held`, every outbox delivery fails before it leaves, as an outage of
   * all its receivers would; the messages stay pending and the alarm keeps
   * retrying them with backoff. The switch is in memory only, so a restart of
   * the object ends the outage.
   */
  holdDeliveriesForTest(held: boolean): DeliveryHoldState | typeof HOOKS_OFF {
    if (!testHooksEnabled(this.env)) return HOOKS_OFF;
    return this.hold.set(held === true);
  }
}

/** MetricsShard whose snapshot() can be made slow. */
export class TestingMetricsShard extends MetricsShard {
  /** How long `snapshot()` waits before answering (memory only, so a restart clears it). */
  #snapshotDelayMs = 0;

  /**
   * Makes `snapshot()` answer `delayMs` late, so a test can scrape while one
   * shard is slow. The wait is a timer, not a storage call, so batches keep
   * being applied meanwhile, as with a shard that is slow for any other reason.
   */
  setSnapshotDelayForTest(delayMs: number): { delayMs: number } | typeof HOOKS_OFF {
    if (!testHooksEnabled(this.env)) return HOOKS_OFF;
    this.#snapshotDelayMs = Math.min(Math.max(0, Math.trunc(Number(delayMs) || 0)), 60_000);
    return { delayMs: this.#snapshotDelayMs };
  }

  override async snapshot(): Promise<ShardSnapshot> {
    if (this.#snapshotDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#snapshotDelayMs));
    return super.snapshot();
  }
}
