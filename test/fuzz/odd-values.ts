/**
 * The "invalid" half: values chosen to break validation, parsing and storage:
 * wrong types, boundary and huge numbers, long and odd Unicode strings,
 * malformed JSON texts, wrong content types.
 */
import fc from "fast-check";

/** Strings that have broken parsers, databases and loggers before. */
const NASTY_STRINGS = [
  "",
  " ",
  "\t\n\r",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "😀".repeat(300),
  "\u202e\u0635\u0648\u0631\u0629",
  "\u200b\u200c\u200d\ufeff",
  "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA",
  "ｆｕｌｌｗｉｄｔｈ１２３",
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  "../../../../etc/passwd",
  "%00%2e%2e%2f",
  "${jndi:ldap://127.0.0.1/x}",
  "<script>alert(1)</script>",
  "{{7*7}}",
  "__proto__",
  "constructor",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "0x1F",
  "[]",
  "{}",
  "true",
];

/** Numbers at and past every boundary a zod schema, SQLite or JSON has. */
export const NASTY_NUMBERS = [
  -1,
  0,
  -0,
  0.5,
  1.5,
  -1.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e15,
  1e21,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1_000_000_000_001,
];

/** Long and odd strings: the nasty list, huge runs, and arbitrary Unicode (lone surrogates included). */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 64 }), weight: 2 },
  { arbitrary: fc.string({ unit: "grapheme", minLength: 200, maxLength: 600 }), weight: 1 },
  { arbitrary: fc.nat({ max: 20_000 }).map((length) => "x".repeat(length + 1000)), weight: 1 },
  { arbitrary: fc.string({ unit: fc.constantFrom("\u0000", "\u0001", "\u007f", "\u0085", "\u2028", "\u2029", "\ufffe", "\uffff"), maxLength: 16 }), weight: 1 },
);

/** Boundary, fractional and huge numbers. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_NUMBERS), weight: 3 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
);

/** A JSON value of some type, for putting where another type belongs. */
export const wrongTypeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, "abc", "1", 42, -7.25, [], {}, [1, "a", null], { nested: { deeper: [1] } }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Keys that try mass assignment or prototype pollution when added to a body. */
export const extraKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "role",
    "roles",
    "isAdmin",
    "admin",
    "userId",
    "user_id",
    "id",
    "status",
    "balance",
    "usedQuota",
    "totalQuota",
    "__proto__",
    "constructor",
    "prototype",
  ),
  fc.string({ minLength: 1, maxLength: 24 }),
);

/** Request bodies that are not valid JSON, or JSON in a shape no route wants. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "{",
    "}",
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}}',
    '{"a":1} trailing',
    "\ufeff{}",
    "NaN",
    "Infinity",
    '{"n":NaN}',
    '{"n":1e999}',
    '{"n":-1e999}',
    '{"n":123456789012345678901234567890}',
    '{"s":"\\ud800"}',
    '{"s":"\\u0000"}',
    '{"a":1,"a":"dup"}',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    "[]",
    "null",
    '"string"',
    "0",
    "",
    " ",
    "\u0000",
  ),
  fc.nat({ max: 5_000 }).map((depth) => "[".repeat(depth + 100) + "]".repeat(depth + 100)),
  fc.nat({ max: 3_000 }).map((depth) => '{"a":'.repeat(depth + 50) + "1" + "}".repeat(depth + 50)),
  fc.nat({ max: 3_000 }).map((depth) => '{"a":'.repeat(depth + 50)),
  fc.string({ unit: "binary", maxLength: 200 }),
);

/** Content types other than the one documented (or none at all: `null`). */
export const wrongContentType: fc.Arbitrary<string | null> = fc.constantFrom(
  null,
  "",
  "text/plain",
  "text/html; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "application/xml",
  "application/octet-stream",
  "application/json; charset=utf-16",
  "APPLICATION/JSON",
  "application/json-patch+json",
  "application/vnd.api+json",
  "application/jsonx",
  "*/*",
  "json",
);

/** Path segments that are not an id: odd, encoded, traversing, empty, huge. */
export const oddPathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    "%20",
    "..",
    "%2e%2e",
    "%2F",
    "a%2Fb",
    "%00",
    "%zz",
    "%",
    "%c0%af",
    "%ff%fe",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "null",
    "undefined",
    "00000000-0000-0000-0000-000000000000",
    "18446744073709551616",
    "'%20OR%201=1--",
    "%7B%7D",
    ";",
    "@",
    "~",
  ),
  oddString.map((value) => encodeSegment(value.slice(0, 2_000))),
  fc.nat({ max: 3_000 }).map((length) => "a".repeat(length + 1)),
);

/**
 * Percent-encodes a path segment or query value. A lone surrogate (which
 * `encodeURIComponent` refuses) becomes the bytes a careless encoder would
 * send, `%ED%A0%80`: invalid UTF-8, which is exactly what we want to send.
 */
export function encodeSegment(value: string): string {
  let encoded = "";
  for (const char of value) {
    const unit = char.charCodeAt(0);
    encoded += char.length === 1 && unit >= 0xd800 && unit <= 0xdfff ? "%ED%A0%80" : encodeURIComponent(char);
  }
  return encoded;
}
