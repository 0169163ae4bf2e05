import type { Redis } from "@upstash/redis/cloudflare";
import { dependencyCall } from "../lib/dependency";
import { hmacSha256 } from "../../contract/crypto/hmac";
import type { Metrics } from "../metrics/api";
import { isolateMetrics } from "../metrics/isolate";
import { ACCESS_TOKEN_TTL_MAX_SECONDS } from "../../contract/runtime-config/auth-settings";
import { CREATE_SESSION, REVOKE_SESSIONS, ROTATE_REFRESH } from "./session-scripts";

/** Live and retired refresh-token hashes kept per session, each (README: "up to 16 retired token hashes"). */
const TOKEN_HASHES_KEPT = 16;

/** Until when a revocation of a session that never recorded its tokens' expiry must last (see session-scripts.ts). */
const legacyUntil = (now: number) => String(now + ACCESS_TOKEN_TTL_MAX_SECONDS * 1000);

/** A device session as listed to its owner. */
export interface SessionInfo {
  id: string;
  device: string;
  ip: string;
  createdAt: number;
  lastUsedAt: number;
}

/** Outcome of presenting a refresh token. */
export type RotateResult = { status: "ok"; userId: string } | { status: "reuse"; userId: string } | { status: "gone" } | { status: "unknown" };

/** How long session revocations must be remembered: until every access token of that session has expired. */
export interface SessionTimes {
  now: number;
  refreshTtlMs: number;
  accessTtlMs: number;
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A new refresh token: `<sid>.<256 random bits>`, opaque to clients. */
export function newRefreshToken(sid: string): string {
  return `${sid}.${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * The refresh token that replaces `token`: derived from it with a server
 * secret, so every presentation of one token within the reuse grace gets the
 * same successor (idempotent rotation) and unguessable without the secret.
 */
export async function successorRefreshToken(token: string, sid: string, secret: string): Promise<string> {
  return `${sid}.${base64url(await hmacSha256(secret, `refresh-successor:${token}`))}`;
}

/** The session id a refresh token claims to belong to, if it is well formed. */
export function sessionOfRefreshToken(token: string): string | undefined {
  const match = /^([0-9a-f-]{36})\.[\w-]{43}$/.exec(token);
  return match?.[1];
}

/** Only a hash of a refresh token is ever stored. */
export async function hashRefreshToken(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
  return base64url(digest);
}

/**
 * Sessions and refresh tokens in Redis; every write is one atomic script.
 * Each script also answers how many sessions are live in the whole system
 * (`sessions:live`, see session-scripts.ts), which sets
 * `qingyu_auth_active_sessions`: an exact count as of the latest session
 * change anywhere (a "newest wins" gauge), at no extra round trip.
 */
export function createSessionStore(redis: Redis, metrics: () => Metrics = isolateMetrics) {
  const counted = (live: unknown) => {
    const value = Number(live);
    if (Number.isFinite(value)) metrics().set("qingyu_auth_active_sessions", {}, value);
  };
  return {
    /** Creates a session; returns the ids of older sessions evicted past `maxSessions` (already revoked). */
    async create(
      input: { sid: string; userId: string; refreshHash: string; device: string; ip: string; maxSessions: number } & SessionTimes,
    ): Promise<string[]> {
      const [live, evicted] = await dependencyCall("redis", () =>
        redis.eval<string[], [number, string[]]>(
          CREATE_SESSION,
          [],
          [
            input.sid,
            input.userId,
            String(input.now),
            input.refreshHash,
            String(input.refreshTtlMs),
            input.device,
            input.ip,
            String(input.maxSessions),
            String(input.now + input.accessTtlMs),
            legacyUntil(input.now),
          ],
        ),
      );
      counted(live);
      return evicted.map(String);
    },

    /** Swaps a presented refresh token for its successor (derived from it by the caller, so repeats are idempotent), detecting reuse. */
    async rotate(input: { sid: string; presentedHash: string; newHash: string; graceMs: number } & SessionTimes): Promise<RotateResult> {
      const [status, userId, live] = await dependencyCall("redis", () =>
        redis.eval<string[], [string, string?, number?]>(
          ROTATE_REFRESH,
          [],
          [
            input.sid,
            input.presentedHash,
            input.newHash,
            String(input.now),
            String(input.graceMs),
            String(input.refreshTtlMs),
            String(input.now + input.accessTtlMs),
            legacyUntil(input.now),
            String(TOKEN_HASHES_KEPT),
          ],
        ),
      );
      if (live !== undefined) counted(live);
      if ((status === "ok" || status === "reuse") && userId) return { status, userId: String(userId) };
      return { status: status === "gone" ? "gone" : "unknown" };
    },

    /** Ends sessions (see REVOKE_SESSIONS for the modes) and blacklists `jti` if given; returns the ended session ids. */
    async revoke(
      input: { userId: string; mode: "own" | "one" | "all" | "others"; sid?: string; jti?: { id: string; expMs: number } } & Omit<SessionTimes, "refreshTtlMs">,
    ): Promise<string[]> {
      const [live, ended] = await dependencyCall("redis", () =>
        redis.eval<string[], [number, string[]]>(
          REVOKE_SESSIONS,
          [],
          [
            input.userId,
            input.mode,
            input.sid ?? "",
            String(input.now + input.accessTtlMs),
            String(input.now),
            input.jti?.id ?? "",
            String(input.jti?.expMs ?? 0),
            legacyUntil(input.now),
          ],
        ),
      );
      counted(live);
      return ended.map(String);
    },

    /** The user's live sessions, newest first. */
    list(userId: string): Promise<SessionInfo[]> {
      return dependencyCall("redis", () => listSessions(redis, userId));
    },
  };
}

async function listSessions(redis: Redis, userId: string): Promise<SessionInfo[]> {
  const sids = await redis.zrange<string[]>(`usess:${userId}`, 0, -1, { rev: true });
  if (sids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const sid of sids) pipeline.hmget(`sess:${sid}`, "created", "used", "device", "ip");
  const rows = await pipeline.exec<Array<Record<string, string | number | null> | null>>();
  const sessions: SessionInfo[] = [];
  sids.forEach((sid, index) => {
    const row = rows[index];
    if (!row || row.created === null || row.created === undefined) return;
    sessions.push({
      id: String(sid),
      createdAt: Number(row.created),
      lastUsedAt: Number(row.used),
      device: String(row.device ?? ""),
      ip: String(row.ip ?? ""),
    });
  });
  return sessions;
}

export type SessionStore = ReturnType<typeof createSessionStore>;
