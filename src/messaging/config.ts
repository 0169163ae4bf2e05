import { z } from "zod";
import { ApiError } from "../errors";

/**
 * Deploy-time email settings. `http` posts `{from, to, subject, text}` to
 * EMAIL_API_URL with `Authorization: Bearer EMAIL_API_KEY` (the common JSON
 * shape of email APIs, and what the local mail catcher takes); `binding` uses
 * Cloudflare's send_email binding SEND_EMAIL; `none` drops emails (logged
 * without their content) where no mail may leave.
 */
const MessagingConfigSchema = z
  .object({
    EMAIL_TRANSPORT: z.enum(["http", "binding", "none"]).default("binding"),
    EMAIL_FROM: z.email().default("noreply@qingyu.example"),
    EMAIL_API_URL: z.url({ protocol: /^https?$/ }).optional(),
    EMAIL_API_KEY: z.string().min(1).optional(),
    EMAIL_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** How old a notice outbox row must be before the cron drain sends it: the request's own send normally comes first. */
    NOTICE_OUTBOX_GRACE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
  })
  .superRefine((config, ctx) => {
    if (config.EMAIL_TRANSPORT !== "http") return;
    for (const name of ["EMAIL_API_URL", "EMAIL_API_KEY"] as const) if (!config[name]) ctx.addIssue({ code: "custom", path: [name], message: "required when EMAIL_TRANSPORT=http" });
  });

export type MessagingConfig = z.infer<typeof MessagingConfigSchema>;

const cache = new WeakMap<object, MessagingConfig>();

export function loadMessagingConfig(env: object): MessagingConfig {
  let config = cache.get(env);
  if (!config) {
    const raw = Object.fromEntries(["EMAIL_TRANSPORT", "EMAIL_FROM", "EMAIL_API_URL", "EMAIL_API_KEY", "EMAIL_API_TIMEOUT_MS", "NOTICE_OUTBOX_GRACE_SECONDS"].map((key) => {
      const value = (env as Record<string, unknown>)[key];
      return [key, value === "" ? undefined : value];
    }));
    const parsed = MessagingConfigSchema.safeParse(raw);
    if (!parsed.success) throw new ApiError("INTERNAL", `invalid server configuration: ${parsed.error.issues.map((issue) => issue.path.join(".")).join(", ")}`);
    config = parsed.data;
    cache.set(env, config);
  }
  return config;
}
