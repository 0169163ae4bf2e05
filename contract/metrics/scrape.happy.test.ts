import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { METRICS } from "./definitions";
import { render } from "./render";
import { scrapeShards } from "./scrape";
import type { Sample, ShardSnapshot } from "./wire";

const logins = (value: number): Sample => ({ kind: "counter", name: "qingyu_auth_logins_total", labels: ["success"], value });
const options = { timeoutMs: 500, lastGaugeTtlMs: 60_000, version: "1.2.3" };

describe("scrapeShards (happy)", () => {
  it("reads real MetricsShard objects in parallel and renders them merged", async () => {
    const run = crypto.randomUUID();
    const stub = (index: number) => env.METRICS_SHARD.getByName(`scrape-${run}-${index}`);
    await stub(0).ingest({ id: `${run}:a`, shards: 2, samples: [logins(3), { kind: "gauge_add", name: "qingyu_quota_websocket_clients", labels: [], value: 2 }] });
    await stub(1).ingest({ id: `${run}:b`, shards: 2, samples: [logins(4), { kind: "gauge_add", name: "qingyu_quota_websocket_clients", labels: [], value: 5 }] });

    const families = await scrapeShards({ ...options, shards: 2, read: (index) => stub(index).snapshot() });
    const text = render(families, "prometheus");
    // counters keep one series per shard; gauges are merged
    expect(text).toContain('qingyu_auth_logins_total{result="success",shard="0"} 3');
    expect(text).toContain('qingyu_auth_logins_total{result="success",shard="1"} 4');
    expect(text).toContain("\nqingyu_quota_websocket_clients 7\n");
    expect(text).toContain('qingyu_exporter_shard_up{shard="0"} 1');
    expect(text).toContain('qingyu_exporter_shard_up{shard="1"} 1');
    expect(text).toContain('qingyu_exporter_build_info{version="1.2.3"} 1');
    expect(text).toMatch(/\nqingyu_exporter_scrape_duration_seconds [0-9.e-]+\n/);
    expect(text).toContain('qingyu_exporter_shard_failures{reason="timeout"} 0');
  });

  it("keeps the newest `last` gauge across shards and leaves out ones older than the TTL", async () => {
    const now = Date.now();
    const snapshots: ShardSnapshot[] = [
      { shardsSeen: 2, samples: [{ kind: "gauge_set", name: "qingyu_auth_active_sessions", labels: [], value: 10, at: now - 1000 }] },
      {
        shardsSeen: 2,
        samples: [
          { kind: "gauge_set", name: "qingyu_auth_active_sessions", labels: [], value: 12, at: now - 10 },
          { kind: "gauge_set", name: "qingyu_build_info", labels: ["0.0.1", "production"], value: 1, at: now - 3_600_000 },
        ],
      },
    ];
    const text = render(await scrapeShards({ ...options, shards: 2, read: async (index) => snapshots[index] as ShardSnapshot }), "prometheus");
    expect(text).toContain("\nqingyu_auth_active_sessions 12\n");
    // The stale series is gone; the family itself keeps its HELP and TYPE.
    expect(text).not.toMatch(/^qingyu_build_info\{/m);
    expect(text).toContain("# TYPE qingyu_build_info gauge");
  });

  it("shows every registered family from an empty first scrape, unlabelled gauges at 0", async () => {
    const empty = async (): Promise<ShardSnapshot> => ({ shardsSeen: 1, samples: [] });
    const text = render(await scrapeShards({ ...options, shards: 1, read: empty }), "prometheus");
    for (const [name, definition] of Object.entries(METRICS)) {
      expect(text.match(new RegExp(`^# HELP ${name} `, "gm")), name).toHaveLength(1);
      expect(text, name).toContain(`\n# TYPE ${name} ${definition.type}\n`);
    }
    for (const name of ["qingyu_http_requests_in_flight", "qingyu_quota_websocket_clients", "qingyu_auth_active_sessions"]) expect(text).toContain(`\n${name} 0\n`);
    // Labelled families stay empty rather than invent label values.
    expect(text).not.toMatch(/^qingyu_http_requests_total\{/m);
  });

  it("also reads shards that senders report beyond its own METRICS_SHARDS", async () => {
    const read = async (index: number): Promise<ShardSnapshot> => ({ shardsSeen: 3, samples: [logins(index + 1)] });
    const text = render(await scrapeShards({ ...options, shards: 1, read }), "prometheus");
    expect(text).toContain('qingyu_auth_logins_total{result="success",shard="2"} 3');
    expect(text).toContain('qingyu_exporter_shard_up{shard="2"} 1');
  });
});
