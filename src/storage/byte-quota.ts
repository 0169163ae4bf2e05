/**
 * Each user's storage bytes, counted in Redis by one Lua script per change so
 * that concurrent uploads cannot together pass the quota: an upload reserves
 * its largest possible size before a byte goes to R2, settles to the real size
 * afterwards, and gives everything back if it fails.
 *
 * The counter is seeded from D1 (the sum of the user's stored files) the first
 * time it is needed, e.g. after Redis lost it; reservations in flight at that
 * moment are then forgotten, which can only let a user briefly exceed the quota
 * by what was in flight, never lose a stored file's charge for good.
 */
import type { Redis } from "@upstash/redis/cloudflare";

const key = (userId: string) => `storage:bytes:${userId}`;

/** KEYS: counter; ARGV: seed, amount, limit. Returns {1, used} when reserved, {0, used} when it would pass the limit. */
const RESERVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
local used = tonumber(redis.call('GET', KEYS[1]))
local amount = tonumber(ARGV[2])
if used + amount > tonumber(ARGV[3]) then return {0, used} end
return {1, redis.call('INCRBY', KEYS[1], amount)}
`;

/** KEYS: counter; ARGV: amount. Gives bytes back, never below zero; a missing counter stays missing (it is reseeded from D1). */
const RELEASE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local left = redis.call('DECRBY', KEYS[1], ARGV[1])
if left < 0 then redis.call('SET', KEYS[1], 0) return 0 end
return left
`;

export interface ByteQuota {
  /** Reserves `amount` bytes if `used + amount <= limit`; `seed` loads the stored total when the counter is missing. */
  reserve(userId: string, amount: number, limit: number, seed: () => Promise<number>): Promise<{ reserved: boolean; usedBytes: number }>;
  /** Gives `amount` reserved or stored bytes back. */
  release(userId: string, amount: number): Promise<void>;
  /** The counted bytes (stored plus reserved), or undefined when not yet seeded. */
  used(userId: string): Promise<number | undefined>;
}

export function createByteQuota(redis: Redis): ByteQuota {
  return {
    async reserve(userId, amount, limit, seed) {
      // The seed is read only when the counter is missing: one EXISTS first keeps D1 off the common path.
      const seeded = (await redis.exists(key(userId))) === 1 ? 0 : await seed();
      const [reserved, used] = await redis.eval<string[], [number, number]>(RESERVE, [key(userId)], [String(seeded), String(amount), String(limit)]);
      return { reserved: reserved === 1, usedBytes: Number(used) };
    },
    async release(userId, amount) {
      if (amount > 0) await redis.eval(RELEASE, [key(userId)], [String(amount)]);
    },
    async used(userId) {
      const value = await redis.get<number | string>(key(userId));
      return value === null ? undefined : Number(value);
    },
  };
}
