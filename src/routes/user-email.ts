import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { notifyUser } from "../auth/account-notices";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { openapiWithAliases } from "../lib/client-alias";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { maskedAddress } from "../../contract/messaging/notice-text";
import { authOf, requireAuth } from "../middleware/auth";
import { toProfile } from "../users/profile-view";
import { DuplicateUserError } from "../users/user-store";
import { ProfileSchema } from "./auth-schemas";
import { codes, refuse } from "./auth-email";

const PATH = "/api/v1/user/email";
/** The web client's security page (`changeEmail({newEmail, code})`, PUT). */
const CLIENT_PATH = "/api/v1/users/email/change";

/** Both spellings: ours (`email`) and the web client's (`newEmail`). */
const EmailChangeSchema = z
  .object({
    email: z.email().max(254).optional(),
    newEmail: z.email().max(254).optional(),
    code: z.string().max(16),
  })
  .refine((body) => (body.email ?? body.newEmail) !== undefined, { message: "email is required", path: ["email"] })
  .refine((body) => body.email === undefined || body.newEmail === undefined || body.email.toLowerCase() === body.newEmail.toLowerCase(), {
    message: "email and newEmail disagree",
    path: ["newEmail"],
  })
  .openapi("EmailChange");

const changeEmail = createRoute({
  method: "post",
  path: PATH,
  tags: ["user"],
  summary: "Change the account's email with a change_email code sent to the new address; the old address is told",
  security: [{ bearerAuth: [] }],
  request: { body: { required: true, content: { "application/json": { schema: EmailChangeSchema } } } },
  responses: { 200: jsonContent(envelopeOf(ProfileSchema), "The profile with the new, verified address"), 409: errorResponse("Email taken (2004)"), ...authErrorResponses, ...commonErrorResponses },
});

/** The caller's change of address, proven by a code the new address received. */
export function registerUserEmailRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(PATH, requireAuth());
  app.use(CLIENT_PATH, requireAuth());

  openapiWithAliases(
    app,
    changeEmail,
    async (c) => {
      const body = c.req.valid("json");
      // Normalised as registration stores it.
      const email = (body.email ?? body.newEmail ?? "").toLowerCase();
      const { services } = c.var;
      const userId = authOf(c).user_id;
      const before = await services.users.findById(userId);
      if (!before) throw new ApiError("NOT_FOUND", "account not found");
      if (before.email === email) throw new ApiError("INVALID_PARAMETER", "this is already the account's address", { details: { "body.email": "unchanged" } });
      // The code first: only someone holding the new address learns whether it is taken.
      const { auth } = (await services.runtimeConfig()).document;
      const result = await codes(c).check("change_email", email, body.code, auth.emailCode);
      if (result !== "ok") refuse(result, "body.code");
      const now = Date.now();
      try {
        await services.users.updateProfile(userId, { email }, now);
      } catch (error) {
        if (error instanceof DuplicateUserError) throw new ApiError("EMAIL_TAKEN");
        throw error;
      }
      // A second write: a Worker dying between the two leaves the new address unverified (notices reach the inbox only) until a code proves it again.
      await services.users.markEmailVerified(userId, email, now);
      // To the old address (when it was verified) and the inbox, so an owner whose session was taken hears of it.
      await notifyUser(
        { messaging: services.messaging, users: { findById: async () => before } },
        { eventId: `email_changed:${userId}:${now}`, event: "email_changed", userId, details: { newEmail: maskedAddress(email) } },
      );
      const user = await services.users.findById(userId);
      if (!user) throw new ApiError("NOT_FOUND", "account not found");
      return ok(c, toProfile(user), "email changed");
    },
    [{ path: CLIENT_PATH, method: "put", client: "src/modules/user/api/security.ts" }],
  );
}
