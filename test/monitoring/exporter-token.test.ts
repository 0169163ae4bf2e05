import { describe, expect, it } from "vitest";
import { bearerMatches } from "../../monitoring/src/bearer";
import { sameSecret } from "../../contract/crypto/same-secret";

/** A string stand-in that counts how often its characters are read. */
function counting(text: string) {
  const reads = { count: 0 };
  const value = { length: text.length, charCodeAt: (index: number) => (reads.count++, text.charCodeAt(index)), toString: () => text };
  return { value: value as unknown as string, reads };
}

describe("exporter scrape token (security)", () => {
  const token = "scrape-token-0123456789abcdef";

  it("accepts exactly `Bearer <token>`", () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    for (const header of ["", "Bearer", `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `bearer ${token}`, token]) expect(bearerMatches(header, token)).toBe(false);
  });

  it("a header of the wrong length is still compared character by character: no early return that would tell the token's length", () => {
    for (const header of ["Bearer x", `Bearer ${token}-and-more`, `Bearer ${token.slice(1)}`]) {
      const given = counting(header);
      expect(bearerMatches(given.value, token)).toBe(false);
      expect(given.reads.count).toBe(Math.min(header.length, `Bearer ${token}`.length));
    }
  });

  it("the work is set by the configured secret alone: every character of it is read whatever is presented", () => {
    for (const given of ["", "B", "Bearer wrong", `Bearer ${token}`, "x".repeat(500)]) {
      const expected = counting(`Bearer ${token}`);
      sameSecret(given, expected.value);
      expect(expected.reads.count).toBe(`Bearer ${token}`.length);
    }
  });
});
