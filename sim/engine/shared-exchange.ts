import { DailySlots } from "./daily-slots.ts";
import type { ServerPools } from "./server-pools.ts";

/**
 * Shared capacity across partitions. Partitions (one per county or district) run a day on
 * their own; a visit to a facility shared by the whole city is posted as a request to the
 * partition's outbox. At the day's end every outbox is merged in a fixed order — by time, then by
 * the day's draw of partition precedence — and the shared pools serve the requests in that order,
 * so the allocation is the same whichever threads ran the partitions. A request asks for a slot of
 * a daily quota (an outpatient 号源; a preferred pool, such as slots held back for some requesters,
 * is tried first), then optionally a server of a FCFS pool from the slot's start (a bed), each with
 * the longest wait the requester accepts.
 *
 * Outboxes live in growable SharedArrayBuffers so that every worker can read every outbox.
 *
 * Each request names a shard: requests of different shards never touch the same pool (checked),
 * so the shards can be served by different threads, each in the fixed order restricted to its
 * shards, with the same results as one thread serving all. The thread serving a request writes
 * its result into the request's own record, where the posting partition reads it the next day.
 */

// time, slot pool (-1: none, start at arrival), longest wait for a slot (days), server pool (-1: none),
// service time, longest wait for a server, tag, preferred slot pool tried first (-1: none), shard;
// then the result, written by the serving thread: slot start, server start
export const REQUEST_FIELDS = 11;
const SHARD = 8;
/** Offset of a request's result (slot start, server start) in its record. */
export const RESULT = 9;
const INITIAL_REQUESTS = 1024;
const MAX_BYTES = 512 * 1024 * 1024;

export class Outbox {
  readonly buffer: SharedArrayBuffer;
  private view: Float64Array;
  count = 0;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer =
      buffer ?? new SharedArrayBuffer(INITIAL_REQUESTS * REQUEST_FIELDS * 8, { maxByteLength: MAX_BYTES });
    this.view = fixedView(this.buffer);
  }

  /**
   * Requests posted so far today (readable by other threads after the day's barrier): a reader
   * of another thread's outbox sets `count` to the poster's first, so that the view covers them.
   */
  get records(): Float64Array {
    if (this.view.length < this.count * REQUEST_FIELDS) this.view = fixedView(this.buffer);
    return this.view;
  }

  post(
    time: number,
    slotPool: number,
    maxSlotDelay: number,
    serverPool: number,
    service: number,
    maxServerWait: number,
    tag: number,
    preferredSlotPool = -1,
    shard = 0,
  ): void {
    const at = this.count * REQUEST_FIELDS;
    if (at + REQUEST_FIELDS > this.view.length) {
      const bytes = Math.min(MAX_BYTES, this.buffer.byteLength * 2);
      if (bytes <= this.buffer.byteLength) throw new RangeError("shared-capacity outbox is full");
      this.buffer.grow(bytes);
      this.view = fixedView(this.buffer);
    }
    const v = this.view;
    v[at] = time;
    v[at + 1] = slotPool;
    v[at + 2] = maxSlotDelay;
    v[at + 3] = serverPool;
    v[at + 4] = service;
    v[at + 5] = maxServerWait;
    v[at + 6] = tag;
    v[at + 7] = preferredSlotPool;
    v[at + 8] = shard;
    this.count++;
  }
}

/**
 * A view of the buffer's present length. A view that tracks a growable buffer's length (the
 * default without a length) is read and written about 20 times more slowly on Node 20 (measured:
 * 8M reads and writes in 920 ms against 50), which made posting and serving requests cost
 * ~1 µs each; a fixed-length view is made again after the buffer grows.
 */
function fixedView(buffer: SharedArrayBuffer): Float64Array {
  return new Float64Array(buffer, 0, buffer.byteLength / 8);
}

/**
 * Receives the allocation of one request: the start of the slot (-1 when refused), the start of
 * the server (-1 when refused or not asked); `index` is the request's place in its outbox.
 */
export type ResultSink = (
  partition: number,
  tag: number,
  slotStart: number,
  serverStart: number,
  index: number,
) => void;

