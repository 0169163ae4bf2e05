/**
 * Reservations: hold an estimate before an AI call, then commit the actual
 * amount or release it; the alarm expires holds nobody settled.
 *
 * Commit policy (documented for the AI service):
 * - the hold is released and `actual` is charged from what then remains;
 * - if `actual` exceeds that, the remainder is charged and the rest is
 *   `overage`: recorded on the reservation and in the ledger row's
 *   description, never charged (the quota cannot go below zero);
 * - a commit after expiry still charges `actual` the same way (the work was
 *   done); a commit after an explicit release is a conflict.
 */
import type { z } from "@hono/zod-openapi";
import type { CommitResult, ReleaseResult, ReserveResult } from "../../contract/quota/results";
import type { CommitInputSchema, ReleaseInputSchema, ReserveInputSchema } from "../../contract/quota/inputs";
import { chargeOf, commitCharge, publicCharge } from "./charges";
import { decide, fingerprintOf } from "./consume";
import { findRequest, replayOf, saveRequest } from "./idempotency";
import { balanceOf, remainingOf, reservationView, type ReservationRow } from "./rows";
import type { UnitOfWork } from "./unit-of-work";
import { conflict, invalid, notFound } from "./validation";
import type { QuotaFailure } from "../../contract/quota/results";

/** Validated inputs. */
export type ReserveArgs = z.output<typeof ReserveInputSchema>;
export type CommitArgs = z.output<typeof CommitInputSchema>;
export type ReleaseArgs = z.output<typeof ReleaseInputSchema>;

function findReservation(uow: UnitOfWork, id: string): ReservationRow | null {
  return uow.sql.exec<ReservationRow>("SELECT * FROM reservations WHERE id = ?", id).toArray()[0] ?? null;
}

function settle(uow: UnitOfWork, reservation: ReservationRow, fields: Pick<ReservationRow, "status" | "actual" | "charged" | "overage">): ReservationRow {
  Object.assign(reservation, fields, { settled_at: uow.now });
  uow.sql.exec(
    "UPDATE reservations SET status = ?, settled_at = ?, actual = ?, charged = ?, overage = ? WHERE id = ?",
    reservation.status,
    reservation.settled_at,
    reservation.actual,
    reservation.charged,
    reservation.overage,
    reservation.id,
  );
  return reservation;
}

