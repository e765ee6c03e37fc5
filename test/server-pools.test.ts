import { describe, expect, it } from "vitest";
import { exponential, RandomStreams } from "../sim/engine/random/streams.ts";
import { ServerPools } from "../sim/engine/server-pools.ts";

/** Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c;
  const rho = a / c;
  const top = last / (1 - rho);
  return top / (sum + top);
}

describe("ServerPools (FCFS multi-server capacity)", () => {
  it.each([
    [3, 2.4, 1],
    [1, 0.5, 1],
    [8, 6, 1],
  ])(
    "matches Erlang C for M/M/%i at λ=%f, μ=%f (mean wait and P(wait) within 4 batch SE)",
    (c, lambda, mu) => {
      const pools = new ServerPools([c]);
      const s = new RandomStreams(2024, 0);
      const n = 400_000;
      const warmup = 20_000;
      const batches = 40;
      const perBatch = (n - warmup) / batches;
      const batchWait = new Float64Array(batches);
      const batchDelayed = new Float64Array(batches);
      let t = 0;
      for (let i = 0; i < n; i++) {
        const u = s.block(i, 1, 0, 0);
        t += exponential(u[0], 1 / lambda);
        const start = pools.acquire(0, t, exponential(u[1], 1 / mu));
        if (i >= warmup) {
          const b = Math.floor((i - warmup) / perBatch);
          batchWait[b] += (start - t) / perBatch;
          if (start > t) batchDelayed[b] += 1 / perBatch;
        }
      }
      const a = lambda / mu;
      const pWait = erlangC(c, a);
      const expectedWait = pWait / (c * mu - lambda);
      const check = (values: Float64Array, expected: number) => {
        const mean = values.reduce((x, y) => x + y, 0) / batches;
        const sd = Math.sqrt(values.reduce((x, y) => x + (y - mean) ** 2, 0) / (batches - 1));
        expect(Math.abs(mean - expected)).toBeLessThan(4 * (sd / Math.sqrt(batches)));
      };
      check(batchWait, expectedWait);
      check(batchDelayed, pWait);
    },
  );

  it("declines a job whose wait would exceed its patience, taking nothing", () => {
    const pools = new ServerPools([1]);
    expect(pools.acquire(0, 0, 5)).toBe(0);
    expect(pools.acquire(0, 1, 5, 2)).toBe(-1);
    expect(pools.acquire(0, 1, 5)).toBe(5);
    expect(pools.declined[0]).toBe(1);
    expect(pools.served[0]).toBe(2);
  });

  it("treats a pool without servers as unable to serve", () => {
    const pools = new ServerPools([0]);
    expect(pools.acquire(0, 0, 1)).toBe(-1);
  });

  it("resizes pools from a date: growth adds servers free then, a cut keeps those that free first", () => {
    const pools = new ServerPools([2, 1]);
    // Pool 0: two patients until days 10 and 4; pool 1: one until day 6.
    expect(pools.acquire(0, 0, 10)).toBe(0);
    expect(pools.acquire(0, 0, 4)).toBe(0);
    expect(pools.acquire(1, 0, 6)).toBe(0);
    // Day 2: pool 0 cut to one server (the one free at day 4 stays), pool 1 grown to two.
    pools.setServerCounts([1, 2], 2);
    expect(pools.serverCount(0)).toBe(1);
    expect(pools.serverCount(1)).toBe(2);
    expect(pools.acquire(0, 3, 1)).toBe(4); // waits for the bed freeing at day 4
    expect(pools.acquire(0, 3, 1)).toBe(5); // then the same bed again: the day-10 one is gone
    expect(pools.acquire(1, 3, 1)).toBe(3); // the new server, free since day 2
    expect(pools.acquire(1, 3, 1)).toBe(4); // the new server again (free at 4 before the old at 6)
    expect(() => pools.setServerCounts([1], 5)).toThrow(RangeError);
  });
});
