import { describe, expect, it } from "vitest";
import { redact } from "./logger";

describe("redact", () => {
  it("hides secrets at any depth and keeps the rest", () => {
    const input = { user: "ann", password: "p", nested: { refreshToken: "r", list: [{ apiKey: "k", ok: 1 }] }, Authorization: "Bearer x" };
    expect(redact(input)).toEqual({
      user: "ann",
      password: "[redacted]",
      nested: { refreshToken: "[redacted]", list: [{ apiKey: "[redacted]", ok: 1 }] },
      Authorization: "[redacted]",
    });
  });
});
