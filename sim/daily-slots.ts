/**
 * Daily quotas: a pool issues a number of slots each day (a hospital's 号源), and a booking takes
 * the first day, from the day of arrival on, that still has a free slot. Quotas may be fractional
 * (a sample of a region simulates a fraction of each facility): day d then issues
 * ⌊q·(d+1)⌋ − ⌊q·d⌋ slots, so that any run of days issues q per day on average, with no drift.
 *
 * Days are tracked in a ring of `horizon` days per pool, each slot of the ring stamped with the
 * day it counts, so no work is done for days nobody books. A quota < 0 is unlimited.
 *
 * Each pool also keeps the exponentially smoothed mean wait (days) of its bookings, updated once
 * a day by `closeDay`: what patients have learnt of a facility's queue, with a one-day lag.
 */
export class DailySlots {
  readonly poolCount: number;
  private readonly quota: Float64Array;
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
  ) {
    this.poolCount = quotas.length;
    this.quota = Float64Array.from(quotas);
    this.used = new Int32Array(this.poolCount * horizon);
    this.stamp = new Int32Array(this.poolCount * horizon).fill(-1);
    this.booked = new Float64Array(this.poolCount);
    this.waitSum = new Float64Array(this.poolCount);
    this.refused = new Float64Array(this.poolCount);
    this.todayBooked = new Float64Array(this.poolCount);
    this.todayWait = new Float64Array(this.poolCount);
    this.expectedWait = new Float64Array(this.poolCount);
  }

  /** Slots pool `p` issues on day `d`. */
  slotsOn(p: number, d: number): number {
    const q = this.quota[p];
    return Math.floor(q * (d + 1)) - Math.floor(q * d);
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
   * Books the first day ≥ ⌊t⌋ with a free slot in pool `p`, if it is at most `maxDelayDays` after
   * ⌊t⌋ (and within the ring). Returns the booked day, or -1 when refused (nothing is taken).
   */
  book(p: number, t: number, maxDelayDays: number): number {
    const today = Math.floor(t);
    const q = this.quota[p];
    if (q < 0) {
      this.record(p, 0);
      return today;
    }
    const limit = Math.min(maxDelayDays, this.horizon - 1);
    const base = p * this.horizon;
    for (let k = 0; k <= limit; k++) {
      const d = today + k;
      const at = base + (d % this.horizon);
      if (this.stamp[at] !== d) {
        this.stamp[at] = d;
        this.used[at] = 0;
      }
      if (this.used[at] < this.slotsOn(p, d)) {
        this.used[at]++;
        this.record(p, k);
        return d;
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

  /** Folds today's bookings into the smoothed waits: w ← w + α·(today's mean − w). */
  closeDay(alpha: number): void {
    for (let p = 0; p < this.poolCount; p++) {
      const n = this.todayBooked[p];
      if (n > 0) {
        this.expectedWait[p] += alpha * (this.todayWait[p] / n - this.expectedWait[p]);
        this.todayBooked[p] = 0;
        this.todayWait[p] = 0;
      }
    }
  }
}
