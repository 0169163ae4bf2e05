/**
 * What the admin console sends and receives about accounts: one zod schema per
 * shape, used for validation, types and the OpenAPI document.
 */
import { z } from "@hono/zod-openapi";
import { toProfile } from "../users/profile-view";
import { ROLES, type UserRecord } from "../users/user-store";

const isoTime = z.iso.datetime().openapi({ example: "2026-11-27T08:00:00.000Z" });
const iso = (ms: number) => new Date(ms).toISOString();

export const RoleSchema = z.enum(ROLES);
export const UserStatusSchema = z.enum(["active", "banned", "disabled"]);

/** An account as admins see it: everything but the password hash. */
export const AdminUserSchema = z
  .object({
    id: z.string(),
    user_id: z.string().openapi({ description: "Same as id (existing clients read either)" }),
    username: z.string(),
    email: z.string(),
    emailVerified: z.boolean().openapi({ description: "An emailed code proved this address" }),
    roles: z.array(RoleSchema),
    status: UserStatusSchema.openapi({ description: "Effective status: a ban whose end has passed reads as active" }),
    banReason: z.string().nullable().openapi({ description: "Why the account is banned or disabled" }),
    bannedUntil: isoTime.nullable().openapi({ description: "When the ban ends on its own; null: until lifted" }),
    nickname: z.string().nullable(),
    avatar: z.string().nullable(),
    bio: z.string().nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
    lastLoginAt: isoTime.nullable(),
  })
  .openapi("AdminUser");

export type AdminUser = z.infer<typeof AdminUserSchema>;

/** The admin view of a stored account (never the hash). */
export function toAdminUser(user: UserRecord): AdminUser {
  return {
    ...toProfile(user),
    user_id: user.id,
    banReason: user.banReason,
    bannedUntil: user.bannedUntil === null ? null : iso(user.bannedUntil),
  };
}

/** `?keyword&status&role&page&size` (`page_size` is accepted for `size`, as other Qingyu lists take it). */
export const UserListQuerySchema = z.object({
  keyword: z.string().trim().min(1).max(64).optional().openapi({ description: "Part of the username, email or nickname" }),
  status: UserStatusSchema.optional(),
  role: RoleSchema.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  size: z.coerce.number().int().min(1).max(100).optional(),
  page_size: z.coerce.number().int().min(1).max(100).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "Alias of size (the web client's getUserList sends pageSize)" }),
});

/** `data` of the listing: the page plus its numbers (the envelope also carries `pagination`). */
export const UserListSchema = z
  .object({ users: z.array(AdminUserSchema), total: z.number().int(), page: z.number().int(), size: z.number().int() })
  .openapi("AdminUserList");

/** Path parameter of the per-user routes. */
export const UserIdParamSchema = z.object({ id: z.string().min(1).max(64).openapi({ description: "The user's id" }) });

/** `PUT .../status`: ban (reason required, optional end), disable, or reactivate. */
export const StatusChangeSchema = z
  .object({
    status: UserStatusSchema,
    reason: z.string().trim().min(1).max(500).optional().openapi({ description: "Required to ban; shown to admins" }),
    until: isoTime.optional().openapi({ description: "Bans only: when the ban ends on its own (must be in the future)" }),
  })
  .refine((body) => body.status !== "banned" || body.reason !== undefined, { message: "a ban needs a reason", path: ["reason"] })
  .refine((body) => body.until === undefined || body.status === "banned", { message: "only a ban can have an end", path: ["until"] })
  .refine((body) => body.until === undefined || Date.parse(body.until) > Date.now(), { message: "must be in the future", path: ["until"] })
  .refine((body) => body.reason === undefined || body.status !== "active", { message: "reactivation takes no reason", path: ["reason"] })
  .openapi("AdminStatusChange");

/** `PUT .../role`: the complete new set of roles. */
export const RoleChangeSchema = z
  .object({
    roles: z
      .array(RoleSchema)
      .min(1)
      .max(ROLES.length)
      .refine((roles) => new Set(roles).size === roles.length, "roles must not repeat"),
  })
  .openapi("AdminRoleChange");

/** What a status change returns. */
export const StatusResultSchema = z.object({ user: AdminUserSchema, revokedSessions: z.number().int() }).openapi("AdminStatusResult");

/** What a password reset returns, once. */
export const PasswordResetSchema = z
  .object({
    temporaryPassword: z.string().openapi({ description: "Shown once, never stored or logged; give it to the user over a trusted channel" }),
    revokedSessions: z.number().int(),
  })
  .openapi("AdminPasswordReset");
