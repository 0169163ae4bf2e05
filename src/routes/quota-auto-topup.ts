import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { planRole, policyArgFor } from "../quota/service";
import { quotaClient } from "../../durable-objects/quota/client";
import { AUTO_TOPUP_MAX_PER_DAY, AUTO_TOPUP_THRESHOLDS, AutoTopupViewSchema, type SetAutoTopupInput } from "../../contract/quota/auto-topup";

const PATH = "/api/v1/ai/quota/auto-topup";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

/** Fields turning it on needs; turning it off needs none (and ignores them), so it always works, even for a package since withdrawn. */
const REQUIRED_WHEN_ON = ["package", "threshold", "maxPerDay"] as const;

const SettingBodySchema = z
  .object({
    enabled: z.boolean().openapi({ description: "false turns it off and cancels intents not yet sent to the wallet" }),
    package: z.string().min(1).max(32).optional().openapi({ description: "A `total` package id from the runtime config (`quota.packages`)", example: "small" }),
    threshold: z.enum(AUTO_TOPUP_THRESHOLDS).optional().openapi({ description: "Buy when the total quota falls to this level" }),
    maxPerDay: z
      .number()
      .int()
      .min(1)
      .max(AUTO_TOPUP_MAX_PER_DAY)
      .optional()
      .openapi({ description: "At most this many top-ups per local day (quota time zone); bounded by quota.autoTopup.maxPerDayLimit" }),
  })
  .superRefine((body, ctx) => {
    if (!body.enabled) return;
    for (const field of REQUIRED_WHEN_ON) {
      if (body[field] === undefined) ctx.addIssue({ code: "custom", message: "is required to turn automatic top-up on", path: [field] });
    }
  });

const read = createRoute({
  method: "get",
  path: PATH,
  tags: ["quota", "wallet"],
  summary: "The caller's automatic top-up: setting, top-ups today and the latest intents",
  security,
  responses: { 200: jsonContent(envelopeOf(AutoTopupViewSchema), "Automatic top-up"), ...errors },
});

const write = createRoute({
  method: "put",
  path: PATH,
  tags: ["quota", "wallet"],
  summary: "Turn automatic top-up from the wallet on or off",
  description:
    "When the caller's `total` quota falls to `threshold` (once per crossing, recorded with the debit that crossed it), the package is bought " +
    "from the wallet exactly once, as `POST /api/v1/ai/quota/recharge` would: visible in the wallet ledger (`quota_purchase`) and the quota " +
    "ledger (`recharge`). The package's price is the one shown here when saved. Insufficient balance buys nothing and leaves one " +
    "`auto_topup_failed` notification. At most `maxPerDay` per local day. `enabled: false` cancels intents not yet sent.",
  security,
  request: { body: { required: true, content: { "application/json": { schema: SettingBodySchema } } } },
  responses: {
    200: jsonContent(
      envelopeOf(AutoTopupViewSchema.extend({ cancelled: z.number().int().openapi({ description: "Unsent intents this call cancelled" }) })),
      "Saved",
    ),
    ...errors,
  },
});

type SettingBody = z.output<typeof SettingBodySchema>;

const invalid = (field: string, message: string) => new ApiError("INVALID_PARAMETER", "invalid parameters", { details: { [`json.${field}`]: message } });

/** The object's input for turning it on: the package resolved against the runtime config (and a total one), the cap within its limit. */
async function enablingInput(c: Context<AppEnv>, body: SettingBody): Promise<SetAutoTopupInput> {
  const { threshold, maxPerDay } = body;
  // The body refinement already refused these; the checks narrow their types.
  if (threshold === undefined) throw invalid("threshold", "is required to turn automatic top-up on");
  if (maxPerDay === undefined) throw invalid("maxPerDay", "is required to turn automatic top-up on");
  const quota = (await c.var.services.runtimeConfig()).document.quota;
  const found = quota.packages.find((candidate) => candidate.id === body.package);
  if (!found) throw invalid("package", "no such package");
  if (found.quotaType !== "total") throw invalid("package", `tops up the total quota, so it must be a total package, not ${found.quotaType}`);
  const limit = quota.autoTopup.maxPerDayLimit;
  if (maxPerDay > limit) throw invalid("maxPerDay", `must be at most ${limit}`);
  return { enabled: true, package: { ...found, quotaType: "total" }, threshold, maxPerDay };
}

/** Automatic top-up of the caller's total quota from their wallet (strict revocation policy: it spends money). */
export function registerQuotaAutoTopupRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(PATH, requireAuth({ policy: "strict" }));

  app.openapi(read, async (c) => {
    const claims = authOf(c);
    return ok(c, await quotaClient(c.env, claims.user_id, c.var.metrics).getAutoTopup(await policyArgFor(c, planRole(claims.roles))));
  });

  app.openapi(write, async (c) => {
    const claims = authOf(c);
    const body = c.req.valid("json");
    const input = body.enabled ? await enablingInput(c, body) : { enabled: false as const };
    const result = await quotaClient(c.env, claims.user_id, c.var.metrics).setAutoTopup(input, await policyArgFor(c, planRole(claims.roles)));
    return ok(c, result, body.enabled ? "automatic top-up on" : "automatic top-up off");
  });
}
