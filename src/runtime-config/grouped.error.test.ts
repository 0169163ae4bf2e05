import { describe, expect, it } from "vitest";
import { batchPatch } from "./grouped";
import { DEFAULT_RUNTIME_CONFIG } from "../../contract/runtime-config/schema";

describe("batch patches that cannot apply (unit, error)", () => {
  it("unknown and repeated keys are refused per update, before anything is written", () => {
    expect(batchPatch(DEFAULT_RUNTIME_CONFIG, [{ key: "quota.nope", value: 1 }, { key: "metrics.recording", value: false }, { key: "metrics.recording", value: true }, { key: "features.", value: true }])).toEqual({
      ok: false,
      issues: { "updates.0.key": 'no setting "quota.nope"', "updates.2.key": '"metrics.recording" appears twice', "updates.3.key": 'no setting "features."' },
    });
  });
});
