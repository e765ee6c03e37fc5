import { EventQueue } from "./event-queue.ts";

/**
 * The future-event list used by the run loop: a day calendar in front of the heap.
 *
 * The heap (`EventQueue`, ordered by time then insertion sequence) holds the events of the
 * current eighth of a day. Later events are appended to the bucket of their eighth of a day: a
 * list of fixed-size chunks of typed arrays, filled in insertion order, so that appending and
 * reading back touch memory sequentially. When the heap runs dry the next bucket of the open day
 * is built into it in one O(n) pass. The heap thus stays small and cache-resident, while the order
 * of events is exactly that of a single heap: by time, then by insertion (a bucket's events were
 * all inserted before any event pushed while their slot was open). `openDay(d)` starts day d;
 * `pop()` returns false when the day has no event left. Events at or after the horizon are
 * never run and are only counted.
 */
const CHUNK = 16;
/** Buckets per day: the heap holds one eighth of a day (8 is exact in binary floating point). */
const SLOTS_PER_DAY = 8;
const TWO_POW_32 = 4294967296;

export class FutureEventList {
  private readonly heap = new EventQueue(4096);
  private day = 0;
  /** Bucket (slot) whose events are in the heap; the heap holds times below `slotEnd`. */
  private slot = -1;
  private slotEnd = 0;
  private lastSlotOfDay = SLOTS_PER_DAY - 1;
  // Chunk pool: chunk c holds events [c * CHUNK, (c + 1) * CHUNK), event i at [2i, 2i + 1] of
  // `events`: its time, then kind · 2³² + payload as an unsigned 32-bit number. One array, so
  // that appending to a bucket touches one cache line, not one in each of three arrays (a
  // partition appends to thousands of buckets, whose tails do not all stay in cache).
  private events: Float64Array;
  private chunkNext: Int32Array;
  private chunkFill: Int32Array;
  private chunksUsed = 0;
  private freeChunk = -1;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private pendingInBuckets = 0;
  /** Events scheduled at or after the horizon (never run). */
  beyondHorizon = 0;
  /**
   * Called with the heap's events (kinds and payloads, [from, to)) when a bucket has built it,
   * before any of them runs: the model may read the state they will touch, so that their cache
   * misses overlap (independent loads in one loop) instead of stalling one event at a time. It
   * must not change anything the simulation reads.
   */
  warm: ((kinds: Uint8Array, payloads: Int32Array, from: number, to: number) => void) | null = null;

  constructor(
    readonly horizonDays: number,
    initialEvents = 4096,
  ) {
    const chunks = Math.max(4, Math.ceil(initialEvents / CHUNK));
    this.events = new Float64Array(2 * chunks * CHUNK);
    this.chunkNext = new Int32Array(chunks);
    this.chunkFill = new Int32Array(chunks);
    this.head = new Int32Array(horizonDays * SLOTS_PER_DAY).fill(-1);
    this.tail = new Int32Array(horizonDays * SLOTS_PER_DAY).fill(-1);
  }

  get currentDay(): number {
    return this.day;
  }

  /** Pending events, today's and later days' (before the horizon). */
  get size(): number {
    return this.heap.size + this.pendingInBuckets;
  }

  /** Bytes held by the list's arrays (for memory accounting). */
  get byteLength(): number {
    return (
      this.heap.byteLength +
      this.events.byteLength +
      this.chunkNext.byteLength +
      this.chunkFill.byteLength +
      this.head.byteLength +
      this.tail.byteLength
    );
  }

  get poppedTime(): number {
    return this.heap.poppedTime;
  }
  get poppedKind(): number {
    return this.heap.poppedKind;
  }
  get poppedPayload(): number {
    return this.heap.poppedPayload;
  }

