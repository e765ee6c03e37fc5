import type { Barrier } from "./barrier.ts";
import type { PartitionModel } from "./partition-model.ts";
import { allocateShared, Outbox, REQUEST_FIELDS, RESULT, type SharedCapacity } from "./shared-exchange.ts";

/**
 * The run loop for a group of partitions (all of them on one thread, or a thread's share).
 * Day by day: each partition opens the day, receives yesterday's shared results, and processes
 * its events in (time, insertion) order; then all threads meet at the barrier and each serves
 * its share of the day's shared requests of *all* partitions: the requests of its shards (shard
 * mod threads = its group), in the fixed order, on its own replica of the shared pools. Shards
 * never share a pool, so each pool sees the same requests in the same order as if one thread
 * served them all, and no thread waits for a coordinator. Each result is written into the
 * request's record; each thread publishes the smoothed waits of the pools it served; after a
 * second barrier every replica takes all the published waits, which the models read the next
 * day, and each partition reads its results at the start of the next day: the same at any
 * number of threads. (Before, every thread served all requests on its replica: with 2 threads
 * that repeated ~0.8 s of a 7 s million-resident year on both.)
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
  /** This group's place among the run's `barrier.parties` groups (default 0). */
  group?: number;
  /**
   * The smoothed waits of the shared slot pools, over a SharedArrayBuffer common to the run's
   * groups, one number per pool; needed when there is more than one group.
   */
  sharedWaits?: Float64Array;
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
  const parties = barrier.parties;
  const group = run.group ?? 0;
  const sharedWaits = run.sharedWaits;
  if (parties > 1 && sharedWaits?.length !== shared.slots.poolCount)
    throw new RangeError(
      "sharedWaits must hold one number per shared slot pool when groups split the exchange",
    );
  const serves = (shard: number) => shard % parties === group;
  const myOutboxes = models.map((m) => [
    new Outbox(outboxBuffers[m.index][0]),
    new Outbox(outboxBuffers[m.index][1]),
  ]);
  const readers = outboxBuffers.map((pair) => [new Outbox(pair[0]), new Outbox(pair[1])]);
  const records: Float64Array[] = new Array(partitions);
  const counts = new Int32Array(partitions);
  const noDelivery = () => {};
  /** Model i receives the results of the requests it posted into `outbox` (in posting order). */
  const receiveResults = (m: PartitionModel, outbox: Outbox) => {
    const r = outbox.records;
    for (let k = 0, at = 0; k < outbox.count; k++, at += REQUEST_FIELDS)
      m.receive(r[at + 6], r[at + RESULT], r[at + RESULT + 1]);
  };

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
        // Yesterday's requests, served overnight (the other parity's outbox is reused tomorrow).
        if (day > 0) receiveResults(m, myOutboxes[i][parity ^ 1]);
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
      // The reader takes the poster's count, so that its view covers a buffer the poster grew.
      const reader = readers[p][parity];
      reader.count = Atomics.load(outboxCounts, p * 2 + parity);
      counts[p] = reader.count;
      records[p] = reader.records;
    }
    if (parties > 1 && sharedWaits) {
      allocateShared(shared, records, counts, noDelivery, day, serves);
      shared.slots.closeDay(run.waitSmoothing, sharedWaits);
      barrier.wait();
      shared.slots.expectedWait.set(sharedWaits);
    } else {
      allocateShared(shared, records, counts, noDelivery, day);
      shared.slots.closeDay(run.waitSmoothing);
    }
    run.onDayDone?.(day);
  }
  // Results of the last day's requests arrive after the horizon: the models close them out.
  for (let i = 0; i < models.length; i++) {
    const m = models[i];
    try {
      if (days > 0) receiveResults(m, myOutboxes[i][(days - 1) & 1]);
      m.endRun(days);
    } catch (error) {
      barrier.abort(m.index, days);
      throw new PartitionFailure(m.index, days, error);
    }
  }
  return events;
}
