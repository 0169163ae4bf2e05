/** Dependency calls are counted where they are made: `measuredCall`, Durable Object stubs, the Redis client, session scripts. */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSessionStore } from "../auth/session-store";
import { testRedis } from "../cache/testing";
import { ApiError } from "../errors";
import { NO_METRICS, type Metrics } from "../metrics/api";
import { MetricsBuffer } from "../metrics/buffer";
import { redisOperation } from "../services/redis";
import { api } from "../../test/workerd/api";
import type { Sample } from "../../contract/metrics/wire";
import { dependencyErrorKind, measuredCall, recordDependencyCall } from "./dependency";
import { measuredStub } from "./measured-stub";

afterEach(() => {
  vi.restoreAllMocks();
});

/** A recorder that keeps every call. */
function recording() {
  const calls: Array<[string, string, unknown, number | undefined]> = [];
  const metrics: Metrics = {
    inc: (name, labels, by) => void calls.push(["inc", name, labels, by]),
    add: (name, labels, delta) => void calls.push(["add", name, labels, delta]),
    set: (name, labels, value) => void calls.push(["set", name, labels, value]),
    observe: (name, labels, value) => void calls.push(["observe", name, labels, value]),
  };
  const of = (name: string) => calls.filter(([, family]) => family === name).map(([, , labels, value]) => [labels, value]);
  return { metrics, of };
}

const sortSamples = (samples: Sample[]) => [...samples].sort((a, b) => (a.name + a.labels.join()).localeCompare(b.name + b.labels.join()));

