/**
 * The verified-token cache must never accept what a full verification would refuse:
 * time claims are checked on every hit, altered tokens and other key sets miss, and the cache stays bounded.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { ApiError } from "../errors";
import { forgeToken, testKey } from "../../test/workerd/api";
import { verifyAccessToken } from "./tokens";
import { VERIFIED_TOKENS_MAX, verifiedTokenCount } from "./verified-tokens";

const config = loadConfig(env as unknown as Record<string, unknown>);
const claimsFor = (userId: string) => ({ sub: userId, user_id: userId });

async function codeOf(promise: Promise<unknown>): Promise<number | "accepted"> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    if (error instanceof ApiError) return error.status === 401 ? Number(error.code) : -1;
    throw error;
  }
}

describe("verified-token cache (security)", () => {
  it("a cached token is refused once its exp passes, and before its nbf, like a full verification", async () => {
    const now = Date.now();
    const seconds = Math.floor(now / 1000);
    const token = await forgeToken({ ...claimsFor("u-exp"), iat: seconds, nbf: seconds, exp: seconds + 60 });
    const claims = await verifyAccessToken(config, token, now);
    expect(claims.user_id).toBe("u-exp");
    // The second call is a hit: same claims object.
    expect(await verifyAccessToken(config, token, now + 1_000)).toBe(claims);
    expect(await codeOf(verifyAccessToken(config, token, (seconds + 60) * 1000))).toBe(2007);
    expect(await codeOf(verifyAccessToken(config, token, (seconds - 1) * 1000))).toBe(2007);
    expect(await verifyAccessToken(config, token, (seconds + 59) * 1000)).toBe(claims);
  });

  it("a cached token with one character of its signature changed is verified in full and refused", async () => {
    const token = await forgeToken(claimsFor("u-sig"));
    await verifyAccessToken(config, token);
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(await codeOf(verifyAccessToken(config, token.slice(0, -1) + last))).toBe(2008);
    const [header, , signature] = token.split(".");
    const otherPayload = (await forgeToken({ ...claimsFor("u-sig"), roles: ["admin"] })).split(".")[1];
    expect(await codeOf(verifyAccessToken(config, `${header}.${otherPayload}.${signature}`))).toBe(2008);
  });

  it("a token another key set verified is not accepted from the cache by a configuration without that key", async () => {
    const oldKeyToken = await forgeToken(claimsFor("u-rotated"), { kid: "test-old", key: testKey("test-old") });
    expect(await codeOf(verifyAccessToken(config, oldKeyToken))).toBe("accepted");
    const withoutOldKey = { ...config, JWT_KEYS: config.JWT_KEYS.filter((key) => key.kid !== "test-old") };
    expect(await codeOf(verifyAccessToken(withoutOldKey, oldKeyToken))).toBe(2008);
    const otherAudience = { ...config, JWT_AUDIENCE: "someone-else" };
    expect(await codeOf(verifyAccessToken(otherAudience, oldKeyToken))).toBe(2008);
  });

  it("refused tokens are never stored, and the claims handed out cannot be changed by one request for the next", async () => {
    const scratch = { ...config };
    await codeOf(verifyAccessToken(scratch, await forgeToken(claimsFor("u-bad"), { issuer: "evil" })));
    await codeOf(verifyAccessToken(scratch, "definitely.not.ajwt"));
    expect(verifiedTokenCount(scratch)).toBe(0);
    const claims = await verifyAccessToken(scratch, await forgeToken(claimsFor("u-frozen")));
    expect(verifiedTokenCount(scratch)).toBe(1);
    expect(() => (claims.roles as string[]).push("admin")).toThrow(TypeError);
    expect(() => Object.assign(claims, { user_id: "someone-else" })).toThrow(TypeError);
  });

  it("holds at most VERIFIED_TOKENS_MAX tokens per configuration; the oldest goes first", async () => {
    const scratch = { ...config };
    const first = await forgeToken(claimsFor("u-first"));
    const firstClaims = await verifyAccessToken(scratch, first);
    for (let i = 0; i < VERIFIED_TOKENS_MAX; i++) await verifyAccessToken(scratch, await forgeToken(claimsFor(`u-${i}`)));
    expect(verifiedTokenCount(scratch)).toBe(VERIFIED_TOKENS_MAX);
    // Evicted: verified in full again, so a new (equal, not identical) claims object.
    const again = await verifyAccessToken(scratch, first);
    expect(again).not.toBe(firstClaims);
    expect(again).toEqual(firstClaims);
  });
});
