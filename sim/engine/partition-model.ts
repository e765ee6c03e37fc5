import type { FutureEventList } from "./future-event-list.ts";
import type { Outbox, SharedCapacity } from "./shared-exchange.ts";

/**
 * What the run loop needs from a partition's model. The engine knows nothing of healthcare:
 * it opens days, pops events in order, hands each to `handle`, and routes shared-capacity
 * requests and their results.
 */
export interface PartitionModel {
  /** Partition id: its place in the fixed order of shared-capacity allocation. */
  readonly index: number;
  readonly fel: FutureEventList;
  /** Where the model posts today's shared-capacity requests (set by the run loop each day). */
  outbox: Outbox;
  /** Called once before the first day with this thread's replica of the city-wide capacity. */
  attachShared(shared: SharedCapacity): void;
  /** Called after the day's bucket is opened and before its events and yesterday's results. */
  beginDay(day: number): void;
  handle(kind: number, payload: number, time: number): void;
  /** Result of a request posted yesterday (start times; -1 when not granted). */
  receive(tag: number, firstStart: number, secondStart: number): void;
  /** Called once after the last day. */
  endRun(horizonDays: number): void;
}
