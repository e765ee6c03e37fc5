import { SCHEME_COUNT } from "../policy/insurance.ts";
import { TIER_COUNT } from "../supply/tiers.ts";

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
/** Episodes seen at the county hospitals of the resident's own rural county. */
export const COUNTY_HOSPITAL_EPISODES_SEEN = COUNTY_RESIDENT_DOMESTIC_VISITS + 1;
/** … that these hospitals referred out of the county (to the city or beyond). */
export const COUNTY_HOSPITAL_REFERRALS_OUT = COUNTY_HOSPITAL_EPISODES_SEEN + 1;
export const UPWARD_REFERRALS = COUNTY_HOSPITAL_REFERRALS_OUT + 1; // hops
export const DOWNWARD_REFERRALS = UPWARD_REFERRALS + 1;
export const ENDED_OUTPATIENT = DOWNWARD_REFERRALS + 1;
export const ENDED_INPATIENT = ENDED_OUTPATIENT + 1;
export const ENDED_OPT_OUT = ENDED_INPATIENT + 1;
export const EPISODES_STARTED = ENDED_OPT_OUT + 1; // + kind
export const EPISODES_ENDED = EPISODES_STARTED + MAX_KINDS; // + kind
/** + kind·FIRST_CONTACT_SLOTS + tier, or + OPT_OUT_SLOT: where episodes first sought care. */
export const FIRST_CONTACT = EPISODES_ENDED + MAX_KINDS;
export const FIRST_CONTACT_SLOTS = TIER_COUNT + 1;
export const OPT_OUT_SLOT = TIER_COUNT;
export const UPWARD_REFERRED_EPISODES = FIRST_CONTACT + MAX_KINDS * FIRST_CONTACT_SLOTS;
export const VISITS_ENDING_IN_REFERRAL = UPWARD_REFERRED_EPISODES + 1; // + tier
export const BED_DAYS = VISITS_ENDING_IN_REFERRAL + TIER_COUNT; // + tier: length of stay of each admission
export const COUNTY_RESIDENT_ADMISSIONS = BED_DAYS + TIER_COUNT;
export const COUNTY_RESIDENT_DOMESTIC_ADMISSIONS = COUNTY_RESIDENT_ADMISSIONS + 1;
export const BALKED = COUNTY_RESIDENT_DOMESTIC_ADMISSIONS + 1; // + tier: patients turned away by a full slot calendar
export const BED_TRANSFERS = BALKED + TIER_COUNT; // + tier: admissions moved for want of a bed
export const USUAL_SOURCE_ELIGIBLE = BED_TRANSFERS + TIER_COUNT; // follow-ups of residents with a usual facility
export const USUAL_SOURCE_KEPT = USUAL_SOURCE_ELIGIBLE + 1; // … that returned to it
export const FIRST_CONTACT_CAPABLE = USUAL_SOURCE_KEPT + 1; // + kind: first contacts able to treat the episode
export const DEATHS = FIRST_CONTACT_CAPABLE + MAX_KINDS; // residents who died (each replaced by a birth)
export const ADMISSIONS_REDIRECTED = DEATHS + 1; // admissions sent to the first-contact tier for want of a referral
/** Yuan, + tier: what patients paid and what the insurance fund paid, for visits and for stays. */
export const OOP_OUTPATIENT = ADMISSIONS_REDIRECTED + 1;
export const FUND_OUTPATIENT = OOP_OUTPATIENT + TIER_COUNT;
export const OOP_INPATIENT = FUND_OUTPATIENT + TIER_COUNT;
export const FUND_INPATIENT = OOP_INPATIENT + TIER_COUNT;
/** Yuan, + scheme (SCHEME_COUNT): the same, visits and stays together, by insurance scheme. */
export const OOP_BY_SCHEME = FUND_INPATIENT + TIER_COUNT;
export const FUND_BY_SCHEME = OOP_BY_SCHEME + SCHEME_COUNT;
/** Downward referrals proposed at discharge, and those the patient turned down. */
export const DOWNWARD_PROPOSED = FUND_BY_SCHEME + SCHEME_COUNT;
export const DOWNWARD_DECLINED = DOWNWARD_PROPOSED + 1;
/** Downward referrals with a step-down stay that found no bed at the home centre. */
export const DOWNWARD_NO_BED = DOWNWARD_DECLINED + 1;
/** Step-down stays begun at the home centre after a downward referral. */
export const STEP_DOWN_STAYS = DOWNWARD_NO_BED + 1;
/**
 * Stocks tallied on the last day of each year (and at the run's end), so a year's value is its
 * December: residents, contract holders among them (all, urban, key populations, each group of
 * CONTRACT_GROUPS), and holders at the year's enrolment and those who renewed.
 */
