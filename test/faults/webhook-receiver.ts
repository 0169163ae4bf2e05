/** A local HTTP receiver for the quota threshold webhook that refuses deliveries until told to accept them. */
import { createServer } from "node:http";
import { WEBHOOK_HEADERS, type QuotaWebhookBody } from "../../contract/quota/webhook.ts";

export interface Delivery {
  eventId: string;
  userId: string;
  level: string;
  /** What the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** From now on answer 204 (before: 503, so deliveries stay pending in the outbox). */
  accept(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  let accepting = false;
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const status = accepting ? 204 : 503;
      const event = (JSON.parse(body) as QuotaWebhookBody).data;
      deliveries.push({ eventId: String(request.headers[WEBHOOK_HEADERS.eventId.toLowerCase()]), userId: event.userId, level: event.level, status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the webhook receiver has no address");
  return {
    url: `http://127.0.0.1:${address.port}/hooks/quota`,
    deliveries,
    accept: () => {
      accepting = true;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
