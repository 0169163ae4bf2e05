/** Request bodies: valid from the schema, or wrong in type, shape, size, encoding or content type. */
import fc from "fast-check";
import type { Operation } from "./contract.ts";
import { FixtureRef } from "./fixtures.ts";
import type { JsonSchema } from "./json-schema.ts";
import { extraKey, malformedJson, oddNumber, oddString, wrongContentType, wrongTypeValue } from "./odd-values.ts";
import type { Body } from "./request-model.ts";
import { chance, hintFor, type RequestOptions } from "./request-parts.ts";
import { valueArbitrary } from "./schema-arbitrary.ts";

/** A generated body, its Content-Type (`null`: none) and what was broken. */
export type BodyPart = { body: Body; contentType: string | null; mutations: string[] };

function objectMutations(value: Record<string, unknown>, schema: JsonSchema): Array<fc.Arbitrary<BodyPart>> {
  const json = (body: unknown, label: string): BodyPart => ({ body: { kind: "json", value: body }, contentType: "application/json", mutations: [label] });
  const keys = Object.keys(schema.properties ?? {});
  const present = (schema.required ?? []).filter((key) => key in value);
  const mutations: Array<fc.Arbitrary<BodyPart>> = [
    fc
      .array(fc.tuple(extraKey, wrongTypeValue), { minLength: 1, maxLength: 3 })
      .map((extra) => json({ ...value, ...Object.fromEntries(extra) }, "body:extra-fields")),
    fc.constant(json({}, "body:empty-object")),
    fc
      .constantFrom("userId", "user_id", "uid", "ownerId", "owner_id")
      .map((key) => json({ ...value, [key]: new FixtureRef("userId", "other", 0) }, `body:${key} of another user`)),
  ];
  if (present.length > 0)
    mutations.push(
      fc.constantFrom(...present).map((key) => json(Object.fromEntries(Object.entries(value).filter(([name]) => name !== key)), `body:missing ${key}`)),
    );
  if (keys.length > 0) {
    const replace = (replacement: fc.Arbitrary<unknown>, label: string) =>
      fc.tuple(fc.constantFrom(...keys), replacement).map(([key, odd]) => json({ ...value, [key]: odd }, `body:${key} ${label}`));
    mutations.push(replace(wrongTypeValue, "wrong type"), replace(oddNumber, "odd number"), replace(oddString, "odd string"));
  }
  return mutations;
}

/** The body (and its Content-Type): from the schema, or broken in one of many ways. */
export function bodyArbitrary(operation: Operation, options: RequestOptions): fc.Arbitrary<BodyPart> {
  const declared = operation.body;
  if (!declared) {
    if (options.breakRate === 0) return fc.constant<BodyPart>({ body: { kind: "none" }, contentType: null, mutations: [] });
    return fc.oneof(
      { arbitrary: fc.constant<BodyPart>({ body: { kind: "none" }, contentType: null, mutations: [] }), weight: 4 },
      {
        arbitrary: fc
          .jsonValue({ maxDepth: 2 })
          .map((value): BodyPart => ({ body: { kind: "json", value }, contentType: "application/json", mutations: ["body:unexpected"] })),
        weight: 1,
      },
    );
  }
  const schema = declared.schema ?? {};
  const contentType = declared.contentTypes[0] ?? "application/json";
  const validValue = valueArbitrary(schema, hintFor(operation, "body", options));
  return fc.tuple(validValue, chance(options.breakRate)).chain(([value, broken]) => {
    const valid: BodyPart = { body: { kind: "json", value }, contentType, mutations: [] };
    if (!broken) return fc.constant(valid);
    const whole: Array<fc.Arbitrary<BodyPart>> = [
      wrongTypeValue
        .filter((odd) => typeof odd !== "object" || odd === null || Array.isArray(odd))
        .map((odd) => ({ body: { kind: "json", value: odd }, contentType, mutations: ["body:top-level wrong type"] })),
      malformedJson.map((text) => ({ body: { kind: "raw", text }, contentType, mutations: ["body:malformed json"] })),
      wrongContentType.map((type) => ({ body: { kind: "json", value }, contentType: type, mutations: [`content-type:${type === null ? "none" : type}`] })),
      fc.integer({ min: 100_000, max: 400_000 }).map((bytes) => ({ body: { kind: "huge", bytes }, contentType, mutations: [`body:${bytes} bytes`] })),
      fc.constant({ body: { kind: "none" }, contentType, mutations: ["body:missing"] }),
    ];
    const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
    const parts = isObject ? [...whole, ...objectMutations(value as Record<string, unknown>, schema)] : whole;
    return fc.oneof(...parts);
  });
}
