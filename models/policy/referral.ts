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
    gatekeeping: z
      .object({
        mode: z
          .enum(["free", "penalty", "mandatory"])
          .default("penalty")
          .describe(
            "free: patients go where they like and the schemes' unreferred penalties are not applied; penalty (default, the 2015 status quo): free choice, with each scheme's insurance.schemes.*.unreferredPenalty for care without a referral; mandatory: first contact at the first-contact tiers, higher tiers only by referral (penalties apply too).",
          ),
        appliesTo: z
          .enum(["outpatient", "inpatient", "all"])
          .default("all")
          .describe(
            "What a mandatory sequence covers: first contacts (outpatient), admissions (inpatient: Qinghai's sequence township → secondary → tertiary for inpatients), or both.",
          ),
        firstContactTiers: z
          .enum(["grassroots", "grassrootsAndCounty"])
          .default("grassroots")
          .describe(
            "Where first contact may be made: the grassroots, or also county hospitals and city secondary hospitals (Jiujiang 2016).",
          ),
        exempt: z
          .object({
            elderly: z
              .boolean()
              .default(true)
              .describe("Residents of population.keyGroups.elderlyAge and over."),
            youngChildren: z.boolean().default(true).describe("Children under 5."),
            pregnant: z.boolean().default(true).describe("Pregnant and postpartum women."),
            severeMentalIllness: z.boolean().default(true).describe("Psychiatric patients."),
          })
          .strict()
          .prefault({})
          .describe(
            "Groups exempt from first contact (Jiujiang 2016: 65+, under 5, pregnant, psychiatric, besides emergencies, which are always exempt).",
          ),
      })
      .strict()
      .prefault({})
      .describe("Gatekeeping: how far the first-contact rule binds."),
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

/** The gatekeeping rules as the care pathway reads them. */
export interface GatekeepingRules {
  /** Care without a referral is reimbursed at the schemes' penalised rates. */
  penalties: boolean;
  /** First contacts (and chronic returns) restricted to the first-contact tiers. */
  outpatient: boolean;
  /** Admissions above the first-contact tiers need a referral. */
  inpatient: boolean;
  /** Highest tier of first contact (TOWNSHIP = 1 or COUNTY = 2). */
  highestFirstContactTier: number;
  exemptElderlyAge: number;
  exemptUnderAge: number;
  exemptPregnant: boolean;
  exemptSevereMentalIllness: boolean;
}

export function gatekeepingRules(referral: ReferralParams, elderlyAge: number): GatekeepingRules {
  const g = referral.gatekeeping;
  const mandatory = g.mode === "mandatory";
  return {
    penalties: g.mode !== "free",
    outpatient: mandatory && g.appliesTo !== "inpatient",
    inpatient: mandatory && g.appliesTo !== "outpatient",
    highestFirstContactTier: g.firstContactTiers === "grassroots" ? 1 : 2,
    exemptElderlyAge: g.exempt.elderly ? elderlyAge : 999,
    exemptUnderAge: g.exempt.youngChildren ? 5 : 0,
    exemptPregnant: g.exempt.pregnant,
    exemptSevereMentalIllness: g.exempt.severeMentalIllness,
  };
}
