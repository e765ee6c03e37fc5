import { inAlliance } from "../../policy/alliances.ts";
import { type InsuranceTables, kindSchemeTier, SCHEME_COUNT } from "../../policy/insurance.ts";
import { daySurgeryShare, meanStay, stayCostFactor, visitCostFactor } from "../../policy/payment.ts";
import { byTierArray } from "../../supply/by-tier.ts";
import { OUT_OF_REGION, TIER_COUNT } from "../../supply/tiers.ts";
import { insuranceOf, type World } from "../../world.ts";
import { CONDITION_GROUPS, GROUP_COUNT } from "../condition-groups.ts";

/**
 * The parts of the choice utilities that do not change during a run, packed so that scoring an
 * alternative reads a few numbers of its choice-set entry and of its (kind, scheme, tier) row.
 * (Measured on the earlier plain logit: scattering these over fifteen arrays made a choice cost
 * ≈ 600 ns.)
 *
 *   entry[i·ENTRY_STRIDE + …] = tierConstant + travel(minutes), qualityWeight·quality,
 *                               price factor, tier + 8·(has beds)
 *   row[((kind·SCHEME_COUNT + scheme)·TIER_COUNT + tier)·ROW_STRIDE + …] = outpatient out-of-pocket before
 *       the price factor, P(admission), stay cost (length of stay × price per day) before the
 *       price factor, inpatient deductible, uncovered share of the stay above the deductible;
 *       then the outpatient out-of-pocket and the uncovered share for care without a referral
 *   end[(group·5 + need − 1)·entries + i] = the entry where an episode that starts at entry i
 *       is treated: i itself when its facility is capable, else the referral target (the first
 *       capable entry of the same tier or above; the provincial hospitals in the last resort).
 *       Entry-minor, so that a choice reads its choice set's targets from one cache line instead
 *       of one line per alternative.
 */
export interface ChoiceTables {
  entry: Float64Array;
  row: Float64Array;
  end: Int32Array;
  /** Choice-set entries of all villages (the stride of `end`). */
  entries: number;
  qualityFloor: number;
  costPerYuan: number;
  waitPerDay: number;
  belowNeed: number;
  lambda: number;
  /** Tier of each entry (the nests). */
  tier: Uint8Array;
}

export const ENTRY_STRIDE = 4;
export const ROW_STRIDE = 7;
/** Offset from the referred to the unreferred values of a row (outpatient, uncovered share). */
export const UNREFERRED = 5;
export const HAS_BEDS = 8;

/** Travel disutility β·τ·ln(1 + m/τ): β per minute at first, half that at τ minutes. */
export function travelUtility(minutes: number, perMinute: number, saturation: number): number {
  return perMinute * saturation * Math.log1p(minutes / saturation);
}

const built = new WeakMap<World, ChoiceTables>();
const builtForCounties = new WeakMap<World, ChoiceTables>();

/**
 * The tables of a world for residents of a county or of an urban district, built once and shared
 * by every partition of a thread (read only); one set when the insurance rules are the same.
 */
export function choiceTables(w: World, rural = false): ChoiceTables {
  const county = rural && w.countyInsurance !== undefined;
  const cache = county ? builtForCounties : built;
  let tables = cache.get(w);
  if (!tables) {
    tables = buildChoiceTables(w, insuranceOf(w, county));
    cache.set(w, tables);
  }
  return tables;
}

