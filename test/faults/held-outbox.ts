/**
 * Held wallet outboxes, for the stack-kill test. A test-only route
 * (ENABLE_BENCH_ROUTES) makes chosen users' Wallets fail every outbox
 * delivery before it leaves, as if every receiver were down. Their quota
 * purchases are then paid and acknowledged but still owed to the
 * QuotaCounter when the stack is killed. The hold lives only in the object's
 * memory, so the restart ends the "outage", and the owed deliveries must
 * complete from storage alone.
 */
import type { Envelope } from "../support/http.ts";
import { accepted, type Operation, type Target } from "./operations.ts";
import { ledgerMismatches, type UserState } from "./accounting.ts";

/** What the hold route answers. */
export type HoldState = { held: boolean; failedDeliveries: number };
/** What a wallet still owes (admin verify's `in_flight`); amounts in fen. */
export type Owed = { transfers: number; quota_purchases: number; messages: number };

/** Turns the hold on or off for user `index`'s Wallet (turning it on again just reads the state). */
export async function holdOutbox(target: Target, index: number, held: boolean): Promise<HoldState> {
  const response = await fetch(`${target.apiUrl}/api/v1/internal/faults/wallets/${target.users[index]!.pair.user.id}/outbox-hold`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${target.serviceToken}`, "content-type": "application/json" },
    body: JSON.stringify({ held }),
  });
  const body = (await response.json()) as Envelope<HoldState>;
  if (response.status !== 200) throw new Error(`outbox-hold: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** What user `index`'s Wallet owes, from the admin verify route. */
export async function owed(target: Target, adminToken: string, index: number): Promise<Owed> {
  const response = await fetch(`${target.apiUrl}/api/v1/admin/wallet/${target.users[index]!.pair.user.id}/verify`, {
    headers: { Authorization: `Bearer ${adminToken}` },
  });
  const body = (await response.json()) as Envelope<{ in_flight: Owed }>;
  if (response.status !== 200) throw new Error(`verify: ${response.status} ${JSON.stringify(body)}`);
  return body.data.in_flight;
}

/** The accepted quota purchases of user `index` (the server's purchase id is in the answer). */
export function purchasesOf(operations: Operation[], index: number): Array<{ operation: Operation; purchaseId: string; status: string }> {
  return operations
    .filter((operation) => operation.kind === "quota-purchase" && operation.from === index && accepted(operation))
    .map((operation) => {
      // The body of the route's 200 answer (wallet-quota-purchase.ts).
      const { purchase } = operation.data as { purchase: { purchase_id: string; status: string } };
      return { operation, purchaseId: purchase.purchase_id, status: purchase.status };
    });
}

/**
 * The quota side of the purchases: the QuotaCounter's ledger holds exactly
 * one `recharge` row per accepted purchase (its `requestId` is the purchase
 * id), none for anything else; and the wallet refunded nothing.
 */
export function purchaseCreditMismatches(state: UserState, index: number, operations: Operation[]) {
  const rows = state.quotaLedger.filter((row) => row.type === "recharge").map((row) => ({ key: row.requestId }));
  return {
    ...ledgerMismatches(
      rows,
      purchasesOf(operations, index).map((purchase) => purchase.purchaseId),
    ),
    refunds: state.walletLedger.filter((row) => row.type === "refund").length,
  };
}