describe("dependency call metrics (happy)", () => {
  it("a call is counted with its duration; the first call of an operation creates its error series at 0, a failure counts its kind", async () => {
    const { metrics, of } = recording();
    expect(await measuredCall("d1", "test.first", async () => 42, { metrics })).toBe(42);
    await expect(measuredCall("d1", "test.first", () => Promise.reject(new Error("D1_ERROR: no such table")), { metrics })).rejects.toThrow("no such table");
    expect(of("qingyu_dependency_calls_total")).toEqual([
      [{ dependency: "d1", operation: "test.first" }, undefined],
      [{ dependency: "d1", operation: "test.first" }, undefined],
    ]);
    expect(of("qingyu_dependency_call_duration_seconds")).toHaveLength(2);
    expect(of("qingyu_dependency_call_errors_total")).toEqual([
      [{ dependency: "d1", operation: "test.first", kind: "timeout" }, 0],
      [{ dependency: "d1", operation: "test.first", kind: "unavailable" }, 0],
      [{ dependency: "d1", operation: "test.first", kind: "error" }, 0],
      [{ dependency: "d1", operation: "test.first", kind: "error" }, undefined],
    ]);
  });

  it("repeated successes go straight into the batch's series and add up exactly as the ordinary API would, batch after batch", async () => {
    const operation = `test.fast-${crypto.randomUUID().slice(0, 8)}`;
    const fast = new MetricsBuffer(100);
    const expected = new MetricsBuffer(100);
    const durations = [0.001, 0.02, 0.3, 4, 0.0005];
    for (const batch of [0, 1]) {
      for (const seconds of durations) {
        recordDependencyCall(fast, "durable_object", operation, seconds, null);
        expected.inc("qingyu_dependency_calls_total", { dependency: "durable_object", operation });
        expected.observe("qingyu_dependency_call_duration_seconds", { dependency: "durable_object", operation }, seconds);
      }
      if (batch === 0)
        for (const kind of ["timeout", "unavailable", "error"] as const)
          expected.inc("qingyu_dependency_call_errors_total", { dependency: "durable_object", operation, kind }, 0);
      // A drained batch's samples must not be written again: the second batch starts from zero.
      expect(sortSamples(fast.drain())).toEqual(sortSamples(expected.drain()));
    }
  });

  it("a dependency series the buffer drops (cardinality cap) is counted as a drop on every call, fast path or not", () => {
    const capped = new MetricsBuffer(1);
    recordDependencyCall(capped, "d1", "test.cap-first", 0.01, null); // takes the one series each family may have
    for (let call = 0; call < 3; call++) recordDependencyCall(capped, "d1", "test.cap-second", 0.01, null);
    const samples = capped.drain();
    const dropped = samples.find((sample) => sample.name === "qingyu_metrics_dropped_samples_total");
    // The first operation's error series at 0: 2 of its 3 kinds did not fit. The second operation's: all 3 (its first call),
    // then its count and duration on each of its 3 calls.
    expect(dropped).toMatchObject({ labels: ["cardinality"], value: 2 + 3 + 3 * 2 });
    expect(samples.filter((sample) => sample.name === "qingyu_dependency_calls_total")).toEqual([
      { kind: "counter", name: "qingyu_dependency_calls_total", labels: ["d1", "test.cap-first"], value: 1 },
    ]);
  });

  it("our own ApiErrors and declared outcomes are answers, not dependency errors", async () => {
    const { metrics, of } = recording();
    await expect(measuredCall("redis", "test.outcome", () => Promise.reject(new ApiError("NOT_FOUND")), { metrics })).rejects.toThrow();
    await expect(measuredCall("redis", "test.outcome", () => Promise.reject(new Error("duplicate")), { metrics, isOutcome: () => true })).rejects.toThrow();
    expect(of("qingyu_dependency_calls_total")).toHaveLength(2);
    expect(of("qingyu_dependency_call_errors_total").filter(([, by]) => by !== 0)).toEqual([]);
  });

  it("failures are classified as timeout, unavailable or error, never by the command text", () => {
    expect(dependencyErrorKind(new DOMException("aborted", "TimeoutError"))).toBe("timeout");
    expect(dependencyErrorKind(new Error("no answer within 100 ms"))).toBe("timeout");
    expect(dependencyErrorKind(Object.assign(new Error("Durable Object is overloaded"), { overloaded: true }))).toBe("unavailable");
    expect(dependencyErrorKind(new Error("redis unavailable: connect ECONNREFUSED"))).toBe("unavailable");
    expect(dependencyErrorKind(new Error('ERR wrong type, command was: ["get","timed out unavailable"]'))).toBe("error");
  });

  it("a Durable Object stub counts each RPC as <object>.<method> and passes other properties through", async () => {
    const { metrics, of } = recording();
    const stub = env.QUOTA_COUNTER.getByName(`measured-${crypto.randomUUID()}`);
    const measured = measuredStub(stub, "quota_counter", metrics);
    expect((await measured.ping()).ok).toBe(true);
    expect(measured.id.toString()).toBe(stub.id.toString());
    expect(of("qingyu_dependency_calls_total")).toEqual([[{ dependency: "durable_object", operation: "quota_counter.ping" }, undefined]]);
    // Metrics off: the stub itself, so recording off costs nothing.
    expect(measuredStub(stub, "quota_counter", NO_METRICS)).toBe(stub);
  });

  it("every Redis REST call is counted by command (pipelines as one); a refused call counts as an error", async () => {
    expect((await api("/api/v1/system/ping")).status).toBe(200); // configures this isolate's metrics
    const inc = vi.spyOn(MetricsBuffer.prototype, "inc");
    await testRedis().get(`metrics-test-${crypto.randomUUID()}`);
    const pipeline = testRedis().pipeline();
    pipeline.get("a");
    pipeline.get("b");
    await pipeline.exec();
    await expect(testRedis(false).get("x")).rejects.toThrow();
    const counted = inc.mock.calls.filter(([name]) => name === "qingyu_dependency_calls_total").map(([, labels]) => labels);
    expect(counted).toEqual([
      { dependency: "redis", operation: "get" },
      { dependency: "redis", operation: "pipeline" },
      { dependency: "redis", operation: "get" },
    ]);
    const errors = inc.mock.calls.filter(([name, , by]) => name === "qingyu_dependency_call_errors_total" && by !== 0).map(([, labels]) => labels);
    expect(errors).toEqual([{ dependency: "redis", operation: "get", kind: "error" }]);
    expect(redisOperation(["multi-exec"], [])).toBe("multi_exec");
    expect(redisOperation(undefined, ["EVAL", "script"])).toBe("eval");
    expect(redisOperation(undefined, ["not a command!"])).toBe("other");
  });

  it("session scripts keep the live-session index and report the live count (qingyu_auth_active_sessions)", async () => {
    const { metrics, of } = recording();
    const redis = testRedis();
    const sessions = createSessionStore(redis, () => metrics);
    const sid = crypto.randomUUID();
    const userId = `metrics-${crypto.randomUUID()}`;
    const times = { now: Date.now(), refreshTtlMs: 60_000, accessTtlMs: 900_000 };
    await sessions.create({ sid, userId, refreshHash: "h", device: "test", ip: "10.0.0.0", maxSessions: 5, ...times });
    expect(await redis.zscore("sessions:live", sid)).toBe(times.now + 60_000);
    await sessions.revoke({ userId, mode: "own", sid, now: Date.now(), accessTtlMs: 900_000 });
    expect(await redis.zscore("sessions:live", sid)).toBeNull();
    const counts = of("qingyu_auth_active_sessions").map(([, value]) => value);
    expect(counts).toHaveLength(2);
    for (const count of counts) expect(Number.isInteger(count) && (count as number) >= 0).toBe(true);
    expect(counts[0]).toBeGreaterThanOrEqual(1);
  });
});
