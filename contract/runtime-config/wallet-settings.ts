/** The operator-tunable wallet settings of the runtime config (`wallet` section): request limit and amount bounds, with their documented defaults. */
import { int, RateLimitSchema } from "./setting-types";
import { z } from "@hono/zod-openapi";

export const WalletSettingsSchema = z
  .object({
    /** Requests per user per window on every /finance/wallet route. */
    rateLimit: RateLimitSchema(120, 60),
    /** Largest amount one request may move, in fen (50,000 yuan). */
    maxAmountFen: int(1, 100_000_000_000).default(5_000_000),
    /** Smallest withdrawal, in fen (10 yuan). */
    minWithdrawFen: int(1, 100_000_000_000).default(1_000),
    /** AI tokens one yuan buys when quota is bought by amount (packages carry their own price under `quota.packages`). */
    quotaTokensPerYuan: int(1, 100_000_000).default(10_000),
  })
  .refine((wallet) => wallet.minWithdrawFen <= wallet.maxAmountFen, { error: "minWithdrawFen must not be above maxAmountFen", path: ["minWithdrawFen"] });

export type WalletSettings = z.infer<typeof WalletSettingsSchema>;
