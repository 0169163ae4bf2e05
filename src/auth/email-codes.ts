/**
 * Email codes: six digits, stored in Redis only as an HMAC (keyed with the
 * JWT signing secret under its own label), valid `ttlSeconds`, at most
 * `maxAttempts` wrong tries, one per address per `resendSeconds`, used once.
 * Each check is one Lua script, so two guesses at once cannot both pass nor
 * both escape the try counter.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { signSha256Header } from "../../contract/crypto/hmac";
import type { EmailCodePurpose } from "../messaging/messages";
import type { AuthSettings } from "../../contract/runtime-config/auth-settings";

const codeKey = (purpose: EmailCodePurpose, email: string) => `email-code:${purpose}:${email}`;
const cooldownKey = (email: string) => `email-code-cooldown:${email}`;

/** KEYS: code; ARGV: candidate hash, max attempts. */
const VERIFY = `
local stored = redis.call('HGET', KEYS[1], 'h')
if not stored then return 'missing' end
local max = tonumber(ARGV[2])
if tonumber(redis.call('HGET', KEYS[1], 't') or '0') >= max then return 'locked' end
if stored == ARGV[1] then redis.call('DEL', KEYS[1]) return 'ok' end
if redis.call('HINCRBY', KEYS[1], 't', 1) >= max then return 'locked' end
return 'wrong'
`;

export type CodeCheck = "ok" | "wrong" | "locked" | "missing";

/** A uniformly random six-digit code (rejection sampling: no digit is likelier than another). */
export function newEmailCode(): string {
  for (;;) {
    const value = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
    if (value < 4_294_000_000) return String(value % 1_000_000).padStart(6, "0");
  }
}

export function createEmailCodes(redis: Redis, secret: string) {
  const hash = async (purpose: EmailCodePurpose, email: string, code: string) => signSha256Header(secret, `email-code\u0000${purpose}\u0000${email}\u0000${code}`);
  return {
    /**
     * Starts the per-address cooldown; returns the seconds left when one is running
     * (then no new code is made), else 0.
     */
    async claimCooldown(email: string, settings: AuthSettings["emailCode"]): Promise<number> {
      const set = await redis.set(cooldownKey(email), "1", { nx: true, ex: settings.resendSeconds });
      if (set === "OK") return 0;
      return Math.max(1, await redis.ttl(cooldownKey(email)));
    },
    /** Stores a new code for the address and purpose (replacing an older one and its try count). */
    async store(purpose: EmailCodePurpose, email: string, code: string, settings: AuthSettings["emailCode"]): Promise<void> {
      const key = codeKey(purpose, email);
      const pipeline = redis.multi();
      pipeline.del(key);
      pipeline.hset(key, { h: await hash(purpose, email, code), t: 0 });
      pipeline.expire(key, settings.ttlSeconds);
      await pipeline.exec();
    },
    /** Checks a code; `ok` consumes it. */
    async check(purpose: EmailCodePurpose, email: string, code: string, settings: AuthSettings["emailCode"]): Promise<CodeCheck> {
      if (!/^\d{6}$/.test(code)) {
        // A malformed code still counts as a try, so the shape is no side channel.
        return redis.eval<string[], CodeCheck>(VERIFY, [codeKey(purpose, email)], ["-", String(settings.maxAttempts)]);
      }
      return redis.eval<string[], CodeCheck>(VERIFY, [codeKey(purpose, email)], [await hash(purpose, email, code), String(settings.maxAttempts)]);
    },
  };
}

export type EmailCodes = ReturnType<typeof createEmailCodes>;
