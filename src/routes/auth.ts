import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bearerToken } from "../middleware/auth";
import { verifyAccessToken } from "../auth/tokens";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { clientInfo, clientIp } from "../lib/client";
import { created, envelopeOf, jsonContent, ok } from "../lib/envelope";
import { rateLimit } from "../middleware/rate-limit";
import { runtimeSetting } from "../runtime-config/cache";
import { sessionOfRefreshToken } from "../auth/session-store";
import { checkRegistrationCode } from "./auth-email";
import { normalizeUsername } from "../users/username";
import { countLogins, countRefreshes, countRegistrations } from "./auth-metrics";
import { LoginBodySchema, RefreshBodySchema, RegisterBodySchema, TokenPairSchema } from "./auth-schemas";

/** Both prefixes the Qingyu clients use for the same auth endpoints. */
const PREFIXES = ["/api/v1/shared/auth", "/api/v1/user/auth"] as const;

const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });

const registerRoute = (prefix: string) =>
  createRoute({
    method: "post",
    path: `${prefix}/register`,
    tags: ["auth"],
    summary: "Create an account (always role reader) and log it in",
    request: jsonBody(RegisterBodySchema),
    responses: { 201: jsonContent(envelopeOf(TokenPairSchema), "Account created"), 409: errorResponse("Username (2003) or email (2004) taken"), ...commonErrorResponses },
  });

const loginRoute = (prefix: string) =>
  createRoute({
    method: "post",
    path: `${prefix}/login`,
    tags: ["auth"],
    summary: "Log in with username or email",
    request: jsonBody(LoginBodySchema),
    responses: { 200: jsonContent(envelopeOf(TokenPairSchema), "Logged in"), ...authErrorResponses, ...commonErrorResponses },
  });

const refreshRoute = (prefix: string) =>
  createRoute({
    method: "post",
    path: `${prefix}/refresh`,
    tags: ["auth"],
    summary: "Swap a refresh token for a new access token and a new refresh token",
    request: jsonBody(RefreshBodySchema),
    responses: { 200: jsonContent(envelopeOf(TokenPairSchema), "New tokens"), ...authErrorResponses, ...commonErrorResponses },
  });

const logoutRoute = (prefix: string) =>
  createRoute({
    method: "post",
    path: `${prefix}/logout`,
    tags: ["auth"],
    summary: "End the current session; answers 200 even without a valid token",
    security: [{ bearerAuth: [] }],
    responses: { 200: jsonContent(envelopeOf(z.object({ loggedOut: z.boolean() })), "Logged out"), ...commonErrorResponses },
  });

/** Ends the session of a valid token; with no or a bad token there is nothing to end, and that is fine. */
async function logout(c: Context<AppEnv>) {
  let claims;
  try {
    claims = await verifyAccessToken(c.var.config, bearerToken(c.req.header("Authorization")));
  } catch {
    return ok(c, { loggedOut: false }, "no active session");
  }
  await c.var.services.auth.logout(claims);
  return ok(c, { loggedOut: true }, "logged out");
}

/** The session a refresh request's body names, if it is well formed (the body is parsed once; the validator reuses it). */
async function refreshSession(c: Context<AppEnv>): Promise<string | undefined> {
  if (c.req.method !== "POST") return undefined;
  const body = (await c.req.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  const token = body?.refresh_token ?? body?.refreshToken ?? body?.token;
  return typeof token === "string" ? sessionOfRefreshToken(token) : undefined;
}

/**
 * The session a logout's token belongs to, if the token verifies (the route verifies it again, from the
 * isolate's verified-token memory). A request without a valid token writes nothing, so it is not counted.
 */
async function logoutSession(c: Context<AppEnv>): Promise<string | undefined> {
  if (c.req.method !== "POST") return undefined;
  try {
    return (await verifyAccessToken(c.var.config, bearerToken(c.req.header("Authorization")))).sid;
  } catch {
    return undefined;
  }
}

const postIp = (c: Context<AppEnv>) => (c.req.method === "POST" ? clientIp(c) : undefined);

/** Registers register, login, refresh and logout under both prefixes. */
export function registerAuthRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const prefix of PREFIXES) {
    app.use(`${prefix}/register`, countRegistrations());
    app.use(`${prefix}/login`, countLogins());
    app.use(`${prefix}/refresh`, countRefreshes());
    app.use(
      `${prefix}/register`,
      rateLimit({ name: "register", limits: (c) => runtimeSetting(c.var.services, (doc) => doc.auth.registerLimit), key: postIp }),
    );
    // Refresh and logout write to Redis; limits keep one client from growing shared state or its cost without bound.
    app.use(`${prefix}/refresh`, rateLimit({ name: "refresh-ip", limits: (c) => runtimeSetting(c.var.services, (doc) => doc.auth.refreshLimitPerIp), key: postIp }));
    app.use(
      `${prefix}/refresh`,
      rateLimit({ name: "refresh-session", limits: (c) => runtimeSetting(c.var.services, (doc) => doc.auth.refreshLimitPerSession), key: refreshSession }),
    );
    app.use(`${prefix}/logout`, rateLimit({ name: "logout", limits: (c) => runtimeSetting(c.var.services, (doc) => doc.auth.logoutLimit), key: logoutSession }));
    app.openapi(registerRoute(prefix), async (c) => {
      const body = c.req.valid("json");
      const emailVerified = await checkRegistrationCode(c, body.email, body.verificationCode);
      const pair = await c.var.services.auth.register({ ...body, emailVerified }, clientInfo(c));
      return created(c, pair, "registered");
    });
    app.openapi(loginRoute(prefix), async (c) => {
      const { username, password } = c.req.valid("json");
      // The username rule's normal form (NFKC), so a fullwidth or composed spelling logs into the same account.
      const pair = await c.var.services.auth.login({ login: normalizeUsername(username), password }, clientInfo(c));
      return ok(c, pair, pair.mustChangePassword ? "logged in; password change required" : "logged in");
    });
    app.openapi(refreshRoute(prefix), async (c) => {
      const body = c.req.valid("json");
      const token = body.refresh_token ?? body.refreshToken ?? body.token ?? "";
      return ok(c, await c.var.services.auth.refresh(token), "refreshed");
    });
    app.openapi(logoutRoute(prefix), logout);
  }
}
