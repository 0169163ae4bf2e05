import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ConfigUpdateResult } from "../../contract/runtime-config/snapshot";
import { createOperationLog } from "../admin/operation-log";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { rememberRuntimeConfig } from "../runtime-config/cache";
import { configStore } from "../../durable-objects/config-store/client";
import type { ConfigChange, Json } from "../../contract/runtime-config/merge-patch";
import { groupedConfig } from "../runtime-config/grouped";
import { RuntimeConfigSchema } from "../../contract/runtime-config/schema";
import { maskedChanges, maskedDocument, restoreMaskedSecrets, WRITE_ONLY_MASK } from "../runtime-config/secrets";

/** Where the runtime config's admin routes live. */
export const CONFIG_BASE = "/api/v1/admin/config";
const BASE = CONFIG_BASE;
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

const ConfigItemSchema = z.object({
  key: z.string().openapi({ example: "quota.thresholds.warningPercent" }),
  value: z.unknown(),
  type: z.enum(["string", "number", "boolean", "object"]),
  description: z.string(),
  editable: z.boolean(),
  sensitive: z.boolean().openapi({ description: "The value is masked; sending the mask back leaves it unchanged" }),
});

/** The document (ours) and the same settings grouped by section, as the web client's system-config page reads them (`data.groups`). */
export const SnapshotSchema = z
  .object({
    version: z.number().int(),
    document: RuntimeConfigSchema,
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
    groups: z.array(z.object({ name: z.string(), description: z.string(), items: z.array(ConfigItemSchema) })),
  })
  .openapi("RuntimeConfigSnapshot");

const JsonObject = z.record(z.string(), z.unknown());

const UpdateSchema = z
  .object({
    version: z.number().int().min(0).openapi({ description: "The version you read; a newer one on the server → 409" }),
    document: JsonObject.optional().openapi({ description: "The whole new document" }),
    patch: JsonObject.optional().openapi({ description: "A JSON merge patch (RFC 7396) applied to the current document" }),
  })
  .refine((body) => (body.document === undefined) !== (body.patch === undefined), { message: "send exactly one of document or patch", path: ["document"] })
  .openapi("RuntimeConfigUpdate");

const ChangeSchema = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });
const HistoryEntrySchema = z
  .object({
    version: z.number().int(),
    author: z.string(),
    requestId: z.string().nullable(),
    createdAt: z.string(),
    note: z.string().nullable(),
    changes: z.array(ChangeSchema),
  })
  .openapi("RuntimeConfigHistoryEntry");

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const getConfig = createRoute({
  method: "get",
  path: BASE,
  tags: ["admin"],
  summary: "The current runtime config: the document, and the same settings grouped by section (`groups`, the web client's view)",
  security,
  responses: { 200: jsonContent(envelopeOf(SnapshotSchema), "Current version"), ...errors },
});

const putConfig = createRoute({
  method: "put",
  path: BASE,
  tags: ["admin"],
  summary: "Replace the runtime config or merge-patch it; takes effect everywhere within 5 s",
  security,
  request: { body: { required: true, content: { "application/json": { schema: UpdateSchema } } } },
  responses: {
    200: jsonContent(envelopeOf(SnapshotSchema), "Saved as a new version"),
    409: errorResponse("Someone saved a newer version (code 1006)"),
    ...errors,
  },
});

const history = createRoute({
  method: "get",
  path: `${BASE}/history`,
  tags: ["admin"],
  summary: "Who changed what, newest first",
  security,
  request: {
    query: z.object({
      page: z.coerce.number().int().min(1).max(100_000).default(1),
      page_size: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "Default 20" }),
      pageSize: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "Alias of page_size" }),
    }),
  },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(HistoryEntrySchema)), "History"), ...errors },
});

