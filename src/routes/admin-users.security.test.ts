import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";

const id = "00000000-0000-4000-8000-000000000000";

describeAuthSecurity("admin users and stats", [
  { method: "GET", path: "/api/v1/admin/users", roles: ["admin"] },
  { method: "GET", path: `/api/v1/admin/users/${id}`, roles: ["admin"] },
  { method: "PUT", path: `/api/v1/admin/users/${id}/status`, json: { status: "banned", reason: "x" }, roles: ["admin"] },
  { method: "PUT", path: `/api/v1/admin/users/${id}/role`, json: { roles: ["reader"] }, roles: ["admin"] },
  { method: "POST", path: `/api/v1/admin/users/${id}/reset-password`, roles: ["admin"] },
]);
