/**
 * Signed, expiring links to private files: `?expires=<epoch s>&sig=<hex
 * HMAC-SHA256(secret, "<key>:<expires>")>`, checked in constant time.
 */
import { signSha256Header, verifySha256Header } from "../../contract/crypto/hmac";

/** The query string that opens `key` until `expiresAt` (epoch seconds). */
export async function signFileQuery(secret: string, key: string, expiresAt: number): Promise<string> {
  const signature = (await signSha256Header(secret, `${key}:${expiresAt}`)).slice("sha256=".length);
  return `expires=${expiresAt}&sig=${signature}`;
}

/** True when `expires` lies in the future and `sig` signs it for `key`. */
export async function verifyFileQuery(secret: string, key: string, expires: string | undefined, sig: string | undefined, nowSeconds: number): Promise<boolean> {
  if (!expires || !sig || !/^\d{1,12}$/.test(expires) || Number(expires) < nowSeconds) return false;
  return verifySha256Header(secret, `${key}:${expires}`, `sha256=${sig}`);
}
