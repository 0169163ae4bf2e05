/**
 * The Worker's one way to call a user's QuotaCounter: every call recorded as
 * `quota_counter.<method>`, an overloaded object as 503, a typed failure as
 * its error-table row (see ../client.ts).
 */
import type { QuotaErrorCode } from "../../contract/quota/results";
import type { Metrics } from "../../src/metrics/api";
import { objectClient, type FailureTable } from "../client";

/** Each `QuotaFailure` code and the error it becomes: 400 1001, 404 1004, 409 1006, 422 4221. */
export const QUOTA_FAILURES: FailureTable<QuotaErrorCode> = {
  invalid_argument: "INVALID_PARAMETER",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  unknown_model: "QUOTA_UNKNOWN_MODEL",
};

/** The user's QuotaCounter. `metrics`: the request's recorder (the isolate's by default). */
export function quotaClient(env: Pick<Env, "QUOTA_COUNTER">, userId: string, metrics?: Metrics) {
  return objectClient(env.QUOTA_COUNTER.getByName(userId), "quota_counter", QUOTA_FAILURES, metrics);
}

/** What `quotaClient` returns. */
export type QuotaClient = ReturnType<typeof quotaClient>;
