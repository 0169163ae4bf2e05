import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import type { EnvConfig } from "../config";
import { ApiError } from "../errors";
import type { Role } from "../users/user-store";
import type { AccessClaims } from "./access-claims";
import { cachedClaims, rememberClaims, timeProblem } from "./verified-tokens";

export type { AccessClaims } from "./access-claims";

/** The one algorithm we sign and accept; `alg: none` and everything else are refused. */
const ALGORITHM = "HS256";
const encoder = new TextEncoder();
const keyCache = new Map<string, CryptoKey>();

/** Imported HMAC keys are cached per isolate: importKey on every request would cost more than the verify. */
async function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keyCache.set(secret, key);
  }
  return key;
}

type TokenConfig = Pick<EnvConfig, "JWT_KEYS" | "JWT_ISSUER" | "JWT_AUDIENCE">;

/** Signs an access token with the first configured key, naming it in the `kid` header; it lives `ttlSeconds` (runtime config `auth.accessTokenTtlSeconds`). */
export async function signAccessToken(
  config: TokenConfig,
  subject: { userId: string; roles: Role[]; sid: string; mustChangePassword?: boolean },
  ttlSeconds: number,
  now = Date.now(),
): Promise<{ token: string; claims: AccessClaims }> {
  const [signing] = config.JWT_KEYS;
  if (!signing) throw new ApiError("INTERNAL", "no JWT signing key configured");
  const iat = Math.floor(now / 1000);
  const claims: AccessClaims = {
    sub: subject.userId,
    user_id: subject.userId,
    roles: subject.roles,
    sid: subject.sid,
    jti: crypto.randomUUID(),
    iat,
    nbf: iat,
    exp: iat + ttlSeconds,
    token_type: "access",
    ...(subject.mustChangePassword ? { pwd_change: true as const } : {}),
  };
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ALGORITHM, kid: signing.kid, typ: "JWT" })
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .sign(await hmacKey(signing.secret));
  return { token, claims };
}

function isAccessClaims(payload: JWTPayload): payload is JWTPayload & AccessClaims {
  return (
    payload.token_type === "access" &&
    typeof payload.sub === "string" &&
    payload.user_id === payload.sub &&
    typeof payload.sid === "string" &&
    typeof payload.jti === "string" &&
    Array.isArray(payload.roles) &&
    typeof payload.exp === "number" &&
    typeof payload.iat === "number"
  );
}

/**
 * Verifies signature (by `kid`), algorithm, issuer, audience, time claims and
 * token type. Failures become ApiErrors: 2007 expired or not yet valid, 2008
 * anything else. Revocation is checked separately (revocation.ts). A token this
 * isolate verified before under the same `config` only has its time claims
 * checked again (verified-tokens.ts); the claims returned are then shared and frozen.
 */
export async function verifyAccessToken(config: TokenConfig, token: string, now = Date.now()): Promise<Readonly<AccessClaims>> {
  const cached = cachedClaims(config, token);
  if (cached) {
    const problem = timeProblem(cached, Math.floor(now / 1000));
    if (problem) throw new ApiError("TOKEN_EXPIRED", problem);
    return cached;
  }
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = config.JWT_KEYS.find((candidate) => candidate.kid === header.kid);
        if (!key) throw new ApiError("TOKEN_INVALID", "token signed with an unknown key");
        return hmacKey(key.secret);
      },
      {
        algorithms: [ALGORITHM],
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        requiredClaims: ["exp", "nbf", "iat", "jti", "sub"],
        currentDate: new Date(now),
      },
    );
    if (!isAccessClaims(payload)) throw new ApiError("TOKEN_INVALID", "not an access token");
    return rememberClaims(config, token, payload);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof errors.JWTExpired) throw new ApiError("TOKEN_EXPIRED", "token expired");
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "nbf") throw new ApiError("TOKEN_EXPIRED", "token not yet valid");
    throw new ApiError("TOKEN_INVALID", "token invalid");
  }
}
