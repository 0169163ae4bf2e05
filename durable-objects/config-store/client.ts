/**
 * The Worker's one way to call the ConfigStore (a single object, `global`):
 * every call recorded as `config_store.<method>`, an overloaded store as 503
 * (see ../client.ts). Its refusals (`{ ok: false, reason }`) are data the
 * admin routes turn into 409 or 400 with the store's own details, so they
 * pass through.
 */
import { objectClient } from "../client";

/** The ConfigStore. */
export function configStore(namespace: Env["CONFIG_STORE"]) {
  return objectClient(namespace.getByName("global"), "config_store", null);
}
