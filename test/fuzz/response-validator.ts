/**
 * JSON Schema 2020-12 validation of response bodies with Ajv (the dialect
 * OpenAPI 3.1 uses), formats included. Schemas come from the dereferenced
 * document; each is compiled once.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { JsonSchema } from "./json-schema.ts";

// ajv-formats is CommonJS: under Node's ESM interop its default export may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

/** Validates bodies against schemas and says why they do not match. */
export class ResponseValidator {
  // OpenAPI annotations (`example`, ...) are not JSON Schema keywords; strict mode would refuse them.
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });
  private readonly compiled = new WeakMap<JsonSchema, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
  }

  /** Problems with `value` against `schema`, one line each; empty when it matches. */
  problems(schema: JsonSchema, value: unknown): string[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((error) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}${error.params ? ` ${JSON.stringify(error.params)}` : ""}`);
  }
}
