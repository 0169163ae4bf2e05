import type { Role } from "../users/user-store";

/** The claims of an access token. */
export interface AccessClaims {
  sub: string;
  user_id: string;
  roles: Role[];
  sid: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  token_type: "access";
  /** Present (true) while the account must replace an admin-set temporary password: only the change-password route accepts the token. */
  pwd_change?: true;
}
