import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { noticeMessage } from "../auth/account-notices";
import { createEmailCodes, newEmailCode, type CodeCheck } from "../auth/email-codes";
import { hashPassword } from "../auth/passwords";
import { createSessionStore } from "../auth/session-store";
import { createUserAdmin } from "../admin/user-admin";
import type { AppEnv } from "../env";
import { ApiError, commonErrorResponses } from "../errors";
import { clientIp } from "../lib/client";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { EMAIL_CODE_PURPOSES, type EmailCodePurpose } from "../messaging/messages";
import { sendFromOutbox } from "../messaging/notice-outbox";
import { rateLimit } from "../middleware/rate-limit";
import { runtimeSetting } from "../runtime-config/cache";
import type { AuthSettings } from "../../contract/runtime-config/auth-settings";
import { NewPasswordSchema } from "./auth-schemas";

const BASE = "/api/v1/shared/auth";

const EmailCodeRequestSchema = z
  .object({ email: z.email().max(254), purpose: z.enum(EMAIL_CODE_PURPOSES).default("register") })
  .openapi("EmailCodeRequest");

const PasswordResetSchema = z
  .object({
    email: z.email().max(254),
    code: z.string().max(16),
    new_password: NewPasswordSchema.optional(),
    newPassword: NewPasswordSchema.optional(),
  })
  .refine((body) => (body.new_password ?? body.newPassword) !== undefined, { message: "new_password is required", path: ["new_password"] })
  .openapi("PasswordReset");

const sendCode = createRoute({
  method: "post",
  path: `${BASE}/email-code`,
  tags: ["auth"],
  summary: "Email a 6-digit code (register, reset_password, change_email); the answer is the same whether or not the address has an account",
  request: { body: { required: true, content: { "application/json": { schema: EmailCodeRequestSchema } } } },
  responses: {
    200: jsonContent(envelopeOf(z.object({ sent: z.literal(true), expiresIn: z.number().int(), retryAfter: z.number().int() })), "Accepted"),
    ...commonErrorResponses,
  },
});

const resetPassword = createRoute({
  method: "post",
  path: `${BASE}/password/reset`,
  tags: ["auth"],
  summary: "Set a new password with an emailed reset_password code; every session ends",
  request: { body: { required: true, content: { "application/json": { schema: PasswordResetSchema } } } },
  responses: { 200: jsonContent(envelopeOf(z.object({ reset: z.literal(true) })), "Password set"), ...commonErrorResponses },
});

/** The email-code store, keyed with the first JWT key's secret under its own label. */
export function codes(c: Context<AppEnv>) {
  const [signing] = c.var.config.JWT_KEYS;
  return createEmailCodes(c.var.services.redis, `email-code:${signing?.secret ?? ""}`);
}

/** Throws the answer for a failed check: a locked code is a 429, a wrong or unknown one a 400. */
export function refuse(result: Exclude<CodeCheck, "ok">, field: string): never {
  if (result === "locked") throw new ApiError("TOO_MANY_REQUESTS", "too many wrong codes; request a new code", { details: { [field]: "locked" } });
  throw new ApiError("INVALID_PARAMETER", "invalid or expired code", { details: { [field]: "invalid or expired" } });
}

/** Whether registration needs an email code now: the runtime config, or by default only in production. */
export function emailVerificationRequired(settings: AuthSettings, environment: string): boolean {
  return settings.requireEmailVerification ?? environment === "production";
}

/**
 * The registration hook: checks (and uses up) the `register` code; true when it proved the address.
 * Required: no code or a failed check refuses. Not required: a code that checks still marks the address
 * verified, and one that does not is ignored (the account starts unverified), as before this check existed.
 */
export async function checkRegistrationCode(c: Context<AppEnv>, email: string, code: string | undefined): Promise<boolean> {
  const { auth } = (await c.var.services.runtimeConfig()).document;
  const required = emailVerificationRequired(auth, c.var.config.ENVIRONMENT);
  if (!code) {
    if (required) throw new ApiError("INVALID_PARAMETER", "verificationCode is required", { details: { "body.verificationCode": "Required" } });
    return false;
  }
  const result = await codes(c).check("register", email.toLowerCase(), code, auth.emailCode);
  if (result === "ok") return true;
  if (required) refuse(result, "body.verificationCode");
  return false;
}

/** Whether a code for this purpose goes out: only where it can be used, without telling the caller which. */
async function shouldSend(c: Context<AppEnv>, purpose: EmailCodePurpose, email: string): Promise<boolean> {
  const user = await c.var.services.users.findByLogin(email);
  return purpose === "reset_password" ? user !== null && user.status === "active" : user === null;
}

export function registerAuthEmailRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(
    `${BASE}/email-code`,
    rateLimit({ name: "email_code", limits: (c) => runtimeSetting(c.var.services, (doc) => doc.auth.emailCode.perIp), key: (c) => (c.req.method === "POST" ? clientIp(c) : undefined) }),
  );

  app.openapi(sendCode, async (c) => {
    const { email: rawEmail, purpose } = c.req.valid("json");
    const email = rawEmail.toLowerCase();
    const settings = (await c.var.services.runtimeConfig()).document.auth.emailCode;
    const store = codes(c);
    const wait = await store.claimCooldown(email, settings);
    if (wait > 0) throw new ApiError("TOO_MANY_REQUESTS", `a code was sent to this address recently; retry in ${wait} s`, { headers: { "Retry-After": String(wait) } });
    if (await shouldSend(c, purpose, email)) {
      const code = newEmailCode();
      await store.store(purpose, email, code, settings);
      await c.var.services.messaging.enqueue({ id: crypto.randomUUID(), kind: "email_code", to: email, purpose, code, ttlMinutes: Math.round(settings.ttlSeconds / 60), createdAt: Date.now() });
    }
    return ok(c, { sent: true as const, expiresIn: settings.ttlSeconds, retryAfter: settings.resendSeconds }, "if the address can use it, a code is on its way");
  });

  app.openapi(resetPassword, async (c) => {
    const body = c.req.valid("json");
    const email = body.email.toLowerCase();
    const { auth } = (await c.var.services.runtimeConfig()).document;
    const result = await codes(c).check("reset_password", email, body.code, auth.emailCode);
    if (result !== "ok") refuse(result, "body.code");
    const { services } = c.var;
    const user = await services.users.findByLogin(email);
    if (!user) refuse("missing", "body.code");
    // The code reached this address, which proves it as registration with a code does.
    const verified = await services.users.markEmailVerified(user.id, email, Date.now());
    const notice = noticeMessage({ event: "password_changed", userId: user.id, to: verified ? email : null });
    // The notice is written with the password (notice outbox): a Worker dying before the enqueue below loses nothing.
    await services.users.updatePassword(user.id, await hashPassword(body.new_password ?? body.newPassword ?? ""), Date.now(), false, notice);
    const admin = createUserAdmin({
      users: services.users,
      sessions: createSessionStore(services.redis),
      revocations: services.revocations,
      accessTokenTtlMs: auth.accessTokenTtlSeconds * 1000,
      waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    });
    await admin.endAllSessions(user.id);
    await sendFromOutbox(c.env.DB, services.messaging, notice);
    return ok(c, { reset: true as const }, "password reset; sign in with the new password");
  });
}
