import type { ServerPools } from "./server-pools.ts";

/**
 * Shared capacity across partitions. Partitions (one per county or district) run a day on
 * their own; a visit to a facility shared by the whole city is posted as a request to the
 * partition's outbox. At the day's end every outbox is merged in a fixed order — by time, then
 * partition — and the shared pools serve the requests in that order, so the allocation is the
 * same whichever threads ran the partitions. A request asks for up to two resources in
 * sequence (e.g. an outpatient slot, then a bed from the slot's start).
 *
 * Outboxes live in growable SharedArrayBuffers so that every worker can read every outbox.
 */

export const REQUEST_FIELDS = 6; // time, pool, service, secondPool (-1: none), secondService, tag
const INITIAL_REQUESTS = 1024;
const MAX_BYTES = 512 * 1024 * 1024;

export class Outbox {
  readonly buffer: SharedArrayBuffer;
  private view: Float64Array;
  count = 0;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer =
      buffer ?? new SharedArrayBuffer(INITIAL_REQUESTS * REQUEST_FIELDS * 8, { maxByteLength: MAX_BYTES });
    this.view = new Float64Array(this.buffer);
  }

  /** Requests posted so far today (readable by other threads after the day's barrier). */
  get records(): Float64Array {
    if (this.view.length < this.count * REQUEST_FIELDS) this.view = new Float64Array(this.buffer);
    return this.view;
  }

  post(
    time: number,
    pool: number,
    service: number,
    secondPool: number,
    secondService: number,
    tag: number,
  ): void {
    const at = this.count * REQUEST_FIELDS;
    if (at + REQUEST_FIELDS > this.view.length) {
      const bytes = Math.min(MAX_BYTES, this.buffer.byteLength * 2);
      if (bytes <= this.buffer.byteLength) throw new RangeError("shared-capacity outbox is full");
      this.buffer.grow(bytes);
      this.view = new Float64Array(this.buffer);
    }
    const v = this.view;
    v[at] = time;
    v[at + 1] = pool;
    v[at + 2] = service;
    v[at + 3] = secondPool;
    v[at + 4] = secondService;
    v[at + 5] = tag;
    this.count++;
  }
}

/**
 * Receives the allocation of one request: the start of the first resource (or -1 if none was
 * given), the start of the second (-1 when declined or not asked).
 */
export type ResultSink = (partition: number, tag: number, firstStart: number, secondStart: number) => void;

/**
 * Serves the day's requests of all partitions from the shared pools in the fixed order
 * (time, partition, posting order). Pools with no servers are unlimited: a job starts on arrival.
 * `counts[p]` is the number of requests in `records[p]`.
 */
export function allocateShared(
  pools: ServerPools,
  records: Float64Array[],
  counts: ArrayLike<number>,
  deliver: ResultSink,
): void {
  const n = records.length;
  const cursor = new Int32Array(n);
  for (;;) {
    let best = -1;
    let bestTime = Number.POSITIVE_INFINITY;
    for (let p = 0; p < n; p++) {
      if (cursor[p] >= counts[p]) continue;
      const t = records[p][cursor[p] * REQUEST_FIELDS];
      if (t < bestTime) {
        bestTime = t;
        best = p;
      }
    }
    if (best < 0) return;
    const r = records[best];
    const at = cursor[best]++ * REQUEST_FIELDS;
    const pool = r[at + 1];
    const first = pool < 0 || pools.serverCount(pool) === 0 ? r[at] : pools.acquire(pool, r[at], r[at + 2]);
    let second = -1;
    const secondPool = r[at + 3];
    if (secondPool >= 0 && first >= 0) {
      second = pools.serverCount(secondPool) === 0 ? first : pools.acquire(secondPool, first, r[at + 4]);
    }
    deliver(best, r[at + 5], first, second);
  }
}
