/**
 * Policy validation inside the Durable Object (the routes validate too; this
 * is defence in depth) and the quota's typed failures. RPC inputs are parsed
 * by `rpc` (../rpc.ts).
 */
import { fieldDetails, rpcFailure } from "../../contract/rpc-failure";
import { QuotaPolicySchema, type QuotaPolicy } from "../../contract/quota/policy";
import { isQuotaFailure, type QuotaFailure, type QuotaRpcError } from "../../contract/quota/results";

function failure(code: QuotaRpcError["code"], message: string, details: Record<string, string> = {}): QuotaFailure {
  return rpcFailure(code, message, details);
}

/** 400 code 1001 in the routes. */
export const invalid = (message: string, details: Record<string, string>): QuotaFailure => failure("invalid_argument", message, details);
/** 404 in the routes. */
export const notFound = (message: string): QuotaFailure => failure("not_found", message);
/** 422 code 4221 in the routes: the price table has no price for the model and no default. */
export const unknownModel = (model: string): QuotaFailure => failure("unknown_model", `no price for model ${model}`, { model: "has no price and the table refuses unlisted models" });
/** 409 in the routes. */
export const conflict = (message: string, details: Record<string, string> = {}): QuotaFailure => failure("conflict", message, details);

/** A policy ready to use, and whether it differs from the one this object last stored. */
export type ResolvedPolicy = { policy: QuotaPolicy; canonical: string; changed: boolean; raw: string };

type Validated = { policy: QuotaPolicy; canonical: string };

/**
 * Policies validated in this isolate, by the text they arrived as. Every QuotaCounter of the isolate shares
 * one parse per distinct policy: a woken object (local workerd closes idle ones within seconds) finds its
 * stored policy here instead of parsing it again. Bounded; the entries are frozen, since objects share them.
 */
const validatedPolicies = new Map<string, Validated>();
const MAX_VALIDATED_POLICIES = 64;

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Validates `value` (the parsed form of `text`), or returns the isolate's earlier validation of the same text. */
function validated(text: string, value: () => unknown): Validated | QuotaFailure {
  const known = validatedPolicies.get(text);
  if (known) return known;
  let raw: unknown;
  try {
    raw = value();
  } catch {
    return invalid("invalid policy", { policy: "must be a policy object or its JSON text" });
  }
  const result = QuotaPolicySchema.safeParse(raw);
  if (!result.success) return invalid("invalid policy", fieldDetails(result.error, "policy"));
  const entry = { policy: deepFreeze(result.data), canonical: JSON.stringify(result.data) };
  if (validatedPolicies.size >= MAX_VALIDATED_POLICIES) validatedPolicies.clear();
  validatedPolicies.set(text, entry);
  return entry;
}

/**
 * One object's policy state. Routes pass the same policy text on every call, so the usual cost is one
 * string compare; a new text is looked up in the isolate's table, and the zod parse runs only for a
 * policy this isolate has not seen. A policy object (tests, the wallet's outbox) is serialised first.
 */
export class PolicyCache {
  private rawJson: string | null = null;
  private parsed: QuotaPolicy | null = null;
  private storedJson: string | null = null;

  /** The policy last persisted (for alarms), or null before the first touch. */
  stored: QuotaPolicy | null = null;

  /** Seeds the cache from storage after (re)construction. */
  load(storedJson: string | null): void {
    if (storedJson === null) return;
    const entry = validated(storedJson, () => JSON.parse(storedJson));
    if (isQuotaFailure(entry)) return;
    this.stored = entry.policy;
    this.storedJson = storedJson;
  }

  /** Validates `raw` (a policy or its text), or reuses the last validation when the same policy arrives again. */
  resolve(raw: unknown): ResolvedPolicy | QuotaFailure {
    let rawJson: string;
    try {
      rawJson = typeof raw === "string" ? raw : (JSON.stringify(raw) ?? "null");
    } catch {
      return invalid("invalid policy", { policy: "must be JSON-serialisable" });
    }
    if (rawJson === this.rawJson && this.parsed) {
      return { policy: this.parsed, canonical: this.storedJson ?? "", changed: false, raw: rawJson };
    }
    const entry = validated(rawJson, () => (typeof raw === "string" ? JSON.parse(raw) : raw));
    if (isQuotaFailure(entry)) return entry;
    return { policy: entry.policy, canonical: entry.canonical, changed: entry.canonical !== this.storedJson, raw: rawJson };
  }

  /** Call after the transaction that used `resolved` committed (and persisted it when changed). */
  accept(resolved: ResolvedPolicy): void {
    this.rawJson = resolved.raw;
    this.parsed = resolved.policy;
    if (resolved.changed) {
      this.storedJson = resolved.canonical;
      this.stored = resolved.policy;
    }
  }
}
