import { describe, expect, it } from "vitest";
import { render } from "./render";
import { scrapeShards } from "./scrape";
import type { ShardSnapshot } from "./wire";

const healthy = async (index: number): Promise<ShardSnapshot> => ({
  shardsSeen: 3,
  samples: [{ kind: "counter", name: "qingyu_auth_logins_total", labels: ["success"], value: 10 + index }],
});

describe("scrapeShards (error)", () => {
  it("a failing and a hanging shard do not fail the scrape: they are reported, the rest is served", async () => {
    const read = (index: number): Promise<ShardSnapshot> => {
      if (index === 1) return Promise.reject(new Error("shard exploded"));
      if (index === 2) return new Promise(() => {});
      return healthy(index);
    };
    const startedAt = Date.now();
    const families = await scrapeShards({ shards: 3, timeoutMs: 300, lastGaugeTtlMs: 60_000, version: "x", read });
    expect(Date.now() - startedAt).toBeLessThan(3000);
    const text = render(families, "prometheus");
    expect(text).toContain('qingyu_auth_logins_total{result="success",shard="0"} 10');
    expect(text).not.toContain('shard="1"} 11');
    expect(text).toContain('qingyu_exporter_shard_up{shard="0"} 1');
    expect(text).toContain('qingyu_exporter_shard_up{shard="1"} 0');
    expect(text).toContain('qingyu_exporter_shard_up{shard="2"} 0');
    expect(text).toContain('qingyu_exporter_shard_failures{reason="error"} 1');
    expect(text).toContain('qingyu_exporter_shard_failures{reason="timeout"} 1');
    expect(text).toContain('qingyu_exporter_shard_read_duration_seconds{shard="2"} 0.3');
  });

  it("with every shard down it still answers its own metrics", async () => {
    const families = await scrapeShards({ shards: 2, timeoutMs: 100, lastGaugeTtlMs: 60_000, version: "x", read: () => Promise.reject(new Error("down")) });
    const text = render(families, "openmetrics");
    expect(text).toContain('qingyu_exporter_shard_up{shard="0"} 0');
    expect(text).toContain("qingyu_exporter_series 0");
    expect(text.endsWith("# EOF\n")).toBe(true);
  });

  it("skips samples from another build's registry instead of mislabelling them", async () => {
    const read = async (): Promise<ShardSnapshot> => ({
      shardsSeen: 1,
      samples: [
        { kind: "counter", name: "qingyu_removed_family_total", labels: [], value: 1 },
        { kind: "counter", name: "qingyu_auth_logins_total", labels: ["success", "extra"], value: 1 },
      ],
    });
    const text = render(await scrapeShards({ shards: 1, timeoutMs: 100, lastGaugeTtlMs: 60_000, version: "x", read }), "prometheus");
    expect(text).not.toContain("qingyu_removed_family_total");
    // The family keeps its HELP and TYPE (every registered family does); the mislabelled sample is gone.
    expect(text).not.toMatch(/^qingyu_auth_logins_total[{ ]/m);
    expect(text).toContain("# TYPE qingyu_auth_logins_total counter");
  });
});
