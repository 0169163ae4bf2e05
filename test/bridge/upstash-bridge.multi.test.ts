/**
 * /multi-exec must be truly atomic even when many HTTP requests share the
 * bridge's single redis connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type BridgeStack } from "./stack.ts";

let stack: BridgeStack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("multi-exec atomicity", () => {
  it("50 concurrent transactions never interleave (real client, several HTTP connections)", async () => {
    const clients = Array.from({ length: 5 }, () => stack.client());
    const runs = Array.from({ length: 50 }, (_, i) => {
      const tx = clients[i % clients.length]!.multi();
      tx.incr("atom:a");
      tx.incr("atom:b");
      tx.get("atom:a");
      tx.get("atom:b");
      return tx.exec<[number, number, number, number]>();
    });
    // Plain (non-transactional) traffic at the same time must not break in either.
    const noise = Array.from({ length: 50 }, (_, i) => clients[i % clients.length]!.set(`atom:noise:${i}`, i));
    const [results] = await Promise.all([Promise.all(runs), Promise.all(noise)]);

    for (const [a, b, getA, getB] of results) {
      // Inside one transaction nothing else ran between the INCRs and GETs.
      expect(a).toBe(b);
      expect(getA).toBe(a);
      expect(getB).toBe(b);
    }
    // Every transaction saw a distinct counter value: totals are exact.
    expect(results.map((r) => r[0]).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const redis = stack.client();
    expect(await redis.get("atom:a")).toBe(50);
    expect(await redis.get("atom:b")).toBe(50);
  });

  it("100 concurrent raw transactions with many commands each stay contiguous", async () => {
    // Each transaction RPUSHes 20 tagged items; if any two blocks interleaved,
    // the list would show tags alternating inside a 20-item run.
    const body = (tag: number): string =>
      JSON.stringify(Array.from({ length: 20 }, (_, j) => ["RPUSH", "atom:list", `${tag}:${j}`]));
    const responses = await Promise.all(Array.from({ length: 100 }, (_, t) => stack.call("/multi-exec", { body: body(t) })));
    for (const r of responses) expect(r.status).toBe(200);
    const list = (await stack.call("/", { body: '["LRANGE","atom:list","0","-1"]' })).body as { result: string[] };
    expect(list.result).toHaveLength(2000);
    for (let start = 0; start < 2000; start += 20) {
      const run = list.result.slice(start, start + 20);
      const tag = run[0]!.split(":")[0];
      expect(run).toEqual(Array.from({ length: 20 }, (_, j) => `${tag}:${j}`));
    }
  });

  it("a command rejected at queue time aborts the whole transaction (400, nothing applied)", async () => {
    const res = await stack.call("/multi-exec", { body: '[["SET","atom:x","1"],["INCRBY","atom:x"],["SET","atom:y","1"]]' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.stringMatching(/^EXECABORT.*wrong number of arguments/) });
    expect((await stack.call("/", { body: '["MGET","atom:x","atom:y"]' })).body).toEqual({ result: [null, null] });
    // And the shared connection is not left inside a MULTI.
    expect((await stack.call("/", { body: '["SET","atom:x","ok"]' })).body).toEqual({ result: "OK" });
  });

  it("a runtime error inside EXEC only fails its own slot (Redis semantics, no rollback)", async () => {
    const res = await stack.call("/multi-exec", { body: '[["SET","atom:r","abc"],["INCR","atom:r"],["APPEND","atom:r","d"]]' });
    expect(res.status).toBe(200);
    const [set, incr, append] = res.body as Array<Record<string, unknown>>;
    expect(set).toEqual({ result: "OK" });
    expect(incr?.error).toMatch(/not an integer/);
    expect(append).toEqual({ result: 4 });
    // The real client surfaces it as a thrown error.
    const tx = stack.client().multi();
    tx.set("atom:r", "abc");
    tx.incr("atom:r");
    await expect(tx.exec()).rejects.toThrow(/Command 2 \[ incr \] failed/);
  });

  it("connection-state commands are refused instead of corrupting the shared connection", async () => {
    for (const cmd of ['["MULTI"]', '["EXEC"]', '["SELECT","1"]', '["SUBSCRIBE","ch"]', '["BLPOP","l","1"]']) {
      const res = await stack.call("/", { body: cmd });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.stringContaining("not supported") });
    }
    const inTx = await stack.call("/multi-exec", { body: '[["WATCH","k"],["SET","atom:w","1"]]' });
    expect(inTx.status).toBe(400);
    expect((await stack.call("/", { body: '["GET","atom:w"]' })).body).toEqual({ result: null });
  });
});
