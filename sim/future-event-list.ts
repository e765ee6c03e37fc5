import { EventQueue } from "./event-queue.ts";

/**
 * The future-event list used by the run loop: a day calendar in front of the heap.
 *
 * Events due today live in the heap (`EventQueue`), ordered by (time, insertion sequence).
 * Events due on a later day wait in that day's bucket, a FIFO list in a pool of typed-array
 * records; `openDay(d)` moves day d's bucket into the heap in insertion order. The heap thus
 * holds one day of events instead of every resident's next onset, which keeps it small and
 * cache-resident, while the order of events stays exactly that of a single heap: by time, then
 * by insertion (bucket events were all inserted before any event pushed during their day).
 */
export class FutureEventList {
  private readonly heap = new EventQueue(4096);
  private day = 0;
  private dayEnd = 1;
  // Bucket record pool.
  private recTime: Float64Array;
  private recKind: Uint8Array;
  private recPayload: Int32Array;
  private recNext: Int32Array;
  private freeHead = -1;
  private used = 0;
  private heads: Int32Array;
  private tails: Int32Array;
  private pendingInBuckets = 0;

  constructor(initialRecords = 1024, initialDays = 400) {
    const n = Math.max(16, initialRecords);
    this.recTime = new Float64Array(n);
    this.recKind = new Uint8Array(n);
    this.recPayload = new Int32Array(n);
    this.recNext = new Int32Array(n);
    this.heads = new Int32Array(Math.max(2, initialDays)).fill(-1);
    this.tails = new Int32Array(Math.max(2, initialDays)).fill(-1);
  }

  get currentDay(): number {
    return this.day;
  }

  /** Pending events, today's and later days'. */
  get size(): number {
    return this.heap.size + this.pendingInBuckets;
  }

  /** Bytes held by the list's arrays (for memory accounting). */
  get byteLength(): number {
    return (
      this.heap.byteLength +
      this.recTime.byteLength +
      this.recKind.byteLength +
      this.recPayload.byteLength +
      this.recNext.byteLength +
      this.heads.byteLength +
      this.tails.byteLength
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
    if (time < this.dayEnd) {
      if (time < this.day) throw new RangeError(`event at ${time} precedes the open day ${this.day}`);
      this.heap.push(time, kind, payload);
      return;
    }
    if (!Number.isFinite(time)) throw new RangeError(`event time ${time} is not finite`);
    const bucket = Math.floor(time);
    if (bucket >= this.heads.length) this.growDays(bucket + 1);
    const rec = this.allocate();
    this.recTime[rec] = time;
    this.recKind[rec] = kind;
    this.recPayload[rec] = payload;
    this.recNext[rec] = -1;
    const tail = this.tails[bucket];
    if (tail < 0) this.heads[bucket] = rec;
    else this.recNext[tail] = rec;
    this.tails[bucket] = rec;
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
    this.dayEnd = d + 1;
    if (d >= this.heads.length) return;
    let rec = this.heads[d];
    while (rec >= 0) {
      this.heap.push(this.recTime[rec], this.recKind[rec], this.recPayload[rec]);
      const next = this.recNext[rec];
      this.release(rec);
      this.pendingInBuckets--;
      rec = next;
    }
    this.heads[d] = -1;
    this.tails[d] = -1;
  }

  /** Pops the earliest event of the open day into `popped*`; false when the day has none left. */
  pop(): boolean {
    return this.heap.pop();
  }

  private allocate(): number {
    if (this.freeHead >= 0) {
      const rec = this.freeHead;
      this.freeHead = this.recNext[rec];
      return rec;
    }
    if (this.used === this.recTime.length) this.growRecords();
    return this.used++;
  }

  private release(rec: number): void {
    this.recNext[rec] = this.freeHead;
    this.freeHead = rec;
  }

  private growRecords(): void {
    const n = this.recTime.length * 2;
    const time = new Float64Array(n);
    time.set(this.recTime);
    const kind = new Uint8Array(n);
    kind.set(this.recKind);
    const payload = new Int32Array(n);
    payload.set(this.recPayload);
    const next = new Int32Array(n);
    next.set(this.recNext);
    this.recTime = time;
    this.recKind = kind;
    this.recPayload = payload;
    this.recNext = next;
  }

  private growDays(minDays: number): void {
    const n = Math.max(minDays, this.heads.length * 2);
    const heads = new Int32Array(n).fill(-1);
    heads.set(this.heads);
    const tails = new Int32Array(n).fill(-1);
    tails.set(this.tails);
    this.heads = heads;
    this.tails = tails;
  }
}
