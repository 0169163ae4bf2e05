import type { Redis } from "@upstash/redis/cloudflare";

/**
 * The isolate's copy of recent revocations. Revocations are appended to the
 * Redis sorted set `revocations` (scored by a Redis sequence); each isolate
 * pulls what is newer than its cursor at most every `intervalMs` and then
 * checks tokens in memory, so authenticated requests do not pay a Redis round
 * trip each. Bound: a revocation is seen everywhere within `intervalMs` plus one
 * round trip (README: "within 1 second").
 */
export class RevocationCache {
  private readonly sessions = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private cursor = 0;
  private syncing: Promise<boolean> | undefined;
  /** Epoch ms of the last successful sync (0: never). */
  lastSyncedAt = 0;
  private lastAttemptAt = 0;

  /** Applies a revocation made by this isolate at once, before any sync. */
  add(kind: "session" | "token", id: string, untilMs: number): void {
    (kind === "session" ? this.sessions : this.tokens).set(id, untilMs);
  }

  isRevoked(sid: string, jti: string, now = Date.now()): boolean {
    const sessionUntil = this.sessions.get(sid);
    if (sessionUntil !== undefined && sessionUntil >= now) return true;
    const tokenUntil = this.tokens.get(jti);
    return tokenUntil !== undefined && tokenUntil >= now;
  }

  /**
   * Makes sure the copy is at most `intervalMs` old: young enough → nothing;
   * past half the interval → a background pull (via `background`); past the
   * interval → waits for a pull. Returns whether the copy is now fresh. After a
   * failed pull it does not retry for `intervalMs`, so an outage costs one
   * failed round trip per interval, not one per request.
   */
  async ensureFresh(redis: Redis, intervalMs: number, background: (promise: Promise<unknown>) => void, now = Date.now()): Promise<boolean> {
    const age = now - this.lastSyncedAt;
    if (age < intervalMs / 2) return true;
    if (age < intervalMs) {
      if (!this.syncing) background(this.sync(redis));
      return true;
    }
    if (!this.syncing && now - this.lastAttemptAt < intervalMs) return false;
    return this.sync(redis);
  }

  /** Pulls every revocation after the cursor (shared by concurrent callers), with the caller's client. */
  sync(redis: Redis): Promise<boolean> {
    this.syncing ??= this.pull(redis).finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async pull(redis: Redis): Promise<boolean> {
    const startedAt = Date.now();
    this.lastAttemptAt = startedAt;
    try {
      for (;;) {
        const page = await redis.zrange<Array<string | number>>("revocations", `(${this.cursor}`, "+inf", {
          byScore: true,
          withScores: true,
          offset: 0,
          count: 1000,
        });
        for (let index = 0; index + 1 < page.length; index += 2) {
          this.apply(String(page[index]));
          this.cursor = Math.max(this.cursor, Number(page[index + 1]));
        }
        if (page.length < 2000) break;
      }
      this.prune(startedAt);
      this.lastSyncedAt = startedAt;
      return true;
    } catch {
      return false;
    }
  }

  private apply(member: string): void {
    const [kind, id, until] = member.split("|");
    const untilMs = Number(until);
    if (!id || !Number.isFinite(untilMs)) return;
    if (kind === "s") this.sessions.set(id, untilMs);
    else if (kind === "j") this.tokens.set(id, untilMs);
  }

  private prune(now: number): void {
    for (const map of [this.sessions, this.tokens]) {
      if (map.size < 512) continue;
      for (const [id, until] of map) if (until < now) map.delete(id);
    }
  }
}

const caches = new Map<string, RevocationCache>();

/** One cache per isolate and Redis database (its REST URL). */
export function revocationCacheFor(endpoint: string): RevocationCache {
  let cache = caches.get(endpoint);
  if (!cache) {
    cache = new RevocationCache();
    caches.set(endpoint, cache);
  }
  return cache;
}
