/**
 * The API contract as the running stack publishes it: `/openapi.json`, read at
 * run time (so routes added later are fuzzed too), dereferenced, and flattened
 * into one entry per operation.
 */
import { dereference, validate } from "@readme/openapi-parser";
import type { JsonSchema } from "./json-schema.ts";

/** Methods an OpenAPI path item may hold. */
export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Who may call an operation, from its `security` requirement. */
export type Caller = "anyone" | "user" | "service";

/** One path, query or header parameter, dereferenced. */
export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: JsonSchema;
}

/** One documented response status. */
export interface DocumentedResponse {
  /** The JSON schema of `application/json` content, when there is any. */
  schema: JsonSchema | undefined;
  contentTypes: string[];
}

/** One operation (`METHOD /path`) of the document. */
export interface Operation {
  /** `POST /api/v1/internal/quota/{userId}/consume`. */
  key: string;
  method: HttpMethod;
  path: string;
  caller: Caller;
  /** Security scheme names the fuzzer does not know how to satisfy. */
  unknownSchemes: string[];
  parameters: Parameter[];
  body: { required: boolean; contentTypes: string[]; schema: JsonSchema | undefined } | undefined;
  responses: Map<string, DocumentedResponse>;
  /** `x-client-alias-of`: the canonical operation (`GET /api/v1/finance/wallet/detail`) this path is a client alias of. */
  aliasOf: string | undefined;
}

/** The document, its operations, and what the OpenAPI validator says about it. */
export interface Contract {
  document: Record<string, unknown>;
  operations: Operation[];
  /** Methods documented per path template, for the wrong-method checks. */
  methodsByPath: Map<string, HttpMethod[]>;
  /** Errors from @readme/openapi-parser's validation of the raw document (empty when valid). */
  validationErrors: string[];
}

interface RawParameter {
  name: string;
  in: Parameter["in"];
  required?: boolean;
  schema?: JsonSchema;
}

interface RawMediaType {
  schema?: JsonSchema;
}

interface RawOperation {
  security?: Array<Record<string, string[]>>;
  parameters?: RawParameter[];
  requestBody?: { required?: boolean; content?: Record<string, RawMediaType> };
  responses?: Record<string, { content?: Record<string, RawMediaType> }>;
  "x-client-alias-of"?: string;
}

type RawPathItem = Partial<Record<HttpMethod, RawOperation>> & { parameters?: RawParameter[] };

/** Scheme names the fuzzer can satisfy: user JWTs and the AI service's token. */
const SCHEME_CALLERS: Record<string, Caller> = { bearerAuth: "user", serviceToken: "service" };

function callerOf(security: RawOperation["security"]): { caller: Caller; unknownSchemes: string[] } {
  const names = (security ?? []).flatMap((requirement) => Object.keys(requirement));
  if (names.length === 0) return { caller: "anyone", unknownSchemes: [] };
  const known = names.map((name) => SCHEME_CALLERS[name]).filter((caller): caller is Caller => caller !== undefined);
  return {
    caller: known.includes("service") ? "service" : known.length > 0 ? "user" : "anyone",
    unknownSchemes: names.filter((name) => !(name in SCHEME_CALLERS)),
  };
}

function jsonSchemaOf(content: Record<string, RawMediaType> | undefined): JsonSchema | undefined {
  const entry = Object.entries(content ?? {}).find(([type]) => type.includes("json"));
  return entry?.[1].schema;
}

function flatten(document: { paths?: Record<string, RawPathItem> }): { operations: Operation[]; methodsByPath: Map<string, HttpMethod[]> } {
  const operations: Operation[] = [];
  const methodsByPath = new Map<string, HttpMethod[]>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const methods: HttpMethod[] = [];
    for (const method of HTTP_METHODS) {
      const raw = item[method];
      if (!raw) continue;
      methods.push(method);
      const byName = new Map<string, RawParameter>();
      for (const parameter of [...(item.parameters ?? []), ...(raw.parameters ?? [])]) byName.set(`${parameter.in}:${parameter.name}`, parameter);
      const parameters = [...byName.values()].map((parameter) => ({
        name: parameter.name,
        in: parameter.in,
        // Path parameters are always present, whatever the document says.
        required: parameter.in === "path" || parameter.required === true,
        schema: parameter.schema ?? {},
      }));
      const responses = new Map<string, DocumentedResponse>();
      for (const [status, response] of Object.entries(raw.responses ?? {})) {
        responses.set(status, { schema: jsonSchemaOf(response.content), contentTypes: Object.keys(response.content ?? {}) });
      }
      const body = raw.requestBody
        ? {
            required: raw.requestBody.required === true,
            contentTypes: Object.keys(raw.requestBody.content ?? {}),
            schema: jsonSchemaOf(raw.requestBody.content),
          }
        : undefined;
      const aliasOf = raw["x-client-alias-of"];
      operations.push({ key: `${method.toUpperCase()} ${path}`, method, path, ...callerOf(raw.security), parameters, body, responses, aliasOf });
    }
    methodsByPath.set(path, methods);
  }
  return { operations, methodsByPath };
}

/** Fetches `/openapi.json` from the stack, validates it, and dereferences every `$ref`. */
export async function loadContract(apiUrl: string): Promise<Contract> {
  const response = await fetch(`${apiUrl}/openapi.json`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}: ${text.slice(0, 500)}`);
  const raw = JSON.parse(text) as Record<string, unknown>;
  const validation = await validate(structuredClone(raw) as Parameters<typeof validate>[0]);
  const validationErrors = validation.valid ? [] : validation.errors.map((error) => error.message);
  const document = (await dereference(structuredClone(raw) as Parameters<typeof dereference>[0])) as unknown as Record<string, unknown>;
  return { document, validationErrors, ...flatten(document as { paths?: Record<string, RawPathItem> }) };
}

/** Fills a path template (`/a/{id}`) with already-encoded segment values. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? "");
}