function buildChoiceTables(w: World, insurance: InsuranceTables): ChoiceTables {
  const p = w.scenario.choice;
  const K = w.kinds.count;
  const asc = byTierArray(p.tierConstant);
  const S = SCHEME_COUNT;
  const row = new Float64Array(K * S * TIER_COUNT * ROW_STRIDE);
  for (let k = 0; k < K; k++) {
    for (let scheme = 0; scheme < S; scheme++) {
      for (let tier = 0; tier < TIER_COUNT; tier++) {
        const kt = k * TIER_COUNT + tier;
        const st = scheme * TIER_COUNT + tier;
        const kst = kindSchemeTier(k, scheme, tier);
        const at = kst * ROW_STRIDE;
        const visitPrice = w.kinds.priceOutpatient[kt] * visitCostFactor(w, tier);
        const stay = meanStay(
          w.kinds.lengthOfStay[kt],
          CONDITION_GROUPS[w.kinds.group[k]] === "surgery" ? daySurgeryShare(w, tier) : 0,
        );
        row[at] = visitPrice * (1 - insurance.outpatientRate[kst]);
        row[at + 1] = w.kinds.admission[kt];
        row[at + 2] = stay * w.kinds.pricePerDay[kt] * stayCostFactor(w, tier);
        row[at + 3] = insurance.deductible[st];
        row[at + 4] = 1 - insurance.inpatientRate[kst];
        row[at + 5] = visitPrice * (1 - insurance.unreferredOutpatientRate[kst]);
        row[at + 6] = 1 - insurance.unreferredInpatientRate[kst];
      }
    }
  }
  const cat = w.catchment;
  const f = w.facilities;
  const n = cat.facility.length;
  const entry = new Float64Array(n * ENTRY_STRIDE);
  const tier = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const id = cat.facility[i];
    const t = f.tier[id];
    tier[i] = t;
    const hasBeds = f.simulatedBeds[id] > 0 || t === OUT_OF_REGION;
    entry[i * ENTRY_STRIDE] =
      asc[t] + travelUtility(cat.minutes[i], p.travelPerMinute, p.travelSaturationMinutes);
    entry[i * ENTRY_STRIDE + 1] = p.qualityWeight * f.quality[id];
    entry[i * ENTRY_STRIDE + 2] = f.priceFactor[id];
    entry[i * ENTRY_STRIDE + 3] = t + (hasBeds ? HAS_BEDS : 0);
  }
  const end = new Int32Array(n * GROUP_COUNT * 5);
  for (let v = 0; v + 1 < cat.first.length; v++) {
    const first = cat.first[v];
    const last = cat.first[v + 1];
    for (let i = first; i < last; i++) {
      for (let g = 0; g < GROUP_COUNT; g++) {
        for (let need = 1; need <= 5; need++) {
          end[(g * 5 + need - 1) * n + i] = referralTarget(w, first, last, i, g, need);
        }
      }
    }
  }
  return {
    entry,
    row,
    end,
    entries: n,
    tier,
    qualityFloor: p.qualityFloor,
    costPerYuan: p.costPerYuan,
    waitPerDay: p.waitPerDay,
    belowNeed: p.belowNeedPenalty,
    lambda: p.nestSimilarity,
  };
}

/**
 * Expected out-of-pocket yuan of an episode treated at choice-set entry i: the expected visits at
 * the outpatient price after reimbursement, and the chance of admission times the stay's cost
 * after the deductible still due (`remaining`; < 0: the whole deductible) and the inpatient rate;
 * at the rates for referred care, or (`unreferred` = UNREFERRED) for care without a referral.
 */
export function episodeCost(
  entry: Float64Array,
  row: Float64Array,
  i: number,
  rowBase: number,
  visits: number,
  remaining: number,
  unreferred = 0,
): number {
  const eb = i * ENTRY_STRIDE;
  const code = entry[eb + 3];
  const tier = code & 7;
  const priceFactor = entry[eb + 2];
  const rb = (rowBase + tier) * ROW_STRIDE;
  let cost = visits * row[rb + (unreferred ? UNREFERRED : 0)] * priceFactor;
  const admission = row[rb + 1];
  if (code & HAS_BEDS && admission > 0) {
    const stay = row[rb + 2] * priceFactor;
    const due = remaining < 0 ? row[rb + 3] : remaining;
    const deductible = due < stay ? due : stay;
    cost += admission * (deductible + (stay - deductible) * row[rb + (unreferred ? 6 : 4)]);
  }
  return cost;
}

/**
 * Where an episode of `group` needing `need` that reaches entry i is treated: i if capable, else
 * the first capable entry of the same tier or above (entries are sorted by tier, then travel
 * time) — inside i's medical alliance when the choice set has one there, since members refer to
 * their own hospitals (国办发〔2017〕32号) — else the choice set's last entry (the provincial
 * hospitals, which validation makes capable of every need the catalogue can draw).
 */
export function referralTarget(
  w: World,
  first: number,
  last: number,
  i: number,
  group: number,
  need: number,
) {
  // No closure for "capable": allocating one per call (5 needs × 8 groups × 5,616 entries at 1M
  // residents) made a thread's first build of the tables take ~55 ms instead of ~17.
  const facility = w.catchment.facility;
  const { capability, tier } = w.facilities;
  if (capability[facility[i] * GROUP_COUNT + group] >= need) return i;
  const atLeast = tier[facility[i]];
  const alliance = w.alliances.allianceOf[facility[i]];
  if (alliance >= 0)
    for (let j = first; j < last; j++) {
      const id = facility[j];
      if (
        j !== i &&
        tier[id] >= atLeast &&
        capability[id * GROUP_COUNT + group] >= need &&
        inAlliance(w.alliances, alliance, id)
      )
        return j;
    }
  for (let j = first; j < last; j++) {
    const id = facility[j];
    if (j !== i && tier[id] >= atLeast && capability[id * GROUP_COUNT + group] >= need) return j;
  }
  return last - 1;
}
