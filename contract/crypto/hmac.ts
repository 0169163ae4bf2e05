/**
 * `sha256=<hex HMAC-SHA256(secret, raw body)>` signatures, as our quota
 * webhooks send and the payment provider's callbacks carry. One implementation
 * for both, so signing and verification can never drift apart.
 */
const encoder = new TextEncoder();
/** Spelled this way so the module also type-checks for Node (tests verify signatures with it). */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keys = new Map<string, Promise<HmacKey>>();

function hmacKey(secret: string): Promise<HmacKey> {
  // Importing a key costs more than the HMAC itself; a secret rarely changes, so keep its key.
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

/** The signature header value for a raw body. */
export async function signSha256Header(secret: string, rawBody: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(rawBody)));
  return `sha256=${Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** Verifies a signature header in constant time (WebCrypto's verify); false for any malformed header. */
export async function verifySha256Header(secret: string, rawBody: string, header: string | null | undefined): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match?.[1]) return false;
  const mac = new Uint8Array(match[1].match(/../g)?.map((pair) => parseInt(pair, 16)) ?? []);
  return crypto.subtle.verify("HMAC", await hmacKey(secret), mac, encoder.encode(rawBody));
}

/** The raw HMAC-SHA256 of a text (for values derived from a server secret, e.g. a refresh token's successor). */
export async function hmacSha256(secret: string, text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(text)));
}
