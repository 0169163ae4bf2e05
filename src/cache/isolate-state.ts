/**
 * What the cache keeps per isolate: the single-flight table (one load per key
 * at a time), when Redis may be tried again after a failure, and invalidations
 * that could not reach Redis yet. Services are built per request, so this state
 * lives at module level, one per Redis database.
 */

/** A load in progress that later readers of the same key join. */
export interface Flight {
  promise: Promise<{ value: unknown; fromCache: boolean }>;
  tags: readonly string[];
}

/** Invalidations waiting for Redis: at most this many are remembered; past it the oldest are dropped (their entries still expire). */
export const MAX_PENDING_INVALIDATIONS = 1_000;

/** One isolate's cache state for one Redis database. */
export class CacheIsolateState {
  readonly flights = new Map<string, Flight>();
  /** Epoch ms before which Redis is not tried (0: try). */
  unavailableUntil = 0;
  readonly pendingKeys = new Set<string>();
  readonly pendingTags = new Set<string>();
  /** How many pending invalidations were dropped for space since the last report. */
  droppedInvalidations = 0;

  /** Forgets in-flight loads of these keys and of keys carrying these tags, so the next read starts afresh. */
  forgetFlights(keys: readonly string[], tags: readonly string[]): void {
    for (const key of keys) this.flights.delete(key);
    if (tags.length === 0) return;
    for (const [key, flight] of this.flights) if (flight.tags.some((tag) => tags.includes(tag))) this.flights.delete(key);
  }

  /** Remembers invalidations Redis did not take, to apply before this isolate reads Redis again. */
  queue(keys: readonly string[], tags: readonly string[]): void {
    const add = (set: Set<string>, item: string) => {
      set.delete(item);
      set.add(item);
      while (this.pendingKeys.size + this.pendingTags.size > MAX_PENDING_INVALIDATIONS) {
        const oldest = this.pendingKeys.values().next();
        if (!oldest.done) this.pendingKeys.delete(oldest.value);
        else {
          const oldestTag = this.pendingTags.values().next();
          if (oldestTag.done) break;
          this.pendingTags.delete(oldestTag.value);
        }
        this.droppedInvalidations += 1;
      }
    };
    for (const key of keys) add(this.pendingKeys, key);
    for (const tag of tags) add(this.pendingTags, tag);
  }

  /** Takes the pending invalidations out (to retry them). */
  takePending(): { keys: string[]; tags: string[] } {
    const pending = { keys: [...this.pendingKeys], tags: [...this.pendingTags] };
    this.pendingKeys.clear();
    this.pendingTags.clear();
    return pending;
  }
}

const states = new Map<string, CacheIsolateState>();

/** This isolate's state for the Redis database at `endpoint`. */
export function cacheIsolateState(endpoint: string): CacheIsolateState {
  let state = states.get(endpoint);
  if (!state) {
    state = new CacheIsolateState();
    states.set(endpoint, state);
  }
  return state;
}
