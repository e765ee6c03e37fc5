/**
 * What the insurance fund has paid each resident in the current insurance year, on the accounts
 * that have yearly caps: general outpatient pooling (门诊统筹), the chronic outpatient benefit
 * (门诊慢特病) and stays (封顶线). Amounts are stamped with their year, as in the deductible
 * ledger, so a new year starts from zero without a reset pass. Kept only when some scheme of the
 * run has a cap: 13 bytes per resident then, none otherwise.
 */
export const INPATIENT_ACCOUNT = 2;
const ACCOUNTS = 3;

export class BenefitLedger {
  private readonly paid: Float32Array;
  private readonly stamp: Uint8Array;

  constructor(count: number) {
    this.paid = new Float32Array(count * ACCOUNTS);
    this.stamp = new Uint8Array(count);
  }

  get byteLength(): number {
    return this.paid.byteLength + this.stamp.byteLength;
  }

  /** Yuan the fund has paid resident r on `account` in insurance year `year`. */
  used(r: number, account: number, year: number): number {
    return this.stamp[r] === (year % 255) + 1 ? this.paid[r * ACCOUNTS + account] : 0;
  }

  /** Records `amount` yuan paid on `account` in `year` (a charge for a closed year changes nothing). */
  add(r: number, account: number, year: number, amount: number): void {
    if (amount <= 0) return;
    const stamp = (year % 255) + 1;
    if (this.stamp[r] > stamp) return;
    if (this.stamp[r] !== stamp) {
      this.paid.fill(0, r * ACCOUNTS, r * ACCOUNTS + ACCOUNTS);
      this.stamp[r] = stamp;
    }
    this.paid[r * ACCOUNTS + account] += amount;
  }

  /** A new resident in slot r (a birth). */
  clear(r: number): void {
    this.paid.fill(0, r * ACCOUNTS, r * ACCOUNTS + ACCOUNTS);
    this.stamp[r] = 0;
  }
}
