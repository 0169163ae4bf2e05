/** Helpers for quota tests: the AI service's calls through the internal routes. */
import { env } from "cloudflare:workers";
import { api } from "./api";

/** Calls an internal quota route as the AI service. */
export function internal(path: string, init: { method?: string; json?: unknown } = {}) {
  return api(`/api/v1/internal/quota${path}`, { ...init, headers: { Authorization: `Bearer ${env.AI_SERVICE_TOKEN}` } });
}

/** Consumes `amount` daily tokens for `userId` with a fresh (or given) requestId. */
export function consume(userId: string, amount: number, requestId: string = crypto.randomUUID(), extra: Record<string, unknown> = {}) {
  return internal(`/${userId}/consume`, { json: { amount, service: "text_generation", model: "deepseek-chat", requestId, ...extra } });
}
