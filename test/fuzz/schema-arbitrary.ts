/**
 * Values that satisfy a JSON schema, as fast-check arbitraries: the "valid"
 * half of the fuzzer. Biased toward boundaries (min, max, empty, longest) since
 * that is where validation and storage disagree.
 */
import fc from "fast-check";
import { mergeAllOf, typesOf, type JsonSchema } from "./json-schema.ts";

/** Gives a field or parameter a special arbitrary (a real id, say) by its name; undefined: none. */
export type FieldHint = (name: string) => fc.Arbitrary<unknown> | undefined;

const MAX_DEPTH = 6;
/** Longest generated "valid" string unless the schema forces more: long strings are the invalid half's job. */
const LONG_STRING = 200;
const INT32 = 2 ** 31 - 1;

function integerArbitrary(schema: JsonSchema): fc.Arbitrary<number> {
  let min = schema.minimum ?? -1_000_000_000_000;
  let max = schema.maximum ?? 1_000_000_000_000;
  if (schema.exclusiveMinimum !== undefined) min = Math.max(min, Math.floor(schema.exclusiveMinimum) + 1);
  if (schema.exclusiveMaximum !== undefined) max = Math.min(max, Math.ceil(schema.exclusiveMaximum) - 1);
  min = Math.ceil(Math.max(min, Number.MIN_SAFE_INTEGER));
  max = Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER));
  const anywhere = min >= -INT32 - 1 && max <= INT32 ? fc.integer({ min, max }) : fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
  // Real limits hide below the documented ones (a plan's remaining tokens, a TTL's policy maximum): small values reach the success path.
  const low = Math.max(min, Math.min(max, 0));
  const small = fc.integer({ min: low, max: Math.min(max, low + 1_000) });
  const edges = [...new Set([min, max, min + 1, max - 1].filter((value) => value >= min && value <= max))];
  return fc.oneof({ arbitrary: small, weight: 4 }, { arbitrary: anywhere, weight: 2 }, { arbitrary: fc.constantFrom(...edges), weight: 1 });
}

function numberArbitrary(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.exclusiveMinimum ?? schema.minimum ?? -1e12;
  const max = schema.exclusiveMaximum ?? schema.maximum ?? 1e12;
  return fc.double({
    min,
    max,
    minExcluded: schema.exclusiveMinimum !== undefined,
    maxExcluded: schema.exclusiveMaximum !== undefined,
    noNaN: true,
    noDefaultInfinity: true,
  });
}

function formattedString(format: string, maxLength: number): fc.Arbitrary<string> | undefined {
  switch (format) {
    case "email":
      return fc.oneof(fc.stringMatching(/^[a-z0-9]{1,20}@example\.com$/), fc.emailAddress()).filter((value) => value.length <= maxLength);
    case "uuid":
      return fc.uuid();
    case "date-time":
      return fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true }).map((date) => date.toISOString());
    case "uri":
    case "url":
      return fc.webUrl().filter((value) => value.length <= maxLength);
    default:
      return undefined;
  }
}

/** Decimal strings like a documented numeric example ("12.34"): amounts sent as strings. */
function numericStrings(example: string): fc.Arbitrary<string> {
  const decimals = example.includes(".") ? (example.split(".")[1]?.length ?? 0) : 0;
  return fc.integer({ min: 1, max: 10_000 * 10 ** decimals }).map((units) => (decimals > 0 ? (units / 10 ** decimals).toFixed(decimals) : String(units)));
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? LONG_STRING, LONG_STRING));
  const fitsLength = (value: string) => value.length >= minLength && value.length <= (schema.maxLength ?? Infinity);
  const formatted = schema.format ? formattedString(schema.format, schema.maxLength ?? Infinity) : undefined;
  if (formatted) return formatted;
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, "u");
    // An anchored pattern describes the whole string; an unanchored one only needs to occur in it.
    if (schema.pattern.startsWith("^") && schema.pattern.endsWith("$")) return fc.stringMatching(new RegExp(schema.pattern)).filter(fitsLength);
    return fc
      .oneof(fc.string({ minLength, maxLength }), fc.stringMatching(new RegExp(schema.pattern)))
      .filter((value) => fitsLength(value) && pattern.test(value));
  }
  return fc.oneof(
    { arbitrary: fc.string({ minLength, maxLength }), weight: 4 },
    { arbitrary: fc.string({ minLength, maxLength, unit: "grapheme" }), weight: 2 },
    { arbitrary: fc.constant("x".repeat(minLength)), weight: 1 },
  );
}

function objectArbitrary(schema: JsonSchema, hint: FieldHint, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) {
    const hinted = hint(name);
    const plain = valueArbitrary(property, hint, depth + 1);
    model[name] = hinted ? fc.oneof({ arbitrary: hinted, weight: 3 }, { arbitrary: plain, weight: 1 }) : plain;
  }
  const required = (schema.required ?? []).filter((name) => name in properties);
  const known = fc.record(model, { requiredKeys: required });
  const extra = schema.additionalProperties;
  if (Object.keys(properties).length === 0 && extra !== false) {
    const values = typeof extra === "object" && Object.keys(extra).length > 0 ? valueArbitrary(extra, hint, depth + 1) : fc.jsonValue({ maxDepth: 2 });
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 4 });
  }
  return known;
}

/**
 * An arbitrary of values the schema accepts (best effort: `not`, `if`, and
 * cross-field rules are beyond it, which is fine: the server then answers 400).
 */
export function valueArbitrary(input: JsonSchema, hint: FieldHint = () => undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = mergeAllOf(input);
  if (depth > MAX_DEPTH) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  const types = typesOf(schema);
  const generated =
    choices && choices.length > 0
      ? fc.oneof(...choices.map((choice) => valueArbitrary(choice, hint, depth + 1)))
      : types.length === 0
        ? fc.jsonValue({ maxDepth: 2 })
        : fc.oneof(...types.map((type) => typedArbitrary(type, schema, hint, depth)));
  // A documented example is valid by definition; a numeric one in a string says "amounts go here as strings".
  const { example } = schema;
  if (example === undefined) return generated;
  const fromExample: fc.Arbitrary<unknown> =
    typeof example === "string" && /^\d+(\.\d+)?$/.test(example) ? fc.oneof(fc.constant(example), numericStrings(example)) : fc.constant(example);
  return fc.oneof({ arbitrary: generated, weight: 2 }, { arbitrary: fromExample, weight: 2 });
}

function typedArbitrary(type: string, schema: JsonSchema, hint: FieldHint, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "string":
      return stringArbitrary(schema);
    case "integer":
      return integerArbitrary(schema);
    case "number":
      return numberArbitrary(schema);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(schema.items ? valueArbitrary(schema.items, hint, depth + 1) : fc.jsonValue({ maxDepth: 1 }), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)),
      });
    case "object":
      return objectArbitrary(schema, hint, depth);
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}
