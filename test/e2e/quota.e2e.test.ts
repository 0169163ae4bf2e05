import { createServer, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { verifyWebhookSignature, WEBHOOK_HEADERS } from "../../contract/quota/webhook.ts";
import { registerAdmin, serviceToken } from "../support/admin.ts";
import { call, type Envelope } from "../support/http.ts";
import { registerUser, type TokenPair } from "../support/users.ts";

let admin: TokenPair;
let token: string;
beforeAll(async () => {
  admin = await registerAdmin();
  token = await serviceToken();
});

const consume = (userId: string, amount: number) =>
  call(`/api/v1/internal/quota/${userId}/consume`, {
    method: "POST",
    json: { amount, service: "e2e", requestId: crypto.randomUUID() },
    headers: { Authorization: `Bearer ${token}` },
  });

type Snapshot = { version: number; document: { quota: Record<string, unknown> } };
async function patchConfig(patch: Record<string, unknown>): Promise<void> {
  const current = (await (await call("/api/v1/admin/config", { headers: { Authorization: `Bearer ${admin.token}` } })).json()) as Envelope<Snapshot>;
  const response = await call("/api/v1/admin/config", {
    method: "PUT",
    json: { version: current.data.version, patch },
    headers: { Authorization: `Bearer ${admin.token}` },
  });
  if (response.status !== 200) throw new Error(`config update failed: ${response.status} ${await response.text()}`);
}

describe("AI quota on the real stack", () => {
  it("a warning-threshold change in the runtime config shows in the next quota responses within 5 s", async () => {
    const { pair } = await registerUser();
    expect((await consume(pair.user.id, 6_000)).status).toBe(200); // 40 % left
    const level = async () => (await call("/api/v1/ai/quota", { headers: { Authorization: `Bearer ${pair.token}` } })).headers.get("x-quota-level");
    expect(await level()).toBe("ok");
    await patchConfig({ quota: { thresholds: { warningPercent: 50, criticalPercent: 10 } } });
    const changedAt = Date.now();
    try {
      await waitFor(async () => (await level()) === "warning", { timeoutMs: 5000, intervalMs: 100, what: "the new warning threshold to apply" });
      console.log(`config change applied after ${Date.now() - changedAt} ms`);
    } finally {
      await patchConfig({ quota: { thresholds: { warningPercent: 20, criticalPercent: 10 } } });
    }
  });

  describe("threshold webhook", () => {
    const secret = "e2e-webhook-secret-0123456789";
    const received: Array<{ headers: IncomingMessage["headers"]; body: string }> = [];
    let failFirst = true;
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push({ headers: request.headers, body });
        // The first delivery fails, so the retry path is exercised for real.
        response.writeHead(failFirst ? 503 : 204).end();
        failFirst = false;
      });
    });
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const address = server.address();
      if (!address || typeof address === "string") throw new Error("no address");
      await patchConfig({ quota: { webhook: { url: `http://127.0.0.1:${address.port}/hooks/quota`, secret } } });
    });
    afterAll(async () => {
      await patchConfig({ quota: { webhook: null } });
      server.close();
    });

    it("delivers the warning event to a real HTTP receiver, signed, and retries after a failure with the same event id", async () => {
      const { pair } = await registerUser();
      // Let every isolate pick up the webhook setting before the crossing.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await consume(pair.user.id, 8_500)).status).toBe(200);
      await waitFor(async () => received.filter((delivery) => delivery.body.includes(pair.user.id)).length >= 2, {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: "two deliveries (a failure, then the retry)",
      });
      const mine = received.filter((delivery) => delivery.body.includes(pair.user.id));
      const ids = new Set(mine.map((delivery) => delivery.headers[WEBHOOK_HEADERS.eventId.toLowerCase()]));
      expect(ids.size).toBe(1);
      for (const delivery of mine) {
        expect(await verifyWebhookSignature(secret, delivery.body, String(delivery.headers[WEBHOOK_HEADERS.signature.toLowerCase()]))).toBe(true);
        expect(JSON.parse(delivery.body)).toMatchObject({ type: "quota.level.warning", data: { userId: pair.user.id, level: "warning" } });
      }
    }, 45_000);
  });
});
