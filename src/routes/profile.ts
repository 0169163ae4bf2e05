import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { cacheKeys, cacheTags, loadCacheConfig } from "../cache";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { noticeAddress, noticeMessage } from "../auth/account-notices";
import { sendFromOutbox } from "../messaging/notice-outbox";
import { toProfile } from "../users/profile-view";
import { DuplicateUserError } from "../users/user-store";
import { NewPasswordSchema, ProfileSchema } from "./auth-schemas";

const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

const ProfilePatchSchema = z
  .object({
    nickname: z.string().trim().min(1).max(32).optional(),
    avatar: z
      .url({ protocol: /^https$/ })
      .max(512)
      .optional(),
    bio: z.string().max(500).optional(),
    email: z.email().max(254).optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), "nothing to update")
  .openapi("ProfilePatch");

/** Both spellings the Qingyu clients send. */
const PasswordChangeSchema = z
  .object({
    old_password: z.string().max(128).optional(),
    new_password: NewPasswordSchema.optional(),
    oldPassword: z.string().max(128).optional(),
    newPassword: NewPasswordSchema.optional(),
  })
  .refine((body) => (body.old_password ?? body.oldPassword) !== undefined, { message: "old_password is required", path: ["old_password"] })
  .refine((body) => (body.new_password ?? body.newPassword) !== undefined, { message: "new_password is required", path: ["new_password"] })
  .openapi("PasswordChange");

const getProfile = createRoute({
  method: "get",
  path: "/api/v1/user/profile",
  tags: ["user"],
  summary: "The caller's profile",
  security,
  responses: { 200: jsonContent(envelopeOf(ProfileSchema), "Profile"), ...errors },
});

const putProfile = createRoute({
  method: "put",
  path: "/api/v1/user/profile",
  tags: ["user"],
  summary: "Update nickname, avatar, bio or email (partial)",
  security,
  request: { body: { required: true, content: { "application/json": { schema: ProfilePatchSchema } } } },
  responses: { 200: jsonContent(envelopeOf(ProfileSchema), "Updated profile"), 409: errorResponse("Email taken (2004)"), ...errors },
});

const putPassword = createRoute({
  method: "put",
  path: "/api/v1/user/password",
  tags: ["user"],
  summary: "Change password; every other session is revoked (every session, when replacing an admin-set temporary password)",
  security,
  request: { body: { required: true, content: { "application/json": { schema: PasswordChangeSchema } } } },
  responses: { 200: jsonContent(envelopeOf(z.object({ changed: z.literal(true), revokedSessions: z.number().int() })), "Changed"), ...errors },
});

/** The caller's own profile and password. */
export function registerProfileRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/user/profile", requireAuth());
  // The one route a token of an account with an admin-set temporary password may use.
  app.use("/api/v1/user/password", requireAuth({ allowPendingPasswordChange: true }));

  app.openapi(getProfile, async (c) => {
    const userId = authOf(c).user_id;
    const { services } = c.var;
    // Cached without secrets; every write to the account drops it (services.users invalidates the user's tag).
    const profile = await services.cache.getOrLoad(
      cacheKeys.profile(userId),
      async () => {
        const user = await services.users.findById(userId);
        return user ? toProfile(user) : undefined;
      },
      { name: "profile", ttlSeconds: loadCacheConfig(c.env).profileTtlSeconds, tags: [cacheTags.user(userId)] },
    );
    if (!profile) throw new ApiError("NOT_FOUND", "account not found");
    return ok(c, profile);
  });

  app.openapi(putProfile, async (c) => {
    let user;
    try {
      user = await c.var.services.users.updateProfile(authOf(c).user_id, c.req.valid("json"), Date.now());
    } catch (error) {
      if (error instanceof DuplicateUserError) throw new ApiError("EMAIL_TAKEN");
      throw error;
    }
    if (!user) throw new ApiError("NOT_FOUND", "account not found");
    return ok(c, toProfile(user), "profile updated");
  });

  app.openapi(putPassword, async (c) => {
    const body = c.req.valid("json");
    const { revoked, notice } = await c.var.services.auth.changePassword(
      authOf(c),
      body.old_password ?? body.oldPassword ?? "",
      body.new_password ?? body.newPassword ?? "",
      (user) => noticeMessage({ event: "password_changed", userId: user.id, to: noticeAddress(user) }),
    );
    // Written with the password (notice outbox) and queued before the answer; the cron drain sends it if this Worker dies first.
    if (notice) await sendFromOutbox(c.env.DB, c.var.services.messaging, notice);
    return ok(c, { changed: true as const, revokedSessions: revoked }, "password changed");
  });
}
