import type { Barrier } from "./barrier.ts";
import type { PartitionModel } from "./partition-model.ts";
import { allocateShared, Outbox, type SharedCapacity } from "./shared-exchange.ts";

/**
 * The run loop for a group of partitions (all of them on one thread, or a thread's share).
 * Day by day: each partition opens the day, receives yesterday's shared results, and processes
 * its events in (time, insertion) order; then all threads meet at the barrier and each serves
 * the day's shared requests of *all* partitions in the fixed order on its own replica of the
 * shared pools — every replica sees the same requests in the same order, so all agree, and no
 * thread waits for a coordinator. Each replica then folds the day's waits into its smoothed
 * waits, which the models read the next day: the same on every thread.
 */
export interface GroupRun {
  /** This group's partitions. */
  models: PartitionModel[];
  /** Outbox buffers of all partitions: [partition][parity]. */
  outboxBuffers: SharedArrayBuffer[][];
  /** Requests posted per partition and parity: Int32Array over a SharedArrayBuffer, [p * 2 + parity]. */
  outboxCounts: Int32Array;
  /** This thread's replica of the city-wide capacity. */
  shared: SharedCapacity;
  /** Weight of each day's waits in the smoothed waits of the shared slots (0–1). */
  waitSmoothing: number;
  /** Called at the start of each day, before any partition runs it (dated changes of shared capacity). */
  beforeDay?: (day: number) => void;
  days: number;
  barrier: Barrier;
  onDayDone?: (day: number) => void;
  /** Called as each partition starts its day (so a crash can be located). */
  onPartitionDay?: (partition: number, day: number) => void;
}

export class PartitionFailure extends Error {
  constructor(
    readonly partition: number,
    readonly day: number,
    readonly original: unknown,
  ) {
    const why = original instanceof Error ? original.message : String(original);
    super(`partition ${partition} failed on simulated day ${day}: ${why}`);
    this.name = "PartitionFailure";
  }
}

/** Runs the group to the horizon; returns the number of events processed. */
export function runGroup(run: GroupRun): number {
  let events = 0;
  const { models, outboxBuffers, outboxCounts, shared, days, barrier } = run;
  for (const m of models) m.attachShared(shared);
  const partitions = outboxBuffers.length;
  const mine = new Map<number, number>();
  models.forEach((m, i) => {
    mine.set(m.index, i);
  });
  const myOutboxes = models.map((m) => [
    new Outbox(outboxBuffers[m.index][0]),
    new Outbox(outboxBuffers[m.index][1]),
  ]);
  const readers = outboxBuffers.map((pair) => [new Outbox(pair[0]), new Outbox(pair[1])]);
  const pending: number[][] = models.map(() => []);
  const records: Float64Array[] = new Array(partitions);
  const counts = new Int32Array(partitions);

  for (let day = 0; day < days; day++) {
    const parity = day & 1;
    run.beforeDay?.(day);
    for (let i = 0; i < models.length; i++) {
      const m = models[i];
      run.onPartitionDay?.(m.index, day);
      try {
        const outbox = myOutboxes[i][parity];
        outbox.count = 0;
        m.outbox = outbox;
        m.fel.openDay(day);
        m.beginDay(day);
        const results = pending[i];
        for (let k = 0; k < results.length; k += 3) m.receive(results[k], results[k + 1], results[k + 2]);
        results.length = 0;
        const fel = m.fel;
        while (fel.pop()) {
          m.handle(fel.poppedKind, fel.poppedPayload, fel.poppedTime);
          events++;
        }
        Atomics.store(outboxCounts, m.index * 2 + parity, outbox.count);
      } catch (error) {
        barrier.abort(m.index, day);
        throw new PartitionFailure(m.index, day, error);
      }
    }
    barrier.wait();
    for (let p = 0; p < partitions; p++) {
      counts[p] = Atomics.load(outboxCounts, p * 2 + parity);
      records[p] = readers[p][parity].records;
    }
    allocateShared(
      shared,
      records,
      counts,
      (p, tag, first, second) => {
        const i = mine.get(p);
        if (i !== undefined) pending[i].push(tag, first, second);
      },
      day,
    );
    shared.slots.closeDay(run.waitSmoothing);
    run.onDayDone?.(day);
  }
  // Results of the last day's requests arrive after the horizon: the models close them out.
  for (let i = 0; i < models.length; i++) {
    const m = models[i];
    try {
      const results = pending[i];
      for (let k = 0; k < results.length; k += 3) m.receive(results[k], results[k + 1], results[k + 2]);
      m.endRun(days);
    } catch (error) {
      barrier.abort(m.index, days);
      throw new PartitionFailure(m.index, days, error);
    }
  }
  return events;
}
