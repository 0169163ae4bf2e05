import type { RequestIdVariables } from "hono/request-id";
import type { AccessClaims } from "./auth/tokens";
import type { EnvConfig } from "./config";
import type { Logger } from "./lib/logger";
import type { Metrics } from "./metrics/api";
import type { Services } from "./services";

/** Hono's environment type for the API Worker: bindings from `wrangler types`, per-request variables. */
export type AppEnv = {
  Bindings: Env;
  Variables: RequestIdVariables & {
    /** Validated deploy-time config; set by the config middleware. */
    config: EnvConfig;
    /** Logger bound to this request's id. */
    logger: Logger;
    /** Records metrics (see src/metrics/definitions.ts); set by the metrics middleware. */
    metrics: Metrics;
    /** Per-request service wiring; set by the init middleware. */
    services: Services;
    /** The caller's verified access-token claims; set by requireAuth. */
    auth: AccessClaims;
  };
};
