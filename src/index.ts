import { newApp } from "./app";
import { handleQueueBatch } from "./messaging/consumer";
import { handleScheduled } from "./messaging/notice-outbox";
import { accessLog } from "./middleware/access-log";
import { bodyLimit } from "./middleware/body-limit";
import { configMiddleware } from "./middleware/config";
import { cors } from "./middleware/cors";
import { init } from "./middleware/init";
import { metrics } from "./metrics";
import { registerAdminAlertRoutes } from "./routes/admin-alerts";
import { registerAdminConfigRoutes } from "./routes/admin-config";
import { registerSystemMetricsRoutes } from "./routes/system-metrics";
import { registerAdminConfigClientRoutes } from "./routes/admin-config-client";
import { registerAdminOperationLogRoutes } from "./routes/admin-operation-logs";
import { registerAdminQuotaRoutes } from "./routes/admin-quota";
import { registerAdminStatsRoutes } from "./routes/admin-stats";
import { registerAdminUserRoutes } from "./routes/admin-users";
import { registerNotificationRoutes } from "./routes/notifications";
import { registerQuotaRoutes } from "./routes/quota";
import { registerQuotaAutoTopupRoutes } from "./routes/quota-auto-topup";
import { registerInternalQuotaRoutes } from "./routes/quota-internal";
import { registerAuthRoutes } from "./routes/auth";
import { registerAuthEmailRoutes } from "./routes/auth-email";
import { registerDocsRoutes } from "./routes/docs";
import { registerHealthRoutes } from "./routes/health";
import { registerProfileRoutes } from "./routes/profile";
import { registerUserEmailRoutes } from "./routes/user-email";
import { registerFileRoutes } from "./routes/files";
import { registerStorageFileRoutes } from "./routes/storage-files";
import { registerUserAvatarRoute } from "./routes/user-avatar";
import { registerSessionRoutes } from "./routes/sessions";
import { registerSystemRoutes } from "./routes/system";
import { registerAdminWalletRoutes } from "./routes/admin-wallet";
import { registerWalletRoutes } from "./routes/wallet";
import { registerWalletCallbackRoute } from "./routes/wallet-callback";
import { registerQuotaPurchaseRoute } from "./routes/wallet-quota-purchase";

export { QuotaCounter } from "../durable-objects/quota/object";
export { Wallet } from "../durable-objects/wallet/object";
export { MetricsShard } from "../durable-objects/metrics-shard/object";
export { ConfigStore } from "../durable-objects/config-store/object";

/** What a Worker other than production adds to the app (the testing Worker, test/testing-worker/). */
export interface AppExtras {
  /** Registers more routes after the production ones and before the docs, so /openapi.json lists them too. */
  registerRoutes?: (app: ReturnType<typeof newApp>) => void;
}

/**
 * Builds the API: middleware in the order docs/architecture.md gives (the response assembler, which also sets the
 * secure headers, and the request id in the factory, then log → config → metrics → CORS → body limit → services), then routes.
 * Metrics sit before CORS, not after the body limit as the sketch has it, so that
 * CORS preflights and 413s, which those middlewares answer themselves, are counted too.
 * Production passes no extras: the bench and fault routes exist only in the testing Worker.
 */
export function createApp(extras: AppExtras = {}) {
  const app = newApp();
  app.use(accessLog(), configMiddleware(), metrics(), cors(), bodyLimit(), init());
  registerHealthRoutes(app);
  registerSystemRoutes(app);
  registerSystemMetricsRoutes(app);
  registerAuthRoutes(app);
  registerAuthEmailRoutes(app);
  registerSessionRoutes(app);
  registerProfileRoutes(app);
  registerUserEmailRoutes(app);
  registerUserAvatarRoute(app);
  registerStorageFileRoutes(app);
  registerFileRoutes(app);
  registerAdminAlertRoutes(app);
  registerAdminConfigRoutes(app);
  registerAdminConfigClientRoutes(app); // after the admin guard registerAdminConfigRoutes sets on /admin/config/*
  registerAdminOperationLogRoutes(app);
  registerAdminUserRoutes(app);
  registerAdminStatsRoutes(app);
  registerQuotaRoutes(app);
  registerQuotaAutoTopupRoutes(app);
  registerNotificationRoutes(app);
  registerInternalQuotaRoutes(app);
  registerAdminQuotaRoutes(app);
  registerWalletRoutes(app);
  registerWalletCallbackRoute(app);
  registerQuotaPurchaseRoute(app);
  registerAdminWalletRoutes(app);
  extras.registerRoutes?.(app);
  registerDocsRoutes(app);
  return app;
}

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueueBatch,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
