/**
 * The fuzzer's cast on the live stack: a pool of real users (registered through
 * the API), one admin (promoted with the documented script), the AI service's
 * token, a revoked token, and forged tokens. It resolves `FixtureRef`s and
 * Authorization variants at send time, and follows what responses do to the
 * cast (a revoked session is logged in again, a rotated refresh token adopted).
 */
import { decodeJwt } from "jose";
import { serviceToken as readServiceToken } from "../support/admin.ts";
import { call, type Envelope } from "../support/http.ts";
import { login, registerUser } from "../support/users.ts";
import { FixtureRef, type FixtureKind } from "./fixtures.ts";
import { forgeTokens } from "./forged-tokens.ts";
import { recruitAdmin, recruitUser, type Identity, type Recruiter } from "./recruits.ts";
import type { Exchange, FuzzRequest } from "./request-model.ts";

/** Secrets a caller can only hold for themselves: resolved to the caller's own in isolation mode. */
const SECRET_KINDS: FixtureKind[] = ["refreshToken", "password"];

function randomIp(): string {
  return `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
}

/** The cast of one fuzz phase. */
export class Cast {
  /** Re-logins done after a session was revoked under the fuzzer. */
  relogins = 0;
  /** Cast members replaced after the fuzzer locked them out for good (banned, password reset, demoted). */
  replacements = 0;
  readonly users: Identity[];
  readonly admin: Identity;
  /** A token whose session was logged out. */
  readonly revokedToken: string;
  /**
   * The account login requests aim at: nobody else uses it, so the failed
   * logins the fuzzer sends (and the per-account throttle they trip) hurt no one.
   */
  readonly loginTarget: { username: string; password: string };
  /** Names the health report lists (valid `{service}` values). */
  readonly healthServices: string[];
  private readonly recruiter: Recruiter;
  /** Isolation mode: references to refresh tokens and passwords always resolve to the caller's own. */
  private readonly secretsStayWithCaller: boolean;
  private configVersion = 0;
  private readonly pending = new Map<Identity, Promise<void>>();

  private constructor(
    parts: Pick<Cast, "users" | "admin" | "revokedToken" | "healthServices" | "loginTarget"> & { recruiter: Recruiter; secretsStayWithCaller: boolean },
  ) {
    this.users = parts.users;
    this.admin = parts.admin;
    this.revokedToken = parts.revokedToken;
    this.loginTarget = parts.loginTarget;
    this.healthServices = parts.healthServices;
    this.recruiter = parts.recruiter;
    this.secretsStayWithCaller = parts.secretsStayWithCaller;
  }

  /** Recruits `size` users and an admin (see recruits.ts), and makes a revoked token. */
  static async create(apiUrl: string, stateDir: string, size: number, options: { secretsStayWithCaller: boolean }): Promise<Cast> {
    const recruiter: Recruiter = { apiUrl, stateDir, serviceToken: await readServiceToken() };
    const users = await Promise.all(Array.from({ length: size }, (_, index) => recruitUser(recruiter, `user${index}`)));
    const admin = await recruitAdmin(recruiter);
    const doomed = await registerUser(apiUrl);
    await call("/api/v1/shared/auth/logout", { base: apiUrl, method: "POST", headers: { Authorization: `Bearer ${doomed.pair.token}` } });
    const health = (await (await call("/api/v1/system/health", { base: apiUrl })).json()) as Envelope<{ checks?: Array<{ name: string }> }>;
    const healthServices = (health.data.checks ?? []).map((check) => check.name);
    const { username, password } = await registerUser(apiUrl);
    const cast = new Cast({
      users,
      admin,
      revokedToken: doomed.pair.token,
      healthServices,
      loginTarget: { username, password },
      recruiter,
      secretsStayWithCaller: options.secretsStayWithCaller,
    });
    await cast.refreshConfigVersion();
    return cast;
  }

  /** The stack's API base URL. */
  get apiUrl(): string {
    return this.recruiter.apiUrl;
  }

  /** The AI service's bearer token. */
  get serviceToken(): string {
    return this.recruiter.serviceToken;
  }

  private bearer(token: string): Record<string, string> {
    return { Authorization: `Bearer ${token}` };
  }

  /** Everyone in the cast, admin last. */
  get everyone(): Identity[] {
    return [...this.users, this.admin];
  }

  /** Who a bearer token belongs to (current tokens only). */
  identityByToken(token: string): Identity | undefined {
    return this.everyone.find((identity) => identity.token === token);
  }

  private ownerOf(owner: FixtureRef["owner"], request: FuzzRequest): Identity {
    if (owner === "admin") return this.admin;
    const index = owner === "self" ? request.self : request.other;
    return this.users[index % this.users.length] ?? this.admin;
  }

  /** The session id of an identity's current token. */
  sessionIdOf(identity: Identity): string {
    return String(decodeJwt(identity.token).sid ?? "no-session");
  }

  /** The live value behind a reference. */
  resolve(ref: FixtureRef, request: FuzzRequest): string | number {
    const owner = this.secretsStayWithCaller && SECRET_KINDS.includes(ref.kind) ? "self" : ref.owner;
    const identity = this.ownerOf(owner, request);
    const pick = <T>(values: T[], fallback: T): T => values[ref.pick % Math.max(1, values.length)] ?? fallback;
    switch (ref.kind) {
      case "userId":
        return identity.userId;
      case "sessionId":
        return this.sessionIdOf(identity);
      case "notificationId":
        return pick(identity.notificationIds, "no-notification");
      case "reservationId":
        return pick(identity.reservationIds, "no-reservation");
      case "orderId":
        return pick(identity.orderIds, "no-order");
      case "withdrawId":
        return pick(identity.withdrawIds, "no-withdrawal");
      case "configVersion":
        return ref.pick % 3 === 0 ? this.configVersion : ref.pick % (this.configVersion + 2);
      case "refreshToken":
        return identity.refreshToken;
      case "password":
        return identity.password;
      case "serviceName":
        return pick(this.healthServices, "redis");
      case "loginName":
        return this.loginTarget.username;
      case "loginPassword":
        return this.loginTarget.password;
    }
  }

  /** Replaces every reference inside a generated JSON value. */
  resolveDeep(value: unknown, request: FuzzRequest): unknown {
    if (value instanceof FixtureRef) return this.resolve(value, request);
    if (Array.isArray(value)) return value.map((item) => this.resolveDeep(item, request));
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolveDeep(item, request)]));
    return value;
  }

  /** Follows what a response did to the cast: revoked sessions, rotated refresh tokens, changed passwords, config versions. */
  async observe(exchange: Exchange): Promise<void> {
    const token = exchange.sent.headers.Authorization?.replace(/^bearer\s+/i, "");
    const caller = token ? this.identityByToken(token) : undefined;
    const body = exchange.json as Envelope<Record<string, unknown> | null> | undefined;
    const path = new URL(exchange.sent.url).pathname;
    if (caller && exchange.status === 401 && body?.code === 2016) await this.relogin(caller, token ?? "");
    if (exchange.status >= 200 && exchange.status < 300) {
      const sentBody = parseObject(exchange.sent.body);
      if (caller && path.endsWith("/password")) {
        const next = sentBody.new_password ?? sentBody.newPassword;
        if (typeof next === "string") caller.password = next;
      }
      if (path.includes("/refresh")) {
        const used = sentBody.refresh_token ?? sentBody.refreshToken ?? sentBody.token;
        const owner = this.everyone.find((identity) => identity.refreshToken === used);
        const data = body?.data;
        if (owner && data && typeof data.token === "string" && typeof data.refreshToken === "string") {
          owner.token = data.token;
          owner.refreshToken = data.refreshToken;
        }
      }
      const version = body?.data?.version;
      if (path.includes("/admin/config") && typeof version === "number") this.configVersion = Math.max(this.configVersion, version);
    }
    if (exchange.status === 409 && path.includes("/admin/config")) await this.refreshConfigVersion();
  }

  /**
   * Logs `identity` in again, once, if `staleToken` is still its current token.
   * A member the fuzzer locked out for good (banned, password reset, no longer
   * an admin) is replaced by a new recruit in place.
   */
  async relogin(identity: Identity, staleToken: string): Promise<void> {
    if (identity.token !== staleToken) return;
    const running = this.pending.get(identity);
    if (running) return running;
    const attempt = (async () => {
      try {
        const pair = await login(identity.username, identity.password, this.apiUrl).catch(() => undefined);
        if (pair && (!identity.isAdmin || pair.roles.includes("admin"))) {
          Object.assign(identity, { token: pair.token, refreshToken: pair.refreshToken, forged: await forgeTokens(pair.token) });
          this.relogins += 1;
        } else {
          Object.assign(identity, identity.isAdmin ? await recruitAdmin(this.recruiter) : await recruitUser(this.recruiter, identity.label));
          this.replacements += 1;
        }
      } finally {
        this.pending.delete(identity);
      }
    })();
    this.pending.set(identity, attempt);
    return attempt;
  }

  /** Reads the current runtime-config version as the admin. */
  async refreshConfigVersion(): Promise<void> {
    const response = await call("/api/v1/admin/config", { base: this.apiUrl, headers: { ...this.bearer(this.admin.token), "CF-Connecting-IP": randomIp() } });
    if (response.status !== 200) return;
    const body = (await response.json()) as Envelope<{ version: number }>;
    this.configVersion = body.data.version;
  }
}

function parseObject(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? "");
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
