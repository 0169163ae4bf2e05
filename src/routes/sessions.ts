import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { permissionsOf } from "../auth/permissions";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses } from "../errors";
import { honoPathsOf, openapiWithAliases, type ClientAlias } from "../lib/client-alias";
import { envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { ROLES } from "../users/user-store";
import { DeviceSessionSchema, deviceSessionView } from "./device-sessions";
import { PagingQuerySchema, toWindow } from "./paging";

const BASE = "/api/v1/shared/auth";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

const SECURITY_CLIENT = "src/modules/user/api/security.ts";
const AUTH_CLIENT = "src/modules/shared/api/auth.ts";
const DEVICE_ALIASES: ClientAlias[] = [{ path: "/api/v1/users/devices", client: SECURITY_CLIENT }];
const DEVICE_DELETE_ALIASES: ClientAlias[] = [{ path: "/api/v1/users/devices/{id}", client: SECURITY_CLIENT }];
const ROLE_ALIASES: ClientAlias[] = [{ path: "/api/v1/user/auth/roles", client: AUTH_CLIENT }];
const PERMISSION_ALIASES: ClientAlias[] = [{ path: "/api/v1/user/auth/permissions", client: AUTH_CLIENT }];

const listSessions = createRoute({
  method: "get",
  path: `${BASE}/sessions`,
  tags: ["auth"],
  summary: "The caller's device sessions, newest first, with pagination (the web client's security page pages them)",
  security,
  request: { query: PagingQuerySchema.extend({ size: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "Alias of page_size" }) }) },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(DeviceSessionSchema)), "Sessions, newest first"), ...errors },
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

/** `?detail=true` answers the object form; without it `data` is the bare array, as the Go backend's GetUserRoles returned. */
const DetailQuerySchema = z.object({
  detail: z.enum(["true", "false"]).optional().openapi({ description: "true: `data` is an object (`{roles}` / `{roles, permissions}`) instead of the array" }),
});
const RoleListSchema = z.array(z.enum(ROLES));

const roles = createRoute({
  method: "get",
  path: `${BASE}/roles`,
  tags: ["auth"],
  summary: "The caller's roles: an array in data (`?detail=true`: `{roles}`)",
  security,
  request: { query: DetailQuerySchema },
  responses: { 200: jsonContent(envelopeOf(z.union([RoleListSchema, z.object({ roles: RoleListSchema })])), "Roles"), ...errors },
});

const permissions = createRoute({
  method: "get",
  path: `${BASE}/permissions`,
  tags: ["auth"],
  summary: "The caller's permissions (from their roles): an array in data (`?detail=true`: `{roles, permissions}`)",
  security,
  request: { query: DetailQuerySchema },
  responses: {
    200: jsonContent(envelopeOf(z.union([z.array(z.string()), z.object({ roles: RoleListSchema, permissions: z.array(z.string()) })])), "Permissions"),
    ...errors,
  },
});

/** Session management and the caller's roles and permissions. */
export function registerSessionRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const path of ["sessions", "sessions/:id", "logout-all", "roles", "permissions"]) app.use(`${BASE}/${path}`, requireAuth());
  for (const path of honoPathsOf([...DEVICE_ALIASES, ...DEVICE_DELETE_ALIASES, ...ROLE_ALIASES, ...PERMISSION_ALIASES])) app.use(path, requireAuth());

  openapiWithAliases(
    app,
    listSessions,
    async (c) => {
      const query = c.req.valid("query");
      const window = toWindow({ ...query, page_size: query.page_size ?? query.size });
      const sessions = await c.var.services.auth.listSessions(authOf(c));
      const page = sessions.slice(window.offset, window.offset + window.limit).map(deviceSessionView);
      return okPage(c, page, paginate(sessions.length, window.page, window.pageSize));
    },
    DEVICE_ALIASES,
  );

  openapiWithAliases(
    app,
    deleteSession,
    async (c) => {
      await c.var.services.auth.endSession(authOf(c), c.req.valid("param").id);
      return ok(c, { revoked: true as const }, "session revoked");
    },
    DEVICE_DELETE_ALIASES,
  );

  app.openapi(logoutAll, async (c) => ok(c, { revokedSessions: await c.var.services.auth.endSessions(authOf(c), "all") }, "all sessions revoked"));

  openapiWithAliases(app, roles, (c) => (c.req.valid("query").detail === "true" ? ok(c, { roles: authOf(c).roles }) : ok(c, authOf(c).roles)), ROLE_ALIASES);

  openapiWithAliases(
    app,
    permissions,
    (c) => {
      const { roles: callerRoles } = authOf(c);
      const granted = permissionsOf(callerRoles);
      return c.req.valid("query").detail === "true" ? ok(c, { roles: callerRoles, permissions: granted }) : ok(c, granted);
    },
    PERMISSION_ALIASES,
  );
}
