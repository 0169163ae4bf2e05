/**
 * Money: yuan as the Qingyu clients send it (`12.34`, `"12.34"`) to integer
 * fen, exactly. The Go wallet multiplied floats and truncated (12.35 → 1234
 * fen); here the decimal text is split into whole and fraction digits instead,
 * so no float arithmetic ever touches an amount.
 */

/** The outcome of parsing one amount: fen, or a message for `data.details`. */
export type MoneyParse = { ok: true; fen: number } | { ok: false; message: string };

/** Whole-yuan digits are capped so `yuan × 100 + fen` stays far inside Number.MAX_SAFE_INTEGER. */
const MAX_WHOLE_DIGITS = 13;
const DECIMAL = new RegExp(`^(\\d{1,${MAX_WHOLE_DIGITS}})(?:\\.(\\d{1,2}))?$`);

/**
 * The decimal text of an amount. A JS number prints as the shortest text that
 * reads back to the same double, so 12.34 → "12.34" and 12.345 → "12.345"
 * (too many decimals), while a float artefact such as 0.1 + 0.2 →
 * "0.30000000000000004" is refused rather than guessed.
 */
function decimalText(input: unknown): string | { message: string } {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { message: "must be a finite number" };
    return String(input);
  }
  if (typeof input === "string") return input;
  return { message: "must be a number or a decimal string in yuan, e.g. 12.34" };
}

/**
 * Parses yuan into fen: more than 0, at most 2 decimals, at most `maxFen`.
 *
 * @example parseYuan("12.34", 5_000_000) // { ok: true, fen: 1234 }
 * @example parseYuan(12.345, 5_000_000) // { ok: false, message: "must have at most 2 decimal places" }
 */
export function parseYuan(input: unknown, maxFen: number): MoneyParse {
  const text = decimalText(input);
  if (typeof text !== "string") return { ok: false, message: text.message };
  if (/^\s*-/.test(text)) return { ok: false, message: "must be greater than 0" };
  const match = DECIMAL.exec(text);
  if (!match) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, message: "must have at most 2 decimal places" };
    if (/^\d{14,}(\.\d*)?$/.test(text) || /^\d(\.\d+)?e\+\d+$/i.test(text)) return { ok: false, message: `must be at most ${formatYuan(maxFen)}` };
    return { ok: false, message: "must be a decimal amount in yuan with at most 2 decimal places, e.g. 12.34" };
  }
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? "").padEnd(2, "0"));
  const fen = whole * 100 + fraction;
  if (fen <= 0) return { ok: false, message: "must be greater than 0" };
  if (fen > maxFen) return { ok: false, message: `must be at most ${formatYuan(maxFen)}` };
  return { ok: true, fen };
}

/** Fen as a yuan string with two decimals (`1234` → `"12.34"`), for messages and documentation. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
