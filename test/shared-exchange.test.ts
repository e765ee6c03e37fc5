/**
 * Ties in the shared-capacity exchange (issue 15 item 8.10). Requests of several partitions for
 * shared capacity at the same time are served in an order drawn per day from a hash of (day,
 * partition), not lowest partition first, so no county or district is favoured for the scarce
 * tertiary slots; the order is the same on every thread (test/determinism.test.ts).
 */
import { describe, expect, it } from "vitest";
import { DailySlots } from "../sim/engine/daily-slots.ts";
import { ServerPools } from "../sim/engine/server-pools.ts";
import {
  allocateShared,
  Outbox,
  REQUEST_FIELDS,
  RESULT,
  tiePrecedence,
} from "../sim/engine/shared-exchange.ts";

const capacity = { slots: new DailySlots([], 10), servers: new ServerPools([]) };

/** The partition served first on `day` when each of the outboxes' partitions posts one request at the same time. */
function firstServed(day: number, outboxes: Outbox[]): number {
  for (const outbox of outboxes) {
    outbox.count = 0;
    // A request at noon for no pool: answered at once, in the exchange's order.
    outbox.post(day + 0.5, -1, 0, -1, 0, 0, 0);
  }
  const order: number[] = [];
  allocateShared(
    capacity,
    outboxes.map((o) => o.records),
    outboxes.map((o) => o.count),
    (p) => order.push(p),
    day,
  );
  expect(order).toHaveLength(outboxes.length);
  return order[0];
}

describe("requests that tie in time", () => {
  it("are won by each partition about equally often over days (binomial test)", () => {
    const DAYS = 7300; // 20 years
    const P = 5; // the small test city's 2 districts and 3 counties
    const outboxes = Array.from({ length: P }, () => new Outbox());
    const wins = new Array(P).fill(0);
    for (let day = 0; day < DAYS; day++) wins[firstServed(day, outboxes)]++;
    // Each partition's wins ~ Binomial(7300, 1/5): mean 1460, sd 34.2. The hash is fixed, so this
    // is deterministic; the tolerance of 4 sd (p ≈ 6e-5 per partition for a fair order) still
    // tells a fair order from one that favours a partition: lowest-first gives partition 0 all 7300.
    const mean = DAYS / P;
    const sd = Math.sqrt(DAYS * (1 / P) * (1 - 1 / P));
    for (const w of wins) expect(Math.abs(w - mean)).toBeLessThan(4 * sd);
  });

  it("are won by either of two partitions about half of the days, for every pair", () => {
    const DAYS = 3650;
    const sd = Math.sqrt(DAYS / 4);
    for (let a = 0; a < 6; a++)
      for (let b = a + 1; b < 6; b++) {
        let aFirst = 0;
        for (let day = 0; day < DAYS; day++) if (tiePrecedence(day, a) < tiePrecedence(day, b)) aFirst++;
        expect(Math.abs(aFirst - DAYS / 2), `partitions ${a} and ${b}`).toBeLessThan(4 * sd);
      }
  });

  it("never tie among the partitions of a day, so the order is total", () => {
    for (let day = 0; day < 730; day++) {
      const seen = new Set<number>();
      for (let p = 0; p < 300; p++) seen.add(tiePrecedence(day, p));
      expect(seen.size).toBe(300);
    }
  });

  it("are served in time order first, and in posting order within a partition", () => {
    const a = new Outbox();
    const b = new Outbox();
    a.post(3.2, -1, 0, -1, 0, 0, 1);
    a.post(3.7, -1, 0, -1, 0, 0, 2);
    b.post(3.1, -1, 0, -1, 0, 0, 3);
    b.post(3.7, -1, 0, -1, 0, 0, 4);
    b.post(3.7, -1, 0, -1, 0, 0, 5);
    const tags: number[] = [];
    allocateShared(capacity, [a.records, b.records], [2, 3], (_, tag) => tags.push(tag), 3);
    const tie = tiePrecedence(3, 0) < tiePrecedence(3, 1) ? [2, 4, 5] : [4, 5, 2];
    expect(tags).toEqual([3, 1, ...tie]);
  });
});

