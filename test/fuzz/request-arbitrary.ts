/**
 * Requests for one operation as a fast-check arbitrary. Each part (auth, path,
 * query, body, headers) is valid most of the time and broken on purpose
 * otherwise, independently, so both clean and mixed failures occur.
 */
import fc from "fast-check";
import { bodyArbitrary } from "./body-arbitrary.ts";
import type { Operation } from "./contract.ts";
import type { FixtureRef } from "./fixtures.ts";
import { oddNumber, oddPathSegment, oddString } from "./odd-values.ts";
import { AUTH_VARIANTS, type AuthVariant, type FuzzRequest } from "./request-model.ts";
import { chance, hintFor, parameterValue, withoutNull, type RequestOptions } from "./request-parts.ts";
import { valueArbitrary } from "./schema-arbitrary.ts";

export type { RequestOptions } from "./request-parts.ts";

const ipArbitrary = fc
  .tuple(fc.integer({ min: 1, max: 254 }), fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.integer({ min: 1, max: 254 }))
  .map((parts) => parts.join("."));
/** Header values fetch accepts (ISO-8859-1, no CR/LF). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 300 }),
  fc.constantFrom("", " ", "x".repeat(4_000)),
);

function authArbitrary(operation: Operation, options: RequestOptions): fc.Arbitrary<AuthVariant> {
  if (options.matchingAuthOnly) return fc.constant("matching");
  const broken = fc.constantFrom(...AUTH_VARIANTS.filter((variant) => variant !== "matching"));
  if (options.breakRate === 0) return fc.constant(operation.caller === "anyone" ? "none" : "matching");
  if (operation.caller === "anyone") return fc.oneof({ arbitrary: fc.constant<AuthVariant>("none"), weight: 8 }, { arbitrary: broken, weight: 2 });
  return fc.oneof(
    { arbitrary: fc.constant<AuthVariant>("matching"), weight: Math.round((1 - options.breakRate) * 10) },
    { arbitrary: broken, weight: Math.round(options.breakRate * 10) },
  );
}

type PathPart = { values: Record<string, string | FixtureRef>; mutations: string[] };

function pathArbitrary(operation: Operation, options: RequestOptions): fc.Arbitrary<PathPart> {
  const parameters = operation.parameters.filter((parameter) => parameter.in === "path");
  const parts = parameters.map((parameter) =>
    fc
      .tuple(chance(options.breakRate / 2), parameterValue(operation, parameter, options), oddPathSegment)
      .map(([broken, good, bad]) => ({ name: parameter.name, broken, value: broken ? bad : good })),
  );
  return fc.tuple(...parts).map((chosen) => ({
    values: Object.fromEntries(chosen.map((part) => [part.name, part.value])),
    mutations: chosen.filter((part) => part.broken).map((part) => `path:${part.name}`),
  }));
}

type QueryPart = { pairs: Array<[string, string | FixtureRef]>; mutations: string[] };

function queryArbitrary(operation: Operation, options: RequestOptions): fc.Arbitrary<QueryPart> {
  const parameters = operation.parameters.filter((parameter) => parameter.in === "query");
  const valid = fc
    .tuple(...parameters.map((parameter) => fc.tuple(parameter.required ? fc.constant(true) : fc.boolean(), parameterValue(operation, parameter, options))))
    .map((chosen) =>
      chosen.flatMap(([present, value], index): Array<[string, string | FixtureRef]> => (present ? [[parameters[index]?.name ?? "", value]] : [])),
    );
  const names = parameters.map((parameter) => parameter.name);
  const oddValue = fc.oneof(oddString, oddNumber.map(String), fc.constantFrom("abc", "1.5", "-1", "1e3", "0x10", " 1", "１", "true", "[]", ""));
  const breakage: fc.Arbitrary<{ label: string; apply: (pairs: Array<[string, string | FixtureRef]>) => Array<[string, string | FixtureRef]> }> = fc.oneof(
    ...(names.length > 0
      ? [
          fc.tuple(fc.constantFrom(...names), oddValue).map(([name, value]) => ({
            label: `query:${name}=odd`,
            apply: (pairs: Array<[string, string | FixtureRef]>) => [...pairs.filter(([key]) => key !== name), [name, value] as [string, string]],
          })),
          fc.tuple(fc.constantFrom(...names), oddValue).map(([name, value]) => ({
            label: `query:${name} repeated`,
            apply: (pairs: Array<[string, string | FixtureRef]>) => [...pairs, [name, "1"] as [string, string], [name, value] as [string, string]],
          })),
        ]
      : []),
    fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), oddValue).map(([name, value]) => ({
      label: "query:unknown",
      apply: (pairs: Array<[string, string | FixtureRef]>) => [...pairs, [name, value] as [string, string]],
    })),
  );
  return fc
    .tuple(valid, chance(options.breakRate / 2), breakage)
    .map(([pairs, broken, change]) => (broken ? { pairs: change.apply(pairs), mutations: [change.label] } : { pairs, mutations: [] }));
}

/** What fetch can put in a header: printable ASCII (anything else is replaced), trimmed like fetch would. */
function asHeaderValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.replace(/[^\x20-\x7e]/g, "?").trim();
}

