/**
 * An object's one alarm, shared by everything that needs the object woken
 * later (resets, reservation expiry, outbox retries, balance reports). It
 * remembers the time it last set, so the hot path never reads the alarm back
 * from storage, and only ever moves the alarm earlier between wake-ups.
 */
export class AlarmScheduler {
  /** The alarm time this object last set (null: none). */
  private at: number | null = null;

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Reads the stored alarm after (re)construction; call inside `blockConcurrencyWhile`. */
  async load(): Promise<number | null> {
    this.at = await this.storage.getAlarm();
    return this.at;
  }

  /** The alarm this object last set, or null. */
  get scheduledAt(): number | null {
    return this.at;
  }

  /**
   * Makes sure the alarm runs by `at`. Not awaited: the output gate holds the
   * reply until the alarm is durable, like any write.
   */
  runBy(at: number): void {
    if (this.at !== null && this.at <= at) return;
    this.at = at;
    this.storage.setAlarm(at).catch(() => {
      this.at = null;
    });
  }

  /** Call first thing in `alarm()`: that alarm is spent, and anything scheduled while it runs sets a new one. */
  fired(): void {
    this.at = null;
  }

  /** At the end of `alarm()`: sleep until `next`, or clear the alarm when nothing is due. */
  async sleepUntil(next: number | null): Promise<void> {
    if (next === null) {
      await this.storage.deleteAlarm();
      return;
    }
    this.at = next;
    await this.storage.setAlarm(next);
  }
}
