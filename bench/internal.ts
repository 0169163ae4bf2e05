/** Calling the internal (AI service) routes from the bench: the bench stack's service token and request shapes. */
import type { BenchRequest } from "./scenario.ts";

/** The AI service's token in the bench stack (the internal quota and seeding routes need it). */
export const SERVICE_TOKEN = "bench-ai-service-token-0123456789abcdef";

/** Headers of a call as the AI service. */
export const SERVICE_HEADERS: Readonly<Record<string, string>> = { authorization: `Bearer ${SERVICE_TOKEN}` };

/** A POST to an internal route as the AI service, as an autocannon request. */
export function internalPost(path: string, body?: unknown): BenchRequest & { method: "POST"; path: string } {
  return {
    method: "POST",
    path,
    headers: { ...SERVICE_HEADERS, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}
