/** Pieces every part of a generated request shares: options, hints by name, parameter values. */
import fc from "fast-check";
import type { Operation, Parameter } from "./contract.ts";
import { FixtureRef, fixtureKindFor, fixtureRefArbitrary, type Owner } from "./fixtures.ts";
import { typesOf, type JsonSchema } from "./json-schema.ts";
import { encodeSegment } from "./odd-values.ts";
import { valueArbitrary, type FieldHint } from "./schema-arbitrary.ts";

/** How requests are generated for a phase. */
export interface RequestOptions {
  /** Users in the pool (indexes for `self` and `other`). */
  poolSize: number;
  /** Whose things references point at, in proportion. */
  owners: Owner[];
  /** Only ever the operation's own credential (the isolation phase: the caller stays the caller). */
  matchingAuthOnly: boolean;
  /** The caller is always this pool user (default: any). */
  selfIndex?: number;
  /** Share (0..1) of requests left entirely valid. */
  validShare: number;
  /** Chance (0..1) that each part of the other requests is broken (auth and body at this rate, path, query and headers at half). */
  breakRate: number;
}

/** Idempotency keys are drawn partly from a small shared set, so replays and conflicting replays happen. */
const REPLAYED_KEYS = ["fuzz-replay-1", "fuzz-replay-2", "fuzz-replay-3"];

/** Real values (fixture references, replayed idempotency keys) for fields and parameters known by name. */
export function hintFor(operation: Operation, location: "path" | "query" | "body", options: RequestOptions): FieldHint {
  return (name) => {
    const kind = fixtureKindFor(name, location, operation.path);
    if (kind) return fixtureRefArbitrary(kind, options.owners);
    if (/^(request_?id|idempotency_?key)$/i.test(name)) return fc.oneof(fc.constantFrom(...REPLAYED_KEYS), fc.uuid());
    return undefined;
  };
}

/** The schema without `null` (query strings and path segments cannot carry it). */
export function withoutNull(schema: JsonSchema): JsonSchema {
  const types = typesOf(schema).filter((type) => type !== "null");
  return types.length > 0 ? { ...schema, type: types } : schema;
}

/** A path (encoded), query or header parameter's value: a real one by name when known, else one from its schema. */
export function parameterValue(operation: Operation, parameter: Parameter, options: RequestOptions): fc.Arbitrary<string | FixtureRef> {
  const asText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
  const encode = (value: unknown): string | FixtureRef =>
    value instanceof FixtureRef ? value : parameter.in === "path" ? encodeSegment(asText(value)) : asText(value);
  const plain = valueArbitrary(withoutNull(parameter.schema)).map(encode);
  const hinted = hintFor(operation, parameter.in === "path" ? "path" : "query", options)(parameter.name);
  return hinted ? fc.oneof({ arbitrary: hinted.map(encode), weight: 3 }, { arbitrary: plain, weight: 1 }) : plain;
}

/** True with probability `rate` (0..1). */
export function chance(rate: number): fc.Arbitrary<boolean> {
  return fc.integer({ min: 0, max: 999 }).map((value) => value < rate * 1000);
}
