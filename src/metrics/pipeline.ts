import { MetricsBuffer } from "./buffer";
import type { MetricsConfig } from "./config";
import type { MetricsBatch, MetricsShardApi } from "../../contract/metrics/wire";

/** What a flush needs from the request (or Durable Object) it runs in. */
export interface FlushContext {
  /** `ctx.waitUntil`: the flush runs after the response, never in front of it. */
  waitUntil(promise: Promise<unknown>): void;
  /** The stub of shard `index`; called inside the flush so the stub belongs to that request's context. */
  shard(index: number): Pick<MetricsShardApi, "ingest">;
}

type PipelineSettings = Pick<MetricsConfig, "shards" | "flushIntervalMs" | "flushMaxSeries" | "flushTimeoutMs" | "maxSeriesPerFamily">;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One isolate's metrics: a buffer plus the flush policy. After each unit of
 * work, `afterWork` either flushes now (the buffer holds `flushMaxSeries`
 * series, or the last flush is older than `flushIntervalMs`) or makes sure one
 * delayed flush is pending, so an isolate that goes idle still flushes within
 * the interval. One flush runs at a time; a failed batch is retried with the
 * same id (the shard drops duplicates) before new samples are sent.
 */
export class MetricsPipeline {
  readonly buffer: MetricsBuffer;
  readonly #settings: PipelineSettings;
  readonly #build: { version: string; environment: string } | undefined;
  #shard = -1;
  #isolateId = "";
  #sequence = 0;
  // Workers freeze the clock at 0 during global scope, so the first afterWork starts the interval.
  #lastFlushAt = 0;
  /** The batch being sent or waiting to be re-sent: kept until a shard acknowledged it. */
  #unsent: MetricsBatch | null = null;
  #flushStartedAt = 0;
  #flushing = false;
  #generation = 0;
  #timerDueAt = 0;

  /** `build` labels qingyu_build_info, re-set on every flush so it never looks stale to the exporter. */
  constructor(settings: PipelineSettings, build?: { version: string; environment: string }) {
    this.#settings = settings;
    this.#build = build;
    this.buffer = new MetricsBuffer(settings.maxSeriesPerFamily);
  }

  /** The shard this isolate writes to, picked at random once so isolates spread over the shards. */
  get shardIndex(): number {
    if (this.#shard < 0) this.#shard = Math.floor(Math.random() * this.#settings.shards);
    return this.#shard;
  }

  // The runtime may drop a context's waitUntil work (client gone, reload) without settling its
  // promises; a flush or timer older than this is treated as lost so the pipeline never stalls.
  get #staleAfterMs(): number {
    return this.#settings.flushTimeoutMs * 2;
  }

  /**
   * Called at the end of every request: flush if due, else make sure a delayed flush is scheduled.
   * `context` may be a function, called only when there is something to hand to `waitUntil`
   * (most requests find a flush already scheduled and need no context at all).
   */
  afterWork(context: FlushContext | (() => FlushContext | undefined)): void {
    if (this.buffer.size === 0 && this.#unsent === null) return;
    const now = Date.now();
    if (this.#lastFlushAt === 0) this.#lastFlushAt = now;
    const age = now - this.#lastFlushAt;
    const flushing = this.#flushing && now - this.#flushStartedAt < this.#staleAfterMs;
    if (!flushing && (this.buffer.size >= this.#settings.flushMaxSeries || age >= this.#settings.flushIntervalMs)) {
      const resolved = typeof context === "function" ? context() : context;
      if (resolved) resolved.waitUntil(this.flush(resolved));
    } else if (this.#timerDueAt === 0 || now > this.#timerDueAt + this.#staleAfterMs) {
      const resolved = typeof context === "function" ? context() : context;
      if (!resolved) return;
      const delay = Math.max(0, this.#settings.flushIntervalMs - age);
      const dueAt = now + delay;
      this.#timerDueAt = dueAt;
      resolved.waitUntil(
        sleep(delay).then(() => {
          if (this.#timerDueAt === dueAt) this.#timerDueAt = 0;
          return this.flush(resolved);
        }),
      );
    }
  }

  /** Sends the unacknowledged batch (if any), then everything pending as a new batch. Never throws. */
  async flush(context: FlushContext): Promise<void> {
    if (this.#flushing && Date.now() - this.#flushStartedAt < this.#staleAfterMs) return;
    const generation = ++this.#generation;
    this.#flushing = true;
    this.#flushStartedAt = Date.now();
    try {
      if (this.#unsent && !(await this.#sendUnsent(context))) return;
      if (this.buffer.size === 0) return;
      if (this.#build) this.buffer.set("qingyu_build_info", this.#build, 1);
      // A batch carries its own "ok": counted once when applied (retries share its id), and visible even
      // from an isolate that never flushes again.
      this.buffer.inc("qingyu_metrics_flushes_total", { result: "ok" });
      const samples = this.buffer.drain();
      if (!this.#isolateId) this.#isolateId = crypto.randomUUID();
      this.#unsent = { id: `${this.#isolateId}:${++this.#sequence}`, shards: this.#settings.shards, samples };
      await this.#sendUnsent(context);
    } finally {
      // A flush declared lost and superseded must not clear the newer flush's state.
      if (generation === this.#generation) {
        this.#lastFlushAt = Date.now();
        this.#flushing = false;
      }
    }
  }

  async #sendUnsent(context: FlushContext): Promise<boolean> {
    const batch = this.#unsent;
    if (!batch) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("metrics flush timed out")), this.#settings.flushTimeoutMs);
      });
      await Promise.race([context.shard(this.shardIndex).ingest(batch), timeout]);
      if (this.#unsent === batch) this.#unsent = null;
      return true;
    } catch (error) {
      // The batch stays unsent and goes again, same id, next time; this count arrives with a later flush.
      this.buffer.inc("qingyu_metrics_flushes_total", { result: "error" });
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "metrics flush failed",
          shard: this.shardIndex,
          batch: batch.id,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      return false;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}
