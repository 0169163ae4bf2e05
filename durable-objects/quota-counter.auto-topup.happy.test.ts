/**
 * Automatic top-up from the wallet, object to object: the QuotaCounter records
 * one intent with the debit that crosses the threshold, its alarm sends it to
 * the real Wallet as a quota purchase keyed by the intent id, and the wallet's
 * outbox recharges the counter. Exactly once through storms and resets.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TopupPackage } from "../contract/quota/auto-topup";
import { topupPurchaseKey } from "./quota/topup-delivery";
import { ledgerCount, ok, sqlRows, testPolicy } from "../test/workerd/quota-counter-object";
import { eventually, fund, ok as walletOk } from "../test/workerd/wallet-object";

const SMALL: TopupPackage = { id: "small", quotaType: "total", tokens: 100_000, priceFen: 990 };
const TINY: TopupPackage = { id: "tiny", quotaType: "total", tokens: 5_000, priceFen: 100 };

// Total 10,000: warning at ≤ 2,000 remaining, critical at ≤ 1,000. Fast retries so a failed send is retried within the test.
const policy = testPolicy({ total: 10_000 }, { autoTopupDelivery: { baseDelayMs: 50, maxDelayMs: 200 } });

/** A user's QuotaCounter and Wallet (the same name, as in production). */
function user(label: string) {
  const id = `${label}-${crypto.randomUUID()}`;
  return { id, counter: env.QUOTA_COUNTER.getByName(id), wallet: env.WALLET.getByName(id) };
}

const spend = (counter: ReturnType<typeof user>["counter"], amount: number, requestId = crypto.randomUUID()) =>
  counter.consume({ quotaType: "total", amount, service: "chat", requestId }, policy);

const walletRows = (wallet: ReturnType<typeof user>["wallet"], type: string) =>
  sqlRows<{ amount: number; status: string; reference: string; idempotency_key: string }>(
    wallet,
    "SELECT amount, status, reference, idempotency_key FROM ledger WHERE type = ? ORDER BY seq",
    type,
  );

async function intents(counter: ReturnType<typeof user>["counter"]) {
  return sqlRows<{ id: string; status: string; attempts: number; purchase_id: string | null; failure: string | null }>(
    counter,
    "SELECT id, status, attempts, purchase_id, failure FROM topup_intents ORDER BY seq",
  );
}

async function settled(counter: ReturnType<typeof user>["counter"], count: number): Promise<void> {
  await eventually(async () => (await intents(counter)).filter((intent) => intent.status !== "pending").length >= count, 10_000, "top-up settled");
}

/** Debits inside the object and deletes the alarm in the same turn, so the intent stays unsent until the test lets it go. */
async function crossWithoutAlarm(counter: ReturnType<typeof user>["counter"], amount: number): Promise<void> {
  await runInDurableObject(counter, async (instance, state) => {
    ok(instance.consume({ quotaType: "total", amount, service: "chat", requestId: crypto.randomUUID() }, policy));
    await state.storage.deleteAlarm();
  });
}

/**
 * Resets the object as a crash would: the aborted instance is gone with its in-memory state, and a
 * stub that saw the abort stays broken, so the caller gets a fresh stub to the woken object.
 */
async function reset(id: string, counter: ReturnType<typeof user>["counter"], reason: string) {
  await runInDurableObject(counter, (_instance, state) => state.abort(reason)).catch(() => undefined);
  return env.QUOTA_COUNTER.getByName(id);
}

