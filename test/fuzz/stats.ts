/** Counts of what a fuzz run sent and got back, for the summary line and the report. */
export class FuzzStats {
  requests = 0;
  valid = 0;
  private readonly statuses = new Map<number, number>();
  private readonly perOperation = new Map<string, number>();
  readonly notes = new Set<string>();
  private readonly started = Date.now();

  private readonly milliseconds = new Map<string, number>();
  private readonly successes = new Map<string, number>();

  /** Records one exchange. */
  record(operation: string, status: number, valid: boolean, ms: number): void {
    this.milliseconds.set(operation, (this.milliseconds.get(operation) ?? 0) + ms);
    if (status >= 200 && status < 300) this.successes.set(operation, (this.successes.get(operation) ?? 0) + 1);
    this.requests += 1;
    if (valid) this.valid += 1;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.perOperation.set(operation, (this.perOperation.get(operation) ?? 0) + 1);
  }

  /** Requests sent for one operation. */
  sentFor(operation: string): number {
    return this.perOperation.get(operation) ?? 0;
  }

  /** Operations that never answered 2xx: their success path went untested (a generator to teach, or a route that cannot succeed). */
  neverSucceeded(): string[] {
    return [...this.perOperation.keys()].filter((operation) => !this.successes.has(operation)).sort();
  }

  /** One paragraph: totals, time, rate, statuses. */
  summary(seed: number): string {
    const seconds = (Date.now() - this.started) / 1000;
    const statuses = [...this.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}×${count}`)
      .join(" ");
    const slowest = [...this.milliseconds.entries()]
      .sort(([, a], [, b]) => b - a)
      .slice(0, 3)
      .map(([operation, ms]) => `${operation} ${(ms / 1000).toFixed(1)} s`)
      .join(", ");
    return `[fuzz] seed ${seed}: ${this.requests} requests (${this.valid} valid) over ${this.perOperation.size} operations in ${seconds.toFixed(1)} s (${(this.requests / seconds).toFixed(0)} req/s); statuses ${statuses}; slowest: ${slowest}`;
  }
}
