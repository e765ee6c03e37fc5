import { z } from "zod";
import { ChoiceSchema } from "./care/choice/schema.ts";
import { EpisodesSchema } from "./care/episodes.ts";
import { CalibrationChecksSchema } from "./outcomes/calibration-checks.ts";
import { TargetsSchema } from "./outcomes/targets.ts";
import { AlliancesSchema } from "./policy/alliances.ts";
import { ContractingSchema } from "./policy/contracting.ts";
import { InsuranceSchema } from "./policy/insurance.ts";
import { PaymentSchema } from "./policy/payment.ts";
import { ReferralSchema } from "./policy/referral.ts";
import { TimelineSchema } from "./policy/timeline.ts";
import { PopulationSchema } from "./population/population.ts";
import { FacilitiesSchema } from "./supply/facilities.ts";
import { GeographySchema } from "./supply/geography.ts";

/**
 * The scenario: the composition of every model's schema. Defaults fill what a file omits;
 * unknown keys are errors (strict objects), so a typo never passes silently.
 */
export const RunSettingsSchema = z
  .object({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(20150101)
      .describe("Seed of every random stream."),
    population: z
      .number()
      .int()
      .min(1)
      .max(50_000_000)
      .default(200_000)
      .describe(
        "Residents simulated: the whole region (geography.population) or a sample of it, each simulated resident standing for several real ones.",
      ),
    years: z
      .number()
      .int()
      .min(1)
      .max(30)
      .default(2)
      .describe("Simulated years; the summary covers the last."),
    startYear: z.number().int().min(1990).max(2100).default(2015).describe("Calendar year of day 0."),
    replications: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe("Independent replications (spread of results)."),
  })
  .strict();

export const ScenarioSchema = z
  .object({
    extends: z
      .string()
      .optional()
      .describe(
        "A scenario file (relative to this one) this scenario builds on: its fields, with this file's on top (mappings merged field by field, lists and values replaced). Resolved by the loader.",
      ),
    name: z.string().min(1).max(200).default("unnamed"),
    description: z.string().max(5000).default(""),
    run: RunSettingsSchema.prefault({}),
    geography: GeographySchema.prefault({}),
    population: PopulationSchema.prefault({}),
    facilities: FacilitiesSchema.prefault({}),
    episodes: EpisodesSchema.prefault({}),
    insurance: InsuranceSchema.prefault({}),
    choice: ChoiceSchema.prefault({}),
    referral: ReferralSchema.prefault({}),
    alliances: AlliancesSchema.prefault({}),
    contracting: ContractingSchema.prefault({}),
    payment: PaymentSchema.prefault({}),
    timeline: TimelineSchema,
    targets: TargetsSchema,
    calibrationChecks: CalibrationChecksSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    // Every referral chain must end somewhere able to treat: the provincial hospitals must cover
    // the highest need level each kind can draw in its condition group (rehabilitation: level 1).
    s.episodes.kinds.forEach((k, i) => {
      const highest = k.needLevel.reduce((top, p, level) => (p > 0 ? level + 1 : top), 0);
      const can = s.facilities.provincial.capability[k.group];
      if (highest > can)
        ctx.addIssue({
          code: "custom",
          path: ["facilities", "provincial", "capability", k.group],
          message: `expected at least ${highest}: episode kind "${k.id}" (#${i}) can need level ${highest} in ${k.group}, and referral chains end at the provincial hospitals`,
        });
    });
    if (s.facilities.provincial.capability.rehabilitation < 1)
      ctx.addIssue({
        code: "custom",
        path: ["facilities", "provincial", "capability", "rehabilitation"],
        message: "expected at least 1: rehabilitation after a stay must be treatable somewhere",
      });
    // Disease-restricted reimbursement lists name kinds of the catalogue.
    const kindIds = s.episodes.kinds.map((k) => k.id);
    for (const [scheme, rules] of Object.entries(s.insurance.schemes))
      rules.diseaseLists.forEach((list, i) => {
        list.kinds.forEach((id, j) => {
          if (!kindIds.includes(id))
            ctx.addIssue({
              code: "custom",
              path: ["insurance", "schemes", scheme, "diseaseLists", i, "kinds", j],
              message: `no episode kind "${id}": expected one of ${kindIds.map((k) => `"${k}"`).join(", ")}`,
            });
        });
      });
    // Facility changes name areas that must exist in this scenario's geography.
    const districts = s.geography.urbanDistricts.count;
    const counties = s.geography.counties.count;
    const areaNames = s.geography.units?.length
      ? [...new Set(s.geography.units.map((u) => u.area))]
      : [
          ...Array.from({ length: districts }, (_, i) => `district-${i + 1}`),
          ...Array.from({ length: counties }, (_, i) => `county-${i + 1}`),
        ];
    s.facilities.changes.forEach((change, i) => {
      const path = ["facilities", "changes", i];
      if (change.area !== "city" && !areaNames.includes(change.area))
        ctx.addIssue({
          code: "custom",
          path: [...path, "area"],
          message: `no area "${change.area}": expected "city" or one of ${areaNames.map((n) => `"${n}"`).join(", ")}`,
        });
      if (
        change.action === "add" &&
        ["villageClinic", "communityStation", "townshipCentre", "communityCentre", "provincial"].includes(
          change.type,
        )
      )
        ctx.addIssue({
          code: "custom",
          path: [...path, "type"],
          message: `cannot add a ${change.type}: it follows the placement rules (resize or remove it, or change the placement)`,
        });
      if (change.action === "add" && change.area === "city" && change.type !== "tertiary")
        ctx.addIssue({
          code: "custom",
          path: [...path, "area"],
          message: `a ${change.type} belongs to a district or county, not the city`,
        });
    });
  });

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
