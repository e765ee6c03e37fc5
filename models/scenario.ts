import { z } from "zod";
import { ChoiceSchema } from "./choice.ts";
import { EpisodesSchema } from "./episodes.ts";
import { FacilitiesSchema } from "./facilities.ts";
import { GeographySchema } from "./geography.ts";
import { InsuranceSchema } from "./insurance.ts";
import { PopulationSchema } from "./population.ts";
import { ReferralSchema } from "./referral.ts";
import { TargetsSchema } from "./targets.ts";

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
    population: z.number().int().min(1).max(50_000_000).default(200_000).describe("Residents simulated."),
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
    targets: TargetsSchema,
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
