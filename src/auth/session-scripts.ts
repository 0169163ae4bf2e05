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
local function end_session(sid, uid, untilMs)
  redis.call('DEL', 'sess:' .. sid)
  redis.call('ZREM', 'usess:' .. uid, sid)
  redis.call('ZREM', 'sessions:live', sid)
  revoke('s|' .. sid .. '|' .. untilMs)
end
local function live_sessions(now)
  redis.call('ZREMRANGEBYSCORE', 'sessions:live', '-inf', now)
  return redis.call('ZCARD', 'sessions:live')
end
`;

/** ARGV: sid, uid, now, refreshHash, refreshTtlMs, device, ip, maxSessions, revokeUntil → {live sessions, evicted sids}. */
export const CREATE_SESSION = `${COMMON}
local sid, uid, now, rtHash = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local ttl, maxSessions, revokeUntil = tonumber(ARGV[5]), tonumber(ARGV[8]), ARGV[9]
local key = 'sess:' .. sid
redis.call('HSET', key, 'uid', uid, 'created', now, 'used', now, 'device', ARGV[6], 'ip', ARGV[7], 'rt:' .. rtHash, now + ttl)
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
    end_session(victim, uid, revokeUntil)
    table.insert(evicted, victim)
  end
end
redis.call('PEXPIRE', ukey, ttl)
trim(now)
return {live_sessions(now), evicted}
`;

/**
 * ARGV: sid, presentedHash, newHash, now, graceMs, refreshTtlMs, revokeUntil
 * → {'ok', uid, live sessions} | {'reuse', uid, live sessions} | {'gone'} | {'unknown'}.
 * The presented token stays valid for the grace window only (two tabs refreshing
 * at once both succeed); presenting it after that, or presenting a retired one,
 * is reuse and ends the session.
 */
export const ROTATE_REFRESH = `${COMMON}
local sid, presented, newHash = ARGV[1], ARGV[2], ARGV[3]
local now, grace, ttl, revokeUntil = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local key = 'sess:' .. sid
if redis.call('EXISTS', key) == 0 then return {'gone'} end
local uid = redis.call('HGET', key, 'uid')
local validUntil = redis.call('HGET', key, 'rt:' .. presented)
if not validUntil then
  if redis.call('HEXISTS', key, 'rx:' .. presented) == 1 then end_session(sid, uid, revokeUntil); return {'reuse', uid, live_sessions(now)} end
  return {'unknown'}
end
if tonumber(validUntil) < now then end_session(sid, uid, revokeUntil); return {'reuse', uid, live_sessions(now)} end
redis.call('HSET', key, 'rt:' .. presented, math.min(tonumber(validUntil), now + grace), 'rt:' .. newHash, now + ttl, 'used', now)
local fields = redis.call('HGETALL', key)
local retired = {}
for i = 1, #fields, 2 do
  local field, value = fields[i], fields[i + 1]
  if string.sub(field, 1, 3) == 'rt:' and tonumber(value) < now then
    redis.call('HDEL', key, field)
    redis.call('HSET', key, 'rx:' .. string.sub(field, 4), now)
  elseif string.sub(field, 1, 3) == 'rx:' then
    table.insert(retired, {field, tonumber(value)})
  end
end
if #retired > 16 then
  table.sort(retired, function(a, b) return a[2] < b[2] end)
  for i = 1, #retired - 16 do redis.call('HDEL', key, retired[i][1]) end
end
redis.call('PEXPIRE', key, ttl)
redis.call('PEXPIRE', 'usess:' .. uid, ttl)
redis.call('ZADD', 'sessions:live', 'XX', now + ttl, sid)
return {'ok', uid, live_sessions(now)}
`;

/**
 * ARGV: uid, mode ('own' | 'one' | 'all' | 'others'), sid, revokeUntil, now, jti, jtiExpMs
 * → {live sessions, the ids of the sessions ended}. 'own' ends the caller's session without an
 * ownership check (its sid came from a verified token); 'one' only ends a
 * session that belongs to uid; 'others' keeps sid. A jti is blacklisted too.
 */
export const REVOKE_SESSIONS = `${COMMON}
local uid, mode, sid, revokeUntil, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local jti, jtiExp = ARGV[6], tonumber(ARGV[7])
if jti ~= '' and jtiExp > now then
  redis.call('SET', 'bl:jti:' .. jti, '1', 'PX', jtiExp - now)
  revoke('j|' .. jti .. '|' .. jtiExp)
end
local ended = {}
if mode == 'own' then
  end_session(sid, uid, revokeUntil)
  table.insert(ended, sid)
elseif mode == 'one' then
  if redis.call('ZSCORE', 'usess:' .. uid, sid) then end_session(sid, uid, revokeUntil); table.insert(ended, sid) end
else
  for _, other in ipairs(redis.call('ZRANGE', 'usess:' .. uid, 0, -1)) do
    if mode == 'all' or other ~= sid then end_session(other, uid, revokeUntil); table.insert(ended, other) end
  end
end
trim(now)
return {live_sessions(now), ended}
`;
