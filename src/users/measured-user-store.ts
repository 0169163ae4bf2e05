import { measuredCall } from "../lib/dependency";
import type { Metrics } from "../metrics/api";
import { DuplicateUserError, type UserStore } from "./user-store";

type Method = Exclude<keyof UserStore, "health">;

const METHODS: readonly Method[] = [
  "findById",
  "findRolesByIds",
  "findByLogin",
  "create",
  "updateProfile",
  "markEmailVerified",
  "updatePassword",
  "recordLogin",
  "list",
  "count",
  "setStatus",
  "setRoles",
];

/**
 * The D1 user store with every method counted as a D1 call (operation
 * `users.<method>`: a fixed set, never a key). A duplicate username or email
 * is an answer, not a D1 failure. Wrapping the store rather than its SQL
 * statements keeps the label meaningful (what the API asked for) and bounded.
 *
 * @example const users = measuredUserStore(createD1UserStore(env.DB, limits));
 */
export function measuredUserStore(store: UserStore, metrics?: Metrics): UserStore {
  const measured: Record<string, unknown> = { health: store.health };
  for (const method of METHODS) {
    const original = store[method] as (...args: unknown[]) => Promise<unknown>;
    measured[method] = (...args: unknown[]) =>
      measuredCall("d1", `users.${method}`, () => Reflect.apply(original, store, args) as Promise<unknown>, {
        metrics,
        isOutcome: (error) => error instanceof DuplicateUserError,
      });
  }
  return measured as unknown as UserStore;
}
