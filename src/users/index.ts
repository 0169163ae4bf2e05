import type { EnvConfig } from "../config";
import { createD1UserStore } from "./d1-user-store";
import { measuredUserStore } from "./measured-user-store";
import { createMongoDataApiUserStore } from "./mongo-data-api-user-store";
import type { UserStore } from "./user-store";

/** The configured account store: D1 (default) or the MongoDB Data API adapter. */
export function createUserStore(env: Env, config: EnvConfig, limits: { timeoutMs: number; degradedMs: number }): UserStore {
  if (config.USER_STORE === "mongodb-data-api" && config.MONGODB_DATA_API_URL && config.MONGODB_DATA_API_KEY) {
    return createMongoDataApiUserStore({
      baseUrl: config.MONGODB_DATA_API_URL,
      apiKey: config.MONGODB_DATA_API_KEY,
      dataSource: config.MONGODB_DATA_SOURCE,
      database: config.MONGODB_DATABASE,
      limits,
    });
  }
  return measuredUserStore(createD1UserStore(env.DB, limits));
}
