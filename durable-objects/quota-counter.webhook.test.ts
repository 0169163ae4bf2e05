/**
 * Webhook outbox delivery from the alarm: retries with backoff until a 2xx,
 * stable event id and body, HMAC-SHA256 signature over the raw body.
 *
 * The receiver is a `fetch` spy: the object runs in this test's isolate, so its
 * outbound `fetch` is the spied global. That covers the outbox, alarm, retry,
 * signing and headers; the network hop to a real HTTP receiver belongs to the
 * end-to-end suite (not written yet).
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signWebhookBody, verifyWebhookSignature, WEBHOOK_HEADERS } from "../contract/quota/webhook";
import { freshCounter, ok, sqlRows, testPolicy } from "../test/workerd/quota-counter-object";

const SECRET = "webhook-test-secret-0123456789";

type Delivery = { at: number; body: string; headers: Headers };

/** Answers each delivery to `url` with the next status in `statuses` (the last one repeats). */
function receiver(url: string, statuses: number[]): Delivery[] {
  const deliveries: Delivery[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (request.url !== url) return realFetch(input, init);
    deliveries.push({ at: Date.now(), body: await request.text(), headers: request.headers });
    const status = statuses[Math.min(deliveries.length - 1, statuses.length - 1)] ?? 200;
    return new Response(null, { status });
  });
  return deliveries;
}

async function outbox(stub: DurableObjectStub) {
  return sqlRows<{ status: string; attempts: number; last_status: number | null; next_attempt_at: number }>(
    stub,
    "SELECT status, attempts, last_status, next_attempt_at FROM webhook_outbox",
  );
}

/** Lets the object's own alarm run, nudging it with runDurableObjectAlarm, until `done`. */
async function waitFor(stub: DurableObjectStub, done: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await runDurableObjectAlarm(stub);
  }
  throw new Error("timed out");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("QuotaCounter webhook outbox", () => {
  it("retries a failing receiver with backoff, then delivers the same signed body once it answers 2xx", async () => {
    const url = "https://hooks.example.test/quota-events";
    const deliveries = receiver(url, [500, 503, 200]);
    const stub = freshCounter("webhook");
    const baseDelayMs = 200;
    const policy = testPolicy({ daily: 10 }, { webhook: { url, secret: SECRET }, webhookDelivery: { baseDelayMs, maxDelayMs: 1_000 } });
    const result = ok(await stub.consume({ amount: 8, service: "chat", requestId: "c1" }, policy));
    const [event] = result.events;
    expect(event?.level).toBe("warning");

    await waitFor(stub, async () => (await outbox(stub))[0]?.status === "delivered");
    expect(deliveries).toHaveLength(3);
    const [row] = await outbox(stub);
    expect(row).toMatchObject({ status: "delivered", attempts: 3, last_status: 200 });

    // Exponential backoff: the second retry waited at least twice the base delay.
    expect((deliveries[1]?.at ?? 0) - (deliveries[0]?.at ?? 0)).toBeGreaterThanOrEqual(baseDelayMs);
    expect((deliveries[2]?.at ?? 0) - (deliveries[1]?.at ?? 0)).toBeGreaterThanOrEqual(2 * baseDelayMs);

    for (const [index, delivery] of deliveries.entries()) {
      expect(delivery.body).toBe(deliveries[0]?.body);
      expect(delivery.headers.get("Content-Type")).toBe("application/json");
      expect(delivery.headers.get(WEBHOOK_HEADERS.eventId)).toBe(event?.id);
      expect(delivery.headers.get(WEBHOOK_HEADERS.eventType)).toBe("quota.level.warning");
      expect(delivery.headers.get(WEBHOOK_HEADERS.attempt)).toBe(String(index + 1));
      expect(await verifyWebhookSignature(SECRET, delivery.body, delivery.headers.get(WEBHOOK_HEADERS.signature))).toBe(true);
      expect(delivery.headers.get(WEBHOOK_HEADERS.signature)).toBe(await signWebhookBody(SECRET, delivery.body));
    }
    expect(await verifyWebhookSignature("another-secret-0123456789", deliveries[0]?.body ?? "", deliveries[0]?.headers.get(WEBHOOK_HEADERS.signature) ?? null)).toBe(false);
    expect(JSON.parse(deliveries[0]?.body ?? "{}")).toEqual({ id: event?.id, type: "quota.level.warning", createdAt: event?.createdAt, data: event });
  });

  it("gives up after maxAttempts and keeps the row as failed; the alarm stops retrying it", async () => {
    const url = "https://hooks.example.test/always-down";
    const deliveries = receiver(url, [502]);
    const stub = freshCounter("webhook-dead");
    const policy = testPolicy({ daily: 10 }, { webhook: { url, secret: SECRET }, webhookDelivery: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 200 } });
    const result = ok(await stub.consume({ amount: 9, service: "chat", requestId: "c1" }, policy));
    expect(result.events.map((event) => event.level)).toEqual(["warning", "critical"]);
    await waitFor(stub, async () => (await outbox(stub)).every((row) => row.status === "failed"));
    expect(deliveries).toHaveLength(6);
    expect((await outbox(stub)).map((row) => row.attempts)).toEqual([3, 3]);
    // Only the daily reset is left to wake the object for.
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBe(Date.parse(result.quota.resetAt ?? ""));
  });

  it("sends nothing when no webhook is configured", async () => {
    const stub = freshCounter("no-webhook");
    ok(await stub.consume({ amount: 95, service: "chat", requestId: "c1" }, testPolicy({ daily: 100 })));
    expect(await outbox(stub)).toEqual([]);
  });
});
