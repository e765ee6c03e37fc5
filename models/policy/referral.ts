import { z } from "zod";
import { OUT_OF_REGION } from "../supply/tiers.ts";

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
        withinRegionOnly: z
          .boolean()
          .default(false)
          .describe(
            "Whether a mandatory sequence covers care within the pooling region only (Qinghai: the sequence binds inpatient care inside the province's pooling region), leaving out-of-region care to the unreferred penalties; default false: it covers out-of-region care too.",
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
    greenChannelShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.57)
      .describe(
        "Share of emergencies taken straight to a hospital able to treat them (green channels for chest pain, stroke, trauma); the others go to the nearest hospital of county tier or above, which treats or refers on at once. Default 0.57: 43.3% of heart-attack patients of the CCC-ACS project reached a PCI hospital as transfers from one that could not do PCI (Hu D et al., Front Cardiovasc Med 2022, doi:10.3389/fcvm.2022.1064690).",
      ),
    outCaps: z
      .object({
        township: z
          .number()
          .min(0)
          .max(1)
          .nullable()
          .default(null)
          .describe(
            "Cap on township and community centres' referral-out rate (Jiujiang 2016: 55% for central township centres).",
          ),
        county: z
          .number()
          .min(0)
          .max(1)
          .nullable()
          .default(null)
          .describe("Cap on county and city secondary hospitals' referral-out rate (Jiujiang 2016: 10%)."),
        tertiary: z
          .number()
          .min(0)
          .max(1)
          .nullable()
          .default(null)
          .describe("Cap on tertiary hospitals' referral-out rate (Jiujiang 2016: 5% out of the city)."),
        enforce: z
          .boolean()
          .default(false)
          .describe(
            "Enforced: while an area's referral-out rate at a tier this year exceeds its cap, that tier's facilities keep episodes needing one level more than their capability instead of referring them (an area quota, as in Qinghai's referral quotas per area and level). Not enforced (default): the rates are measured and scored only.",
          ),
      })
      .strict()
      .prefault({})
      .describe("Referral-out caps by tier (referrals up ÷ episodes seen at the tier; null: none)."),
    downward: z
      .number()
      .min(0)
      .max(1)
      .default(0.35)
      .describe(
        "Probability that the discharging county or tertiary hospital proposes to refer post-acute rehabilitation down to the patient's home township or community centre (the provider's side). The patient accepts by a binary logit between the centre and the hospital on the choice model's terms (tier constant, travel, quality at low acuity, out-of-pocket cost of the rehabilitation visits and of any step-down stay with its deductible), and a step-down stay also needs a free bed at the centre.",
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
  /** Highest tier the mandatory rules cover (OUT_OF_REGION − 1 when they bind within the region only). */
  highestCoveredTier: number;
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
    highestCoveredTier: g.withinRegionOnly ? OUT_OF_REGION - 1 : OUT_OF_REGION,
    exemptElderlyAge: g.exempt.elderly ? elderlyAge : 999,
    exemptUnderAge: g.exempt.youngChildren ? 5 : 0,
    exemptPregnant: g.exempt.pregnant,
    exemptSevereMentalIllness: g.exempt.severeMentalIllness,
  };
}
