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
export function chooseLogit(utility: Float64Array, n: number, u: number, scratch: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (utility[i] > max) max = utility[i];
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
 * The parts of the utilities that do not change during a run, precomputed so that a choice
 * costs a few additions per alternative:
 *   cost[(kind·3 + scheme)·5 + tier] = cost · outpatient out-of-pocket at the tier's price,
 *   per choice-set entry: constant = tierConstant, travel = travel · minutes,
 *   quality = qualityWeight · q, priceFactor and hasBeds of the facility;
 *   stayCost[kind·5 + tier] = length of stay × price per day.
 */
export interface ChoiceTables {
  cost: Float64Array;
  constant: Float64Array;
  travel: Float64Array;
  quality: Float64Array;
  priceFactor: Float64Array;
  hasBeds: Uint8Array;
  stayCost: Float64Array;
  costPerYuan: number;
  qualityFloor: number;
}

export function choiceTables(w: World): ChoiceTables {
  const p = w.scenario.choice;
  const K = w.kinds.count;
  const asc = byTierArray(p.tierConstant);
  const cost = new Float64Array(K * 3 * TIER_COUNT);
  const stayCost = new Float64Array(K * TIER_COUNT);
  for (let k = 0; k < K; k++) {
    for (let tier = 0; tier < TIER_COUNT; tier++) {
      stayCost[k * TIER_COUNT + tier] =
        w.kinds.lengthOfStay[k * TIER_COUNT + tier] * w.kinds.pricePerDay[k * TIER_COUNT + tier];
      for (let scheme = 0; scheme < 3; scheme++) {
        const oop =
          w.kinds.priceOutpatient[k * TIER_COUNT + tier] *
          (1 - w.insurance.outpatientRate[scheme * TIER_COUNT + tier]);
        cost[(k * 3 + scheme) * TIER_COUNT + tier] = p.costPerYuan * oop;
      }
    }
  }
  const n = w.catchment.facility.length;
  const constant = new Float64Array(n);
  const travel = new Float64Array(n);
  const quality = new Float64Array(n);
  const priceFactor = new Float64Array(n);
  const hasBeds = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const f = w.catchment.facility[i];
    const tier = w.facilities.tier[f];
    constant[i] = asc[tier];
    travel[i] = p.travelPerMinute * w.catchment.minutes[i];
    quality[i] = p.qualityWeight * w.facilities.quality[f];
    priceFactor[i] = w.facilities.priceFactor[f];
    hasBeds[i] = w.facilities.beds[f] > 0 || tier === OUT_OF_REGION ? 1 : 0;
  }
  return {
    cost,
    constant,
    travel,
    quality,
    priceFactor,
    hasBeds,
    stayCost,
    costPerYuan: p.costPerYuan,
    qualityFloor: p.qualityFloor,
  };
}