  /** Schedules an event; `time` must not precede the open day. */
  push(time: number, kind: number, payload: number): void {
    if (time < this.slotEnd) {
      if (time < this.day) throw new RangeError(`event at ${time} precedes the open day ${this.day}`);
      this.heap.push(time, kind, payload);
      return;
    }
    if (!(time < this.horizonDays)) {
      if (Number.isNaN(time)) throw new RangeError("event time is NaN");
      this.beyondHorizon++;
      return;
    }
    const d = Math.floor(time * SLOTS_PER_DAY);
    let chunk = this.tail[d];
    if (chunk < 0 || this.chunkFill[chunk] === CHUNK) {
      const fresh = this.allocateChunk();
      if (chunk < 0) this.head[d] = fresh;
      else this.chunkNext[chunk] = fresh;
      this.tail[d] = fresh;
      chunk = fresh;
    }
    const at = 2 * (chunk * CHUNK + this.chunkFill[chunk]++);
    this.events[at] = time;
    this.events[at + 1] = kind * TWO_POW_32 + (payload >>> 0);
    this.pendingInBuckets++;
  }

  /**
   * Opens day `d` (≥ the current day): its bucket's events enter the heap in insertion order.
   * Events of skipped days would be lost, so the caller opens every day in turn.
   */
  openDay(d: number): void {
    if (d < this.day) throw new RangeError(`day ${d} is before the open day ${this.day}`);
    if (d > this.day + 1 && this.heap.size > 0)
      throw new RangeError("opening a later day with events pending");
    this.day = d;
    this.lastSlotOfDay = (d + 1) * SLOTS_PER_DAY - 1;
    this.openSlot(d * SLOTS_PER_DAY);
  }

  /** Moves slot k's bucket into the heap; the heap then accepts times below the slot's end. */
  private openSlot(k: number): void {
    this.slot = k;
    this.slotEnd = (k + 1) / SLOTS_PER_DAY;
    if (k >= this.head.length) return;
    // Usually the heap is empty when a slot opens: build it from the bucket in O(n).
    const bulk = this.heap.size === 0;
    let chunk = this.head[k];
    while (chunk >= 0) {
      const from = 2 * chunk * CHUNK;
      const to = from + 2 * this.chunkFill[chunk];
      const events = this.events;
      for (let i = from; i < to; i += 2) {
        const packed = events[i + 1];
        const kind = Math.floor(packed / TWO_POW_32);
        const payload = (packed - kind * TWO_POW_32) | 0;
        if (bulk) this.heap.append(events[i], kind, payload);
        else this.heap.push(events[i], kind, payload);
      }
      this.pendingInBuckets -= (to - from) / 2;
      const next = this.chunkNext[chunk];
      this.chunkNext[chunk] = this.freeChunk;
      this.freeChunk = chunk;
      chunk = next;
    }
    if (bulk) {
      this.heap.heapify();
      // (Only a bucket that built the heap: otherwise the heap also holds events already warmed.)
      if (this.warm !== null && this.heap.size > 0)
        this.warm(this.heap.kinds, this.heap.payloads, 0, this.heap.size);
    }
    this.head[k] = -1;
    this.tail[k] = -1;
  }

  /** Pops the earliest event of the open day into `popped*`; false when the day has none left. */
  pop(): boolean {
    while (this.heap.size === 0) {
      if (this.slot >= this.lastSlotOfDay) return false;
      this.openSlot(this.slot + 1);
    }
    return this.heap.pop();
  }

  private allocateChunk(): number {
    let chunk = this.freeChunk;
    if (chunk >= 0) this.freeChunk = this.chunkNext[chunk];
    else {
      if (this.chunksUsed === this.chunkNext.length) this.growChunks();
      chunk = this.chunksUsed++;
    }
    this.chunkNext[chunk] = -1;
    this.chunkFill[chunk] = 0;
    return chunk;
  }

  private growChunks(): void {
    const chunks = this.chunkNext.length * 2;
    const events = new Float64Array(2 * chunks * CHUNK);
    events.set(this.events);
    const next = new Int32Array(chunks);
    next.set(this.chunkNext);
    const fill = new Int32Array(chunks);
    fill.set(this.chunkFill);
    this.events = events;
    this.chunkNext = next;
    this.chunkFill = fill;
  }
}
