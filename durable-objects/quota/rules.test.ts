/** Pure rules: calendar boundaries in a time zone, levels, once-per-period bits, retry schedule. */
import { describe, expect, it } from "vitest";
import { DEFAULT_QUOTA_THRESHOLDS, DEFAULT_WEBHOOK_DELIVERY } from "../../contract/quota/defaults";
import { webhookRetryDelayMs } from "../../contract/quota/webhook";
import { nextBoundary, periodStart } from "../../contract/quota/calendar";
import { levelFor, levelsToFire, markFired, rearm } from "./levels";

const at = (iso: string) => Date.parse(iso);

describe("calendar boundaries", () => {
  it("daily resets at local midnight in Asia/Shanghai (UTC+8)", () => {
    expect(nextBoundary("daily", at("2026-11-27T15:59:59.999Z"), "Asia/Shanghai")).toBe(at("2026-11-27T16:00:00Z"));
    expect(nextBoundary("daily", at("2026-11-27T16:00:00Z"), "Asia/Shanghai")).toBe(at("2026-11-28T16:00:00Z"));
    expect(periodStart("daily", at("2026-11-27T20:00:00Z"), "Asia/Shanghai")).toBe(at("2026-11-27T16:00:00Z"));
  });

  it("monthly resets at local midnight on the 1st, across the year end", () => {
    expect(nextBoundary("monthly", at("2026-11-27T10:00:00Z"), "Asia/Shanghai")).toBe(at("2026-11-30T16:00:00Z"));
    expect(nextBoundary("monthly", at("2026-12-15T00:00:00Z"), "Asia/Shanghai")).toBe(at("2026-12-31T16:00:00Z"));
    expect(periodStart("monthly", at("2026-12-15T00:00:00Z"), "Asia/Shanghai")).toBe(at("2026-11-30T16:00:00Z"));
  });

  it("follows daylight saving (America/New_York, 8 March 2026)", () => {
    expect(nextBoundary("daily", at("2026-03-07T12:00:00Z"), "America/New_York")).toBe(at("2026-03-08T05:00:00Z"));
    expect(nextBoundary("daily", at("2026-03-08T12:00:00Z"), "America/New_York")).toBe(at("2026-03-09T04:00:00Z"));
    expect(nextBoundary("daily", at("2026-11-01T12:00:00Z"), "America/New_York")).toBe(at("2026-11-02T05:00:00Z"));
  });

  it("total never resets", () => {
    expect(nextBoundary("total", Date.now(), "Asia/Shanghai")).toBeNull();
  });
});

describe("levels", () => {
  const thresholds = DEFAULT_QUOTA_THRESHOLDS;

  it("uses ≤ 20 % for warning, ≤ 10 % for critical, 0 for exhausted; unlimited is always ok", () => {
    expect(levelFor(21, 100, thresholds)).toBe("ok");
    expect(levelFor(20, 100, thresholds)).toBe("warning");
    expect(levelFor(11, 100, thresholds)).toBe("warning");
    expect(levelFor(10, 100, thresholds)).toBe("critical");
    expect(levelFor(1, 100, thresholds)).toBe("critical");
    expect(levelFor(0, 100, thresholds)).toBe("exhausted");
    expect(levelFor(0, 0, thresholds)).toBe("exhausted");
    expect(levelFor(0, null, thresholds)).toBe("ok");
  });

  it("fires each level reached once, and re-arms only levels the quota is back above", () => {
    expect(levelsToFire("critical", 0)).toEqual(["warning", "critical"]);
    const fired = markFired(0, ["warning", "critical"]);
    expect(levelsToFire("critical", fired)).toEqual([]);
    expect(levelsToFire("exhausted", fired)).toEqual(["exhausted"]);
    expect(levelsToFire("warning", rearm(fired, "warning"))).toEqual([]);
    expect(levelsToFire("critical", rearm(fired, "warning"))).toEqual(["critical"]);
    expect(rearm(fired, "ok")).toBe(0);
  });
});

describe("webhook retry schedule", () => {
  it("doubles from the base delay, caps at the maximum, and stops after maxAttempts", () => {
    const delays = Array.from({ length: DEFAULT_WEBHOOK_DELIVERY.maxAttempts }, (_, index) => webhookRetryDelayMs(index + 1, DEFAULT_WEBHOOK_DELIVERY));
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, null]);
    const capped = { ...DEFAULT_WEBHOOK_DELIVERY, maxAttempts: 20 };
    expect(webhookRetryDelayMs(15, capped)).toBe(DEFAULT_WEBHOOK_DELIVERY.maxDelayMs);
  });
});
