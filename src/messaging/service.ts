/**
 * MessagingService: puts messages on the Cloudflare Queue. Sending returns once
 * the queue has the message durably, so a caller that awaits `enqueue` before
 * answering cannot lose it even if the Worker dies right after.
 */
import { isolateMetrics } from "../metrics/isolate";
import type { HealthCheck } from "../services/health";
import type { QueueMessageBody } from "./messages";

export interface MessagingService {
  enqueue(message: QueueMessageBody): Promise<void>;
}

export function createMessagingService(queue: Queue<QueueMessageBody>): MessagingService {
  return {
    async enqueue(message) {
      await queue.send(message, { contentType: "json" });
      isolateMetrics().inc("qingyu_messages_total", { kind: message.kind, stage: "enqueued" });
    },
  };
}

/**
 * Queues have no read or ping: the check confirms the producer binding is
 * there. Delivery trouble shows in the dead-letter metric and its alert.
 */
export function queueHealthCheck(queue: Queue<QueueMessageBody> | undefined): HealthCheck {
  return {
    name: "messaging",
    kind: "dependency",
    critical: false,
    version: () => "queues",
    health: async () => (queue && typeof queue.send === "function" ? { status: "healthy", latencyMs: 0 } : { status: "unhealthy", latencyMs: 0, message: "no MESSAGES queue binding" }),
  };
}
