import { describe, expect, it } from "vitest";
import { sameSecret } from "./same-secret";

describe("sameSecret", () => {
  const secret = "s3cret-token-0123456789abcdef";

  it("accepts exactly the secret", () => {
    expect(sameSecret(secret, secret)).toBe(true);
    expect(sameSecret(String(secret), `${secret}`)).toBe(true);
  });

  it("refuses a prefix, an extension, one changed character, and the empty string", () => {
    expect(sameSecret(secret.slice(0, -1), secret)).toBe(false);
    expect(sameSecret(`${secret}x`, secret)).toBe(false);
    expect(sameSecret(`${secret.slice(0, 5)}X${secret.slice(6)}`, secret)).toBe(false);
    expect(sameSecret("", secret)).toBe(false);
  });

  it("refuses a text whose characters differ from the secret's only beyond the secret's length", () => {
    expect(sameSecret(secret + "\u0000", secret)).toBe(false);
  });

  it("an empty configured secret matches only the empty text", () => {
    expect(sameSecret("", "")).toBe(true);
    expect(sameSecret("x", "")).toBe(false);
  });
});
