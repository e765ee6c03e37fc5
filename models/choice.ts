import { z } from "zod";
import { byTierSchema } from "./by-tier.ts";

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
    tierConstant: byTierSchema(z.number(), [0.2, 0, 0, 0.9, -1]).describe(
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
