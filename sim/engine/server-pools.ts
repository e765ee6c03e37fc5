/**
 * First-come-first-served multi-server capacity: outpatient doctors, beds, specialist slots —
 * one mechanism with parameters (servers, service time), not one copy per resource.
 *
 * Each pool holds `servers` servers; a job arriving at time t starts on the server that frees
 * first, at max(t, its free time), and holds it for its service time. Processing jobs in arrival
 * order makes this the exact FCFS G/G/c recursion (Kiefer & Wolfowitz 1955): no events are
 * needed for service starts or ends, and waits are known on arrival, so a patient can decline a
 * queue that is too long. The servers' free times are kept as a min-heap per pool, in one array.
 */
export class ServerPools {
  readonly poolCount: number;
  private offset: Int32Array;
  private readonly servers: Int32Array;
  private freeAt: Float64Array;
  /** Per pool: jobs served, total wait, total service time (for occupancy), jobs declined. */
  readonly served: Float64Array;
  readonly waitSum: Float64Array;
  readonly busySum: Float64Array;
  readonly declined: Float64Array;

  constructor(serverCounts: ArrayLike<number>) {
    this.poolCount = serverCounts.length;
    this.offset = new Int32Array(this.poolCount + 1);
    this.servers = new Int32Array(this.poolCount);
    for (let p = 0; p < this.poolCount; p++) {
      const c = Math.floor(serverCounts[p]);
      if (!(c >= 0)) throw new RangeError(`pool ${p}: server count ${serverCounts[p]} is not ≥ 0`);
      this.servers[p] = c;
      this.offset[p + 1] = this.offset[p] + c;
    }
    this.freeAt = new Float64Array(this.offset[this.poolCount]);
    this.served = new Float64Array(this.poolCount);
    this.waitSum = new Float64Array(this.poolCount);
    this.busySum = new Float64Array(this.poolCount);
    this.declined = new Float64Array(this.poolCount);
  }

  serverCount(pool: number): number {
    return this.servers[pool];
  }

  /**
   * Takes the earliest-free server of `pool` for a job arriving at `t` that needs `service`
   * time. Returns the start time, or -1 (taking nothing) when the wait would exceed `maxWait`
   * or the pool has no servers.
   */
  acquire(pool: number, t: number, service: number, maxWait = Number.POSITIVE_INFINITY): number {
    const n = this.servers[pool];
    if (n === 0) {
      this.declined[pool]++;
      return -1;
    }
    const base = this.offset[pool];
    const free = this.freeAt;
    const earliest = free[base];
    const start = earliest > t ? earliest : t;
    if (start - t > maxWait) {
      this.declined[pool]++;
      return -1;
    }
    // Replace the root with the server's new free time and sift it down.
    const value = start + service;
    let hole = 0;
    for (;;) {
      const left = 2 * hole + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && free[base + right] < free[base + left] ? right : left;
      if (free[base + child] >= value) break;
      free[base + hole] = free[base + child];
      hole = child;
    }
    free[base + hole] = value;
    this.served[pool]++;
    this.waitSum[pool] += start - t;
    this.busySum[pool] += service;
    return start;
  }

  /**
   * New server counts from time `now` on (a dated change of supply). A pool that grows gains
   * servers free at `now`; one that shrinks keeps the servers that free first, so a patient in a
   * removed bed stays until discharge but none follows. Queues already booked are kept.
   */
  setServerCounts(counts: ArrayLike<number>, now: number): void {
    if (counts.length !== this.poolCount) throw new RangeError(`expected ${this.poolCount} server counts`);
    const offset = new Int32Array(this.poolCount + 1);
    for (let p = 0; p < this.poolCount; p++) {
      const c = Math.floor(counts[p]);
      if (!(c >= 0)) throw new RangeError(`pool ${p}: server count ${counts[p]} is not ≥ 0`);
      offset[p + 1] = offset[p] + c;
    }
    const freeAt = new Float64Array(offset[this.poolCount]);
    for (let p = 0; p < this.poolCount; p++) {
      const c = offset[p + 1] - offset[p];
      const times = Array.from(this.freeAt.subarray(this.offset[p], this.offset[p + 1]));
      while (times.length < c) times.push(now);
      // Sorted ascending, the array is a valid min-heap; a cut drops the servers that free last.
      times.sort((a, b) => a - b);
      for (let i = 0; i < c; i++) freeAt[offset[p] + i] = times[i];
      this.servers[p] = c;
    }
    this.offset = offset;
    this.freeAt = freeAt;
  }
}