describe("automatic top-up from the wallet", () => {
  it("a storm of 200 concurrent consumes crossing the threshold buys exactly once: paid, credited, in both ledgers", async () => {
    const { counter, wallet } = user("topup-storm");
    await fund(wallet, 10_000);
    ok(await counter.setAutoTopup({ enabled: true, package: SMALL, threshold: "warning", maxPerDay: 5 }, policy));

    const answers = await Promise.all(Array.from({ length: 200 }, () => spend(counter, 45)));
    expect(answers.filter((answer) => "outcome" in answer && answer.outcome === "ok")).toHaveLength(200);
    await settled(counter, 1);

    const [intent, ...others] = await intents(counter);
    expect(others).toEqual([]);
    expect(intent).toMatchObject({ status: "purchased", failure: null });
    const purchases = await walletRows(wallet, "quota_purchase");
    expect(purchases).toEqual([{ amount: -990, status: "completed", reference: intent?.purchase_id, idempotency_key: topupPurchaseKey(intent?.id ?? "") }]);
    expect(ok(await wallet.getWallet()).balance).toBe(10_000 - 990);
    expect(await ledgerCount(counter, "recharge")).toBe(1);
    const total = ok(await counter.getQuota({ quotaType: "total" }, policy));
    expect(total).toMatchObject({ totalQuota: 110_000, usedQuota: 9_000 });
    const view = ok(await counter.getAutoTopup(policy));
    expect(view).toMatchObject({ enabled: true, package: "small", threshold: "warning", maxPerDay: 5, topupsToday: 1 });
    expect(view.recent).toEqual([expect.objectContaining({ id: intent?.id, status: "purchased", purchaseId: intent?.purchase_id, attempts: 1 })]);
    expect((await wallet.verifyLedger()).ok).toBe(true);
  });

  it("an object reset between the intent and its send still buys exactly once (the alarm is picked up again on wake)", async () => {
    const { id, counter, wallet } = user("topup-reset");
    await fund(wallet, 5_000);
    ok(await counter.setAutoTopup({ enabled: true, package: SMALL, threshold: "critical", maxPerDay: 3 }, policy));
    await crossWithoutAlarm(counter, 9_500);
    expect(await intents(counter)).toEqual([expect.objectContaining({ status: "pending", attempts: 0 })]);

    const woken = await reset(id, counter, "crash between intent and purchase");
    // The woken object finds the owed intent with no alarm and sets one.
    ok(await woken.getAutoTopup(policy));
    await settled(woken, 1);

    expect(await intents(woken)).toEqual([expect.objectContaining({ status: "purchased" })]);
    expect(await walletRows(wallet, "quota_purchase")).toHaveLength(1);
    expect(await ledgerCount(woken, "recharge")).toBe(1);
    expect(ok(await wallet.getWallet()).balance).toBe(5_000 - 990);
  });

  it("a reset after the wallet paid but before the intent settled: the resend is answered by the wallet's replay, bought once", async () => {
    const { id, counter, wallet } = user("topup-resend");
    await fund(wallet, 5_000);
    ok(await counter.setAutoTopup({ enabled: true, package: SMALL, threshold: "warning", maxPerDay: 3 }, policy));
    await crossWithoutAlarm(counter, 8_500);
    const [intent] = await intents(counter);
    // What a send cut off by a crash leaves: counted on this side, paid on the wallet's, never settled here.
    await runInDurableObject(counter, (_instance, state) => {
      state.storage.sql.exec("UPDATE topup_intents SET attempts = 1 WHERE id = ?", intent?.id ?? "");
    });
    const paid = walletOk(
      await wallet.purchaseQuota({ amount: 990, quotaType: "total", tokens: 100_000, packageId: "small", idempotencyKey: topupPurchaseKey(intent?.id ?? ""), policy }),
    );
    expect(paid.purchase.status).toBe("completed");
    const woken = await reset(id, counter, "crash before the answer was recorded");

    ok(await woken.getAutoTopup(policy));
    await settled(woken, 1);
    expect(await intents(woken)).toEqual([expect.objectContaining({ status: "purchased", purchase_id: paid.purchase.purchase_id, attempts: 2 })]);
    expect(await walletRows(wallet, "quota_purchase")).toHaveLength(1);
    expect(await ledgerCount(woken, "recharge")).toBe(1);
    expect(ok(await woken.getQuota({ quotaType: "total" }, policy)).totalQuota).toBe(110_000);
  });

  it("the daily cap holds: with maxPerDay 2, the third crossing of the day buys nothing", async () => {
    const { counter, wallet } = user("topup-cap");
    await fund(wallet, 5_000);
    ok(await counter.setAutoTopup({ enabled: true, package: TINY, threshold: "warning", maxPerDay: 2 }, policy));
    // 10,000 → 1,500 left (warning); bought: 15,000 total, 6,500 left, the level re-armed.
    ok(await spend(counter, 8_500));
    await settled(counter, 1);
    // 2,500 of 15,000 left (warning again); bought: 20,000 total, 7,500 left.
    ok(await spend(counter, 4_000));
    await settled(counter, 2);
    // 3,500 of 20,000 left: warning a third time, past the cap.
    const third = ok(await spend(counter, 4_000));
    expect(third.events.map((event) => event.level)).toEqual(["warning"]);

    expect(await intents(counter)).toEqual([expect.objectContaining({ status: "purchased" }), expect.objectContaining({ status: "purchased" })]);
    expect(await walletRows(wallet, "quota_purchase")).toHaveLength(2);
    expect(ok(await counter.getAutoTopup(policy)).topupsToday).toBe(2);
    expect(ok(await counter.getQuota({ quotaType: "total" }, policy)).totalQuota).toBe(20_000);
  });

  it("insufficient balance: no purchase, the intent fails, and exactly one notification", async () => {
    const { counter, wallet } = user("topup-broke");
    await fund(wallet, 500);
    ok(await counter.setAutoTopup({ enabled: true, package: SMALL, threshold: "warning", maxPerDay: 3 }, policy));
    ok(await spend(counter, 8_500));
    await settled(counter, 1);

    expect(await intents(counter)).toEqual([expect.objectContaining({ status: "failed", failure: "insufficient_balance", purchase_id: null })]);
    // Running the alarm again sends nothing more and notifies no more.
    await runInDurableObject(counter, (_instance, state) => state.storage.setAlarm(Date.now()));
    await runDurableObjectAlarm(counter);
    const inbox = ok(await counter.listNotifications({ countByKind: true }));
    expect(inbox.byKind).toMatchObject({ auto_topup_failed: 1 });
    const notice = inbox.items.find((item) => item.kind === "auto_topup_failed");
    expect(notice).toMatchObject({ title: "Automatic AI quota top-up failed", details: { packageId: "small", amountFen: 990, threshold: "warning" } });
    expect(notice?.message).toContain("insufficient balance");
    expect(await walletRows(wallet, "quota_purchase")).toEqual([]);
    expect(ok(await wallet.getWallet()).balance).toBe(500);
    expect(await ledgerCount(counter, "recharge")).toBe(0);
    expect(ok(await counter.getQuota({ quotaType: "total" }, policy)).totalQuota).toBe(10_000);
  });

  it("turning it off cancels an intent not yet sent; one already sent is left to finish", async () => {
    const { counter, wallet } = user("topup-off");
    await fund(wallet, 5_000);
    ok(await counter.setAutoTopup({ enabled: true, package: SMALL, threshold: "warning", maxPerDay: 3 }, policy));
    await crossWithoutAlarm(counter, 8_500);

    const off = ok(await counter.setAutoTopup({ enabled: false }, policy));
    expect(off).toMatchObject({ enabled: false, package: "small", cancelled: 1, topupsToday: 0 });
    expect(off.recent).toEqual([expect.objectContaining({ status: "cancelled", attempts: 0 })]);
    await runInDurableObject(counter, (_instance, state) => state.storage.setAlarm(Date.now()));
    await runDurableObjectAlarm(counter);
    expect(await intents(counter)).toEqual([expect.objectContaining({ status: "cancelled" })]);
    expect(await walletRows(wallet, "quota_purchase")).toEqual([]);
    expect(ok(await wallet.getWallet()).balance).toBe(5_000);

    // A crossing while off records nothing; an intent already sent (attempts > 0) survives turning it off.
    ok(await spend(counter, 1_000));
    expect(await intents(counter)).toHaveLength(1);
    await runInDurableObject(counter, (_instance, state) => {
      state.storage.sql.exec(
        "INSERT INTO topup_intents (id, status, package_id, tokens, price_fen, threshold, day_start, attempts, next_attempt_at, created_at) VALUES ('sent', 'pending', 'small', 100000, 990, 'warning', 0, 1, ?, ?)",
        Date.now() + 3_600_000,
        Date.now(),
      );
    });
    expect(ok(await counter.setAutoTopup({ enabled: false }, policy)).cancelled).toBe(0);
    expect((await intents(counter)).find((intent) => intent.id === "sent")?.status).toBe("pending");
  });
});
