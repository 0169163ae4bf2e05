/**
 * Lua scripts for sessions, run atomically in Redis (one round trip each).
 * Keys: `sess:{sid}` hash (uid, created, used, device, ip, `rt:{hash}` = valid
 * until ms, `rx:{hash}` = retired at ms), `usess:{uid}` sorted set of sids by
 * creation, `revocations` sorted set scored by a Redis-side sequence (so every
 * isolate can pull "everything after my cursor" without clock skew), and
 * `bl:jti:{jti}` blacklist keys that expire with the token, and `sessions:live`,
 * every live session scored by when it expires (kept with the hash's own
 * expiry), so each script can answer how many sessions are active right now
 * (`qingyu_auth_active_sessions`) without a scan or another round trip.
 * `texp` in the session hash is the latest `exp` (ms) of any access token issued
 * for it: a session's revocation entry lives at least that long, so raising the
 * access-token lifetime after a revocation made under a lower one cannot bring
 * a revoked token back. Sessions written before `texp` existed fall back to the
 * longest lifetime the schema allows (`legacyUntil`).
 * Plain EVAL without a `#!lua` shebang: Redis 7.0 rejects the flags line.
 */

const COMMON = `
local function revoke(member)
  local seq = redis.call('INCR', 'revocations:seq')
  redis.call('ZADD', 'revocations', seq, member)
end
local function trim(now)
  local oldest = redis.call('ZRANGE', 'revocations', 0, 49)
  for _, member in ipairs(oldest) do
    local untilMs = tonumber(string.match(member, '|(%d+)$'))
    if untilMs and untilMs < now then redis.call('ZREM', 'revocations', member) end
  end
end
-- Ends a live session once: an already-ended one adds nothing, so replaying a
-- logout cannot grow the revocation set. The member is deterministic (sid and
-- the session's own token expiry), never "now + lifetime".
local function end_session(sid, uid, untilMs, legacyUntil)
  local key = 'sess:' .. sid
  local texp = redis.call('HGET', key, 'texp')
  if redis.call('DEL', key) == 0 then
    redis.call('ZREM', 'usess:' .. uid, sid)
    return false
  end
  redis.call('ZREM', 'usess:' .. uid, sid)
  redis.call('ZREM', 'sessions:live', sid)
  local covered = tonumber(texp) or tonumber(legacyUntil)
  revoke('s|' .. sid .. '|' .. math.max(tonumber(untilMs), covered))
  return true
end
local function live_sessions(now)
  redis.call('ZREMRANGEBYSCORE', 'sessions:live', '-inf', now)
  return redis.call('ZCARD', 'sessions:live')
end
`;

/**
 * ARGV: sid, uid, now, refreshHash, refreshTtlMs, device, ip, maxSessions, revokeUntil (= the new
 * access token's exp), legacyUntil → {live sessions, evicted sids}.
 */
export const CREATE_SESSION = `${COMMON}
local sid, uid, now, rtHash = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local ttl, maxSessions, revokeUntil, legacyUntil = tonumber(ARGV[5]), tonumber(ARGV[8]), ARGV[9], ARGV[10]
local key = 'sess:' .. sid
redis.call('HSET', key, 'uid', uid, 'created', now, 'used', now, 'device', ARGV[6], 'ip', ARGV[7], 'rt:' .. rtHash, now + ttl, 'texp', revokeUntil)
redis.call('PEXPIRE', key, ttl)
redis.call('ZADD', 'sessions:live', now + ttl, sid)
local ukey = 'usess:' .. uid
redis.call('ZADD', ukey, now, sid)
for _, other in ipairs(redis.call('ZRANGE', ukey, 0, -1)) do
  if redis.call('EXISTS', 'sess:' .. other) == 0 then redis.call('ZREM', ukey, other) end
end
local evicted = {}
local count = redis.call('ZCARD', ukey)
if count > maxSessions then
  for _, victim in ipairs(redis.call('ZRANGE', ukey, 0, count - maxSessions - 1)) do
    if end_session(victim, uid, revokeUntil, legacyUntil) then table.insert(evicted, victim) end
  end
end
redis.call('PEXPIRE', ukey, ttl)
trim(now)
return {live_sessions(now), evicted}
`;

/**
 * ARGV: sid, presentedHash, successorHash, now, graceMs, refreshTtlMs, revokeUntil, legacyUntil, maxTokenFields
 * → {'ok', uid, live sessions} | {'reuse', uid, live sessions} | {'gone'} | {'unknown'}.
 * The presented token stays valid for the grace window only (two tabs refreshing
 * at once both succeed); presenting it after that, or presenting a retired one,
 * is reuse and ends the session. The successor is derived from the presented
 * token (auth-service), so every presentation within the grace gets the same
 * successor and writes the same field: rotation is idempotent, and the hash
 * stays bounded (at most `maxTokenFields` live and as many retired hashes).
 * A presentation whose successor is already retired is refused ('unknown').
 */
