import { describe, expect, it } from "vitest";
import { formatYuan, parseYuan } from "./money";

const MAX = 5_000_000; // 50,000 yuan

describe("parseYuan", () => {
  it.each([
    ["12.34", 1234],
    [12.34, 1234],
    ["0.01", 1],
    [0.01, 1],
    [12.3, 1230],
    ["12.3", 1230],
    ["12", 1200],
    [1, 100],
    ["012.50", 1250],
    [0.07, 7],
    [1.15, 115],
    [4.35, 435],
    [19.99, 1999],
    [50000, 5_000_000],
  ])("%j → %d fen, exactly (the Go wallet truncated floats here)", (input, fen) => {
    expect(parseYuan(input, MAX)).toEqual({ ok: true, fen });
  });

  it("every cent value from 0.01 to 100.00 given as a JS number parses to the exact fen", () => {
    for (let fen = 1; fen <= 10_000; fen++) {
      const asNumber = Number(`${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`);
      expect(parseYuan(asNumber, MAX)).toEqual({ ok: true, fen });
    }
  });

  it.each([
    [0, "greater than 0"],
    ["0", "greater than 0"],
    ["0.00", "greater than 0"],
    [-1, "greater than 0"],
    ["-1", "greater than 0"],
    [0.001, "2 decimal places"],
    ["0.001", "2 decimal places"],
    [12.345, "2 decimal places"],
    [1e9, "at most 50000.00"],
    [1e21, "at most 50000.00"],
    ["99999999999999999999", "at most 50000.00"],
    [50000.01, "at most 50000.00"],
    ["abc", "decimal amount"],
    ["NaN", "decimal amount"],
    [Number.NaN, "finite"],
    [Number.POSITIVE_INFINITY, "finite"],
    ["1e3", "decimal amount"],
    [" 1", "decimal amount"],
    ["1.", "decimal amount"],
    [".5", "decimal amount"],
    ["+1", "decimal amount"],
    ["", "decimal amount"],
    [0.1 + 0.2, "2 decimal places"],
    [null, "number or a decimal string"],
    [true, "number or a decimal string"],
    [{ value: 1 }, "number or a decimal string"],
  ])("%j is refused (%s)", (input, message) => {
    const result = parseYuan(input, MAX);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});

describe("formatYuan", () => {
  it.each([
    [1234, "12.34"],
    [1, "0.01"],
    [100, "1.00"],
    [-250, "-2.50"],
    [0, "0.00"],
  ])("%d fen → %s", (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });
});
