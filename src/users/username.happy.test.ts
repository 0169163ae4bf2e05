import { describe, expect, it } from "vitest";
import { normalizeUsername, usernameKey, usernameProblem } from "./username";

describe("the username rule (unit)", () => {
  it("accepts letters and digits of any script, _ and -, 3 to 32 characters after NFKC", () => {
    for (const name of ["林文轩", "林文_2024", "lin-wen", "Ана_Мария", "नमस्ते", "ｌｉｎ", "a".repeat(32), "字".repeat(32), "𠀋𠀋𠀋"]) {
      expect(usernameProblem(name), name).toBeNull();
    }
  });

  it("refuses spaces, control, invisible and symbol characters, and bad lengths, saying why", () => {
    expect(usernameProblem("ab")).toMatch(/^Too short\./);
    expect(usernameProblem("林文")).toMatch(/^Too short\./);
    expect(usernameProblem("字".repeat(33))).toMatch(/^Too long\./);
    expect(usernameProblem("lin wen")).toMatch(/^No spaces/);
    expect(usernameProblem("lin\u3000wen")).toMatch(/^No spaces/);
    for (const name of ["lin\u200bwen", "lin\u200dwen", "lin\u0007", "lin\u3164", "lin\uffa0", "lin@wen", "lin.wen", "\u0301abc", "lin😀"]) {
      expect(usernameProblem(name), JSON.stringify(name)).toMatch(/^Only letters, digits/);
    }
  });

  it("normalises to NFKC for storage and folds case and width for the key", () => {
    expect(normalizeUsername("ＬＩＮ①")).toBe("LIN1");
    expect(usernameKey("ＬＩＮ")).toBe(usernameKey("lin"));
    expect(usernameKey("Straße")).toBe(usernameKey("STRASSE"));
    expect(usernameKey("Lin_Wen")).toBe("lin_wen");
    expect(usernameKey("e\u0301")).toBe(usernameKey("é"));
  });
});
