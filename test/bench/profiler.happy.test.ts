/** The bench's profile summary and its switch, on a hand-made profile. */
import { describe, expect, it } from "vitest";
import { summarizeProfile, type CpuProfile } from "../../bench/profiler.ts";
import { readSettings } from "../../bench/settings.ts";

const frame = (functionName: string, lineNumber = 9) => ({ functionName, url: "file:///tmp/dev-x/index.js", lineNumber });

// root → handler → exec (native, no line) and root → (idle)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { ...frame("(root)"), lineNumber: -1 }, children: [2, 4] },
    { id: 2, callFrame: frame("handler"), children: [3] },
    { id: 3, callFrame: { ...frame("exec"), url: "", lineNumber: -1 } },
    { id: 4, callFrame: { ...frame("(idle)"), lineNumber: -1 } },
  ],
  samples: [3, 3, 3, 2, 4, 4, 4, 4],
};

describe("bench profiler (happy)", () => {
  it("shares out busy samples only (idle left out), by self and inclusive time, with source lines 1-based", () => {
    const summary = summarizeProfile(profile).split("\n");
    expect(summary[0]).toBe("4 busy samples of 8 (the rest idle)");
    const self = summary.slice(summary.indexOf("self:") + 1, summary.indexOf("inclusive:"));
    expect(self).toEqual(["   75.0 %  exec", "   25.0 %  handler (index.js:10)"]);
    const inclusive = summary.slice(summary.indexOf("inclusive:") + 1);
    expect(inclusive).toEqual(["  100.0 %  handler (index.js:10)", "   75.0 %  exec"]);
  });

  it("BENCH_PROFILE is off unless set to 1 or true, and anything else is refused", () => {
    expect(readSettings({}).profile).toBe(false);
    expect(readSettings({ BENCH_PROFILE: "1" }).profile).toBe(true);
    expect(readSettings({ BENCH_PROFILE: "true" }).profile).toBe(true);
    expect(readSettings({ BENCH_PROFILE: "0" }).profile).toBe(false);
    expect(() => readSettings({ BENCH_PROFILE: "yes" })).toThrow(/BENCH_PROFILE must be 1\/true or 0\/false/);
  });
});
