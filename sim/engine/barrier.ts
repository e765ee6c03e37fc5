/**
 * A reusable barrier for the worker threads of one run, on a SharedArrayBuffer, with an abort
 * flag: a thread that fails raises it (with the partition and day it was running), and every
 * thread waiting at the barrier wakes and stops instead of waiting forever.
 */
const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;
const ABORT_PARTITION = 3;
const ABORT_DAY = 4;
const SLOTS = 5;

export class RunAborted extends Error {
  constructor(
    readonly partition: number,
    readonly day: number,
  ) {
    super(`run aborted by a failure in partition ${partition} on simulated day ${day}`);
    this.name = "RunAborted";
  }
}

export class Barrier {
  readonly state: Int32Array;

  constructor(
    readonly parties: number,
    buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * 4),
  ) {
    this.state = new Int32Array(buffer);
  }

  get buffer(): SharedArrayBuffer {
    return this.state.buffer as SharedArrayBuffer;
  }

  /** Blocks until all parties have arrived; throws RunAborted if the run was aborted. */
  wait(): void {
    const s = this.state;
    this.throwIfAborted();
    if (this.parties <= 1) return;
    const generation = Atomics.load(s, GENERATION);
    if (Atomics.add(s, ARRIVED, 1) === this.parties - 1) {
      Atomics.store(s, ARRIVED, 0);
      Atomics.add(s, GENERATION, 1);
      Atomics.notify(s, GENERATION);
      return;
    }
    while (Atomics.load(s, GENERATION) === generation) {
      Atomics.wait(s, GENERATION, generation, 200);
      this.throwIfAborted();
    }
    this.throwIfAborted();
  }

  abort(partition: number, day: number): void {
    const s = this.state;
    if (Atomics.compareExchange(s, ABORTED, 0, 1) === 0) {
      Atomics.store(s, ABORT_PARTITION, partition);
      Atomics.store(s, ABORT_DAY, day);
    }
    Atomics.add(s, GENERATION, 1);
    Atomics.notify(s, GENERATION);
  }

  get aborted(): { partition: number; day: number } | null {
    const s = this.state;
    return Atomics.load(s, ABORTED)
      ? { partition: Atomics.load(s, ABORT_PARTITION), day: Atomics.load(s, ABORT_DAY) }
      : null;
  }

  private throwIfAborted(): void {
    const a = this.aborted;
    if (a) throw new RunAborted(a.partition, a.day);
  }
}
