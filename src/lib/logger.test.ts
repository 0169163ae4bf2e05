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

describe("redactUrl", () => {
  it("hides credential query values in any string field, keeps the rest of the URL", () => {
    const url = "wss://api.test/api/v1/ai/quota/stream?ticket=abc.DEF-123&x=1&access_token=eyJhbGciOi.x.y#frag";
    expect(redact({ url, nested: [`GET ${url}`] })).toEqual({
      url: "wss://api.test/api/v1/ai/quota/stream?ticket=[redacted]&x=1&access_token=[redacted]#frag",
      nested: ["GET wss://api.test/api/v1/ai/quota/stream?ticket=[redacted]&x=1&access_token=[redacted]#frag"],
    });
    expect(redact("plain text, no query")).toBe("plain text, no query");
  });
});
