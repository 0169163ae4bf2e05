import { AlarmScheduler } from "../alarm-scheduler";
import { DurableObjectMetrics } from "../object-metrics";
import type { QuotaPolicyArg } from "../../contract/quota/policy";
import { isQuotaFailure, type QuotaFailure } from "../../contract/quota/results";
import type * as results from "../../contract/quota/results";
import * as inputs from "../../contract/quota/inputs";
import { SetAutoTopupInputSchema, type AutoTopupView, type SetAutoTopupInput, type SetAutoTopupResult } from "../../contract/quota/auto-topup";
import type { QuotaStatistics, QuotaView } from "../../contract/quota/views";
import { storagePing, type PingReply } from "../ping";
import { rpc } from "../rpc";
import { recharge, restore, setSuspended, setTotal } from "./admin";
import { consume } from "./consume";
import { nextAlarmAt, prepare, prune, runDue, Schedule } from "./lifecycle";
import { broadcast, levelMessages, snapshotMessage, STREAM_TAG } from "./live";
import { QuotaMetrics, type LevelTransition } from "./metrics";
import { QuotaInboxRpc } from "./inbox-rpc";
import { statistics, transactionsPage } from "./reads";
import { commit, release, reserve } from "./reservations";
import { migrate } from "./schema";
import { deliverDueTopups } from "./topup-delivery";
import { autoTopupView, nextTopupAt, setAutoTopup } from "./topup-intents";
import { UnitOfWork } from "./unit-of-work";
import { PolicyCache } from "./validation";
import { deliverDueWebhooks } from "./webhook-outbox";

/**
 * Per-user AI quota: daily, monthly and total counters, reservations, a ledger,
 * level events (inbox, webhook outbox, live WebSocket push) and calendar resets.
 * One object per user: `env.QUOTA_COUNTER.getByName(userId)`.
 *
 * Every mutating or quota-reading RPC takes the caller's `QuotaPolicy`
 * (`resolveQuotaPolicy(role)`), validates its input, and runs as one
 * synchronous SQLite transaction with no awaits, so concurrent calls
 * serialise and nothing can interleave between a check and its debit.
 * Failures come back as `{ error }` values (see `QuotaFailure`). The inbox's
 * methods are inherited from `QuotaInboxRpc` (inbox-rpc.ts).
 */
