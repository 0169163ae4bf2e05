import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";

const someone = crypto.randomUUID();

// Every client alias runs the shared suite its canonical route runs: an alias is a second door to the same room.
describeAuthSecurity("Qingyu web client aliases", [
  { method: "GET", path: "/api/v1/shared/wallet" },
  { method: "GET", path: "/api/v1/shared/wallet/balance" },
  { method: "GET", path: "/api/v1/shared/wallet/transactions?pageSize=5&type=income" },
  { method: "GET", path: "/api/v1/shared/wallet/withdraw-requests" },
  { method: "POST", path: "/api/v1/shared/wallet/recharge", json: { amount: 10, method: "alipay" } },
  { method: "POST", path: "/api/v1/shared/wallet/consume", json: { amount: 1, reason: "x" } },
  { method: "POST", path: "/api/v1/shared/wallet/transfer", json: { toUserId: someone, amount: 1 } },
  { method: "POST", path: "/api/v1/shared/wallet/withdraw", json: { amount: 10, account: "a", accountType: "alipay" } },
  { method: "GET", path: "/api/v1/users/devices?page=1&size=10" },
  { method: "DELETE", path: `/api/v1/users/devices/${someone}` },
  { method: "GET", path: "/api/v1/user/auth/roles" },
  { method: "GET", path: "/api/v1/user/auth/permissions" },
  { method: "GET", path: "/api/v1/notifications/unread-count" },
  { method: "GET", path: "/api/v1/notifications/stats" },
  { method: "PUT", path: `/api/v1/notifications/${someone}/read` },
  { method: "POST", path: "/api/v1/notifications/read-all" },
  { method: "PUT", path: "/api/v1/notifications/read-all" },
  { method: "POST", path: "/api/v1/notifications/batch-read", json: { notification_ids: [someone] } },
  { method: "PUT", path: "/api/v1/users/email/change", json: { newEmail: "someone@example.com", code: "123456" } },
]);
