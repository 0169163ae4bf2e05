/**
 * Levels and their once-per-period events, as pure functions over numbers so
 * the rules are testable without storage.
 */
import type { QuotaPolicy } from "../../contract/quota/policy";
import type { AlertLevel, QuotaLevel } from "../../contract/quota/inputs";

/** Alert levels from least to most severe; an event fires for each one reached and not yet fired. */
export const ALERT_LEVELS: readonly AlertLevel[] = ["warning", "critical", "exhausted"];

const RANK: Record<QuotaLevel, number> = { ok: 0, warning: 1, critical: 2, exhausted: 3 };
const BIT: Record<AlertLevel, number> = { warning: 1, critical: 2, exhausted: 4 };

/**
 * The level for `remaining` of `total` (null total = unlimited = always ok).
 * Integer-safe comparison: remaining × 100 ≤ total × percent.
 */
export function levelFor(remaining: number, total: number | null, thresholds: QuotaPolicy["thresholds"]): QuotaLevel {
  if (total === null) return "ok";
  if (remaining <= 0) return "exhausted";
  if (remaining * 100 <= total * thresholds.criticalPercent) return "critical";
  if (remaining * 100 <= total * thresholds.warningPercent) return "warning";
  return "ok";
}

/** The remaining-percentage threshold at which `level` starts. */
export function thresholdOf(level: AlertLevel, thresholds: QuotaPolicy["thresholds"]): number {
  if (level === "warning") return thresholds.warningPercent;
  if (level === "critical") return thresholds.criticalPercent;
  return 0;
}

/** Alert levels reached at `level` whose bit is not yet in `fired`, least severe first. */
export function levelsToFire(level: QuotaLevel, fired: number): AlertLevel[] {
  return ALERT_LEVELS.filter((alert) => RANK[alert] <= RANK[level] && (fired & BIT[alert]) === 0);
}

/** `fired` with the bits of `levels` set. */
export function markFired(fired: number, levels: readonly AlertLevel[]): number {
  return levels.reduce((bits, alert) => bits | BIT[alert], fired);
}

/**
 * Re-arms levels the quota is now above (after a recharge or a raised total):
 * keeps only the bits of levels still reached, so crossing them again fires again.
 */
export function rearm(fired: number, level: QuotaLevel): number {
  return ALERT_LEVELS.reduce((bits, alert) => (RANK[alert] <= RANK[level] ? bits : bits & ~BIT[alert]), fired);
}