/** Holds `amount` until commit, release or `ttlSeconds`. Idempotent by `requestId`. */
export function reserve(uow: UnitOfWork, args: ReserveArgs): ReserveResult | QuotaFailure {
  const { defaultTtlSeconds, maxTtlSeconds } = uow.policy.reservations;
  const ttlSeconds = args.ttlSeconds ?? defaultTtlSeconds;
  if (ttlSeconds > maxTtlSeconds) return invalid("invalid parameters", { ttlSeconds: `must be at most ${maxTtlSeconds}` });
  const fingerprint = fingerprintOf(args.quotaType, args, args.service, args.model);
  const prior = findRequest(uow.sql, "reserve", args.requestId, uow.now, uow.policy.retention.idempotencyTtlSeconds);
  const row = uow.row(args.quotaType);
  if (prior) {
    if (prior.fingerprint === fingerprint) return replayOf<ReserveResult>(prior);
    const duplicate = { requestId: args.requestId, quotaType: args.quotaType, amount: args.amount ?? 0, priced: null };
    return { ...duplicate, outcome: "duplicate", transactionId: null, reservation: null, quota: uow.view(row), events: [...uow.events], replayed: false };
  }
  const charge = chargeOf(uow.policy.pricing, args);
  if ("error" in charge) return charge;
  const base = { requestId: args.requestId, quotaType: args.quotaType, amount: charge.credits };
  const outcome = decide(row, charge.credits);
  let transactionId: string | null = null;
  let reservation: ReservationRow | null = null;
  if (outcome === "ok") {
    const before = balanceOf(row);
    row.reserved += charge.credits;
    uow.save(row);
    reservation = {
      id: crypto.randomUUID(),
      quota_type: args.quotaType,
      amount: charge.credits,
      service: args.service,
      model: args.model ?? null,
      request_id: args.requestId,
      status: "active",
      expires_at: uow.now + ttlSeconds * 1000,
      created_at: uow.now,
      settled_at: null,
      actual: null,
      charged: null,
      overage: null,
      // The price is kept, not looked up again at commit: a price change never reaches an open reservation.
      price_version: charge.priced?.priceVersion ?? null,
      input_price: charge.priced?.price.input ?? null,
      output_price: charge.priced?.price.output ?? null,
    };
    uow.sql.exec(
      `INSERT INTO reservations (id, quota_type, amount, service, model, request_id, status, expires_at, created_at, price_version, input_price, output_price)
       VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
      reservation.id,
      reservation.quota_type,
      reservation.amount,
      reservation.service,
      reservation.model,
      reservation.request_id,
      reservation.expires_at,
      reservation.created_at,
      reservation.price_version,
      reservation.input_price,
      reservation.output_price,
    );
    const description = `reservation ${reservation.id}, ttl ${ttlSeconds}s`;
    transactionId = uow.ledger({ ...base, type: "reserve", service: args.service, model: args.model, description, before, after: balanceOf(row), priced: charge.priced });
    uow.due(reservation.expires_at);
    uow.scheduleChanged = true;
  }
  const result: ReserveResult = {
    ...base,
    outcome,
    transactionId,
    priced: publicCharge(charge.priced),
    reservation: reservation ? reservationView(reservation, uow.userId) : null,
    quota: uow.view(row),
    events: [...uow.events],
    replayed: false,
  };
  saveRequest(uow.sql, "reserve", args.requestId, fingerprint, result, uow.now);
  return result;
}

/** A commit's replay key: `actual` as before pricing existed, or the priced tokens. */
function commitKey(args: CommitArgs): string {
  return args.actual !== undefined ? String(args.actual) : `priced:${args.inputTokens}:${args.outputTokens}`;
}

/** Charges `actual` against a reservation (see the commit policy above). Idempotent per reservation and `actual`. */
export function commit(uow: UnitOfWork, args: CommitArgs): CommitResult | QuotaFailure {
  const reservation = findReservation(uow, args.reservationId);
  if (!reservation) return notFound(`reservation ${args.reservationId} not found`);
  if (reservation.status === "committed") {
    const prior = findRequest(uow.sql, "commit", reservation.id, uow.now, uow.policy.retention.idempotencyTtlSeconds);
    if (prior && prior.fingerprint === commitKey(args)) return replayOf<CommitResult>(prior);
    return conflict("reservation already committed", { actual: `committed with ${reservation.actual}` });
  }
  if (reservation.status === "released") return conflict("reservation was released", { reservationId: "released" });
  const charge = commitCharge(reservation, args);
  if ("error" in charge) return charge;
  const actual = charge.credits;
  const late = reservation.status === "expired";
  const row = uow.row(reservation.quota_type);
  const before = balanceOf(row);
  if (!late) row.reserved -= reservation.amount;
  const available = remainingOf(row);
  const charged = available === null ? actual : Math.min(actual, available);
  const overage = actual - charged;
  row.used += charged;
  uow.burn(row, charged);
  uow.save(row);
  const description =
    `reservation ${reservation.id}: reserved ${reservation.amount}, actual ${actual}` +
    (overage > 0 ? `, overage ${overage} not charged (nothing remained)` : "") +
    (late ? ", committed after expiry" : "");
  const transactionId = uow.ledger({
    quotaType: reservation.quota_type,
    amount: charged,
    type: "commit",
    service: reservation.service,
    model: reservation.model,
    requestId: reservation.request_id,
    description,
    before,
    after: balanceOf(row),
    priced: charge.priced,
  });
  uow.usage(reservation.service, reservation.model, charged, charge.priced);
  const settled = settle(uow, reservation, { status: "committed", actual, charged, overage });
  const result: CommitResult = {
    reservation: reservationView(settled, uow.userId),
    charged,
    overage,
    transactionId,
    priced: publicCharge(charge.priced),
    quota: uow.view(row),
    events: [...uow.events],
    replayed: false,
  };
  saveRequest(uow.sql, "commit", reservation.id, commitKey(args), result, uow.now);
  return result;
}

/** Returns a whole reservation. Releasing twice replays; releasing after expiry releases nothing. */
export function release(uow: UnitOfWork, args: ReleaseArgs): ReleaseResult | QuotaFailure {
  const reservation = findReservation(uow, args.reservationId);
  if (!reservation) return notFound(`reservation ${args.reservationId} not found`);
  if (reservation.status === "committed") return conflict("reservation already committed", { reservationId: "committed" });
  if (reservation.status === "released") {
    const prior = findRequest(uow.sql, "release", reservation.id, uow.now, uow.policy.retention.idempotencyTtlSeconds);
    if (prior) return replayOf<ReleaseResult>(prior);
  }
  const row = uow.row(reservation.quota_type);
  if (reservation.status !== "active") {
    return { reservation: reservationView(reservation, uow.userId), released: 0, quota: uow.view(row), events: [...uow.events], replayed: false };
  }
  const before = balanceOf(row);
  row.reserved -= reservation.amount;
  uow.save(row);
  uow.ledger({
    quotaType: reservation.quota_type,
    amount: reservation.amount,
    type: "release",
    service: reservation.service,
    model: reservation.model,
    requestId: reservation.request_id,
    description: `reservation ${reservation.id} released`,
    before,
    after: balanceOf(row),
  });
  const settled = settle(uow, reservation, { status: "released", actual: null, charged: null, overage: null });
  const result: ReleaseResult = { reservation: reservationView(settled, uow.userId), released: reservation.amount, quota: uow.view(row), events: [...uow.events], replayed: false };
  saveRequest(uow.sql, "release", reservation.id, "release", result, uow.now);
  return result;
}

/** Returns every hold past its TTL to remaining, with an `expire` ledger row each. */
export function expireDueReservations(uow: UnitOfWork): number {
  const due = uow.sql
    .exec<ReservationRow>("SELECT * FROM reservations WHERE status = 'active' AND expires_at <= ? ORDER BY expires_at", uow.now)
    .toArray();
  for (const reservation of due) {
    const row = uow.row(reservation.quota_type);
    const before = balanceOf(row);
    row.reserved -= reservation.amount;
    uow.save(row);
    uow.ledger({
      quotaType: reservation.quota_type,
      amount: reservation.amount,
      type: "expire",
      service: reservation.service,
      model: reservation.model,
      requestId: reservation.request_id,
      description: `reservation ${reservation.id} expired uncommitted`,
      before,
      after: balanceOf(row),
    });
    settle(uow, reservation, { status: "expired", actual: null, charged: null, overage: null });
  }
  uow.expiredReservations += due.length;
  return due.length;
}
