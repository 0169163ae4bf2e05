import type { Redis } from "@upstash/redis/cloudflare";
import { dependencyCall } from "../lib/dependency";

/** Limits on failed logins, per account and per client IP, in one window. */
export interface LoginThrottleLimits {
  perAccount: number;
  perIp: number;
  windowSeconds: number;
}

const accountKey = (login: string) => `lf:acct:${login.toLowerCase()}`;
const ipKey = (ip: string) => `lf:ip:${ip}`;

/**
 * Counts failed logins in Redis with TTLs. Only failures count, so a user who
 * types the right password is never slowed down by their own successes.
 */
export function createLoginThrottle(redis: Redis, limits: LoginThrottleLimits) {
  return {
    /** Seconds to wait if either counter is at its limit, else 0. */
    retryAfter: (login: string, ip: string) => dependencyCall("redis", () => retryAfter(login, ip)),
    recordFailure: (login: string, ip: string) => dependencyCall("redis", () => recordFailure(login, ip)),
    clearAccount: (login: string) => dependencyCall("redis", async () => void (await redis.del(accountKey(login)))),
  };

  async function retryAfter(login: string, ip: string): Promise<number> {
    const [account, address] = await redis.mget<[number | null, number | null]>(accountKey(login), ipKey(ip));
    const blocked = [];
    if ((account ?? 0) >= limits.perAccount) blocked.push(accountKey(login));
    if ((address ?? 0) >= limits.perIp) blocked.push(ipKey(ip));
    if (blocked.length === 0) return 0;
    const ttls = await Promise.all(blocked.map((key) => redis.ttl(key)));
    return Math.max(1, ...ttls);
  }

  async function recordFailure(login: string, ip: string): Promise<void> {
    const pipeline = redis.multi();
    for (const key of [accountKey(login), ipKey(ip)]) {
      pipeline.incr(key);
      pipeline.expire(key, limits.windowSeconds, "NX");
    }
    await pipeline.exec();
  }
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
