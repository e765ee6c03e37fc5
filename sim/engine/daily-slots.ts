/**
 * Daily quotas: a pool issues q slots a day (a hospital's 号源), and a booking takes the first
 * day, from the day of arrival on, that still has a free slot. Quotas may be fractional (a sample
 * of a region simulates a fraction of each facility).
 *
 * Small quotas are issued per window of several days instead of per day: a window of K days
 * issues ⌊q·K·(w+1)⌋ − ⌊q·K·w⌋ slots (q a day on average, with no drift), K being the fewest days
 * that hold `minWindowSlots` slots. Why: a real village clinic issuing 60 slots a day for 25
 * patients never turns anyone away, but a 1-in-64 sample of it issues about one slot a day for
 * 0.4 patients, and the chance that two of them fall on one day would make waits that the real
 * clinic does not have, and results that depend on the sample size. Pooling days keeps the noise
 * of a small sample at the level of a facility with `minWindowSlots` slots; facilities simulated
 * at full size (tens of slots a day and more) keep daily quotas.
 *
 * Windows are tracked in a ring of `horizon` windows per pool, each stamped with the window it
 * counts, so no work is done for windows nobody books. A quota < 0 is unlimited.
 *
 * Each pool also keeps the exponentially smoothed mean wait (days) of its bookings, updated once
 * a day by `closeDay`: what patients have learnt of a facility's queue, with a one-day lag.
 */
export class DailySlots {
  readonly poolCount: number;
  private readonly quota: Float64Array;
  /** Days per window, per pool. */
  private readonly window: Int32Array;
  private readonly used: Int32Array;
  private readonly stamp: Int32Array;
  /** Per pool: bookings, sum of waits (days), bookings refused, for today and the whole run. */
  readonly booked: Float64Array;
  readonly waitSum: Float64Array;
  readonly refused: Float64Array;
  private readonly todayBooked: Float64Array;
  private readonly todayWait: Float64Array;
  /** Smoothed mean wait in days, per pool. */
  readonly expectedWait: Float64Array;

  constructor(
    quotas: ArrayLike<number>,
    readonly horizon = 64,
    minWindowSlots = 20,
  ) {
    this.poolCount = quotas.length;
    this.quota = Float64Array.from(quotas);
    this.window = new Int32Array(this.poolCount);
    for (let p = 0; p < this.poolCount; p++) {
      const q = this.quota[p];
      this.window[p] = q > 0 ? Math.min(28, Math.max(1, Math.ceil(minWindowSlots / q - 1e-9))) : 1;
    }
    this.used = new Int32Array(this.poolCount * horizon);
    this.stamp = new Int32Array(this.poolCount * horizon).fill(-1);
    this.booked = new Float64Array(this.poolCount);
    this.waitSum = new Float64Array(this.poolCount);
    this.refused = new Float64Array(this.poolCount);
    this.todayBooked = new Float64Array(this.poolCount);
    this.todayWait = new Float64Array(this.poolCount);
    this.expectedWait = new Float64Array(this.poolCount);
  }

  /**
   * A new daily quota from now on (a dated policy change). The window length stays, so bookings
   * already made keep their windows; each later window issues slots at the new rate.
   */
  setQuota(p: number, quota: number): void {
    this.quota[p] = quota;
  }

  /** Days of pool `p`'s booking window. */
  windowDays(p: number): number {
    return this.window[p];
  }

  /** Slots pool `p` issues in its window `w` (days w·K … w·K + K − 1). */
  slotsIn(p: number, w: number): number {
    const qk = this.quota[p] * this.window[p];
    return Math.floor(qk * (w + 1)) - Math.floor(qk * w);
  }

  /**
   * The time a booking made at `t` is served: at `t` on the day of arrival, else at the same time
   * of day on the booked day.
   */
  static startOf(t: number, bookedDay: number): number {
    const today = Math.floor(t);
    return bookedDay === today ? t : bookedDay + (t - today);
  }

  /**
   * Books the first day ≥ ⌊t⌋ whose window has a free slot in pool `p`, if it is at most
   * `maxDelayDays` after ⌊t⌋ (and within the ring). Returns the booked day, or -1 when refused
   * (nothing is taken).
   */
  book(p: number, t: number, maxDelayDays: number): number {
    const today = Math.floor(t);
    const q = this.quota[p];
    if (q < 0) {
      this.record(p, 0);
      return today;
    }
    const K = this.window[p];
    const limit = Math.min(maxDelayDays, (this.horizon - 1) * K);
    const base = p * this.horizon;
    for (let w = Math.floor(today / K); ; w++) {
      const day = w * K > today ? w * K : today;
      if (day - today > limit) break;
      const at = base + (w % this.horizon);
      if (this.stamp[at] !== w) {
        this.stamp[at] = w;
        this.used[at] = 0;
      }
      if (this.used[at] < this.slotsIn(p, w)) {
        this.used[at]++;
        this.record(p, day - today);
        return day;
      }
    }
    // A refusal teaches as much as a booking: it counts as a wait just past the limit.
    this.refused[p]++;
    this.todayBooked[p]++;
    this.todayWait[p] += limit + 1;
    return -1;
  }

  private record(p: number, wait: number): void {
    this.booked[p]++;
    this.waitSum[p] += wait;
    this.todayBooked[p]++;
    this.todayWait[p] += wait;
  }

  /**
   * Folds today's bookings into the smoothed waits: w ← w + α·(today's mean − w); the pools
   * booked today also write their new wait into `published` (threads sharing the pools' service).
   */
  closeDay(alpha: number, published?: Float64Array): void {
    for (let p = 0; p < this.poolCount; p++) {
      const n = this.todayBooked[p];
      if (n > 0) {
        this.expectedWait[p] += alpha * (this.todayWait[p] / n - this.expectedWait[p]);
        if (published) published[p] = this.expectedWait[p];
        this.todayBooked[p] = 0;
        this.todayWait[p] = 0;
      }
    }
  }
}
