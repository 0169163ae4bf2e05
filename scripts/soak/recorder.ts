/** Counts every answer of the soak by class and keeps ordinary traffic's latencies per phase. */

export type Phase = "baseline" | "attack";

export interface ClassCounts {
  requests: number;
  byStatus: Record<string, number>;
}

export class Recorder {
  phase: Phase = "baseline";
  readonly classes: Record<string, ClassCounts> = {};
  readonly latencies: Record<Phase, number[]> = { baseline: [], attack: [] };
  serverErrors: Array<{ class: string; status: number; path: string; body: string }> = [];
  /** What every loop is waiting on right now, so a soak that stalls can say where. */
  readonly waiting = new Map<number, { what: string; since: number }>();
  #nextWait = 0;

  /** Marks the start of something a loop awaits; call the returned function when it settles. */
  begin(what: string): () => void {
    const id = this.#nextWait++;
    this.waiting.set(id, { what, since: Date.now() });
    return () => void this.waiting.delete(id);
  }

  /** One answer; `status` 0 is no answer at all (a network error or a timeout). */
  record(className: string, status: number, path: string, latencyMs: number, body = ""): void {
    const counts = (this.classes[className] ??= { requests: 0, byStatus: {} });
    counts.requests += 1;
    counts.byStatus[String(status)] = (counts.byStatus[String(status)] ?? 0) + 1;
    if (className.startsWith("ordinary:")) this.latencies[this.phase].push(latencyMs);
    if (status >= 500 && this.serverErrors.length < 20) this.serverErrors.push({ class: className, status, path, body: body.slice(0, 300) });
  }

  get total5xx(): number {
    let count = 0;
    for (const counts of Object.values(this.classes)) for (const [status, n] of Object.entries(counts.byStatus)) if (Number(status) >= 500) count += n;
    return count;
  }
}

/** The q-quantile (0..1) of a list of numbers, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/**
 * Sends one request and records it under `className`. Never throws: the
 * answer (or status 0) comes back for the caller to act on.
 */
export async function timed(
  recorder: Recorder,
  className: string,
  url: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
  timeoutMs = 15_000,
): Promise<{ status: number; body: { code?: number; data?: unknown } | null; headers: Headers | null; text: string }> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  if (init.token !== undefined) headers.set("Authorization", `Bearer ${init.token}`);
  const startedAt = performance.now();
  const path = new URL(url).pathname;
  const settled = recorder.begin(`${className} ${init.method ?? "GET"} ${path}`);
  try {
    const response = await fetch(url, {
      ...init,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    recorder.record(className, response.status, path, performance.now() - startedAt, text);
    let body = null;
    try {
      body = JSON.parse(text) as { code?: number; data?: unknown };
    } catch {
      // Not an envelope (should not happen); the status is recorded either way.
    }
    return { status: response.status, body, headers: response.headers, text };
  } catch (error) {
    recorder.record(className, 0, path, performance.now() - startedAt, String(error));
    return { status: 0, body: null, headers: null, text: "" };
  } finally {
    settled();
  }
}
