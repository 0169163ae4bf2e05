import { describe, expect, it } from "vitest";
import type { OutboxMessage } from "../../durable-objects/outbox/outbox";
import { DeliveryHold } from "./test-hooks";

const message: OutboxMessage = { id: "m-1", kind: "quota_recharge", target: "u-1", payload: "{}", amount: 100, attempts: 0, created_at: 0 };

describe("DeliveryHold (the outbox-hold fault hook)", () => {
  it("passes deliveries through until held, fails them without reaching the receiver while held, and counts the failures", async () => {
    const hold = new DeliveryHold();
    const reached: string[] = [];
    const handlers = hold.wrap({
      quota_recharge: async (sent) => {
        reached.push(sent.id);
        return { type: "acked", result: null };
      },
    });
    expect(await handlers.quota_recharge!(message)).toEqual({ type: "acked", result: null });
    expect(hold.set(true)).toEqual({ held: true, failedDeliveries: 0 });
    await expect(handlers.quota_recharge!(message)).rejects.toThrow(/held/);
    await expect(handlers.quota_recharge!(message)).rejects.toThrow(/held/);
    expect(reached).toEqual(["m-1"]);
    expect(hold.set(false)).toEqual({ held: false, failedDeliveries: 2 });
    expect(await handlers.quota_recharge!(message)).toEqual({ type: "acked", result: null });
    expect(reached).toEqual(["m-1", "m-1"]);
  });
});
