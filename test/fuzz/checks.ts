/**
 * The properties every response must have, whatever was sent:
 * no 5xx; every 4xx in the error envelope with a code from the error table and
 * that code's status; every 2xx matching the documented schema of the route it
 * actually reached; no user's response carrying another user's identifiers.
 */
import { ErrorCodes } from "../../src/errors.ts";
import type { Contract, Operation } from "./contract.ts";
import type { Cast } from "./cast.ts";
import type { JsonSchema } from "./json-schema.ts";
import type { Exchange } from "./request-model.ts";
import type { ResponseValidator } from "./response-validator.ts";

/** Status each error code must travel with, from src/errors.ts. */
const STATUS_OF_CODE = new Map<number, number>(Object.values(ErrorCodes).map((entry) => [entry.code, entry.status]));

/** What one exchange broke (problems fail the run) and what it merely revealed (notes). */
export interface Verdict {
  problems: string[];
  notes: string[];
}

interface Route {
  operation: Operation;
  pattern: RegExp;
}

function routesOf(operations: Operation[]): Route[] {
  const escape = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
  return operations
    .map((operation) => ({
      operation,
      pattern: new RegExp(
        `^${operation.path
          .split(/\{[^}]+\}/)
          .map(escape)
          .join("[^/]+")}$`,
      ),
      params: (operation.path.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params)
    .map(({ operation, pattern }) => ({ operation, pattern }));
}

/** Checks exchanges against the contract. */
export class ContractChecks {
  private readonly routes: Route[];
  private readonly errorEnvelope: JsonSchema;
  private readonly validator: ResponseValidator;
  private readonly cast: Cast;

  constructor(contract: Contract, validator: ResponseValidator, cast: Cast) {
    this.validator = validator;
    this.cast = cast;
    this.routes = routesOf(contract.operations);
    const components = contract.document.components as { schemas?: Record<string, JsonSchema> } | undefined;
    const envelope = components?.schemas?.ErrorEnvelope;
    if (!envelope) throw new Error("the document has no ErrorEnvelope schema");
    this.errorEnvelope = envelope;
  }

  /** The documented operation a method and raw path reach, if any. */
  routeOf(method: string, pathname: string): Operation | undefined {
    return this.routes.find((route) => route.operation.method === method.toLowerCase() && route.pattern.test(pathname))?.operation;
  }

  /** Every property, for one exchange. */
  check(exchange: Exchange): Verdict {
    const problems: string[] = [];
    const notes: string[] = [];
    const { status } = exchange;
    const pathname = new URL(exchange.sent.url).pathname;
    const reached = this.routeOf(exchange.sent.method, pathname);
    if (!exchange.headers["x-request-id"]) problems.push("no X-Request-ID header");
    if (status >= 500) problems.push(`answered ${status}`);
    if (status >= 400) problems.push(...this.errorProblems(exchange));
    if (status >= 400 && status < 500 && reached && !reached.responses.has(String(status))) notes.push(`${reached.key}: ${status} is not documented`);
    if (status >= 200 && status < 300) problems.push(...this.successProblems(exchange, reached));
    if (status < 200 || (status >= 300 && status < 400)) problems.push(`unexpected status ${status}`);
    problems.push(...this.leaks(exchange, pathname));
    return { problems, notes };
  }

  private errorProblems(exchange: Exchange): string[] {
    const problems: string[] = [];
    if (!(exchange.headers["content-type"] ?? "").includes("application/json"))
      problems.push(`error content-type is ${JSON.stringify(exchange.headers["content-type"] ?? null)}`);
    if (exchange.json === undefined) return [...problems, "error body is not JSON"];
    problems.push(...this.validator.problems(this.errorEnvelope, exchange.json).map((problem) => `error envelope: ${problem}`));
    const code = (exchange.json as { code?: unknown }).code;
    const expected = typeof code === "number" ? STATUS_OF_CODE.get(code) : undefined;
    if (expected === undefined) problems.push(`error code ${JSON.stringify(code)} is not in the error table`);
    else if (expected !== exchange.status) problems.push(`error code ${String(code)} belongs with ${expected}, sent with ${exchange.status}`);
    if (exchange.status === 405 && !exchange.headers.allow) problems.push("405 without an Allow header");
    return problems;
  }

  private successProblems(exchange: Exchange, reached: Operation | undefined): string[] {
    if (!reached) return [`${exchange.status} from ${exchange.sent.method} ${new URL(exchange.sent.url).pathname}, which the document does not describe`];
    const documented = reached.responses.get(String(exchange.status));
    if (!documented) return [`${reached.key} answered ${exchange.status}, which is not documented (documented: ${[...reached.responses.keys()].join(", ")})`];
    if (!documented.schema) return [];
    if (exchange.json === undefined) return [`${reached.key} ${exchange.status}: the body is not JSON`];
    return this.validator.problems(documented.schema, exchange.json).map((problem) => `${reached.key} ${exchange.status} body: ${problem}`);
  }

  /**
   * A user (not the admin) must never see another cast member's username, email
   * or session id, unless the request itself carried it (an echo is no leak) or
   * carried their refresh token (then it acts as them).
   * User ids are left out: a transfer legitimately names its counterparty.
   */
  private leaks(exchange: Exchange, pathname: string): string[] {
    if (exchange.status >= 300 || pathname.includes("/admin/") || pathname.includes("/internal/")) return [];
    const token = exchange.sent.headers.Authorization?.replace(/^bearer\s+/i, "");
    const caller = token ? this.cast.identityByToken(token) : undefined;
    if (!caller || caller.isAdmin) return [];
    const sent = `${exchange.sent.url} ${exchange.sent.body ?? ""}`;
    return (
      this.cast.everyone
        // Whoever's credential (refresh token) the request carries is who it acts as: their data is no leak.
        .filter((someone) => someone !== caller && !sent.includes(someone.refreshToken))
        .flatMap((someone) =>
          Object.entries({ username: someone.username, email: someone.email, session: this.cast.sessionIdOf(someone) })
            .filter(([, secret]) => exchange.text.includes(JSON.stringify(secret)) && !sent.includes(secret))
            .map(([what]) => `cross-user read: ${caller.label}'s response contains ${someone.label}'s ${what}`),
        )
    );
  }
}
