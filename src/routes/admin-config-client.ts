import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { authOf } from "../middleware/auth";
import { configStore } from "../../durable-objects/config-store/client";
import { batchPatch } from "../runtime-config/grouped";
import type { Json } from "../../contract/runtime-config/merge-patch";
import { CONFIG_BASE, settleConfigChange, SnapshotSchema } from "./admin-config";

/**
 * The system-config page's calls (src/modules/admin/api/system-config.api.ts,
 * the Go backend's api/v1/admin/config_api.go): a batch of `{key, value}`, the
 * list of backups and a restore. Each is a change of the one versioned
 * document, with the same history and rollback as PUT /admin/config.
 */
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses, 409: errorResponse("Someone saved a newer version meanwhile (code 1006)") };
const json = <T extends z.ZodType>(schema: T, required = true) => ({ body: { required, content: { "application/json": { schema } } } });

const BatchSchema = z
  .object({
    updates: z
      .array(z.object({ key: z.string().min(1).max(200).openapi({ example: "quota.thresholds.warningPercent" }), value: z.unknown() }))
      .min(1)
      .max(200),
    version: z.number().int().min(0).optional().openapi({ description: "The version you read; when given, a newer one on the server → 409" }),
  })
  .openapi("RuntimeConfigBatch");

const batch = createRoute({
  method: "put",
  path: `${CONFIG_BASE}/batch`,
  tags: ["admin"],
  summary: "Change several settings by key as one validated change (one new version; null resets a setting to its default)",
  security,
  request: json(BatchSchema),
  responses: { 200: jsonContent(envelopeOf(SnapshotSchema), "Saved as one new version"), ...errors },
});

const BackupSchema = z.object({ version: z.number().int(), author: z.string(), createdAt: z.string(), note: z.string().nullable() });

const backups = createRoute({
  method: "get",
  path: `${CONFIG_BASE}/backups`,
  tags: ["admin"],
  summary: "The versions a restore can return to, newest first (`backups` as the web client lists them, `versions` with who and when)",
  security,
  responses: {
    200: jsonContent(
      envelopeOf(z.object({ current: z.number().int(), backups: z.array(z.string()), versions: z.array(BackupSchema) })),
      "Earlier versions (at most the 100 newest); version 0 is the defaults",
    ),
    ...errors,
  },
});

const restore = createRoute({
  method: "post",
  path: `${CONFIG_BASE}/restore`,
  tags: ["admin"],
  summary: "Make an earlier version current again, as a new version (no body: the version before the current one)",
  security,
  request: json(z.object({ version: z.union([z.number().int().min(0), z.string().regex(/^\d{1,9}$/)]).optional() }), false),
  responses: { 200: jsonContent(envelopeOf(SnapshotSchema), "Restored"), ...errors, 404: errorResponse("No such version, or nothing earlier to restore (code 1004)") },
});

/** The client's config routes; guarded by `registerAdminConfigRoutes` (admin, strict revocation). */
export function registerAdminConfigClientRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(batch, async (c) => {
    const body = c.req.valid("json");
    const store = configStore(c.env.CONFIG_STORE);
    const current = await store.get();
    const planned = batchPatch(current.document, body.updates as Array<{ key: string; value: Json }>);
    if (!planned.ok) throw new ApiError("INVALID_PARAMETER", `invalid parameters: ${Object.values(planned.issues)[0]}`, { details: planned.issues });
    const result = await store.update({
      mode: "merge",
      body: planned.patch,
      expectedVersion: body.version ?? current.version,
      author: authOf(c).user_id,
      requestId: c.var.requestId,
      note: `batch: ${planned.keys.join(", ")}`.slice(0, 500),
    });
    return settleConfigChange(c, result, "config.batch");
  });

  app.openapi(backups, async (c) => {
    const { entries } = await configStore(c.env.CONFIG_STORE).history({ limit: 101, offset: 0 });
    const current = entries[0]?.version ?? 0;
    const earlier = entries.slice(1, 101).map(({ version, author, createdAt, note }) => ({ version, author, createdAt: new Date(createdAt).toISOString(), note }));
    const versions = current > 0 && earlier.length < 100 ? [...earlier, { version: 0, author: "system", createdAt: new Date(0).toISOString(), note: "defaults" }] : earlier;
    return ok(c, { current, backups: versions.map((entry) => String(entry.version)), versions });
  });

  app.openapi(restore, async (c) => {
    const requested = (c.req.valid("json") as { version?: number | string } | undefined)?.version;
    const store = configStore(c.env.CONFIG_STORE);
    const current = await store.get();
    if (requested === undefined && current.version === 0) throw new ApiError("NOT_FOUND", "no earlier version to restore: the config is at its defaults");
    const version = requested === undefined ? current.version - 1 : Number(requested);
    const result = await store.rollback({ version, expectedVersion: current.version, author: authOf(c).user_id, requestId: c.var.requestId });
    return settleConfigChange(c, result, "config.restore");
  });
}
