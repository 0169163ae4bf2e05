/**
 * The cache's Redis layout and its Lua scripts. Each script is one atomic step,
 * so a fill can never land between an invalidation's version bump and its delete.
 *
 * Layout under `cache:`: `v:<key>` value, `lock:<key>` fill lock (SET NX PX),
 * `ver:<key>` key version, `tag:<tag>` set of keys carrying the tag,
 * `tagver:<tag>` tag version. A loader notes the versions of its key and tags
 * (its "stamp") when it takes the lock and stores its value only if the stamp is
 * unchanged, so a value read from the source before a write is never cached after
 * that write's invalidation.
 */

/** Prefix of every cache key in Redis. */
export const CACHE_PREFIX = "cache:";

/**
 * How long version counters outlive their last bump. A load that takes longer
 * than this could store a value older than an invalidation; no request lives
 * that long (Workers end a request's work well within it).
 */
export const VERSION_TTL_MS = 15 * 60_000;

/** Redis key names of one cache key. */
export function keyNames(key: string) {
  return { value: `${CACHE_PREFIX}v:${key}`, lock: `${CACHE_PREFIX}lock:${key}`, version: `${CACHE_PREFIX}ver:${key}` };
}

/** Redis key names of one tag. */
export function tagNames(tag: string) {
  return { version: `${CACHE_PREFIX}tagver:${tag}`, members: `${CACHE_PREFIX}tag:${tag}` };
}

/**
 * Takes the fill lock if free and returns `{acquired (1|0), stamp}`.
 * KEYS: lock, key version, tag versions…; ARGV: token, lock ms.
 */
export const LOCK = `
local stamp = redis.call('GET', KEYS[2]) or '0'
for i = 3, #KEYS do stamp = stamp .. '|' .. (redis.call('GET', KEYS[i]) or '0') end
local acquired = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
return {acquired, stamp}
`;

/**
 * Stores a loaded value if the stamp still holds, adds the key to its tag sets
 * (whose expiry never falls before the value's), and releases the lock if it is
 * still the caller's. Returns 1 when stored, 0 when an invalidation came first.
 * KEYS: value, key version, lock, tag versions… (n), tag sets… (n);
 * ARGV: stamp, payload, ttl ms, token, key, n.
 */
export const FILL = `
local n = tonumber(ARGV[6])
local stamp = redis.call('GET', KEYS[2]) or '0'
for i = 4, 3 + n do stamp = stamp .. '|' .. (redis.call('GET', KEYS[i]) or '0') end
if redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
if stamp ~= ARGV[1] then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
for i = 4 + n, 3 + 2 * n do
  redis.call('SADD', KEYS[i], ARGV[5])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
`;

/** Releases the lock if it is still the caller's (a failed load). KEYS: lock; ARGV: token. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * What a waiting reader sees: `[value or nil, lock held (1|0)]`. KEYS: value, lock.
 * A missing value with a free lock means the holder gave up; the reader stops waiting.
 */
export const PEEK = `
return {redis.call('GET', KEYS[1]) or false, redis.call('EXISTS', KEYS[2])}
`;

/**
 * Invalidates keys and tags. For a key: delete value and lock, bump its version.
 * For a tag: bump its version, then delete the value and lock of every key in its
 * set, and the set. Tag members are named by the set's contents, so they cannot be
 * declared in KEYS; the script relies on Upstash's default whole-database script
 * lock (it must never run with the allow-key-locking flag).
 * KEYS: (value, lock, version) per key…, (tag version, tag set) per tag…;
 * ARGV: prefix, version ttl ms, number of keys. Returns how many values were deleted.
 */
export const INVALIDATE = `
local prefix, ttl, k = ARGV[1], ARGV[2], tonumber(ARGV[3])
local deleted = 0
for i = 1, 3 * k, 3 do
  deleted = deleted + redis.call('DEL', KEYS[i])
  redis.call('DEL', KEYS[i + 1])
  redis.call('INCR', KEYS[i + 2])
  redis.call('PEXPIRE', KEYS[i + 2], ttl)
end
for i = 3 * k + 1, #KEYS, 2 do
  redis.call('INCR', KEYS[i])
  redis.call('PEXPIRE', KEYS[i], ttl)
  for _, member in ipairs(redis.call('SMEMBERS', KEYS[i + 1])) do
    deleted = deleted + redis.call('DEL', prefix .. 'v:' .. member)
    redis.call('DEL', prefix .. 'lock:' .. member)
  end
  redis.call('DEL', KEYS[i + 1])
end
return deleted
`;
