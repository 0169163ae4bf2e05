import type { Redis } from "@upstash/redis/cloudflare";
import { dependencyCall } from "../lib/dependency";

/** Limits on failed logins, per account and per client IP, in one window (runtime config `auth.loginThrottle`). */
export interface LoginThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

const accountKey = (login: string) => `lf:acct:${login.toLowerCase()}`;
const ipKey = (ip: string) => `lf:ip:${ip}`;

/**
 * Counts failed logins in Redis with TTLs. Only failures count, so a user who
 * types the right password is never slowed down by their own successes. The
 * limits come with each call, from the runtime config the request sees.
 */
export function createLoginThrottle(redis: Redis) {
  return {
    /** Seconds to wait if either counter is at its limit, else 0. */
    retryAfter: (login: string, ip: string, limits: LoginThrottleLimits) => dependencyCall("redis", () => retryAfter(login, ip, limits)),
    recordFailure: (login: string, ip: string, limits: LoginThrottleLimits) => dependencyCall("redis", () => recordFailure(login, ip, limits)),
    clearAccount: (login: string) => dependencyCall("redis", async () => void (await redis.del(accountKey(login)))),
  };

  async function retryAfter(login: string, ip: string, limits: LoginThrottleLimits): Promise<number> {
    const [account, address] = await redis.mget<[number | null, number | null]>(accountKey(login), ipKey(ip));
    const blocked = [];
    if ((account ?? 0) >= limits.maxFailuresPerAccount) blocked.push(accountKey(login));
    if ((address ?? 0) >= limits.maxFailuresPerIp) blocked.push(ipKey(ip));
    if (blocked.length === 0) return 0;
    const ttls = await Promise.all(blocked.map((key) => redis.ttl(key)));
    return Math.max(1, ...ttls);
  }

  async function recordFailure(login: string, ip: string, limits: LoginThrottleLimits): Promise<void> {
    const pipeline = redis.multi();
    for (const key of [accountKey(login), ipKey(ip)]) {
      pipeline.incr(key);
      pipeline.expire(key, limits.windowSeconds, "NX");
    }
    await pipeline.exec();
  }
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
