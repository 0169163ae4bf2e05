import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";

// The system-config page's routes and the system metrics: admins only, like the document routes.
describeAuthSecurity("admin config (client view) and system metrics", [
  { method: "PUT", path: "/api/v1/admin/config/batch", json: { updates: [{ key: "features.x", value: true }] }, roles: ["admin"] },
  { method: "GET", path: "/api/v1/admin/config/backups", roles: ["admin"] },
  { method: "POST", path: "/api/v1/admin/config/restore", json: { version: 0 }, roles: ["admin"] },
  { method: "GET", path: "/api/v1/system/metrics", roles: ["admin"] },
  { method: "GET", path: "/api/v1/system/metrics/wallet", roles: ["admin"] },
]);
