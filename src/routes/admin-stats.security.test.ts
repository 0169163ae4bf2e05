import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";

describeAuthSecurity("admin stats", [
  { method: "GET", path: "/api/v1/admin/stats", roles: ["admin"] },
  { method: "GET", path: "/api/v1/admin/stats?refresh=true", roles: ["admin"] },
]);
