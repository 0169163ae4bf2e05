/**
 * The exporter's scrape-token check. It reuses the API's constant-time
 * comparison (`src/lib/same-secret.ts`): a pure function with no imports, so
 * the exporter bundles it without pulling in any of the API Worker (as it
 * already does with `src/metrics/render.ts`). The time taken depends only on
 * the configured token's length, never on the header's length or content; the
 * earlier check returned early on a length mismatch, which told a caller the
 * token's length.
 */
import { sameSecret } from "../../contract/crypto/same-secret";

/** Whether an Authorization header is `Bearer <token>`. */
export function bearerMatches(header: string, token: string): boolean {
  return sameSecret(header, `Bearer ${token}`);
}
