/** Shared benchmark fixtures: real users registered through the API, made once per run. */
import { mapConcurrent, type ScenarioContext } from "./scenario.ts";

/** A registered benchmark user. */
export interface BenchUser {
  id: string;
  username: string;
  password: string;
  token: string;
}

const PASSWORD = "bench12345";

/**
 * `count` users registered through the public API (PBKDF2 included), shared by
 * every scenario that asks for the same `key`. Registration is not timed.
 */
export function benchUsers(ctx: ScenarioContext, count: number, key = `users-${count}`): Promise<BenchUser[]> {
  return ctx.once(key, async () => {
    ctx.progress(`registering ${count} users (${key})`);
    const started = Date.now();
    const users = await mapConcurrent(
      Array.from({ length: count }, (_, index) => index),
      8,
      async (index) => {
        const username = `b${key.replace(/\W/g, "")}_${index}_${Math.floor(Math.random() * 1e6)}`.slice(0, 32);
        const response = await ctx.fetchJson<{ data: { token: string; user_id: string } }>("/api/v1/shared/auth/register", {
          json: { username, email: `${username}@bench.example`, password: PASSWORD },
        });
        return { id: response.data.user_id, username, password: PASSWORD, token: response.data.token };
      },
    );
    ctx.progress(`registered ${count} users in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return users;
  });
}
