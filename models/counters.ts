import { TIER_COUNT } from "./tiers.ts";

/**
 * Counters of a run, declared once. All are flows (counts or sums over a month), kept per
 * partition in one Float64Array [month × COUNTER_COUNT] and summed over partitions in their
 * fixed order, so totals do not depend on threads.
 */
export const MAX_KINDS = 32;

export const OUTPATIENT = 0; // + tier: outpatient visits
export const ADMISSIONS = OUTPATIENT + TIER_COUNT; // + tier
export const OUTPATIENT_WAIT_DAYS = ADMISSIONS + TIER_COUNT; // + tier: sum of waits (days)
export const BED_WAIT_DAYS = OUTPATIENT_WAIT_DAYS + TIER_COUNT; // + tier
export const COUNTY_RESIDENT_VISITS = BED_WAIT_DAYS + TIER_COUNT;
export const COUNTY_RESIDENT_DOMESTIC_VISITS = COUNTY_RESIDENT_VISITS + 1;
export const COUNTY_TIER_EPISODES_SEEN = COUNTY_RESIDENT_DOMESTIC_VISITS + 1;
export const COUNTY_TIER_REFERRALS_OUT = COUNTY_TIER_EPISODES_SEEN + 1;
export const UPWARD_REFERRALS = COUNTY_TIER_REFERRALS_OUT + 1;
export const DOWNWARD_REFERRALS = UPWARD_REFERRALS + 1;
export const ENDED_OUTPATIENT = DOWNWARD_REFERRALS + 1;
export const ENDED_INPATIENT = ENDED_OUTPATIENT + 1;
export const EPISODES_STARTED = ENDED_INPATIENT + 1; // + kind
export const EPISODES_ENDED = EPISODES_STARTED + MAX_KINDS; // + kind
export const COUNTER_COUNT = EPISODES_ENDED + MAX_KINDS;

/** Episode outcomes: every episode ends in exactly one (or is still open when the run stops). */
export const OUTCOME_NAMES = ["treatedOutpatient", "treatedInpatient"] as const;

export const DAYS_PER_YEAR = 365;
const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Month (0–11) of each day of a 365-day year. */
export const MONTH_OF_DAY_OF_YEAR: Uint8Array = (() => {
  const out = new Uint8Array(DAYS_PER_YEAR);
  let day = 0;
  MONTH_LENGTHS.forEach((len, m) => {
    out.fill(m, day, day + len);
    day += len;
  });
  return out;
})();

/** 0-based month index since the run's start for simulated time t (days). */
export function monthIndex(t: number): number {
  const day = Math.floor(t);
  const year = Math.floor(day / DAYS_PER_YEAR);
  return year * 12 + MONTH_OF_DAY_OF_YEAR[day - year * DAYS_PER_YEAR];
}
