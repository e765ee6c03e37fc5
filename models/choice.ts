import { z } from "zod";
import { byTierArray, byTierSchema } from "./by-tier.ts";
import { OUT_OF_REGION, TIER_COUNT } from "./tiers.ts";
import type { World } from "./world.ts";

/**
 * Facility choice: a multinomial logit over the resident's candidate facilities (own village
 * clinic, own township centre, own county/district hospital, the nearest tertiary hospital and
 * the provincial hospitals), with utility
 *   U = tierConstant + cost·E[out-of-pocket yuan] + travel·minutes + quality·q·(w + (1−w)·severity).
 * Defaults from relative weights and money values (DOMAIN.md, "Evidence for the facility-choice
 * model"): 30 minutes of travel is worth ≈ 68–103 yuan (Lv et al. IJERPH 2020; Jia et al. IJERPH
 * 2020), i.e. ≈ 3 yuan a minute; a senior doctor is worth ≈ 566–823 yuan (same papers), i.e. the
 * quality gap between village and tertiary care at full severity is worth ≈ 6–8 yuan-hundreds.
 * Revealed-preference studies find cost matters little, so the cost coefficient is small.
 */
export const ChoiceSchema = z
  .object({
    costPerYuan: z
      .number()
      .max(0)
      .default(-0.01)
      .describe("Utility per yuan of expected out-of-pocket cost."),
    travelPerMinute: z
      .number()
      .max(0)
      .default(-0.03)
      .describe("Utility per minute of travel (≈ 3 yuan a minute)."),
    qualityWeight: z
      .number()
      .min(0)
      .default(10)
      .describe("Utility per unit of perceived quality at full severity."),
    qualityFloor: z
      .number()
      .min(0)
      .max(1)
      .default(0.25)
      .describe("Share of the quality weight that applies even at zero severity."),
    tierConstant: byTierSchema(z.number(), [0.4, -0.15, 0, 0.5, -1]).describe(
      "Alternative-specific constants (habit, convenience beyond travel), calibration parameters.",
    ),
  })
  .strict();
export type ChoiceParams = z.infer<typeof ChoiceSchema>;

/**
 * Picks one of `n` alternatives with utilities `utility[0..n)` by inversion of the logit
 * probabilities with one uniform. Alternatives with utility −Infinity are unavailable.
 */
export function chooseLogit(
  utility: Float64Array,
  n: number,
  u: number,
  scratch: Float64Array,
  knownMax = Number.NaN,
): number {
  let max = knownMax;
  if (Number.isNaN(max)) {
    max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (utility[i] > max) max = utility[i];
  }
  if (max === Number.NEGATIVE_INFINITY) return -1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = utility[i] === Number.NEGATIVE_INFINITY ? 0 : Math.exp(utility[i] - max);
    total += w;
    scratch[i] = total;
  }
  const target = u * total;
  for (let i = 0; i < n - 1; i++) if (target < scratch[i]) return i;
  return n - 1;
}

/**
 * The parts of the utilities that do not change during a run, packed so that scoring one
 * alternative reads one small record of its choice-set entry and one of its (kind, scheme, tier):
 *   entry[i·4 + …] = tierConstant + travel·minutes, qualityWeight·q, priceFactor, tier + 8·hasBeds
 *   row[((kind·3 + scheme)·5 + tier)·5 + …] = cost·outpatient out-of-pocket, cost·P(admission),
 *     stay cost (length of stay × price per day), inpatient deductible, 1 − inpatient rate.
 * (Measured: scattering these over fifteen arrays made a choice cost ≈ 600 ns.)
 */
export interface ChoiceTables {
  entry: Float64Array;
  row: Float64Array;
  qualityFloor: number;
}

export const ENTRY_STRIDE = 4;
export const ROW_STRIDE = 5;

export function choiceTables(w: World): ChoiceTables {
  const p = w.scenario.choice;
  const K = w.kinds.count;
  const asc = byTierArray(p.tierConstant);
  const row = new Float64Array(K * 3 * TIER_COUNT * ROW_STRIDE);
  for (let k = 0; k < K; k++) {
    for (let scheme = 0; scheme < 3; scheme++) {
      for (let tier = 0; tier < TIER_COUNT; tier++) {
        const kt = k * TIER_COUNT + tier;
        const st = scheme * TIER_COUNT + tier;
        const at = ((k * 3 + scheme) * TIER_COUNT + tier) * ROW_STRIDE;
        row[at] = p.costPerYuan * w.kinds.priceOutpatient[kt] * (1 - w.insurance.outpatientRate[st]);
        row[at + 1] = p.costPerYuan * w.kinds.admission[kt];
        row[at + 2] = w.kinds.lengthOfStay[kt] * w.kinds.pricePerDay[kt];
        row[at + 3] = w.insurance.deductible[st];
        row[at + 4] = 1 - w.insurance.inpatientRate[st];
      }
    }
  }
  const n = w.catchment.facility.length;
  const entry = new Float64Array(n * ENTRY_STRIDE);
  for (let i = 0; i < n; i++) {
    const f = w.catchment.facility[i];
    const tier = w.facilities.tier[f];
    const hasBeds = w.facilities.beds[f] > 0 || tier === OUT_OF_REGION;
    entry[i * ENTRY_STRIDE] = asc[tier] + p.travelPerMinute * w.catchment.minutes[i];
    entry[i * ENTRY_STRIDE + 1] = p.qualityWeight * w.facilities.quality[f];
    entry[i * ENTRY_STRIDE + 2] = w.facilities.priceFactor[f];
    entry[i * ENTRY_STRIDE + 3] = tier + (hasBeds ? 8 : 0);
  }
  return { entry, row, qualityFloor: p.qualityFloor };
}
