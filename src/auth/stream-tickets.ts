import type { Redis } from "@upstash/redis/cloudflare";
import { dependencyCall } from "../lib/dependency";
import { hashRefreshToken } from "./session-store";

const key = async (ticket: string) => `stk:${await hashRefreshToken(ticket)}`;

function randomTicket(): string {
  let binary = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(32))) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Single-use tickets for the quota stream. Browsers cannot set headers on a
 * WebSocket, and a JWT in a URL ends up in proxy, CDN and browser logs for its
 * whole lifetime. A ticket is 256 random bits that stand for the caller's
 * access token for `ttlSeconds`, once: only its hash is the Redis key, and
 * GETDEL reads and deletes it in one step, so two connections cannot share it.
 * The stream then checks the token it stands for like any other request.
 */
export function createStreamTickets(redis: Redis) {
  return {
    /** A new ticket for `accessToken`, valid `ttlSeconds`. */
    async issue(accessToken: string, ttlSeconds: number): Promise<string> {
      const ticket = randomTicket();
      const ticketKey = await key(ticket);
      await dependencyCall("redis", () => redis.set(ticketKey, accessToken, { ex: ttlSeconds }));
      return ticket;
    },
    /** The access token a ticket stands for, consumed atomically; undefined when unknown, expired or used. */
    async redeem(ticket: string): Promise<string | undefined> {
      const ticketKey = await key(ticket);
      const token = await dependencyCall("redis", () => redis.getdel<string>(ticketKey));
      return typeof token === "string" && token !== "" ? token : undefined;
    },
  };
}
