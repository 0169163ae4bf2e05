import { z } from "@hono/zod-openapi";
import { ROLES } from "../users/user-store";

/** Username rule shared by register and admin tools. */
export const UsernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_]{3,32}$/, "3-32 letters, digits or underscores")
  .openapi({ example: "lin_wen" });

/** Password rule: 8-32 characters with at least one letter and one digit. */
export const NewPasswordSchema = z
  .string()
  .min(8, "at least 8 characters")
  .max(32, "at most 32 characters")
  .regex(/[A-Za-z]/, "needs a letter")
  .regex(/\d/, "needs a digit")
  .openapi({ example: "reading2024" });

/** Unknown fields (confirmPassword, agreement, phone, emailCode, role, ...) are accepted and dropped. */
export const RegisterBodySchema = z
  .object({
    username: UsernameSchema,
    email: z.email("invalid email address").max(254).openapi({ example: "lin@example.com" }),
    password: NewPasswordSchema,
    verificationCode: z.string().max(64).optional(),
  })
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
