/**
 * The future-event list: a 4-ary min-heap over parallel typed arrays, ordered by
 * (time, insertion sequence). Equal times pop in insertion order, so the order of simultaneous
 * events is a stated rule, never an accident of the heap's layout. An event is three numbers
 * (time, kind, payload); no object is allocated per event. The arrays grow by doubling.
 *
 * The insertion sequence is a 32-bit number per event. It never wraps: when the counter reaches
 * 2^32 − 1, the events still queued are renumbered 0, 1, … in their order (only their relative
 * order matters), which costs one sort per 4 billion insertions and keeps 4 bytes per event.
 */
const LAST_SEQ = 0xffff_ffff;

export class EventQueue {
  private time: Float64Array;
  private seq: Uint32Array;
  private kind: Uint8Array;
  private payload: Int32Array;
  private count = 0;
  private nextSeq = 0;

  /** Fields of the event most recently returned by `pop()`. */
  poppedTime = 0;
  poppedKind = 0;
  poppedPayload = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(16, initialCapacity);
    this.time = new Float64Array(capacity);
    this.seq = new Uint32Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.payload = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The queued events' kinds and payloads, in heap order, valid for [0, size) until the next change. */
  get kinds(): Uint8Array {
    return this.kind;
  }
  get payloads(): Int32Array {
    return this.payload;
  }

  /** Bytes held by the queue's arrays (for memory accounting). */
  get byteLength(): number {
    return this.time.byteLength + this.seq.byteLength + this.kind.byteLength + this.payload.byteLength;
  }

  /** Time of the next event, or +Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? this.time[0] : Number.POSITIVE_INFINITY;
  }

  push(time: number, kind: number, payload: number): void {
    if (Number.isNaN(time)) throw new RangeError("event time is NaN");
    if (this.count === this.time.length) this.grow();
    const seq = this.takeSeq();
    const times = this.time;
    const seqs = this.seq;
    let hole = this.count++;
    // Sift the hole up: parents later than the new event move down.
    while (hole > 0) {
      const parent = (hole - 1) >> 2;
      const pt = times[parent];
      if (pt < time || (pt === time && seqs[parent] < seq)) break;
      this.move(parent, hole);
      hole = parent;
    }
    times[hole] = time;
    seqs[hole] = seq;
    this.kind[hole] = kind;
    this.payload[hole] = payload;
  }

  /**
   * Adds events in bulk: `append` each (no ordering work), then `heapify` once — O(n) instead of
   * O(n log n) for a batch. The queue must not be popped between the two.
   */
  append(time: number, kind: number, payload: number): void {
    if (this.count === this.time.length) this.grow();
    const seq = this.takeSeq();
    const at = this.count++;
    this.time[at] = time;
    this.seq[at] = seq;
    this.kind[at] = kind;
    this.payload[at] = payload;
  }

  /** The next insertion number; renumbers the queued events first when the counter is spent. */
  private takeSeq(): number {
    if (this.nextSeq >= LAST_SEQ) this.renumber();
    return this.nextSeq++;
  }

  /**
   * Gives the queued events the numbers 0 … n−1 in their insertion order. The mapping keeps every
   * comparison's outcome, so the heap (or the unordered run before `heapify`) stays valid.
   */
  private renumber(): void {
    const n = this.count;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const seqs = this.seq;
    order.sort((a, b) => seqs[a] - seqs[b]);
    for (let rank = 0; rank < n; rank++) seqs[order[rank]] = rank;
    this.nextSeq = n;
  }

  /** Restores heap order after `append` calls (Floyd's bottom-up construction). */
  heapify(): void {
    const n = this.count;
    for (let i = (n - 2) >> 2; i >= 0; i--) this.siftDown(i, n);
  }

  private siftDown(start: number, n: number): void {
    const times = this.time;
    const seqs = this.seq;
    const time = times[start];
    const seq = seqs[start];
    const kind = this.kind[start];
    const payload = this.payload[start];
    let hole = start;
    for (;;) {
      const first = 4 * hole + 1;
      if (first >= n) break;
      let best = first;
      let bt = times[first];
      let bs = seqs[first];
      const end = first + 4 < n ? first + 4 : n;
      for (let c = first + 1; c < end; c++) {
        const ct = times[c];
        if (ct < bt || (ct === bt && seqs[c] < bs)) {
          best = c;
          bt = ct;
          bs = seqs[c];
        }
      }
      if (time < bt || (time === bt && seq < bs)) break;
      this.move(best, hole);
      hole = best;
    }
    times[hole] = time;
    seqs[hole] = seq;
    this.kind[hole] = kind;
    this.payload[hole] = payload;
  }

  /** Removes the earliest event into `popped*`; returns false when the queue is empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const times = this.time;
    this.poppedTime = times[0];
    this.poppedKind = this.kind[0];
    this.poppedPayload = this.payload[0];
    const last = --this.count;
    if (last === 0) return true;
    this.move(last, 0);
    this.siftDown(0, last);
    return true;
  }

  clear(): void {
    this.count = 0;
    this.nextSeq = 0;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from];
    this.seq[to] = this.seq[from];
    this.kind[to] = this.kind[from];
    this.payload[to] = this.payload[from];
  }

  private grow(): void {
    const capacity = this.time.length * 2;
    const time = new Float64Array(capacity);
    time.set(this.time);
    const seq = new Uint32Array(capacity);
    seq.set(this.seq);
    const kind = new Uint8Array(capacity);
    kind.set(this.kind);
    const payload = new Int32Array(capacity);
    payload.set(this.payload);
    this.time = time;
    this.seq = seq;
    this.kind = kind;
    this.payload = payload;
  }
}
