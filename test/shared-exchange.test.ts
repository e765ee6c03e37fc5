/**
 * Ties in the shared-capacity exchange (issue 15 item 8.10). Requests of several partitions for
 * shared capacity at the same time are served in an order drawn per day from a hash of (day,
 * partition), not lowest partition first, so no county or district is favoured for the scarce
 * tertiary slots; the order is the same on every thread (test/determinism.test.ts).
 */
import { describe, expect, it } from "vitest";
import { DailySlots } from "../sim/engine/daily-slots.ts";
import { ServerPools } from "../sim/engine/server-pools.ts";
import { allocateShared, Outbox, tiePrecedence } from "../sim/engine/shared-exchange.ts";

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
