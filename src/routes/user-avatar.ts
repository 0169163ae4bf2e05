import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { created, envelopeOf, jsonContent } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { FileSchema, openUpload, storeUpload, toFileView } from "../storage/http";
import { uploadBodyDoc, uploadErrors } from "./storage-files";

const PATH = "/api/v1/user/avatar";

const upload = createRoute({
  method: "post",
  path: PATH,
  tags: ["user"],
  summary: "Upload a new avatar (PNG, JPEG, WebP or GIF); the profile's `avatar` then points at it and the previous one is deleted",
  security: [{ bearerAuth: [] }],
  request: { body: uploadBodyDoc },
  responses: { 201: jsonContent(envelopeOf(FileSchema), "Stored; `url` is the profile's new avatar"), ...uploadErrors },
});

/** The web client's avatar upload (`FormData` with a `file` part). */
export function registerUserAvatarRoute(app: OpenAPIHono<AppEnv>): void {
  app.use(PATH, requireAuth());
  app.openAPIRegistry.registerPath(upload);
  app.post(PATH, async (c) => {
    const claims = authOf(c);
    const { storage, users } = c.var.services;
    const body = await openUpload(c);
    const file = await storeUpload(c, "avatar", body);
    const view = toFileView(c, file);
    const user = await users.updateProfile(claims.user_id, { avatar: view.url }, Date.now());
    if (!user) {
      await storage.remove(file.id, { userId: claims.user_id, admin: false });
      throw new ApiError("NOT_FOUND", "account not found");
    }
    // Older avatars are no longer shown anywhere: give their bytes back.
    const previous = await storage.list(claims.user_id, "avatar", 100, 0);
    for (const old of previous.items) if (old.id !== file.id) await storage.remove(old.id, { userId: claims.user_id, admin: false });
    return created(c, view, "avatar updated");
  });
}
