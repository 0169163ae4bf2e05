import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { permissionsOf } from "../auth/permissions";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { ROLES } from "../users/user-store";
import { SessionSchema } from "./auth-schemas";

const BASE = "/api/v1/shared/auth";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

const listSessions = createRoute({
  method: "get",
  path: `${BASE}/sessions`,
  tags: ["auth"],
  summary: "The caller's device sessions",
  security,
  responses: { 200: jsonContent(envelopeOf(z.array(SessionSchema)), "Sessions, newest first"), ...errors },
});

const deleteSession = createRoute({
  method: "delete",
  path: `${BASE}/sessions/{id}`,
  tags: ["auth"],
  summary: "Revoke one of the caller's sessions",
  security,
  request: { params: z.object({ id: z.uuid().openapi({ description: "Session id" }) }) },
  responses: { 200: jsonContent(envelopeOf(z.object({ revoked: z.literal(true) })), "Revoked"), ...errors },
});

const logoutAll = createRoute({
  method: "post",
  path: `${BASE}/logout-all`,
  tags: ["auth"],
  summary: "Revoke every session of the caller, this one included",
  security,
  responses: { 200: jsonContent(envelopeOf(z.object({ revokedSessions: z.number().int() })), "Revoked"), ...errors },
});

const roles = createRoute({
  method: "get",
  path: `${BASE}/roles`,
  tags: ["auth"],
  summary: "The caller's roles",
  security,
  responses: { 200: jsonContent(envelopeOf(z.object({ roles: z.array(z.enum(ROLES)) })), "Roles"), ...errors },
});

const permissions = createRoute({
  method: "get",
  path: `${BASE}/permissions`,
  tags: ["auth"],
  summary: "The caller's permissions (from their roles)",
  security,
  responses: { 200: jsonContent(envelopeOf(z.object({ roles: z.array(z.enum(ROLES)), permissions: z.array(z.string()) })), "Permissions"), ...errors },
});

/** Session management and the caller's roles and permissions. */
export function registerSessionRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const path of ["sessions", "sessions/:id", "logout-all", "roles", "permissions"]) app.use(`${BASE}/${path}`, requireAuth());

  app.openapi(listSessions, async (c) => {
    const sessions = await c.var.services.auth.listSessions(authOf(c));
    return ok(
      c,
      sessions.map((session) => ({ ...session, createdAt: new Date(session.createdAt).toISOString(), lastUsedAt: new Date(session.lastUsedAt).toISOString() })),
    );
  });

  app.openapi(deleteSession, async (c) => {
    await c.var.services.auth.endSession(authOf(c), c.req.valid("param").id);
    return ok(c, { revoked: true as const }, "session revoked");
  });

  app.openapi(logoutAll, async (c) => ok(c, { revokedSessions: await c.var.services.auth.endSessions(authOf(c), "all") }, "all sessions revoked"));

  app.openapi(roles, (c) => ok(c, { roles: authOf(c).roles }));

  app.openapi(permissions, (c) => {
    const { roles: callerRoles } = authOf(c);
    return ok(c, { roles: callerRoles, permissions: permissionsOf(callerRoles) });
  });
}
