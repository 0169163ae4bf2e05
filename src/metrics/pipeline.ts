import { MetricsBuffer } from "./buffer";
import type { MetricsConfig } from "./config";
import type { MetricsBatch, MetricsShardApi } from "./wire";

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
  #shard = -1;
  #isolateId = "";
  #sequence = 0;
  // Workers freeze the clock at 0 during global scope, so the first afterWork starts the interval.
  #lastFlushAt = 0;
  #retry: MetricsBatch | null = null;
  #flushing = false;
  #timerPending = false;

  readonly #build: { version: string; environment: string } | undefined;

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

  /** Called at the end of every request: flush if due, else make sure a delayed flush is scheduled. */
  afterWork(context: FlushContext): void {
    if (this.buffer.size === 0 && this.#retry === null) return;
    const now = Date.now();
    if (this.#lastFlushAt === 0) this.#lastFlushAt = now;
    const age = now - this.#lastFlushAt;
    if (!this.#flushing && (this.buffer.size >= this.#settings.flushMaxSeries || age >= this.#settings.flushIntervalMs)) {
      context.waitUntil(this.flush(context));
    } else if (!this.#timerPending) {
      this.#timerPending = true;
      const delay = Math.max(0, this.#settings.flushIntervalMs - age);
      context.waitUntil(
        sleep(delay).then(() => {
          this.#timerPending = false;
          return this.flush(context);
        }),
      );
    }
  }

  /** Sends the retry batch (if any), then everything pending. Never throws. */
  async flush(context: FlushContext): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      if (this.#retry) {
        if (!(await this.#send(context, this.#retry))) return;
        this.#retry = null;
      }
      if (this.#build) this.buffer.set("qingyu_build_info", this.#build, 1);
      const samples = this.buffer.drain();
      if (samples.length === 0) return;
      if (!this.#isolateId) this.#isolateId = crypto.randomUUID();
      const batch: MetricsBatch = { id: `${this.#isolateId}:${++this.#sequence}`, shards: this.#settings.shards, samples };
      if (!(await this.#send(context, batch))) this.#retry = batch;
    } finally {
      this.#lastFlushAt = Date.now();
      this.#flushing = false;
    }
  }

  async #send(context: FlushContext, batch: MetricsBatch): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("metrics flush timed out")), this.#settings.flushTimeoutMs);
      });
      await Promise.race([context.shard(this.shardIndex).ingest(batch), timeout]);
      this.buffer.inc("qingyu_metrics_flushes_total", { result: "ok" });
      return true;
    } catch {
      // The samples are kept in the retry batch; the count shows up once a later flush succeeds.
      this.buffer.inc("qingyu_metrics_flushes_total", { result: "error" });
      return false;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}