export const TALLY_RESIDENTS = STEP_DOWN_STAYS + 1;
export const TALLY_HOLDERS = TALLY_RESIDENTS + 1;
export const TALLY_URBAN_RESIDENTS = TALLY_HOLDERS + 1;
export const TALLY_URBAN_HOLDERS = TALLY_URBAN_RESIDENTS + 1;
export const TALLY_KEY_MEMBERS = TALLY_URBAN_HOLDERS + 1;
export const TALLY_KEY_HOLDERS = TALLY_KEY_MEMBERS + 1;
export const TALLY_RENEWAL_ELIGIBLE = TALLY_KEY_HOLDERS + 1;
export const TALLY_RENEWED = TALLY_RENEWAL_ELIGIBLE + 1;
export const CONTRACT_GROUP_COUNT = 9;
export const TALLY_GROUP_MEMBERS = TALLY_RENEWED + 1; // + group
export const TALLY_GROUP_HOLDERS = TALLY_GROUP_MEMBERS + CONTRACT_GROUP_COUNT; // + group
/**
 * Hypertension and diabetes patients, and those with at least four grassroots follow-up visits in
 * the year (standardized management, 规范化管理), all and urban.
 */
export const TALLY_HTN_DM_PATIENTS = TALLY_GROUP_HOLDERS + CONTRACT_GROUP_COUNT;
export const TALLY_HTN_DM_MANAGED = TALLY_HTN_DM_PATIENTS + 1;
export const TALLY_URBAN_HTN_DM_PATIENTS = TALLY_HTN_DM_MANAGED + 1;
export const TALLY_URBAN_HTN_DM_MANAGED = TALLY_URBAN_HTN_DM_PATIENTS + 1;
/** Yuan of contract fees, + payer: 0 the fund, 1 public-health money, 2 the resident. */
export const CONTRACT_FEES = TALLY_URBAN_HTN_DM_MANAGED + 1;
/** First contacts of contract holders, + tier or OPT_OUT_SLOT (all kinds). */
export const FIRST_CONTACT_HOLDERS = CONTRACT_FEES + 3;
/** Episodes seen at a facility of each tier (once per tier), and those referred up from it. */
export const EPISODES_SEEN_AT_TIER = FIRST_CONTACT_HOLDERS + FIRST_CONTACT_SLOTS; // + tier
export const REFERRED_OUT_OF_TIER = EPISODES_SEEN_AT_TIER + TIER_COUNT; // + tier
/** Episodes a facility kept one level beyond its capability instead of referring (payment, caps), + tier. */
export const RETAINED = REFERRED_OUT_OF_TIER + TIER_COUNT;
/** Referrals from alliance members, and those that went to a facility of the same alliance. */
export const REFERRALS_FROM_MEMBERS = RETAINED + TIER_COUNT;
export const REFERRALS_INTO_ALLIANCE = REFERRALS_FROM_MEMBERS + 1;
/** Emergencies taken first to a hospital that could not treat them (no green channel). */
export const EMERGENCIES_NEAREST = REFERRALS_INTO_ALLIANCE + 1;
/** Visits of rural-county residents at village and township facilities (grassroots share by place). */
export const COUNTY_RESIDENT_GRASSROOTS_VISITS = EMERGENCIES_NEAREST + 1;
/** Admissions cared for in a family bed (家庭病床) by a contracted team (no ward bed). */
export const FAMILY_BED_ADMISSIONS = COUNTY_RESIDENT_GRASSROOTS_VISITS + 1;
/** Downward referrals that went to a rehabilitation and nursing facility. */
export const DOWNWARD_TO_REHAB = FAMILY_BED_ADMISSIONS + 1;
/** Referral hops by (from tier, to tier): upward, + from × TIER_COUNT + to. */
export const UPWARD_FLOWS = DOWNWARD_TO_REHAB + 1;
/** Downward referrals by (from tier, to tier), + from × TIER_COUNT + to. */
export const DOWNWARD_FLOWS = UPWARD_FLOWS + TIER_COUNT * TIER_COUNT;
export const COUNTER_COUNT = DOWNWARD_FLOWS + TIER_COUNT * TIER_COUNT;

/** Episode outcomes: every episode ends in exactly one (or is still open when the run stops). */
export const OUTCOME_NAMES = ["treatedOutpatient", "treatedInpatient", "optedOut"] as const;

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