export const ROTATE_REFRESH = `${COMMON}
local sid, presented, newHash = ARGV[1], ARGV[2], ARGV[3]
local now, grace, ttl, revokeUntil, legacyUntil = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
local maxFields = tonumber(ARGV[9])
local key = 'sess:' .. sid
if redis.call('EXISTS', key) == 0 then return {'gone'} end
local uid = redis.call('HGET', key, 'uid')
local validUntil = redis.call('HGET', key, 'rt:' .. presented)
if not validUntil then
  if redis.call('HEXISTS', key, 'rx:' .. presented) == 1 then end_session(sid, uid, revokeUntil, legacyUntil); return {'reuse', uid, live_sessions(now)} end
  return {'unknown'}
end
if tonumber(validUntil) < now then end_session(sid, uid, revokeUntil, legacyUntil); return {'reuse', uid, live_sessions(now)} end
if redis.call('HEXISTS', key, 'rx:' .. newHash) == 1 then return {'unknown'} end
redis.call('HSET', key, 'rt:' .. presented, math.min(tonumber(validUntil), now + grace), 'used', now)
redis.call('HSETNX', key, 'rt:' .. newHash, now + ttl)
local texp = tonumber(redis.call('HGET', key, 'texp')) or 0
redis.call('HSET', key, 'texp', math.max(texp, tonumber(revokeUntil)))
local fields = redis.call('HGETALL', key)
local live, retired = {}, {}
local function retire(field)
  redis.call('HDEL', key, field)
  redis.call('HSET', key, 'rx:' .. string.sub(field, 4), now)
  table.insert(retired, {'rx:' .. string.sub(field, 4), now})
end
for i = 1, #fields, 2 do
  local field, value = fields[i], fields[i + 1]
  if string.sub(field, 1, 3) == 'rt:' then
    if tonumber(value) < now then retire(field)
    elseif field ~= 'rt:' .. newHash then table.insert(live, {field, tonumber(value)}) end
  elseif string.sub(field, 1, 3) == 'rx:' then
    table.insert(retired, {field, tonumber(value)})
  end
end
if #live > maxFields - 1 then
  table.sort(live, function(a, b) return a[2] < b[2] end)
  for i = 1, #live - (maxFields - 1) do retire(live[i][1]) end
end
if #retired > maxFields then
  table.sort(retired, function(a, b) return a[2] < b[2] end)
  for i = 1, #retired - maxFields do redis.call('HDEL', key, retired[i][1]) end
end
redis.call('PEXPIRE', key, ttl)
redis.call('PEXPIRE', 'usess:' .. uid, ttl)
redis.call('ZADD', 'sessions:live', 'XX', now + ttl, sid)
return {'ok', uid, live_sessions(now)}
`;

/**
 * ARGV: uid, mode ('own' | 'one' | 'all' | 'others'), sid, revokeUntil, now, jti, jtiExpMs, legacyUntil
 * → {live sessions, the ids of the sessions ended}. 'own' ends the caller's session without an
 * ownership check (its sid came from a verified token); 'one' only ends a
 * session that belongs to uid; 'others' keeps sid. A jti is blacklisted too,
 * once: a token already blacklisted (a replayed logout) adds nothing.
 */
export const REVOKE_SESSIONS = `${COMMON}
local uid, mode, sid, revokeUntil, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local jti, jtiExp, legacyUntil = ARGV[6], tonumber(ARGV[7]), ARGV[8]
if jti ~= '' and jtiExp > now then
  if redis.call('SET', 'bl:jti:' .. jti, '1', 'PX', jtiExp - now, 'NX') then revoke('j|' .. jti .. '|' .. jtiExp) end
end
local ended = {}
if mode == 'own' then
  if end_session(sid, uid, revokeUntil, legacyUntil) then table.insert(ended, sid) end
elseif mode == 'one' then
  if redis.call('ZSCORE', 'usess:' .. uid, sid) and end_session(sid, uid, revokeUntil, legacyUntil) then table.insert(ended, sid) end
else
  for _, other in ipairs(redis.call('ZRANGE', 'usess:' .. uid, 0, -1)) do
    if (mode == 'all' or other ~= sid) and end_session(other, uid, revokeUntil, legacyUntil) then table.insert(ended, other) end
  end
end
trim(now)
return {live_sessions(now), ended}
`;