type HeaderPart = { pairs: Array<[string, string]>; mutations: string[] };

function headersArbitrary(operation: Operation, options: RequestOptions): fc.Arbitrary<HeaderPart> {
  const declared = operation.parameters.filter((parameter) => parameter.in === "header");
  const hint = hintFor(operation, "query", options);
  const documented = fc.tuple(
    ...declared.map((parameter) =>
      fc
        .tuple(
          parameter.required ? fc.constant(true) : fc.boolean(),
          chance(options.breakRate / 2),
          hint(parameter.name) ?? valueArbitrary(withoutNull(parameter.schema)),
          headerValue,
        )
        .map(([present, broken, good, bad]) => ({
          name: parameter.name,
          present: present || broken,
          broken,
          value: broken ? bad : asHeaderValue(good),
        })),
    ),
  );
  const none = fc.constant<Array<[string, string]>>([]);
  const optional =
    options.breakRate === 0
      ? none
      : fc.oneof(
          { arbitrary: none, weight: 10 },
          {
            arbitrary: fc
              .tuple(fc.constantFrom("X-Request-ID", "traceparent", "Accept", "Origin", "Accept-Encoding", "CF-Connecting-IP", "User-Agent"), headerValue)
              .map((header) => [header]),
            weight: 3,
          },
        );
  return fc.tuple(ipArbitrary, documented, optional).map(([ip, chosen, extra]) => ({
    pairs: [["CF-Connecting-IP", ip], ...chosen.filter((header) => header.present).map((header): [string, string] => [header.name, header.value]), ...extra],
    mutations: [...chosen.filter((header) => header.broken).map((header) => `header:${header.name}`), ...extra.map(([name]) => `header:${name} odd`)],
  }));
}

/**
 * Every kind of request for `operation`: about `validShare` of them fully valid,
 * the rest broken in one or more parts.
 */
export function requestArbitrary(operation: Operation, options: RequestOptions): fc.Arbitrary<FuzzRequest> {
  const validShare = Math.round(options.validShare * 100);
  return fc.integer({ min: 0, max: 99 }).chain((roll) => partsArbitrary(operation, roll < validShare ? { ...options, breakRate: 0 } : options));
}

function partsArbitrary(operation: Operation, options: RequestOptions): fc.Arbitrary<FuzzRequest> {
  const self = options.selfIndex === undefined ? fc.nat({ max: options.poolSize - 1 }) : fc.constant(options.selfIndex);
  const people = fc
    .tuple(self, fc.nat({ max: Math.max(0, options.poolSize - 2) }))
    .map(([self, other]) => ({ self, other: other >= self ? other + 1 : other }));
  return fc
    .record({
      people,
      auth: authArbitrary(operation, options),
      path: pathArbitrary(operation, options),
      query: queryArbitrary(operation, options),
      body: bodyArbitrary(operation, options),
      headers: headersArbitrary(operation, options),
    })
    .map(({ people, auth, path, query, body, headers }) => ({
      operation: operation.key,
      method: operation.method.toUpperCase(),
      path: path.values,
      query: query.pairs,
      auth,
      self: people.self,
      other: people.other,
      body: body.body,
      contentType: body.contentType,
      headers: headers.pairs,
      mutations: [
        ...(auth === "matching" || (operation.caller === "anyone" && auth === "none") ? [] : [`auth:${auth}`]),
        ...path.mutations,
        ...query.mutations,
        ...body.mutations,
        ...headers.mutations,
      ],
    }));
}
