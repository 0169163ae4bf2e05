import { DurableObject } from "cloudflare:workers";
import { DurableObjectMetrics } from "../object-metrics";
import { walletObjectSettings, type WalletObjectSettings } from "../../src/wallet/config";
import type * as R from "../../contract/wallet/results";
import * as S from "../../contract/wallet/inputs";
import type { LedgerEntry, RechargeOrder, WalletView, Withdrawal } from "../../contract/wallet/views";
import { AlarmScheduler } from "../alarm-scheduler";
import { storagePing, type PingReply } from "../ping";
import { rpc } from "../rpc";
import { OutboxDelivery, type OutboxHandler } from "../outbox/delivery";
import { pruneSettled } from "../outbox/outbox";
import { WALLET_BALANCE } from "./balance-projection";
import { WalletBook } from "./book";
import { settleWalletMessage, walletHandlers } from "./deliveries";
import { pruneRequests } from "./idempotency";
import { WalletMetrics } from "./metrics";
import { purchaseQuota, purchaseState, QUOTA_RECHARGE } from "./quota-purchase";
import { inFlight, setFrozen, transactionsPage } from "./reads";
import { completeRecharge, createRecharge, getRecharge } from "./recharge";
import { migrate } from "./schema";
import { consume, creditTransfer, transfer, TRANSFER_CREDIT, transferStatus } from "./spend";
import { verifyLedger } from "./verify";
import { requestWithdraw, reviewWithdraw, withdrawalsPage } from "./withdraw";

/** Idempotency records and settled outbox rows are pruned at most this often (inline, by indexed deletes). */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * One user's wallet: balance, held money, the admin freeze flag, an
 * append-only ledger, recharge orders, withdrawals, and an outbox for money
 * that moves to other objects. One object per user:
 * `env.WALLET.getByName(userId)`.
 *
 * Every operation runs as one synchronous SQLite transaction with no awaits,
 * so concurrent calls serialise and nothing interleaves between a check and
 * its debit. Business failures come back as `{ error }` values (`WalletFailure`).
 * Transfers debit here and deliver the credit through the outbox: inline right
 * after the debit, then from the alarm with backoff until acknowledged.
 */
