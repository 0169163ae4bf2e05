/** Credentials for generated requests: the right one, or a wrong one of a named kind. */
import type { Cast } from "./cast.ts";
import type { Operation } from "./contract.ts";
import type { AuthVariant, FuzzRequest } from "./request-model.ts";

/**
 * The Authorization header a request sends (undefined: none): the operation's
 * own credential for `matching` (the admin's token on /admin/ routes), or one of
 * the wrong ones the variant names.
 */
export function authorizationFor(cast: Cast, request: FuzzRequest, operation: Pick<Operation, "caller" | "path">): string | undefined {
  const self = cast.users[request.self % cast.users.length] ?? cast.admin;
  const matching =
    operation.caller === "service"
      ? cast.serviceToken
      : operation.caller === "user"
        ? operation.path.includes("/admin/")
          ? cast.admin.token
          : self.token
        : undefined;
  const variant: AuthVariant = request.auth;
  switch (variant) {
    case "matching":
      return matching === undefined ? undefined : `Bearer ${matching}`;
    case "none":
      return undefined;
    case "other-user":
      return `Bearer ${(cast.users[request.other % cast.users.length] ?? cast.admin).token}`;
    case "admin":
      return `Bearer ${cast.admin.token}`;
    case "service":
      return `Bearer ${cast.serviceToken}`;
    case "self-user":
      return `Bearer ${self.token}`;
    case "revoked":
      return `Bearer ${cast.revokedToken}`;
    case "garbage":
      return "Bearer abc.def.ghi";
    case "basic-scheme":
      return `Basic ${Buffer.from(`${self.username}:${self.password}`).toString("base64")}`;
    case "empty-bearer":
      return "Bearer ";
    case "lowercase-scheme":
      return `bearer ${matching ?? self.token}`;
    case "two-tokens":
      return `Bearer ${self.token} ${self.token}`;
    case "huge":
      return `Bearer ${"a".repeat(7_000)}`;
    default:
      return `Bearer ${self.forged[variant]}`;
  }
}
