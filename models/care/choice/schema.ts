import { z } from "zod";
import { byTierSchema } from "../../supply/by-tier.ts";

/**
 * Parameters of facility choice, with the evidence for each. The
 * utility of facility j for an episode is
 *   V = tierConstant + travel(minutes) + quality·q_j·(floor + (1 − floor)·severity)
 *       + costPerYuan·E[out-of-pocket of the whole episode if it starts at j]
 *       + waitPerDay·(expected wait at j) + belowNeed·[capability of j < perceived need]
 * and alternatives are nested by tier (nested logit), with an opt-out nest for kinds that have
 * one. Conversions to these units:
 * - money is the numéraire: costPerYuan = −0.004 (250 yuan a unit of utility). With it, a senior
 *   doctor or expert, valued at 566–823 yuan (Lv et al., IJERPH 2020;17:8420; Jia et al., IJERPH
 *   2020;17:3987), is worth ≈ 2.8 units: the quality gap of county (0.6) to tertiary (0.9) care
 *   at full severity, so qualityWeight = 2.8 / 0.3 ≈ 9.
 * - travel under 30 minutes is worth 68–103 yuan (same papers), ≈ 3 yuan a minute, so the first
 *   minutes cost 0.004 × 3 ≈ 0.012 units each … but revealed behaviour in rural China is far more
 *   distance-averse than these urban online samples, so travelPerMinute is a calibration
 *   parameter (−0.03 at the first minute); travel is valued as β·τ·ln(1 + m/τ), whose marginal
 *   cost falls from β at 0 to β/2 at τ minutes, instead of linearly out to 240 minutes.
 * - waitPerDay: in Yan N et al. (Front Public Health 2022;10:1044550) a 12-day wait costs 0.925
 *   (from +0.464 to −0.461) against 0.355 for tertiary over community care (+0.223 vs −0.132).
 *   This model's tertiary-over-community quality gap for a moderate episode is ≈ 2.5 units, so a
 *   day of waiting is worth 2.5 × (0.925 / 12) / 0.355 ≈ 0.5 units.
 * - costPerYuan is small on purpose: revealed-preference studies find reimbursement gaps move
 *   choices little (China Kadoorie Biobank; BMC HSR 2014;14:185).
 */
export const ChoiceSchema = z
  .object({
    costPerYuan: z
      .number()
      .max(0)
      .default(-0.004)
      .describe("Utility per yuan of the episode's expected out-of-pocket cost (250 yuan a unit)."),
    travelPerMinute: z
      .number()
      .max(0)
      .default(-0.03)
      .describe(
        "Utility of the first minute of travel (calibration parameter; see travelSaturationMinutes).",
      ),
    travelSaturationMinutes: z
      .number()
      .positive()
      .default(30)
      .describe("τ of the travel term β·τ·ln(1 + minutes/τ): the marginal minute costs half as much at τ."),
    qualityWeight: z
      .number()
      .min(0)
      .default(9)
      .describe("Utility per unit of perceived quality at full severity (senior doctor ≈ 566–823 yuan)."),
    qualityFloor: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe("Share of the quality weight that applies even at zero severity."),
    tierConstant: byTierSchema(z.number(), [0.8, 0.15, 0, 0.3, -1.5]).describe(
      "Alternative-specific constants (habit, convenience beyond travel): calibration parameters.",
    ),
    nestSimilarity: z
      .number()
      .gt(0)
      .max(1)
      .default(0.3)
      .describe(
        "λ of the tier nests (1: plain logit). Below 1, facilities of one tier are close substitutes, so adding one adds capacity rather than demand: calibration parameter.",
      ),
    belowNeedPenalty: z
      .number()
      .max(0)
      .default(-5)
      .describe(
        "Utility of a facility whose capability is below the patient's perceived need (−5: chosen ≈ 150× less often than an equal facility that can treat): calibration parameter.",
      ),
    misjudgement: z
      .object({
        under: z
          .number()
          .min(0)
          .max(1)
          .default(0.1)
          .describe("Probability the patient perceives the need one level lower than it is."),
        over: z
          .number()
          .min(0)
          .max(1)
          .default(0.05)
          .describe("Probability the patient perceives the need one level higher than it is."),
      })
      .strict()
      .prefault({})
      .refine((m) => m.under + m.over <= 1, { message: "expected under + over ≤ 1" })
      .describe("How often patients misjudge their need (calibration parameters)."),
    waitPerDay: z
      .number()
      .max(0)
      .default(-0.5)
      .describe("Utility per day of expected outpatient wait (Yan et al. 2022, converted in the docs)."),
    waitMemoryDays: z
      .number()
      .positive()
      .default(14)
      .describe("Half-life (days) of the smoothed waits patients learn from recent experience."),
    balkAfterDays: z
      .number()
      .int()
      .min(0)
      .max(60)
      .default(7)
      .describe(
        "Longest wait for an outpatient slot a patient accepts; beyond it they go elsewhere (balking).",
      ),
    continuity: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe(
        "Probability that a chronic follow-up returns to the resident's usual facility instead of choosing again (calibration parameter).",
      ),
  })
  .strict();
export type ChoiceParams = z.infer<typeof ChoiceSchema>;
