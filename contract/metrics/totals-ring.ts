import type { Sample } from "./wire";

/**
 * How the request-rate view (`GET /api/v1/system/metrics`) sees the recent
 * past. A MetricsShard keeps copies of its own HTTP totals, one per step, for
 * `keepMs`; a rate over the last minutes is the difference between the
 * current totals and the copy from then. Nothing is counted twice: the copies
 * are of the totals the shard already holds. Memory only: a restarted shard's
 * window starts at its restart (the answer says how far back it reaches).
 */
export const RECENT_TOTALS = {
  /** The families the view reads. */
  families: ["qingyu_http_requests_total", "qingyu_http_request_duration_seconds"] as readonly string[],
  /** One copy per this many ms at most (taken when a batch arrives). */
  stepMs: 15_000,
  /** Copies older than this are dropped: the longest window the view offers is 15 minutes. */
  keepMs: 16 * 60_000,
  /** The window the view uses when none is asked for, and the longest it allows, in minutes. */
  defaultMinutes: 5,
  maxMinutes: 15,
} as const;

/** Totals now and at the start of a window, from one shard. */
export interface TotalsWindow {
  /** When the copy was taken (epoch ms): the window's real start, later than asked when the shard is younger. */
  since: number;
  now: number;
  then: Sample[];
  current: Sample[];
}

const clone = (samples: Sample[]): Sample[] => samples.map((sample) => (sample.kind === "histogram" ? { ...sample, labels: [...sample.labels], buckets: [...sample.buckets] } : { ...sample, labels: [...sample.labels] }));

/** Copies of a shard's HTTP totals over time, oldest first. */
export class TotalsRing {
  readonly #copies: Array<{ at: number; samples: Sample[] }> = [];

  /** Takes a copy if the last one is a step old (or there is none), and drops copies past `keepMs`, keeping one older than it as a baseline. */
  record(now: number, totals: () => Sample[]): void {
    const last = this.#copies[this.#copies.length - 1];
    if (last && now - last.at < RECENT_TOTALS.stepMs) return;
    this.#copies.push({ at: now, samples: clone(totals().filter((sample) => RECENT_TOTALS.families.includes(sample.name))) });
    while (this.#copies.length > 2 && (this.#copies[1]?.at ?? now) <= now - RECENT_TOTALS.keepMs) this.#copies.shift();
  }

  /** The newest copy taken at or before `start` (or the oldest there is), with the current totals. */
  window(start: number, now: number, totals: Sample[]): TotalsWindow {
    let base = this.#copies[0];
    for (const copy of this.#copies) if (copy.at <= start) base = copy;
    const current = totals.filter((sample) => RECENT_TOTALS.families.includes(sample.name));
    return { since: base?.at ?? now, now, then: base?.samples ?? [], current };
  }
}
