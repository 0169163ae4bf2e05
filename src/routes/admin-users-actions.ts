import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createOperationLog } from "../admin/operation-log";
import { createUserAdmin } from "../admin/user-admin";
import { PasswordResetSchema, RoleChangeSchema, StatusChangeSchema, StatusResultSchema, toAdminUser, UserIdParamSchema } from "../admin/user-views";
import { createSessionStore } from "../auth/session-store";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { authOf } from "../middleware/auth";

const BASE = "/api/v1/admin/users/{id}";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };
const json = <T extends Parameters<typeof jsonContent>[0]>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });

const setStatus = createRoute({
  method: "put",
  path: `${BASE}/status`,
  tags: ["admin"],
  summary: "Ban (reason, optional end), disable or reactivate; a ban or disable ends every session of the user at once",
  security,
  request: { params: UserIdParamSchema, ...json(StatusChangeSchema) },
  responses: {
    200: jsonContent(envelopeOf(StatusResultSchema), "Changed"),
    409: errorResponse("Your own account, or it would leave no active admin (code 1006)"),
    ...errors,
  },
});

const setRole = createRoute({
  method: "put",
  path: `${BASE}/role`,
  tags: ["admin"],
  summary: "Replace the roles; removing a role ends the user's sessions (tokens carry roles)",
  security,
  request: { params: UserIdParamSchema, ...json(RoleChangeSchema) },
  responses: {
    200: jsonContent(envelopeOf(StatusResultSchema), "Changed"),
    409: errorResponse("Your own roles, or it would leave no active admin (code 1006)"),
    ...errors,
  },
});

const resetPassword = createRoute({
  method: "post",
  path: `${BASE}/reset-password`,
  tags: ["admin"],
  summary: "Set a one-time temporary password (returned once, never logged) and end every session",
  security,
  request: { params: UserIdParamSchema },
  responses: { 200: jsonContent(envelopeOf(PasswordResetSchema), "The temporary password"), ...errors },
});

async function userAdmin(c: Context<AppEnv>) {
  const { services } = c.var;
  const { auth } = (await services.runtimeConfig()).document;
  return createUserAdmin({
    users: services.users,
    sessions: createSessionStore(services.redis),
    revocations: services.revocations,
    accessTokenTtlMs: auth.accessTokenTtlSeconds * 1000,
    waitUntil: (promise) => {
      try {
        c.executionCtx.waitUntil(promise);
      } catch {
        // No execution context (app.request in tests): the promise still runs, unawaited.
      }
    },
  });
}

async function audit(c: Context<AppEnv>, action: string, userId: string, details: Record<string, unknown>) {
  await createOperationLog(c.env.DB).record({ adminId: authOf(c).user_id, action, target: `user:${userId}`, details, requestId: c.var.requestId });
}

function countRevocations(c: Context<AppEnv>, sessions: number) {
  if (sessions > 0) c.var.metrics.inc("qingyu_auth_revocations_total", { reason: "admin" }, sessions);
}

/** Status, role and password-reset routes (behind the admin guard that registerAdminUserRoutes installs). */
export function registerAdminUserActionRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(setStatus, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const change = { status: body.status, reason: body.reason ?? null, until: body.until === undefined ? null : Date.parse(body.until) };
    const result = await (await userAdmin(c)).setStatus(authOf(c).user_id, id, change);
    countRevocations(c, result.revokedSessions);
    const action = body.status === "active" ? "user.activate" : body.status === "banned" ? "user.ban" : "user.disable";
    await audit(c, action, id, { reason: body.reason ?? null, until: body.until ?? null, revokedSessions: result.revokedSessions });
    return ok(c, { user: toAdminUser(result.user), revokedSessions: result.revokedSessions }, `user ${body.status}`);
  });

  app.openapi(setRole, async (c) => {
    const { id } = c.req.valid("param");
    const { roles } = c.req.valid("json");
    const result = await (await userAdmin(c)).setRoles(authOf(c).user_id, id, roles);
    countRevocations(c, result.revokedSessions);
    await audit(c, "user.set_roles", id, { before: result.before, after: roles, revokedSessions: result.revokedSessions });
    return ok(c, { user: toAdminUser(result.user), revokedSessions: result.revokedSessions }, "roles updated");
  });

  app.openapi(resetPassword, async (c) => {
    const { id } = c.req.valid("param");
    const result = await (await userAdmin(c)).resetPassword(id);
    countRevocations(c, result.revokedSessions);
    // The log records that a reset happened, never the password.
    await audit(c, "user.reset_password", id, { revokedSessions: result.revokedSessions });
    c.header("Cache-Control", "no-store");
    return ok(c, result, "password reset");
  });
}
