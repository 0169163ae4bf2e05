import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";

describeAuthSecurity("admin config", [
  { method: "GET", path: "/api/v1/admin/config", roles: ["admin"] },
  { method: "PUT", path: "/api/v1/admin/config", json: { version: 0, patch: {} }, roles: ["admin"] },
  { method: "GET", path: "/api/v1/admin/config/history", roles: ["admin"] },
  { method: "POST", path: "/api/v1/admin/config/rollback/0", json: { expectedVersion: 0 }, roles: ["admin"] },
  { method: "GET", path: "/api/v1/admin/operation-logs", roles: ["admin"] },
]);
