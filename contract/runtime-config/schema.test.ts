import { describe, expect, it } from "vitest";
import { DEFAULT_QUOTA_PLANS } from "../quota/defaults";
import { DEFAULT_RUNTIME_CONFIG, RuntimeConfigSchema } from "./schema";

describe("runtime config schema", () => {
  it("fills every documented default from an empty document", () => {
    expect(DEFAULT_RUNTIME_CONFIG.quota.plans).toEqual(DEFAULT_QUOTA_PLANS);
    expect(DEFAULT_RUNTIME_CONFIG.quota.thresholds).toEqual({ warningPercent: 20, criticalPercent: 10 });
    expect(DEFAULT_RUNTIME_CONFIG.quota.timeZone).toBe("Asia/Shanghai");
    expect(DEFAULT_RUNTIME_CONFIG.quota.webhook).toBeNull();
    expect(DEFAULT_RUNTIME_CONFIG.features).toEqual({});
    expect(DEFAULT_RUNTIME_CONFIG.alerts).toEqual({ inboxMaxAlerts: 1_000 });
  });

  it("keeps given values and defaults the rest", () => {
    const config = RuntimeConfigSchema.parse({
      quota: { thresholds: { warningPercent: 30, criticalPercent: 5 }, plans: { reader: { daily: 5, monthly: 50, total: 500 } } },
    });
    expect(config.quota.plans.reader).toEqual({ daily: 5, monthly: 50, total: 500 });
    expect(config.quota.plans.writer).toEqual(DEFAULT_QUOTA_PLANS.writer);
    expect(config.quota.thresholds.warningPercent).toBe(30);
  });

  it("refuses a critical threshold above the warning one, an unknown time zone and unknown fields' bad types", () => {
    const result = RuntimeConfigSchema.safeParse({
      quota: { thresholds: { warningPercent: 10, criticalPercent: 20 }, timeZone: "Mars/Olympus" },
      features: { x: "yes" },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join(".")).sort();
    expect(paths).toEqual(["features.x", "quota.thresholds.criticalPercent", "quota.timeZone"]);
  });

  it("holds the auth and wallet tunables with their documented defaults", () => {
    expect(DEFAULT_RUNTIME_CONFIG.auth).toEqual({
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 2_592_000,
      refreshReuseGraceSeconds: 10,
      maxSessionsPerUser: 5,
      revocation: { syncIntervalMs: 500, maxStalenessMs: 60_000 },
      loginThrottle: { maxFailuresPerAccount: 5, maxFailuresPerIp: 50, windowSeconds: 900 },
      registerLimit: { limit: 10, windowSeconds: 3_600 },
      refreshLimitPerSession: { limit: 10, windowSeconds: 60 },
      refreshLimitPerIp: { limit: 600, windowSeconds: 60 },
      logoutLimit: { limit: 10, windowSeconds: 60 },
      streamTicketTtlSeconds: 30,
      requireEmailVerification: null,
      emailCode: { ttlSeconds: 600, maxAttempts: 5, resendSeconds: 60, perIp: { limit: 20, windowSeconds: 3_600 } },
    });
    expect(DEFAULT_RUNTIME_CONFIG.storage).toEqual({
      maxBytes: { avatar: 2 * 1024 * 1024, cover: 5 * 1024 * 1024, attachment: 20 * 1024 * 1024 },
      quotaBytesByRole: {
        reader: 50 * 1024 * 1024,
        vip_reader: 200 * 1024 * 1024,
        writer: 500 * 1024 * 1024,
        signed_writer: 2048 * 1024 * 1024,
        master: 2048 * 1024 * 1024,
        admin: 2048 * 1024 * 1024,
      },
      publicMaxAgeSeconds: 86_400,
      signedUrlTtlSeconds: 600,
    });
    expect(DEFAULT_RUNTIME_CONFIG.wallet).toEqual({
      rateLimit: { limit: 120, windowSeconds: 60 },
      maxAmountFen: 5_000_000,
      minWithdrawFen: 1_000,
      quotaTokensPerYuan: 10_000,
    });
    expect(RuntimeConfigSchema.parse({ auth: { loginThrottle: { maxFailuresPerIp: 7 } } }).auth.loginThrottle).toEqual({
      maxFailuresPerAccount: 5,
      maxFailuresPerIp: 7,
      windowSeconds: 900,
    });
  });

  it("names each out-of-range auth value, and a refresh lifetime not above the access one", () => {
    const result = RuntimeConfigSchema.safeParse({
      auth: { maxSessionsPerUser: 0, refreshReuseGraceSeconds: 1.5, revocation: { syncIntervalMs: 10 }, registerLimit: { limit: -1 } },
      wallet: { rateLimit: { windowSeconds: "60" } },
    });
    const paths = result.error?.issues.map((issue) => issue.path.join(".")).sort();
    expect(paths).toEqual([
      "auth.maxSessionsPerUser",
      "auth.refreshReuseGraceSeconds",
      "auth.registerLimit.limit",
      "auth.revocation.syncIntervalMs",
      "wallet.rateLimit.windowSeconds",
    ]);
    const inverted = RuntimeConfigSchema.safeParse({ auth: { accessTokenTtlSeconds: 3_600, refreshTokenTtlSeconds: 1_800 } });
    expect(inverted.error?.issues.map((issue) => issue.path.join("."))).toEqual(["auth.refreshTokenTtlSeconds"]);
    const minAboveMax = RuntimeConfigSchema.safeParse({ wallet: { maxAmountFen: 500, minWithdrawFen: 1_000 } });
    expect(minAboveMax.error?.issues.map((issue) => issue.path.join("."))).toEqual(["wallet.minWithdrawFen"]);
  });
});
