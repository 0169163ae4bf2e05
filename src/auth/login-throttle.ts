import type { Redis } from "@upstash/redis/cloudflare";
import { dependencyCall } from "../lib/dependency";

/** Limits on failed logins, per account and per client IP, in one window (runtime config `auth.loginThrottle`). */
export interface LoginThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

const accountKey = (account: string) => `lf:acct:${account}`;
const ipKey = (ip: string) => `lf:ip:${ip}`;

/**
 * Check and count in one step, before any password is hashed: an attempt is
 * counted as a failure up front, so N concurrent guesses cannot all read the
 * counters below the limit (the race of "read, hash, then increment").
 * KEYS: account, ip. ARGV: maxPerAccount, maxPerIp, windowSeconds → seconds to wait (0: admitted).
 */
const ADMIT = `
local account = tonumber(redis.call('GET', KEYS[1]) or '0')
local address = tonumber(redis.call('GET', KEYS[2]) or '0')
local blocked = false
local wait = 1
if account >= tonumber(ARGV[1]) then blocked = true; wait = math.max(wait, redis.call('TTL', KEYS[1])) end
if address >= tonumber(ARGV[2]) then blocked = true; wait = math.max(wait, redis.call('TTL', KEYS[2])) end
if blocked then return wait end
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[3], 'NX')
end
return 0
`;

/** A right password: the account's failures are forgiven and the attempt taken back from the IP's count. KEYS: account, ip. */
const SUCCEEDED = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1
`;

/**
 * Counts failed logins in Redis with TTLs, keyed by the account (its user id,
 * so the username and the email are one account) and by client IP. Only
 * failures count in the end: a success takes its attempt back. The limits come
 * with each call, from the runtime config the request sees.
 */
export function createLoginThrottle(redis: Redis) {
  return {
    /**
     * Admits one attempt (counting it) or answers the seconds to wait. `account`
     * is the user id, or the normalized login text when no such account exists.
     */
    admit: (account: string, ip: string, limits: LoginThrottleLimits) =>
      dependencyCall("redis", async () =>
        Number(
          await redis.eval<string[], number>(ADMIT, [accountKey(account), ipKey(ip)], [
            String(limits.maxFailuresPerAccount),
            String(limits.maxFailuresPerIp),
            String(limits.windowSeconds),
          ]),
        ),
      ),
    succeeded: (account: string, ip: string) => dependencyCall("redis", async () => void (await redis.eval(SUCCEEDED, [accountKey(account), ipKey(ip)], []))),
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
