/**
 * Access tokens this isolate has already verified, so a client's next request
 * with the same token skips the signature and claim checks. The JWT checks
 * (three base64url decodes, JSON parses, an HMAC verify, claim validation) were
 * about a fifth of an authenticated no-op's isolate time in the bench's CPU
 * profile, and a client sends the same token for its whole lifetime.
 *
 * Why this is safe: an entry is keyed by the exact token text, and a signature
 * check is a pure function of that text and the key set, so the same text under
 * the same configuration verifies the same way every time. A forged or altered
 * token is different text and is verified in full. Only tokens that verified are
 * stored, so junk cannot fill the cache. Time is the one input that changes:
 * every hit checks `exp` and `nbf` again, the same way jose does. Revocation,
 * the lowered-lifetime check and roles stay per request in the auth middleware.
 * A cache belongs to one configuration object (keys, issuer, audience), so a
 * different key set never reads another's entries.
 */
import type { AccessClaims } from "./access-claims";

/** Entries per configuration: about 1 KB each (token text plus claims), so at most a few MB of the isolate's 128 MB. */
export const VERIFIED_TOKENS_MAX = 4096;

const caches = new WeakMap<object, Map<string, Readonly<AccessClaims>>>();

/** Why a cached token no longer passes on time alone (the message of its 2007 error); null while it is valid at `nowSeconds`. */
export function timeProblem(claims: Pick<AccessClaims, "exp" | "nbf">, nowSeconds: number): "token expired" | "token not yet valid" | null {
  // jose's rules with no clock tolerance: expired once now reaches exp; valid from nbf on.
  if (claims.exp <= nowSeconds) return "token expired";
  if (claims.nbf > nowSeconds) return "token not yet valid";
  return null;
}

/** The claims of `token` if this configuration verified it before (its time claims are the caller's to check). */
export function cachedClaims(config: object, token: string): Readonly<AccessClaims> | undefined {
  return caches.get(config)?.get(token);
}

/** Remembers a token that just verified; the oldest entry goes first when the cache is full. */
export function rememberClaims(config: object, token: string, claims: AccessClaims): Readonly<AccessClaims> {
  let cache = caches.get(config);
  if (!cache) {
    cache = new Map();
    caches.set(config, cache);
  }
  if (cache.size >= VERIFIED_TOKENS_MAX) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  // Frozen: every request sharing the entry gets the same object, and none may change it for the others.
  const frozen = Object.freeze({ ...claims, roles: Object.freeze([...claims.roles]) as AccessClaims["roles"] });
  cache.set(token, frozen);
  return frozen;
}

/** How many tokens a configuration holds (tests check the bound). */
export function verifiedTokenCount(config: object): number {
  return caches.get(config)?.size ?? 0;
}
