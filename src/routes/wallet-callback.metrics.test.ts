/** Every recharge callback is counted by its outcome in `qingyu_wallet_recharge_callbacks_total`. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { MetricsBuffer } from "../metrics/buffer";
import { envelope, registerUser } from "../../test/workerd/api";
import { sendCallback, walletApi, type OrderData } from "../../test/workerd/wallet";

afterEach(() => {
  vi.restoreAllMocks();
});

const now = () => Math.floor(Date.now() / 1000);

describe("recharge callback metrics", () => {
  it("credited, duplicate, bad_signature, stale, amount_mismatch and unknown_order are each counted once per callback", async () => {
    const { pair } = await registerUser();
    const order = await envelope<OrderData>(await walletApi("/recharge", pair.token, { json: { amount: "50", method: "alipay" } }), 201);
    const orderId = order.data.order_id;
    const inc = vi.spyOn(MetricsBuffer.prototype, "inc");
    const results = () =>
      inc.mock.calls.filter(([name]) => name === "qingyu_wallet_recharge_callbacks_total").map(([, labels]) => (labels as { result: string }).result);

    expect((await sendCallback({ order_id: orderId, amount: "50", timestamp: now() }, "an-attacker-guess-that-is-long-enough-0000")).status).toBe(401);
    expect((await sendCallback({ order_id: orderId, amount: "50", timestamp: now() - 3600 })).status).toBe(401);
    expect((await sendCallback({ order_id: orderId, amount: "49.99", timestamp: now() })).status).toBe(400);
    expect((await sendCallback({ order_id: `${orderId}x`, amount: "50", timestamp: now() })).status).toBe(404);
    expect((await sendCallback({ order_id: orderId, amount: "50", timestamp: now() })).status).toBe(200);
    expect((await sendCallback({ order_id: orderId, amount: "50", timestamp: now() })).status).toBe(200);
    expect(results()).toEqual(["bad_signature", "stale", "amount_mismatch", "unknown_order", "credited", "duplicate"]);
  });
});