/** The city-wide capacity every thread keeps a replica of. */
export interface SharedCapacity {
  slots: DailySlots;
  servers: ServerPools;
  /** The shard each pool has served (-1: none yet), to check that shards never share a pool. */
  slotShard?: Int32Array;
  serverShard?: Int32Array;
}

/**
 * Precedence of partition `partition` on day `day` among requests that tie in time: a 32-bit hash
 * of (day, partition), lower first. Every thread computes the same value, so the order stays
 * fixed; over days each partition is first about equally often (test/shared-exchange.test.ts),
 * where ordering ties by partition index would always favour partition 0.
 */
export function tiePrecedence(day: number, partition: number): number {
  // The pair folded into 32 bits (distinct partitions of a day stay distinct), then two integer
  // mixers, murmur3's finaliser and lowbias32 (each a bijection), so that no two partitions of a
  // day tie and neighbouring days give unrelated orders.
  let h = Math.imul(day, 0x9e3779b1) ^ partition;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Serves day `day`'s requests of all partitions from the shared capacity in the fixed order: by
 * time; among equal times, by the day's `tiePrecedence` of the partitions (then partition index);
 * within a partition, in posting order. Server pools with no servers are unlimited.
 * `counts[p]` is the number of requests in `records[p]`. Only the requests of shards that
 * `serves` accepts are served (default: all); each served request's result is written into its
 * record and passed to `deliver`.
 */
export function allocateShared(
  capacity: SharedCapacity,
  records: Float64Array[],
  counts: ArrayLike<number>,
  deliver: ResultSink,
  day: number,
  serves: (shard: number) => boolean = () => true,
): void {
  const { slots, servers } = capacity;
  capacity.slotShard ??= new Int32Array(slots.poolCount).fill(-1);
  capacity.serverShard ??= new Int32Array(servers.poolCount).fill(-1);
  const { slotShard, serverShard } = capacity;
  const n = records.length;
  const cursor = new Int32Array(n);
  const precedence = new Uint32Array(n);
  for (let p = 0; p < n; p++) precedence[p] = tiePrecedence(day, p);
  for (;;) {
    let best = -1;
    let bestTime = Number.POSITIVE_INFINITY;
    for (let p = 0; p < n; p++) {
      if (cursor[p] >= counts[p]) continue;
      const t = records[p][cursor[p] * REQUEST_FIELDS];
      if (t < bestTime || (t === bestTime && precedence[p] < precedence[best])) {
        bestTime = t;
        best = p;
      }
    }
    if (best < 0) return;
    const r = records[best];
    const index = cursor[best]++;
    const at = index * REQUEST_FIELDS;
    const t = r[at];
    const slotPool = r[at + 1];
    const preferred = r[at + 7];
    const serverPool = r[at + 3];
    const shard = r[at + SHARD];
    // Every thread checks every request, so a pool claimed by two shards fails on all of them.
    claim(slotShard, slotPool, shard, "slot");
    claim(slotShard, preferred, shard, "slot");
    claim(serverShard, serverPool, shard, "server");
    if (!serves(shard)) continue;
    let start = t;
    if (slotPool >= 0) {
      let day = preferred >= 0 ? slots.book(preferred, t, r[at + 2]) : -1;
      if (day < 0) day = slots.book(slotPool, t, r[at + 2]);
      start = day < 0 ? -1 : DailySlots.startOf(t, day);
    }
    let second = -1;
    if (serverPool >= 0 && start >= 0) {
      second =
        servers.serverCount(serverPool) === 0
          ? start
          : servers.acquire(serverPool, start, r[at + 4], r[at + 5]);
    }
    r[at + RESULT] = start;
    r[at + RESULT + 1] = second;
    deliver(best, r[at + 6], start, second, index);
  }
}

/** Records that `pool` (if any) is served for `shard`; throws if another shard has used it. */
function claim(owner: Int32Array, pool: number, shard: number, what: string): void {
  if (pool < 0) return;
  const was = owner[pool];
  if (was === shard) return;
  if (was >= 0)
    throw new Error(
      `shared ${what} pool ${pool} is requested by shards ${was} and ${shard}: shards must not share pools`,
    );
  owner[pool] = shard;
}
