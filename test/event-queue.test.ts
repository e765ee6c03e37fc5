import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../sim/engine/event-queue.ts";
import { FutureEventList } from "../sim/engine/future-event-list.ts";

/** Reference order: by time, then by insertion. */
function referenceOrder(events: { time: number; id: number }[]) {
  return [...events].sort((a, b) => a.time - b.time || a.id - b.id).map((e) => e.id);
}

// Times drawn from a small set so that ties are frequent.
const time = fc.integer({ min: 0, max: 40 }).map((x) => x / 4);

describe("EventQueue", () => {
  it("pops events in (time, insertion) order under random pushes", () => {
    fc.assert(
      fc.property(fc.array(time, { maxLength: 400 }), (times) => {
        const q = new EventQueue(16);
        times.forEach((t, id) => {
          q.push(t, id % 7, id);
        });
        const popped: number[] = [];
        while (q.pop()) {
          popped.push(q.poppedPayload);
          expect(q.poppedKind).toBe(q.poppedPayload % 7);
        }
        expect(popped).toEqual(referenceOrder(times.map((t, id) => ({ time: t, id }))));
      }),
    );
  });

  it("keeps (time, insertion) order under interleaved pushes and pops", () => {
    const op = fc.oneof(
      time.map((t) => ({ push: t })),
      fc.constant({ push: -1 }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 500 }), (ops) => {
        const q = new EventQueue(16);
        const pending: { time: number; id: number }[] = [];
        let now = 0;
        let id = 0;
        for (const o of ops) {
          if (o.push >= 0) {
            // Like a simulation, never schedule into the past.
            const t = now + o.push;
            q.push(t, 0, id);
            pending.push({ time: t, id: id++ });
          } else if (pending.length > 0) {
            const expected = referenceOrder(pending)[0];
            expect(q.pop()).toBe(true);
            expect(q.poppedPayload).toBe(expected);
            now = q.poppedTime;
            pending.splice(
              pending.findIndex((e) => e.id === expected),
              1,
            );
          }
        }
        expect(q.size).toBe(pending.length);
      }),
    );
  });

  it("rejects a NaN time", () => {
    expect(() => new EventQueue().push(Number.NaN, 0, 0)).toThrow(/NaN/);
  });
});

describe("FutureEventList (day calendar in front of the heap)", () => {
  it("gives exactly the order of a single heap, day by day", () => {
    const op = fc.record({
      delay: fc.integer({ min: 0, max: 300 }).map((x) => x / 8),
      popFirst: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(time, { maxLength: 200 }), fc.array(op, { maxLength: 300 }), (initial, ops) => {
        const fel = new FutureEventList(60, 16);
        const heap = new EventQueue(16);
        let id = 0;
        for (const t of initial) {
          fel.push(t, 0, id);
          heap.push(t, 0, id++);
        }
        const fromFel: number[] = [];
        const fromHeap: number[] = [];
        let k = 0;
        for (let day = 0; day < 60; day++) {
          fel.openDay(day);
          while (fel.pop()) {
            fromFel.push(fel.poppedPayload);
            const o = ops[k++ % Math.max(1, ops.length)];
            if (o && k < 2000) fel.push(fel.poppedTime + o.delay, 0, 100_000 + k);
          }
        }
        // Replay on a single heap, with the same pushes at the same moments.
        k = 0;
        while (heap.peekTime() < 60) {
          heap.pop();
          fromHeap.push(heap.poppedPayload);
          const o = ops[k++ % Math.max(1, ops.length)];
          if (o && k < 2000) heap.push(heap.poppedTime + o.delay, 0, 100_000 + k);
        }
        expect(fromFel).toEqual(fromHeap);
      }),
    );
  });

  it("refuses to schedule into a day already run", () => {
    const fel = new FutureEventList(10);
    fel.openDay(0);
    fel.openDay(1);
    expect(() => fel.push(0.5, 0, 0)).toThrow(/precedes/);
  });
});