const rollback = createRoute({
  method: "post",
  path: `${BASE}/rollback/{version}`,
  tags: ["admin"],
  summary: "Make an earlier version current again (as a new version)",
  security,
  request: {
    params: z.object({ version: z.string().regex(/^\d{1,9}$/, "must be a version number").openapi({ example: "3" }) }),
    body: { required: true, content: { "application/json": { schema: z.object({ expectedVersion: z.number().int().min(0) }) } } },
  },
  responses: { 200: jsonContent(envelopeOf(SnapshotSchema), "Rolled back"), 409: errorResponse("Someone saved a newer version (code 1006)"), ...errors },
});

/** Turns a store answer into the response, remembers the new version in this isolate and logs the admin action. */
export async function settleConfigChange(c: Context<AppEnv>, result: ConfigUpdateResult, action: string) {
  if (!result.ok) {
    if (result.reason === "conflict")
      throw new ApiError("CONFLICT", `config changed meanwhile: current version is ${result.currentVersion}`, {
        details: { currentVersion: result.currentVersion },
      });
    if (result.reason === "unknown_version") throw new ApiError("NOT_FOUND", `no config version ${result.version}`);
    throw new ApiError("INVALID_PARAMETER", "invalid config", { details: Object.fromEntries(result.issues.map((issue) => [issue.path, issue.message])) });
  }
  rememberRuntimeConfig(c.env.CONFIG_STORE, result);
  await createOperationLog(c.env.DB).record({ adminId: authOf(c).user_id, action, target: `config:v${result.version}`, requestId: c.var.requestId });
  // Secrets are write-only: the answer shows them as set or unset (src/runtime-config/secrets.ts).
  const snapshot = { version: result.version, document: maskedDocument(result.document), updatedAt: iso(result.updatedAt), updatedBy: result.updatedBy };
  return ok(c, { ...snapshot, groups: groupedConfig(result.document) }, "config saved");
}

/** Runtime config administration (role admin, strict revocation policy). */
export function registerAdminConfigRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(`${BASE}`, requireAuth({ roles: ["admin"], policy: "strict" }));
  app.use(`${BASE}/*`, requireAuth({ roles: ["admin"], policy: "strict" }));

  app.openapi(getConfig, async (c) => {
    const snapshot = await configStore(c.env.CONFIG_STORE).get();
    return ok(c, { ...snapshot, document: maskedDocument(snapshot.document), updatedAt: iso(snapshot.updatedAt), groups: groupedConfig(snapshot.document) });
  });

  app.openapi(putConfig, async (c) => {
    const body = c.req.valid("json");
    const mode = body.patch ? "merge" : "replace";
    const sent = (body.patch ?? body.document ?? {}) as Json;
    const store = configStore(c.env.CONFIG_STORE);
    // A secret sent back masked (as GET shows it) keeps its stored value; only then is the current document read.
    const update = JSON.stringify(sent).includes(WRITE_ONLY_MASK) ? restoreMaskedSecrets(sent, (await store.get()).document as unknown as Json, mode) : sent;
    const result = await store.update({
      mode,
      body: update,
      expectedVersion: body.version,
      author: authOf(c).user_id,
      requestId: c.var.requestId,
    });
    return settleConfigChange(c, result, body.patch ? "config.patch" : "config.replace");
  });

  app.openapi(history, async (c) => {
    const query = c.req.valid("query");
    const page = query.page;
    const pageSize = query.page_size ?? query.pageSize ?? 20;
    const { entries, total } = await configStore(c.env.CONFIG_STORE).history({ limit: pageSize, offset: (page - 1) * pageSize });
    return okPage(
      c,
      entries.map(({ changesJson, ...entry }) => ({
        ...entry,
        createdAt: new Date(entry.createdAt).toISOString(),
        changes: maskedChanges(JSON.parse(changesJson) as ConfigChange[]),
      })),
      paginate(total, page, pageSize),
    );
  });

  app.openapi(rollback, async (c) => {
    const version = Number(c.req.valid("param").version);
    const result = await configStore(c.env.CONFIG_STORE).rollback({
      version,
      expectedVersion: c.req.valid("json").expectedVersion,
      author: authOf(c).user_id,
      requestId: c.var.requestId,
    });
    return settleConfigChange(c, result, "config.rollback");
  });
}
