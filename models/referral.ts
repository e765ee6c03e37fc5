import { z } from "zod";

/**
 * Referral rules: a facility that cannot treat an episode (capability below its need) refers
 * it up to the lowest capable tier of the patient's chain (Wenzhou annex 1: disease outside the
 * licensed scope, hard-to-diagnose cases); the patient follows the referral with probability
 * `compliance`, else chooses among higher tiers. After a hospital stay, a patient needing
 * rehabilitation is referred down to the home township centre with probability `downward`.
 */
export const ReferralSchema = z
  .object({
    compliance: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe("Probability a referred patient goes where referred."),
    delayDays: z
      .number()
      .min(0)
      .default(1)
      .describe("Mean days from a referral to the visit it leads to (exponential; emergencies go at once)."),
    downward: z
      .number()
      .min(0)
      .max(1)
      .default(0.35)
      .describe(
        "Probability that post-acute rehabilitation after a hospital stay is referred down to the grassroots.",
      ),
  })
  .strict();
export type ReferralParams = z.infer<typeof ReferralSchema>;
