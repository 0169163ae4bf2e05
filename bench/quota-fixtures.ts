/**
 * The quota scenarios' fixtures: the 1,000 warmed users whose QuotaCounter
 * objects the quota runs keep awake, the hot user, and the request builders
 * for consume and reserve/commit (shared by scenarios.ts and priced-scenarios.ts).
 */
import { benchUsers, type BenchUser } from "./fixtures.ts";
import { internalPost, SERVICE_HEADERS } from "./internal.ts";
import { mapConcurrent, roundRobin, type BenchRequest, type ScenarioContext } from "./scenario.ts";

/**
 * The 1,000 users with their QuotaCounter objects created and their quota rows
 * made (one consume each), so the run measures steady state, not first touch.
 */
export function warmQuotaUsers(ctx: ScenarioContext) {
  return ctx.once("quota-warm", async () => {
    const users = await benchUsers(ctx, 1000);
    ctx.progress("warming 1,000 QuotaCounter objects");
    await mapConcurrent(users, 16, (user) =>
      ctx.fetchJson(`/api/v1/internal/quota/${user.id}/consume`, {
        method: "POST",
        headers: SERVICE_HEADERS,
        json: { amount: 1, service: "bench-warmup", requestId: crypto.randomUUID() },
      }),
    );
    return users;
  });
}

/**
 * Wakes the 1,000 users' QuotaCounter objects (one no-op RPC each) right
 * before a measured run. Local workerd closes idle objects (a 1,000-user run
 * right after a pause reopened every one and ran at half the speed of the
 * next), and a 2 s warm-up reaches only part of 1,000: without this, whichever
 * scenario comes first after a pause pays for reopening them. Untimed.
 */
export async function wakeQuotaObjects(ctx: ScenarioContext): Promise<void> {
  const users = await warmQuotaUsers(ctx);
  await mapConcurrent(users, 16, (user) => ctx.fetchJson(`/api/v1/internal/quota/${user.id}/noop`, { method: "POST", headers: SERVICE_HEADERS }));
}

/**
 * One seeded signed_writer (200,000 tokens a day: a whole run of one user's consumes fits), with its QuotaCounter made.
 * Seeded through the bench-only route: only its D1 row (the plan role) is needed.
 */
export function hotUser(ctx: ScenarioContext): Promise<string> {
  return ctx.once("hot-user", async () => {
    const seeded = await ctx.fetchJson<{ data: { ids: string[] } }>("/api/v1/internal/bench/users", {
      headers: SERVICE_HEADERS,
      json: { count: 1, role: "signed_writer" },
    });
    const [id] = seeded.data.ids;
    if (id === undefined) throw new Error("seeding the hot user returned no id");
    await ctx.fetchJson(`/api/v1/internal/quota/${id}/consume`, { headers: SERVICE_HEADERS, json: { amount: 1, service: "bench-warmup", requestId: crypto.randomUUID() } });
    return id;
  });
}

/**
 * The reserve/commit pair as a two-entry sequence per connection: the reserve's
 * answer leaves its reservation id in the connection's context for the commit.
 * A failed reserve (already counted as non-2xx) skips its commit.
 */
export function reserveThenCommit(users: readonly BenchUser[]): BenchRequest[] {
  let next = 0;
  return [
    {
      setupRequest: (request, context) => {
        const user = users[next++ % users.length] as BenchUser;
        context.userId = user.id;
        const body = { amount: 10, service: "bench", requestId: crypto.randomUUID() };
        return { ...request, ...internalPost(`/api/v1/internal/quota/${user.id}/reservations`, body) };
      },
      onResponse: (status, body, context) => {
        if (status === 201) context.reservationId = (JSON.parse(body) as { data: { reservation: { id: string } } }).data.reservation.id;
      },
    },
    {
      setupRequest: (request, context) =>
        typeof context.reservationId === "string"
          ? { ...request, ...internalPost(`/api/v1/internal/quota/${String(context.userId)}/reservations/${context.reservationId}/commit`, { actual: 7 }) }
          : null,
    },
  ];
}


/** The 1,000 bench users' QuotaCounter objects, which the quota scenarios keep awake (see `objects` in scenario.ts). */
export const QUOTA_OBJECTS = "quota-users";

/** One token consumed per request, over the warmed users round-robin, each with a fresh requestId. */
export const consumeOne = (users: readonly BenchUser[]): BenchRequest[] =>
  roundRobin(users, (user) => internalPost(`/api/v1/internal/quota/${user.id}/consume`, { amount: 1, service: "bench", requestId: crypto.randomUUID() }));
