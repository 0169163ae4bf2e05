/**
 * Access tokens that are wrong in exactly one way (expired, wrong issuer, alg
 * none...), made from a real token's claims with the test stack's signing key
 * (the dev key in `.dev.vars.example`), so each reaches one branch of the
 * verifier.
 */
import { decodeJwt, decodeProtectedHeader, SignJWT, type JWTPayload } from "jose";
import { readEnvFile } from "../../dev/env-file.ts";
import { ROOT } from "../../dev/stack.ts";

/** The one-thing-wrong token kinds. */
export const FORGED_VARIANTS = ["expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "unknown-kid", "wrong-key", "alg-none", "not-access"] as const;
export type ForgedVariant = (typeof FORGED_VARIANTS)[number];

const encoder = new TextEncoder();
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The first `kid:secret` pair of the test stacks' JWT_KEYS. */
async function signingKey(): Promise<{ kid: string; secret: string }> {
  const vars = await readEnvFile(`${ROOT}/.dev.vars.example`);
  const [first] = (vars.JWT_KEYS ?? "").split(",");
  const colon = first?.indexOf(":") ?? -1;
  if (!first || colon <= 0) throw new Error("JWT_KEYS missing from .dev.vars.example");
  return { kid: first.slice(0, colon), secret: first.slice(colon + 1) };
}

async function sign(claims: JWTPayload, kid: string, secret: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid, typ: "JWT" }).sign(encoder.encode(secret));
}

/** Every forged variant of `token` (a real access token), keyed by variant. */
export async function forgeTokens(token: string): Promise<Record<ForgedVariant, string>> {
  const { kid, secret } = await signingKey();
  const claims = decodeJwt(token);
  const header = decodeProtectedHeader(token);
  const now = Math.floor(Date.now() / 1000);
  const fresh = { ...claims, jti: crypto.randomUUID(), iat: now, nbf: now, exp: now + 3600 };
  return {
    expired: await sign({ ...fresh, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }, kid, secret),
    "not-yet-valid": await sign({ ...fresh, nbf: now + 3600, exp: now + 7200 }, kid, secret),
    "wrong-issuer": await sign({ ...fresh, iss: "someone-else" }, kid, secret),
    "wrong-audience": await sign({ ...fresh, aud: "someone-else" }, kid, secret),
    "unknown-kid": await sign(fresh, "no-such-kid", secret),
    "wrong-key": await sign(fresh, header.kid ?? kid, "a-different-secret-of-at-least-32-characters"),
    "alg-none": `${base64url({ alg: "none", typ: "JWT", kid })}.${base64url(fresh)}.`,
    "not-access": await sign({ ...fresh, token_type: "refresh" }, kid, secret),
  };
}
