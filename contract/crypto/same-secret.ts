/**
 * Constant-time comparison of a presented secret with the configured one.
 *
 * Synchronous on purpose: the earlier SHA-256-digest comparison cost two
 * `crypto.subtle.digest` calls and an await on every service-token request
 * (about 4 % of a no-op RPC route's isolate time, profile 2026-12-02).
 * The loop always runs over the whole expected secret and reads the given text
 * only for its own length, so the time taken depends on neither how much of the
 * given text matches nor the secret's content; lengths differing is folded into
 * the result, not an early return (which would leak the secret's length).
 *
 * @example if (!sameSecret(bearerToken(header), config.AI_SERVICE_TOKEN)) throw new ApiError("UNAUTHORIZED");
 */
export function sameSecret(given: string, expected: string): boolean {
  let difference = given.length ^ expected.length;
  for (let index = 0; index < expected.length; index++) {
    difference |= expected.charCodeAt(index) ^ (index < given.length ? given.charCodeAt(index) : 0);
  }
  return difference === 0;
}
