/**
 * The username rule, in one place for registration, login and both stores:
 * Unicode letters and digits (Chinese included), `_` and `-`, 3–32 characters
 * after NFKC normalisation, nothing invisible. Uniqueness and lookup use the
 * normalised, case-folded key, so "Lin", "ＬＩＮ" and "lin" are one account.
 */

/** Bounds of a username, counted in characters (code points) after NFKC. */
export const USERNAME_LENGTH = { min: 3, max: 32 } as const;

/** Every character a username may hold: letters (with their combining marks), decimal digits, `_` and `-`. */
const ALLOWED = /^[\p{L}\p{M}\p{Nd}_-]+$/u;
/** A combining mark needs a letter before it. */
const LEADING_MARK = /^\p{M}/u;
/** Letters that render as nothing (Hangul fillers); NFKC maps the halfwidth one onto U+3164. */
const INVISIBLE_LETTERS = /[\u115F\u1160\u3164\uFFA0]/u;

/** The stored, displayed form: NFKC (fullwidth ＬＩＮ → LIN, ① → 1). */
export function normalizeUsername(username: string): string {
  return username.normalize("NFKC");
}

/**
 * The uniqueness and lookup key: NFKC, case-folded, NFKC again (folding can
 * leave a string that is no longer normalised). JavaScript has no full case
 * folding; upper- then lower-casing comes close (ß and SS meet at "ss", final
 * and medial sigma at "σ"/"ς" by position). For the ASCII names the old rule
 * allowed this equals `toLowerCase()`, so stored keys stay valid.
 */
export function usernameKey(username: string): string {
  return normalizeUsername(username).toUpperCase().toLowerCase().normalize("NFKC");
}

/** What is wrong with a (not yet normalised) username, in words a person can act on; null when it is fine. */
export function usernameProblem(username: string): string | null {
  const name = normalizeUsername(username);
  const length = [...name].length;
  const rule = `Use ${USERNAME_LENGTH.min} to ${USERNAME_LENGTH.max} letters or digits (any language, e.g. 林文轩 or lin_wen); "_" and "-" are allowed, spaces and symbols are not`;
  if (length < USERNAME_LENGTH.min) return `Too short. ${rule}.`;
  if (length > USERNAME_LENGTH.max) return `Too long. ${rule}.`;
  if (/\s/u.test(name)) return `No spaces or line breaks. ${rule}.`;
  if (INVISIBLE_LETTERS.test(name) || !ALLOWED.test(name) || LEADING_MARK.test(name)) return `Only letters, digits, "_" and "-". ${rule}.`;
  return null;
}
