import { describe, expect, it } from "vitest";
import { envelope, registerUser } from "../../test/workerd/api";
import { internal } from "../../test/workerd/quota";
import { withRuntimeConfig } from "../../test/workerd/runtime-config";

type Decision = { charged: number; priced: { model: string; credits: number; priceVersion: string } | null; quota: { usedQuota: number } };

describe("AI quota per-model pricing (routes)", () => {
  it("the runtime config's price table prices a call; an unlisted model is 422 code 4221 when the table refuses it", async () => {
    const { pair } = await registerUser();
    const pricing = { models: { "deepseek-chat": { inputPer1k: "0.5", outputPer1k: 2 } }, unknownModels: "refuse" };
    await withRuntimeConfig({ quota: { pricing } }, async () => {
      const call = { service: "text_generation", inputTokens: 1_000, outputTokens: 1_001 };
      const priced = await internal(`/${pair.user_id}/consume`, { json: { ...call, model: "deepseek-chat", requestId: crypto.randomUUID() } });
      const { data } = await envelope<Decision>(priced, 200);
      // 0.5 + 2.002 credits, rounded up once.
      expect(data).toMatchObject({ charged: 3, priced: { model: "deepseek-chat", credits: 3 }, quota: { usedQuota: 3 } });
      expect(data.priced?.priceVersion).toMatch(/^p-[0-9a-f]{8}$/);

      const refused = await internal(`/${pair.user_id}/consume`, { json: { ...call, model: "mystery", requestId: crypto.randomUUID() } });
      expect((await envelope(refused, 422)).code).toBe(4221);
      const both = await internal(`/${pair.user_id}/consume`, { json: { ...call, amount: 5, model: "deepseek-chat", requestId: crypto.randomUUID() } });
      expect((await envelope(both, 400)).code).toBe(1001);
    });
  });
});
