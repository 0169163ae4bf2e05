/**
 * The exhaustion forecast: an exponentially weighted burn rate kept on the quota row (credits per ms,
 * with the time it was last brought up to date), updated by the debit's own row write, so the forecast
 * costs no read and no statement of its own.
 *
 * On a debit of `a` credits after `dt` ms: `rate = rate × 2^(−dt / halfLife) + a / τ`, τ = halfLife / ln 2,
 * so steady use of r credits per ms settles at r, and an idle quota's rate halves every half-life. The
 * forecast is `now + remaining / rate(now)`, null when that is at or after the reset (it lasts), beyond the
 * horizon (idle), or when nothing was ever spent.
 */
import type { QuotaPolicy } from "../../contract/quota/policy";
import { remainingOf, type QuotaRow } from "./rows";

type ForecastPolicy = QuotaPolicy["forecast"];

function decayed(row: QuotaRow, now: number, halfLifeMs: number): number {
  if (row.burn_rate <= 0 || row.burn_at === null) return 0;
  return row.burn_rate * 2 ** (-Math.max(0, now - row.burn_at) / halfLifeMs);
}

/** Adds a debit of `credits` at `now` to the row's burn rate (the caller's `save` writes it with the debit). */
export function burn(row: QuotaRow, credits: number, now: number, policy: ForecastPolicy): void {
  if (credits <= 0) return;
  const halfLifeMs = policy.halfLifeSeconds * 1000;
  row.burn_rate = decayed(row, now, halfLifeMs) + (credits * Math.LN2) / halfLifeMs;
  row.burn_at = now;
}

/** When the quota reaches 0 at its current burn rate, in epoch ms; null when it lasts to its reset or the horizon. */
export function forecastExhaustedAt(row: QuotaRow, now: number, policy: ForecastPolicy): number | null {
  const remaining = remainingOf(row);
  if (remaining === null) return null;
  if (remaining === 0) return now;
  const rate = decayed(row, now, policy.halfLifeSeconds * 1000);
  if (rate <= 0) return null;
  const at = Math.ceil(now + remaining / rate);
  if (row.reset_at !== null && at >= row.reset_at) return null;
  return at - now > policy.horizonSeconds * 1000 ? null : at;
}