export class Wallet extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly settings: WalletObjectSettings;
  private readonly delivery: OutboxDelivery;
  private readonly alarms: AlarmScheduler;
  private lastPruneAt = 0;
  private readonly metrics: WalletMetrics;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.alarms = new AlarmScheduler(ctx.storage);
    this.settings = walletObjectSettings(env);
    const objectMetrics = new DurableObjectMetrics(ctx, env);
    this.metrics = new WalletMetrics(objectMetrics);
    this.delivery = new OutboxDelivery(
      ctx.storage,
      this.outboxHandlers(walletHandlers(env, () => objectMetrics.recorder)),
      (message, outcome, now) => {
        const book = this.book(now);
        settleWalletMessage(book, message, outcome);
        // Recorded as the settling transaction ends: a throw above rolls it back and records nothing.
        this.metrics.posted(book.posted);
        this.metrics.outboxChanged(message.kind, -1);
      },
      () => this.settings.outbox,
      (message, sendNumber) => this.metrics.attempted(message, sendNumber),
    );
    void ctx.blockConcurrencyWhile(async () => {
      migrate(this.sql, ctx.storage);
      // Owed deliveries whose alarm was lost (or never set before an upgrade) are picked up here.
      if ((await this.alarms.load()) === null && this.delivery.nextRunAt() !== null) this.alarms.runBy(Date.now());
    });
  }

  /** Health probe: proves the object runs and its SQLite storage answers. */
  async ping(): Promise<PingReply> {
    return storagePing(this.sql);
  }

  /** The wallet, created empty on first touch. */
  getWallet(): WalletView {
    return this.run((book) => book.view());
  }

  /** Pays from the available balance; idempotent by key. */
  consume(input: S.ConsumeInput): R.ConsumeResult | R.WalletFailure {
    return this.metrics.countUnposted("consume", () =>
      rpc(S.ConsumeInputSchema, input, (args) => this.run((book) => consume(book, args, this.settings.idempotencyTtlSeconds))),
    );
  }

  /** Creates a pending recharge order (credited at once when `sandbox`); idempotent by key. */
  createRecharge(input: S.RechargeInput): R.RechargeResult | R.WalletFailure {
    return this.metrics.countUnposted("recharge", () =>
      rpc(S.RechargeInputSchema, input, (args) => this.run((book) => createRecharge(book, args, this.settings.idempotencyTtlSeconds))),
    );
  }

  /** Credits an order from the provider's verified callback, once per order. */
  completeRecharge(input: S.CompleteRechargeInput): R.CompleteRechargeResult | R.WalletFailure {
    return this.metrics.countUnposted("recharge", () => rpc(S.CompleteRechargeInputSchema, input, (args) => this.run((book) => completeRecharge(book, args))));
  }

  /** One recharge order. */
  getRecharge(orderId: string): RechargeOrder | R.WalletFailure {
    return this.run((book) => getRecharge(book, String(orderId)));
  }

  /**
   * Debits and sends the credit to `toUserId` through the outbox, then tries
   * to deliver it at once, so the answer is usually `completed`; otherwise the
   * alarm retries until the receiver acknowledges.
   */
  async transfer(input: S.TransferInput): Promise<R.TransferResult | R.WalletFailure> {
    const result = this.metrics.countUnposted("transfer_out", () =>
      rpc(S.TransferInputSchema, input, (args) => this.run((book) => transfer(book, args, this.settings.idempotencyTtlSeconds))),
    );
    if ("error" in result) return result;
    const transferId = result.transfer.transfer_id;
    if (!result.replayed) await this.sendNow(TRANSFER_CREDIT, transferId);
    return { ...result, transfer: { ...result.transfer, status: this.run((book) => transferStatus(book, transferId)) } };
  }

  /**
   * Buys AI quota: debits the price and sends the recharge to the user's
   * QuotaCounter through the outbox, delivering at once when it can. Refused
   * by the quota side → refunded.
   */
  async purchaseQuota(input: S.QuotaPurchaseInput): Promise<R.QuotaPurchaseResult | R.WalletFailure> {
    const result = this.metrics.countUnposted("quota_purchase", () =>
      rpc(S.QuotaPurchaseInputSchema, input, (args) => this.run((book) => purchaseQuota(book, args, this.settings.idempotencyTtlSeconds))),
    );
    if ("error" in result) return result;
    const purchaseId = result.purchase.purchase_id;
    if (!result.replayed) await this.sendNow(QUOTA_RECHARGE, purchaseId);
    // A fresh purchase reports the balances after its delivery (a refund may already have come back); a replay keeps the original ones.
    return this.run((book) => ({
      ...result,
      ...(result.replayed ? {} : book.balances()),
      purchase: { ...result.purchase, ...purchaseState(book, purchaseId) },
    }));
  }

  /** The receiving side of a transfer: credits once per transfer id. */
  creditTransfer(input: S.CreditTransferInput): R.CreditResult | R.WalletFailure {
    const result = this.metrics.countUnposted("transfer_in", () =>
      rpc(S.CreditTransferInputSchema, input, (args) => this.run((book) => creditTransfer(book, args))),
    );
    if (!("error" in result) && result.duplicate) this.metrics.refused("transfer_in", "duplicate");
    return result;
  }

  /** Holds money for a withdrawal (at least `minimum`); idempotent by key. */
  requestWithdraw(input: S.WithdrawInput): R.WithdrawResult | R.WalletFailure {
    const result = this.metrics.countUnposted("withdraw_hold", () =>
      rpc(S.WithdrawInputSchema, input, (args) => this.run((book) => requestWithdraw(book, args, this.settings.idempotencyTtlSeconds))),
    );
    if (!("error" in result)) this.scheduleDelivery();
    return result;
  }

  /** Admin review of a withdrawal; a second review is a conflict. */
  reviewWithdraw(input: S.ReviewInput): R.ReviewResult | R.WalletFailure {
    const type = input?.approved === false ? "withdraw_release" : "withdraw";
    const result = this.metrics.countUnposted(type, () => rpc(S.ReviewInputSchema, input, (args) => this.run((book) => reviewWithdraw(book, args))));
    if (!("error" in result)) this.scheduleDelivery();
    return result;
  }

  /** Admin freeze: no consume, transfer or withdraw; the wallet still receives. */
  setFrozen(input: S.FreezeInput): R.FreezeResult | R.WalletFailure {
    return rpc(S.FreezeInputSchema, input, (args) => this.run((book) => setFrozen(book, args)));
  }

  /** A ledger page, newest first, optionally of one type. */
  listTransactions(input: S.ListTransactionsInput): R.Page<LedgerEntry> | R.WalletFailure {
    return rpc(S.ListTransactionsInputSchema, input, (args) => this.run((book) => transactionsPage(book, args)));
  }

  /** A withdrawals page, newest first, optionally of one status. */
  listWithdrawals(input: S.ListWithdrawalsInput): R.Page<Withdrawal> | R.WalletFailure {
    return rpc(S.ListWithdrawalsInputSchema, input, (args) => this.run((book) => withdrawalsPage(book, args)));
  }

  /** Replays the ledger from zero against the stored balances (see `R.LedgerVerification`). */
  verifyLedger(): R.LedgerVerification {
    return verifyLedger(this.sql);
  }

  /** Money debited here whose delivery is not acknowledged yet. */
  inFlight(): R.InFlight {
    return inFlight(this.sql, { transfer: TRANSFER_CREDIT, quota: QUOTA_RECHARGE, balanceReport: WALLET_BALANCE });
  }

  /** Delivers what is due, then sleeps until the next retry. */
  override async alarm(): Promise<void> {
    this.alarms.fired();
    await this.delivery.deliverDue();
    this.scheduleDelivery();
    this.metrics.afterWork();
  }

  /**
   * The handlers outbox deliveries go through: these as they are. A seam for
   * the testing Worker's subclass (test/testing-worker/objects.ts), which holds
   * deliveries in the fault tests; it is called from the constructor.
   */
  protected outboxHandlers(handlers: Record<string, OutboxHandler>): Record<string, OutboxHandler> {
    return handlers;
  }

  private get userId(): string {
    return this.ctx.id.name ?? this.ctx.id.toString();
  }

  private book(now: number = Date.now()): WalletBook {
    return new WalletBook(this.sql, this.userId, now, this.settings.balanceSyncDelayMs);
  }

  /** Runs one operation as a single synchronous transaction; once it committed, records what it posted. */
  private run<T>(operation: (book: WalletBook) => T): T {
    const now = Date.now();
    const book = this.book(now);
    const result = this.ctx.storage.transactionSync(() => {
      if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
        pruneRequests(this.sql, now, this.settings.idempotencyTtlSeconds);
        pruneSettled(this.sql, now - this.settings.idempotencyTtlSeconds * 1000);
        this.lastPruneAt = now;
      }
      return operation(book);
    });
    // A balance change enqueued a report to the admins' projection (balance-projection.ts).
    if (book.balanceReportDueAt !== null) this.alarms.runBy(book.balanceReportDueAt);
    if (book.posted.length > 0) this.metrics.posted(book.posted);
    this.metrics.afterWork();
    return result;
  }

  /** A message the last transaction wrote to the outbox: delivered at once when it can, by the alarm otherwise. */
  private async sendNow(kind: string, id: string): Promise<void> {
    this.metrics.outboxChanged(kind, 1);
    const delivering = this.delivery.deliverNow([id]);
    this.scheduleDelivery();
    await delivering;
  }

  /** Makes sure the alarm runs by the next owed delivery. */
  private scheduleDelivery(): void {
    const next = this.delivery.nextRunAt();
    if (next !== null) this.alarms.runBy(next);
  }
}
