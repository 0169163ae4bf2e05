/**
 * Sums over the admins' projection of wallet balances (`wallet_balances`, kept
 * by each Wallet object through its outbox: durable-objects/wallet/balance-projection.ts).
 */

/** Money in every wallet, in fen. */
export type WalletBalanceTotals = { wallets: number; balanceFen: number; heldFen: number };

/** One aggregate query; a wallet shows here within WALLET_BALANCE_SYNC_DELAY_MS plus one delivery of its change. */
export async function walletBalanceTotals(db: D1Database): Promise<WalletBalanceTotals> {
  const row = await db
    .prepare("SELECT count(*) AS wallets, coalesce(sum(balance), 0) AS balance, coalesce(sum(held), 0) AS held FROM wallet_balances")
    .first<{ wallets: number; balance: number; held: number }>();
  return { wallets: row?.wallets ?? 0, balanceFen: row?.balance ?? 0, heldFen: row?.held ?? 0 };
}
