import { TIER_COUNT } from "../supply/tiers.ts";
import { DEDUCTIBLE_PER_ADMISSION, DEDUCTIBLE_PER_YEAR, type InsuranceTables } from "./insurance.ts";

/**
 * What each resident has paid towards the inpatient deductible (起付线) in the current insurance
 * year, at each tier with beds (township, county, tertiary, out of region), by the rule of the
 * resident's scheme. Amounts are stamped with the insurance year they belong to, so a new year
 * starts from zero for each resident the first time it is read: no reset pass at the year's turn,
 * and a stay that began last year is charged to last year whatever day its charge is processed.
 * Yuan are kept as Uint16 (deductibles are far below 65,535 yuan): 9 bytes per resident.
 */
export class DeductibleLedger {
  private readonly paid: Uint16Array;
  private readonly stamp: Uint8Array;

  constructor(
    count: number,
    private insurance: InsuranceTables,
  ) {
    this.paid = new Uint16Array(count * 4);
    this.stamp = new Uint8Array(count);
  }

  /** The scheme rules from a dated policy change on (amounts already paid are kept). */
  setInsurance(insurance: InsuranceTables): void {
    this.insurance = insurance;
  }

  get byteLength(): number {
    return this.paid.byteLength + this.stamp.byteLength;
  }

  private slot(r: number, scheme: number, tier: number): number {
    return r * 4 + (this.insurance.deductibleRule[scheme] === DEDUCTIBLE_PER_YEAR ? 0 : tier - 1);
  }

  /** Deductible still due for a stay at `tier` (≥ township) in insurance year `year`. */
  remaining(r: number, scheme: number, tier: number, year: number): number {
    const due = this.insurance.deductible[scheme * TIER_COUNT + tier];
    if (this.insurance.deductibleRule[scheme] === DEDUCTIBLE_PER_ADMISSION) return due;
    if (this.stamp[r] !== (year % 255) + 1) return due;
    const left = due - this.paid[this.slot(r, scheme, tier)];
    return left > 0 ? left : 0;
  }

  /**
   * Deductible still due for a referred stay at `tier` when deductibles of referred inpatients are
   * counted continuously: the tier's deductible less the most already paid this year at this tier
   * or below (what the referring tier charged counts).
   */
  remainingReferred(r: number, scheme: number, tier: number, year: number): number {
    const due = this.insurance.deductible[scheme * TIER_COUNT + tier];
    if (this.stamp[r] !== (year % 255) + 1) return due;
    let paid = 0;
    for (let below = 1; below <= tier; below++) {
      const p = this.paid[this.slot(r, scheme, below)];
      if (p > paid) paid = p;
    }
    return due > paid ? due - paid : 0;
  }

  /**
   * Deductible due for a stay by the scheme's rules: waived for a downward-referred stay where the
   * scheme waives it, counted continuously for a referred inpatient where the scheme says so, else
   * what remains of the tier's deductible this year.
   */
  dueForStay(
    r: number,
    scheme: number,
    tier: number,
    year: number,
    referred: boolean,
    downward: boolean,
  ): number {
    if (downward && this.insurance.waiveDownward[scheme]) return 0;
    if (referred && this.insurance.continuousReferred[scheme])
      return this.remainingReferred(r, scheme, tier, year);
    return this.remaining(r, scheme, tier, year);
  }

  /** Records `amount` yuan paid towards the deductible of `tier` in `year`. */
  pay(r: number, scheme: number, tier: number, year: number, amount: number): void {
    if (this.insurance.deductibleRule[scheme] === DEDUCTIBLE_PER_ADMISSION || amount <= 0) return;
    const stamp = (year % 255) + 1;
    // A charge for a year already closed (processed a day late, across the turn of the year)
    // changes nothing: what counts is the new year's account. (Runs are at most 30 years.)
    if (this.stamp[r] > stamp) return;
    if (this.stamp[r] !== stamp) {
      this.paid.fill(0, r * 4, r * 4 + 4);
      this.stamp[r] = stamp;
    }
    const at = this.slot(r, scheme, tier);
    this.paid[at] = Math.min(65_535, this.paid[at] + Math.round(amount));
  }

  /** A new resident in slot r (a birth): nothing paid. */
  clear(r: number): void {
    this.paid.fill(0, r * 4, r * 4 + 4);
    this.stamp[r] = 0;
  }
}
