import { z } from "@hono/zod-openapi";
import { ROLES } from "../users/user-store";
import { normalizeUsername, usernameProblem } from "../users/username";

/**
 * Username rule shared by register and admin tools (src/users/username.ts):
 * checked on the NFKC form, which is what gets stored.
 */
export const UsernameSchema = z
  .string()
  .max(128, "Too long. Use 3 to 32 letters or digits")
  .superRefine((value, context) => {
    const problem = usernameProblem(value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  })
  .transform(normalizeUsername)
  .openapi({
    example: "林文_lin",
    description: 'Unicode letters and digits (Chinese included), "_" and "-"; 3–32 characters after NFKC normalisation; no spaces, control or invisible characters. Unique ignoring case and width.',
  });

/** What a person reads when a new password breaks the rule. */
const PASSWORD_RULE = "Use 8 to 32 characters with at least one letter and one digit, e.g. reading2024";

/** Password rule: 8-32 characters with at least one letter and one digit. */
export const NewPasswordSchema = z
  .string()
  .min(8, `Too short. ${PASSWORD_RULE}`)
  .max(32, `Too long. ${PASSWORD_RULE}`)
  .regex(/[A-Za-z]/, `Add a letter. ${PASSWORD_RULE}`)
  .regex(/\d/, `Add a digit. ${PASSWORD_RULE}`)
  .openapi({ example: "reading2024", description: "8–32 characters with at least one letter and one digit" });

/**
 * Unknown fields (confirmPassword, agreement, phone, role, ...) are accepted and dropped.
 * The web client sends the email code as `emailCode`; it is read as `verificationCode`.
 */
export const RegisterBodySchema = z
  .object({
    username: UsernameSchema,
    email: z.email("invalid email address").max(254).openapi({ example: "lin@example.com" }),
    password: NewPasswordSchema,
    verificationCode: z.string().max(64).optional(),
    emailCode: z.string().max(64).optional().openapi({ description: "Alias of verificationCode (the Qingyu web client's name)" }),
  })
  .refine((body) => body.verificationCode === undefined || body.emailCode === undefined || body.verificationCode === body.emailCode, {
    error: "verificationCode and emailCode disagree",
    path: ["emailCode"],
  })
  .transform(({ emailCode, ...body }) => ({ ...body, verificationCode: body.verificationCode ?? emailCode }))
  .openapi("RegisterRequest");

export const LoginBodySchema = z
  .object({
    username: z.string().min(1).max(254).openapi({ description: "Username or email", example: "lin_wen" }),
    password: z.string().min(1).max(128),
  })
  .openapi("LoginRequest");

/** The Qingyu web client sends `{token}`; others send `refresh_token` or `refreshToken`. */
export const RefreshBodySchema = z
  .object({
    refresh_token: z.string().max(200).optional(),
    refreshToken: z.string().max(200).optional(),
    token: z.string().max(200).optional(),
  })
  .refine((body) => Boolean(body.refresh_token ?? body.refreshToken ?? body.token), { message: "refresh_token is required", path: ["refresh_token"] })
  .openapi("RefreshRequest");

export const PublicUserSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    username: z.string(),
    email: z.string(),
    roles: z.array(z.enum(ROLES)),
    status: z.enum(["active", "banned", "disabled"]),
  })
  .openapi("PublicUser");

export const TokenPairSchema = z
  .object({
    token: z.string().openapi({ description: "Access token (JWT, HS256)" }),
    refreshToken: z.string().openapi({ description: "Opaque refresh token; rotated on every use" }),
    expires_in: z.number().int().openapi({ description: "Access token lifetime in seconds" }),
    user: PublicUserSchema,
    user_id: z.string(),
    roles: z.array(z.enum(ROLES)),
    mustChangePassword: z.boolean().openapi({
      description: "true after an admin reset the password: the token then only opens PUT /api/v1/user/password (other routes answer 403 code 2017)",
    }),
  })
  .openapi("TokenPair");

export const ProfileSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    email: z.string(),
    emailVerified: z.boolean().openapi({ description: "An emailed code proved this address; notices are emailed only then" }),
    roles: z.array(z.enum(ROLES)),
    status: z.enum(["active", "banned", "disabled"]),
    nickname: z.string().nullable(),
    avatar: z.string().nullable(),
    bio: z.string().nullable(),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
    lastLoginAt: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("Profile");

export const SessionSchema = z
  .object({
    id: z.string(),
    device: z.string(),
    ip: z.string().openapi({ description: "Client IP with the last part dropped", example: "203.0.113.*" }),
    createdAt: z.string().openapi({ format: "date-time" }),
    lastUsedAt: z.string().openapi({ format: "date-time" }),
    current: z.boolean(),
  })
  .openapi("Session");
