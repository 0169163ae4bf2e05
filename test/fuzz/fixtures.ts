/**
 * Symbolic references to real server-side things (a user's id, one of their
 * sessions, a reservation...). Generators put a `FixtureRef` where a value goes;
 * it is resolved against the live pool only when the request is sent, so a seed
 * replays the same choices even though the ids differ from run to run.
 */
import fc from "fast-check";

/** What a reference points at. */
export type FixtureKind =
  | "userId"
  | "sessionId"
  | "notificationId"
  | "reservationId"
  | "orderId"
  | "withdrawId"
  | "configVersion"
  | "refreshToken"
  | "password"
  | "serviceName"
  | "loginName"
  | "loginPassword";

/** Whose thing it is: the caller's, another pool user's, or the admin's. */
export type Owner = "self" | "other" | "admin";

/** A value to look up at send time. */
export class FixtureRef {
  readonly kind: FixtureKind;
  readonly owner: Owner;
  /** Which one, when the owner has several (taken modulo their count). */
  readonly pick: number;

  constructor(kind: FixtureKind, owner: Owner, pick: number) {
    this.kind = kind;
    this.owner = owner;
    this.pick = pick;
  }

  toString(): string {
    return `<${this.owner}.${this.kind}#${this.pick}>`;
  }
}

/**
 * Which fixture a field or parameter named `name` should sometimes take, judged
 * by its name and the operation's path. Undefined: no real value is known.
 */
export function fixtureKindFor(name: string, location: "path" | "query" | "body", path: string): FixtureKind | undefined {
  const lower = name.toLowerCase().replace(/[_-]/g, "");
  if (path.endsWith("/login") && location === "body" && lower === "username") return "loginName";
  if (path.endsWith("/login") && location === "body" && lower === "password") return "loginPassword";
  if (["userid", "uid", "targetuserid", "touserid", "recipientid", "recipientuserid", "adminid"].includes(lower)) return "userId";
  if (lower === "reservationid") return "reservationId";
  if (lower === "sessionid" || lower === "sid") return "sessionId";
  if (lower === "notificationid") return "notificationId";
  if (lower === "orderid") return "orderId";
  if (lower === "withdrawid" || lower === "withdrawalid") return "withdrawId";
  if (["version", "expectedversion"].includes(lower) && path.includes("config")) return "configVersion";
  if (["refreshtoken", "token"].includes(lower) && location === "body" && path.includes("refresh")) return "refreshToken";
  if (["oldpassword", "currentpassword"].includes(lower)) return "password";
  if (lower === "service" && location === "path" && path.includes("health")) return "serviceName";
  if (lower === "id" && location === "path") {
    if (path.includes("/sessions/")) return "sessionId";
    if (path.includes("/users/")) return "userId";
    if (path.includes("/notifications/")) return "notificationId";
    if (path.includes("/reservations/")) return "reservationId";
    if (path.includes("/orders/")) return "orderId";
    if (path.includes("/withdraw")) return "withdrawId";
  }
  return undefined;
}

/** Kinds that exist once for everybody: the owner does not matter. */
const SHARED_KINDS: FixtureKind[] = ["configVersion", "serviceName", "loginName", "loginPassword"];

/** A reference of `kind`, its owner drawn from `owners` (repeat an owner to weight it). */
export function fixtureRefArbitrary(kind: FixtureKind, owners: Owner[]): fc.Arbitrary<FixtureRef> {
  const choices: Owner[] = SHARED_KINDS.includes(kind) ? ["self"] : owners;
  return fc.tuple(fc.constantFrom(...choices), fc.nat({ max: 15 })).map(([owner, pick]) => new FixtureRef(kind, owner, pick));
}
