/**
 * The part of autocannon 9's programmatic API the benchmarks use. autocannon
 * ships no types and @types/autocannon is not a dependency, so this declares
 * only what bench/ calls (shapes taken from autocannon's README and lib/).
 */
declare module "autocannon" {
  namespace autocannon {
    /** A request as autocannon builds it: the scenario's fields merged over the instance defaults. */
    interface BuiltRequest {
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: string | Buffer;
      [key: string]: unknown;
    }

    /** One entry of the `requests` option. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /**
       * Called before each send of this entry; returns the request to send. `null`
       * skips the rest of the sequence: the connection starts over at the first entry
       * with a fresh context (not allowed for the first entry).
       */
      setupRequest?: (request: BuiltRequest, context: Record<string, unknown>) => BuiltRequest | null;
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void;
    }

    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      /** Overrides `duration` entirely when set (the run ends only after this many responses). */
      amount?: number;
      /** Caps the number of requests while `duration` still applies. */
      maxOverallRequests?: number;
      /** Per-request timeout in seconds. */
      timeout?: number;
      pipelining?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
      title?: string;
    }

    /** hdr-histogram-percentiles-obj, as in the results. */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p99: number;
      [percentile: string]: number;
    }

    interface Result {
      title?: string;
      url: string;
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      requests: Histogram & { sent: number };
      latency: Histogram & { totalCount: number };
      throughput: Histogram;
      statusCodeStats: Record<string, { count: number }>;
      "2xx": number;
    }

    /** The running instance: an EventEmitter that is also a promise of the result. */
    interface Instance extends PromiseLike<Result> {
      stop(): void;
      on(event: "reqError", listener: (error: Error) => void): this;
      /** Every response; `responseTimeMs` has sub-millisecond precision, unlike the result histogram. */
      on(event: "response", listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): this;
      on(event: "error", listener: (error: Error) => void): this;
      on(event: "done", listener: (result: Result) => void): this;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