describe("serving the shards on several threads", () => {
  // Three shared facilities (shards), each with an open slot pool, a reserved slot pool and a bed
  // pool, scarce enough that requests compete; four partitions post random requests for 30 days.
  const SHARDS = 3;
  const quotas = [3, 2.5, 4, 1, 0.5, 1];
  const beds = [2, 3, 1];
  const replica = () => ({ slots: new DailySlots(quotas, 16), servers: new ServerPools(beds) });

  function post(outboxes: Outbox[], day: number, seed: number): void {
    let x = seed;
    const uniform = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x / 4294967296;
    };
    for (const o of outboxes) {
      o.count = 0;
      const n = 2 + Math.floor(uniform() * 6);
      const times = Array.from({ length: n }, () => day + Math.floor(uniform() * 8) / 8).sort(
        (a, b) => a - b,
      );
      for (const t of times) {
        const s = Math.floor(uniform() * SHARDS);
        const bed = uniform() < 0.4 ? s : -1;
        const preferred = uniform() < 0.3 ? SHARDS + s : -1;
        o.post(
          t,
          uniform() < 0.1 ? -1 : s,
          1 + Math.floor(uniform() * 3),
          bed,
          1 + uniform() * 4,
          2,
          o.count,
          preferred,
          s,
        );
      }
    }
  }

  it("gives the results and smoothed waits of one thread serving them all", () => {
    const P = 4;
    const one = replica();
    const threads = [replica(), replica()];
    const published = new Float64Array(quotas.length);
    const a = Array.from({ length: P }, () => new Outbox());
    const b = Array.from({ length: P }, () => new Outbox());
    for (let day = 0; day < 30; day++) {
      post(a, day, 7 + day);
      post(b, day, 7 + day);
      const expected: number[][] = [];
      allocateShared(
        one,
        a.map((o) => o.records),
        a.map((o) => o.count),
        (p, tag, s1, s2) => expected.push([p, tag, s1, s2]),
        day,
      );
      one.slots.closeDay(0.3);
      threads.forEach((t, g) => {
        allocateShared(
          t,
          b.map((o) => o.records),
          b.map((o) => o.count),
          () => {},
          day,
          (shard) => shard % 2 === g,
        );
        t.slots.closeDay(0.3, published);
      });
      for (const t of threads) t.slots.expectedWait.set(published);
      // Each request's result, read back from its record in posting order, as the partitions do.
      const got = b.flatMap((o, p) =>
        Array.from({ length: o.count }, (_, k) => {
          const at = k * REQUEST_FIELDS;
          return [p, o.records[at + 6], o.records[at + RESULT], o.records[at + RESULT + 1]];
        }),
      );
      const byPartition = (rows: number[][]) => [...rows].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      expect(byPartition(got)).toEqual(byPartition(expected));
      for (const t of threads) expect([...t.slots.expectedWait]).toEqual([...one.slots.expectedWait]);
    }
    // The requests did compete: some slot was refused and some bed was waited for.
    expect(one.slots.refused.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    expect(one.servers.waitSum.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
  });

  it("refuses two shards sharing a pool, on every thread", () => {
    const o = new Outbox();
    o.post(1.1, 0, 2, -1, 0, 0, 0, -1, 0);
    o.post(1.2, 0, 2, -1, 0, 0, 1, -1, 1);
    for (const g of [0, 1])
      expect(() =>
        allocateShared(
          replica(),
          [o.records],
          [o.count],
          () => {},
          1,
          (shard) => shard % 2 === g,
        ),
      ).toThrow(/shards 0 and 1/);
  });
});

describe("an outbox read by another thread", () => {
  it("shows every request after the poster has grown its buffer, once the reader takes the count", () => {
    const poster = new Outbox();
    const reader = new Outbox(poster.buffer);
    expect(reader.records.length).toBe(poster.buffer.byteLength / 8);
    const initialBytes = poster.buffer.byteLength;
    const n = Math.ceil((3 * initialBytes) / 8 / REQUEST_FIELDS);
    for (let k = 0; k < n; k++) poster.post(k / n, -1, 0, -1, 0, 0, k);
    expect(poster.buffer.byteLength).toBeGreaterThan(initialBytes);
    reader.count = poster.count;
    const records = reader.records;
    expect(records.length).toBeGreaterThanOrEqual(n * REQUEST_FIELDS);
    for (let k = 0; k < n; k++) expect(records[k * REQUEST_FIELDS + 6]).toBe(k);
  });
});