export class QuotaCounter extends QuotaInboxRpc {
  private readonly policies = new PolicyCache();
  private readonly schedule = new Schedule();
  private readonly alarms: AlarmScheduler;
  private readonly metrics: QuotaMetrics;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.alarms = new AlarmScheduler(ctx.storage);
    this.metrics = new QuotaMetrics(new DurableObjectMetrics(ctx, env));
    // Answered by the runtime without waking the object, so idle clients' keepalives cost nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      migrate(this.sql, ctx.storage);
      const stored = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'policy'").toArray()[0];
      this.policies.load(stored?.value ?? null);
      this.schedule.refresh(this.sql);
      this.metrics.load(this.sql);
      // A top-up intent still owed whose alarm was lost (deleted, or never set before an upgrade) is picked up here.
      const owedTopupAt = (await this.alarms.load()) === null ? nextTopupAt(this.sql) : null;
      if (owedTopupAt !== null) await this.alarms.sleepUntil(owedTopupAt);
    });
  }

  /** Health probe: proves the object runs and its SQLite storage answers. */
  async ping(): Promise<PingReply> {
    return storagePing(this.sql);
  }

  /** Atomic check-and-debit, idempotent by `requestId` (see `results.ConsumeResult`). */
  consume(input: inputs.ConsumeInput, policy: QuotaPolicyArg): results.ConsumeResult | QuotaFailure {
    return rpc(inputs.ConsumeInputSchema, input, (args) => this.run(policy, (uow) => consume(uow, args)));
  }

  /** Holds an estimate until commit, release or TTL; idempotent by `requestId`. */
  reserve(input: inputs.ReserveInput, policy: QuotaPolicyArg): results.ReserveResult | QuotaFailure {
    return rpc(inputs.ReserveInputSchema, input, (args) => this.run(policy, (uow) => reserve(uow, args)));
  }

  /** Charges the actual amount of a reservation and releases the rest (overage policy in reservations.ts). */
  commit(input: inputs.CommitInput, policy: QuotaPolicyArg): results.CommitResult | QuotaFailure {
    return rpc(inputs.CommitInputSchema, input, (args) => this.run(policy, (uow) => commit(uow, args)));
  }

  /** Returns a whole reservation. */
  release(input: inputs.ReleaseInput, policy: QuotaPolicyArg): results.ReleaseResult | QuotaFailure {
    return rpc(inputs.ReleaseInputSchema, input, (args) => this.run(policy, (uow) => release(uow, args)));
  }

  /** Adds tokens (admin now, wallet-paid later); idempotent by `requestId`. */
  recharge(input: inputs.RechargeInput, policy: QuotaPolicyArg): results.RechargeResult | QuotaFailure {
    return rpc(inputs.RechargeInputSchema, input, (args) => this.run(policy, (uow) => recharge(uow, args)));
  }

  /** Refunds a failed call's tokens; idempotent by `requestId`. */
  restore(input: inputs.RestoreInput, policy: QuotaPolicyArg): results.RestoreResult | QuotaFailure {
    return rpc(inputs.RestoreInputSchema, input, (args) => this.run(policy, (uow) => restore(uow, args)));
  }

  /** Admin: pins a type's total. */
  setTotal(input: inputs.SetTotalInput, policy: QuotaPolicyArg): results.SetTotalResult | QuotaFailure {
    return rpc(inputs.SetTotalInputSchema, input, (args) => this.run(policy, (uow) => setTotal(uow, args)));
  }

  /** Admin: suspends one type or all; it stays suspended until `activate`. */
  suspend(input: inputs.SuspensionInput, policy: QuotaPolicyArg): results.SuspensionResult | QuotaFailure {
    return rpc(inputs.SuspensionInputSchema, input, (args) => this.run(policy, (uow) => setSuspended(uow, args, true)));
  }

  /** Admin: lifts a suspension. */
  activate(input: inputs.SuspensionInput, policy: QuotaPolicyArg): results.SuspensionResult | QuotaFailure {
    return rpc(inputs.SuspensionInputSchema, input, (args) => this.run(policy, (uow) => setSuspended(uow, args, false)));
  }

  /** One quota (daily by default), created with the plan on first touch. */
  getQuota(input: inputs.GetQuotaInput, policy: QuotaPolicyArg): QuotaView | QuotaFailure {
    return rpc(inputs.GetQuotaInputSchema, input, (args) => this.run(policy, (uow) => uow.view(uow.row(args.quotaType))));
  }

  /** Every quota, daily → monthly → total. */
  getAllQuotas(policy: QuotaPolicyArg): { quotas: QuotaView[] } | QuotaFailure {
    return this.run(policy, (uow) => ({ quotas: uow.rows().map((row) => uow.view(row)) }));
  }

  /** Statistics (see `QuotaStatisticsSchema`). */
  getStatistics(policy: QuotaPolicyArg): QuotaStatistics | QuotaFailure {
    return this.run(policy, (uow) => statistics(uow));
  }

  /** A ledger page, newest first, with the total row count. */
  listTransactions(input: inputs.ListTransactionsInput, policy: QuotaPolicyArg): results.TransactionsPage | QuotaFailure {
    return rpc(inputs.ListTransactionsInputSchema, input, (args) => this.run(policy, (uow) => transactionsPage(uow, args.limit, args.offset)));
  }

  /** The automatic top-up setting, today's top-ups and the latest intents. */
  getAutoTopup(policy: QuotaPolicyArg): AutoTopupView | QuotaFailure {
    return this.run(policy, (uow) => autoTopupView(uow));
  }

  /** Turns automatic top-up on (a `total` package, threshold, daily cap) or off, cancelling intents not yet sent. */
  setAutoTopup(input: SetAutoTopupInput, policy: QuotaPolicyArg): SetAutoTopupResult | QuotaFailure {
    return rpc(SetAutoTopupInputSchema, input, (args) => this.run(policy, (uow) => setAutoTopup(uow, args)));
  }

  /**
   * The live stream: accepts a WebSocket upgrade (hibernatable), sends a
   * snapshot, then a message per level change. Call `getAllQuotas(policy)`
   * first so the snapshot reflects the caller's current policy.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426, headers: { Upgrade: "websocket" } });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [STREAM_TAG]);
    this.metrics.socketOpened(server);
    server.send(this.snapshot());
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Clients may send `"snapshot"` to get the current state again. */
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === "snapshot") ws.send(this.snapshot());
  }

  /** Completes the close handshake the hibernation API leaves to us. */
  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.metrics.socketClosed(ws);
    // 1005/1006/1015 are reserved for the runtime; answering with them throws.
    const reply = code === 1005 || code === 1006 || code === 1015 ? 1000 : code;
    try {
      ws.close(reply, reason);
    } catch {
      // Already closed.
    }
  }

  /** A failed socket is gone too (the runtime may or may not also report its close). */
  override webSocketError(ws: WebSocket): void {
    this.metrics.socketClosed(ws);
  }

  /** Resets, reservation expiry and pruning, then webhook and top-up delivery; reschedules for the next due event. */
  override async alarm(): Promise<void> {
    this.alarms.fired();
    const policy = this.policies.stored;
    if (policy) {
      const uow = new UnitOfWork(this.sql, this.userId, policy, Date.now());
      const transition = this.ctx.storage.transactionSync(() => {
        runDue(uow);
        prune(this.sql, policy, uow.now);
        return this.metrics.trackLevel(uow);
      });
      this.schedule.refresh(this.sql);
      this.push(uow);
      await deliverDueWebhooks(this.sql, policy.webhookDelivery, Date.now(), this.metrics.recorder);
      await deliverDueTopups(this.ctx.storage, this.env, this.userId, policy, this.metrics.recorder);
      this.metrics.afterWork(transition, uow.expiredReservations, uow.topupResults);
    }
    await this.alarms.sleepUntil(nextAlarmAt(this.sql));
  }

  /**
   * Runs one operation as a single synchronous transaction: validate the
   * policy, create/reset/expire what is due, operate. After commit: remember
   * the policy, refresh the schedule if it moved, set the alarm if work
   * became due earlier, push level changes.
   */
  private run<T extends object>(rawPolicy: unknown, operation: (uow: UnitOfWork) => T | QuotaFailure): T | QuotaFailure {
    const resolved = this.policies.resolve(rawPolicy);
    if (isQuotaFailure(resolved)) return resolved;
    const uow = new UnitOfWork(this.sql, this.userId, resolved.policy, Date.now());
    const previous = this.policies.stored;
    let transition: LevelTransition | null = null;
    const result = this.ctx.storage.transactionSync(() => {
      if (prepare(uow, this.schedule, resolved, previous)) uow.scheduleChanged = true;
      const value = operation(uow);
      transition = this.metrics.trackLevel(uow);
      return value;
    });
    this.policies.accept(resolved);
    if (uow.scheduleChanged) this.schedule.refresh(this.sql);
    if (uow.dueAt !== null) this.alarms.runBy(uow.dueAt);
    this.push(uow);
    this.metrics.afterWork(transition, uow.expiredReservations, uow.topupResults);
    return result;
  }

  private push(uow: UnitOfWork): void {
    if (uow.levelChanges.length === 0) return;
    const sockets = this.ctx.getWebSockets(STREAM_TAG);
    if (sockets.length > 0) broadcast(sockets, levelMessages(uow.levelChanges, uow.now));
  }

  private snapshot(): string {
    const policy = this.policies.stored;
    if (!policy) return snapshotMessage([], Date.now());
    const result = this.run(policy, (uow) => ({ quotas: uow.rows().map((row) => uow.view(row)) }));
    return snapshotMessage(isQuotaFailure(result) ? [] : result.quotas, Date.now());
  }
}
