import { z } from "zod";
import { AgeScheduleSchema } from "../population/age-schedule.ts";
import { CONDITIONS, KEY_GROUPS } from "../population/population.ts";
import { type ByTierValues, byTierSchema } from "../supply/by-tier.ts";
import { CONDITION_GROUPS } from "./condition-groups.ts";

/**
 * The episode catalogue: kinds of illness episode as data. Each kind has an incidence by age
 * (plus extra incidence for residents with given chronic conditions), a severity law, the
 * capability level it needs, its number of outpatient visits, and admission, length of stay
 * and price by the tier that treats it.
 */

const probability = z.number().min(0).max(1);
const yuan = z.number().min(0);

const TriangularSchema = z
  .object({ min: probability, mode: probability, max: probability })
  .strict()
  .refine((s) => s.min <= s.mode && s.mode <= s.max, { message: "expected min ≤ mode ≤ max" });

export const EpisodeKindSchema = z
  .object({
    id: z.string().regex(/^[a-zA-Z][A-Za-z0-9_-]*$/, "expected an identifier (letters, digits, _ or -)"),
    label: z.string().min(1),
    source: z.string().default("").describe("Where the numbers come from."),
    incidence: AgeScheduleSchema.describe("Episodes per person-year by age."),
    conditionIncidence: z
      .partialRecord(z.enum(CONDITIONS), z.number().min(0))
      .default({})
      .describe("Extra episodes per person-year for residents living with each condition."),
    group: z
      .enum(CONDITION_GROUPS)
      .default("general")
      .describe("Condition group: which facility capability the episode needs."),
    keyGroupWhileOpen: z
      .enum(KEY_GROUPS)
      .optional()
      .describe(
        "Key-population group the patient belongs to while the episode is open (maternity: pregnant).",
      ),
    sex: z.enum(["any", "female", "male"]).default("any").describe("Who can have this kind of episode."),
    admissionAt: z
      .enum(["first", "last", "every"])
      .default("first")
      .describe(
        "Admission decided once at the first treating visit, once at the last (delivery after prenatal visits), or at every visit (treatment cycles).",
      ),
    emergency: z
      .boolean()
      .default(false)
      .describe(
        "Goes straight to the nearest hospital (county tier or above) able to treat it, through the emergency department (no outpatient slot).",
      ),
    optOut: z
      .number()
      .nullable()
      .default(null)
      .describe(
        "Utility of not seeking care (self-care, a pharmacy) against the facilities; null: every episode seeks care. A calibration parameter.",
      ),
    usualSource: z
      .boolean()
      .default(false)
      .describe(
        "Returns to the resident's usual facility (with the probability choice.continuity) instead of choosing afresh: chronic follow-up.",
      ),
    twoWeekIllness: z
      .boolean()
      .default(false)
      .describe(
        "Counts as two-week illness (两周患病) in the first-contact target (Jiujiang 2016: ≥ 70% first seen at the grassroots): the acute, non-emergency illness of the National Health Services Survey.",
      ),
    maxBedWaitDays: z
      .number()
      .min(0)
      .default(7)
      .describe(
        "Longest wait for a bed before the patient is transferred to another capable hospital with beds.",
      ),
    severity: TriangularSchema.describe("Triangular law of severity (0–1): weight of quality in the choice."),
    needLevel: z
      .array(probability)
      .length(5)
      .describe("Probability that the episode needs capability level 1…5 (village … provincial)."),
    visits: z
      .object({
        mean: z.number().min(1).describe("Mean outpatient visits (the first plus geometric follow-ups)."),
        intervalDays: z.number().min(1).describe("Mean days between follow-up visits."),
      })
      .strict(),
    admission: byTierSchema(probability, [0, 0, 0, 0, 0]).describe(
      "Probability of admission when treated at each tier.",
    ),
    lengthOfStayDays: byTierSchema(z.number().min(1), [1, 6.4, 8.9, 10.4, 12]).describe(
      "Mean length of stay by tier (NHFPC 2015: township centres 6.4, secondary 8.9, tertiary 10.4 days).",
    ),
    price: z
      .object({
        outpatient: byTierSchema(yuan, [30, 60, 184, 284, 320]).describe(
          "Yuan per outpatient visit (NHFPC 2015: township 60.1, secondary 184.1, tertiary 283.7).",
        ),
        inpatientPerDay: byTierSchema(yuan, [0, 232, 602, 1211, 1400]).describe(
          "Yuan per inpatient day (NHFPC 2015 cost per stay ÷ length of stay).",
        ),
      })
      .strict()
      .prefault({}),
    rehab: z
      .object({
        probability: probability.describe(
          "Probability of needing post-acute rehabilitation after a hospital stay.",
        ),
        visits: z.number().min(1).describe("Rehabilitation visits."),
        intervalDays: z.number().min(1),
        stayDays: z
          .number()
          .min(0)
          .max(90)
          .default(0)
          .describe(
            "Mean days of a step-down stay (convalescence) in the home township or community centre's beds for a patient referred down, before the rehabilitation visits; 0 (default, no source gives a figure): none.",
          ),
      })
      .strict()
      .prefault({ probability: 0, visits: 1, intervalDays: 7 }),
  })
  .strict()
  .superRefine((k, ctx) => {
    const total = k.needLevel.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-6)
      ctx.addIssue({
        code: "custom",
        path: ["needLevel"],
        message: `expected probabilities summing to 1, got ${total}`,
      });
  });
export type EpisodeKind = z.infer<typeof EpisodeKindSchema>;
type EpisodeKindInput = z.input<typeof EpisodeKindSchema>;

const AGES = [0, 5, 15, 45, 60, 65, 75];
const tiers = (v: number, t: number, c: number, h: number, o: number): ByTierValues => ({
  village: v,
  township: t,
  county: c,
  tertiary: h,
  outOfRegion: o,
});

/** A chronic follow-up kind for one condition: `perYear` visits a year per patient. */
function followUp(
  condition: (typeof CONDITIONS)[number],
  label: string,
  perYear: number,
  needLevel: number[],
): EpisodeKindInput {
  return {
    id: `${condition}FollowUp`,
    group: "chronic",
    label: `Follow-up of ${label} (prescription renewal, monitoring)`,
    source: "Basic public health service norms (≥ 4 follow-ups a year); monthly prescriptions",
    incidence: { ages: [0], values: [0] },
    conditionIncidence: { [condition]: perYear },
    // Prescription renewal: the least severe of visits, where quality matters least.
    severity: { min: 0, mode: 0.05, max: 0.2 },
    needLevel,
    usualSource: true,
    visits: { mean: 1, intervalDays: 30 },
    price: { outpatient: tiers(30, 70, 190, 290, 320) },
  };
}

/**
 * Default catalogue, shaped to the national 2015 totals: 77.0亿 visits for 1.375 bn people
 * (5.6 a person-year) and 2.1亿 admissions (15 per 100) (NHFPC statistical bulletin 2015).
 * The National Health Services Survey 2013 found a two-week illness prevalence of 24% and a
 * chronic prevalence of 33% among residents 15+, which bounds the incidences below.
 */
export const DEFAULT_EPISODE_KINDS: EpisodeKindInput[] = [
  {
    id: "minor",
    group: "general",
    label: "Common minor illness",
    source:
      "NHSS 2013 two-week illness; scaled to NHFPC 2015 visit totals after self-care: 25–31% of two-week illnesses were self-treated in 2008 (Li, Rao & Ren, BMC Public Health 2012;12:995)",
    incidence: { ages: AGES, values: [5.1, 3.1, 2.1, 2.6, 3.0, 3.4, 3.7] },
    optOut: 1,
    twoWeekIllness: true,
    severity: { min: 0, mode: 0.1, max: 0.4 },
    needLevel: [0.93, 0.07, 0, 0, 0],
    visits: { mean: 1.5, intervalDays: 3 },
    admission: tiers(0, 0.01, 0.02, 0.02, 0.02),
    price: { outpatient: tiers(25, 50, 150, 230, 260) },
  },
  {
    id: "moderate",
    group: "general",
    label: "Acute moderate illness",
    source: "Calibration guess; NHFPC 2015 admissions 15 per 100",
    incidence: { ages: AGES, values: [0.5, 0.3, 0.3, 0.45, 0.55, 0.65, 0.8] },
    twoWeekIllness: true,
    severity: { min: 0.2, mode: 0.4, max: 0.8 },
    needLevel: [0.25, 0.45, 0.25, 0.05, 0],
    visits: { mean: 2.5, intervalDays: 5 },
    admission: tiers(0, 0.12, 0.2, 0.24, 0.24),
  },
  {
    id: "emergency",
    group: "cardiocerebral",
    label: "Emergency (stroke, heart attack, trauma)",
    source: "Calibration guess",
    incidence: { ages: AGES, values: [0.008, 0.006, 0.008, 0.015, 0.025, 0.035, 0.06] },
    conditionIncidence: { chd: 0.05, stroke: 0.05, hypertension: 0.01 },
    emergency: true,
    severity: { min: 0.7, mode: 0.9, max: 1 },
    needLevel: [0, 0.05, 0.6, 0.32, 0.03],
    visits: { mean: 1.5, intervalDays: 14 },
    admission: tiers(0, 0.5, 0.75, 0.8, 0.8),
    lengthOfStayDays: tiers(1, 7, 10, 12, 14),
    rehab: { probability: 0.3, visits: 6, intervalDays: 7 },
    maxBedWaitDays: 1,
  },
  // Chronic follow-up, one kind per condition: each visit renews a prescription or checks
  // control; the yearly number of visits is the condition's incidence (national basic public
  // health service norms ask ≥ 4 follow-ups a year for managed hypertension and diabetes; with
  // 1-month prescriptions patients come about monthly, so managed caseloads average 6–8).
  followUp("hypertension", "hypertension", 8, [0.85, 0.12, 0.03, 0, 0]),
  followUp("diabetes", "diabetes", 8, [0.75, 0.2, 0.05, 0, 0]),
  followUp("copd", "COPD", 4, [0.6, 0.3, 0.1, 0, 0]),
  followUp("chd", "coronary heart disease", 5, [0.6, 0.3, 0.1, 0, 0]),
  followUp("stroke", "stroke history", 4, [0.6, 0.3, 0.1, 0, 0]),
  {
    id: "complex",
    group: "general",
    label: "Complex or undiagnosed condition",
    source: "Calibration guess",
    incidence: { ages: AGES, values: [0.02, 0.015, 0.025, 0.05, 0.07, 0.08, 0.1] },
    severity: { min: 0.5, mode: 0.8, max: 1 },
    needLevel: [0, 0, 0.35, 0.55, 0.1],
    visits: { mean: 3, intervalDays: 10 },
    admission: tiers(0, 0.2, 0.4, 0.5, 0.6),
    lengthOfStayDays: tiers(1, 7, 10, 12, 14),
    price: { outpatient: tiers(30, 80, 250, 400, 450) },
    rehab: { probability: 0.15, visits: 4, intervalDays: 7 },
  },
];

DEFAULT_EPISODE_KINDS.push(
  {
    id: "exacerbation",
    group: "respiratory",
    label: "Chronic disease exacerbation",
    source: "Calibration guess; COPD and heart failure exacerbations dominate",
    incidence: { ages: [0], values: [0] },
    conditionIncidence: { copd: 0.4, chd: 0.3, stroke: 0.2, diabetes: 0.1, hypertension: 0.05 },
    severity: { min: 0.3, mode: 0.6, max: 0.9 },
    needLevel: [0.1, 0.5, 0.35, 0.05, 0],
    visits: { mean: 2, intervalDays: 7 },
    admission: tiers(0, 0.25, 0.4, 0.45, 0.5),
    maxBedWaitDays: 3,
  },
  {
    id: "electiveSurgery",
    group: "surgery",
    label: "Elective surgery",
    source: "Calibration guess; NHFPC 2015 inpatient surgery ≈ 4.6 per 100 residents",
    incidence: { ages: AGES, values: [0.005, 0.008, 0.012, 0.025, 0.035, 0.04, 0.04] },
    severity: { min: 0.3, mode: 0.5, max: 0.8 },
    needLevel: [0, 0.2, 0.55, 0.23, 0.02],
    visits: { mean: 2, intervalDays: 14 },
    admission: tiers(0, 0.9, 0.95, 0.95, 0.95),
    admissionAt: "last",
    maxBedWaitDays: 14,
  },
  {
    id: "maternity",
    group: "maternity",
    keyGroupWhileOpen: "pregnant",
    label: "Maternity: prenatal visits and delivery",
    source: "16.55 M births in 2015 (NBS) over ≈ 310 M women aged 15–44; ≥ 5 prenatal visits (national norm)",
    sex: "female",
    incidence: { ages: [0, 15, 45], values: [0, 0.053, 0] },
    severity: { min: 0.2, mode: 0.4, max: 0.7 },
    needLevel: [0, 0.55, 0.4, 0.05, 0],
    visits: { mean: 6, intervalDays: 30 },
    admission: tiers(0, 0.95, 0.98, 0.98, 0.98),
    admissionAt: "last",
    lengthOfStayDays: tiers(1, 3, 4, 5, 5),
    maxBedWaitDays: 1,
  },
  {
    id: "cancer",
    label: "Cancer treatment cycles",
    group: "oncology",
    source:
      "4.29 M new cancer cases in China in 2015 (Chen W et al., CA Cancer J Clin 2016;66:115); chemotherapy in ≈ 21-day cycles",
    incidence: { ages: AGES, values: [0.0002, 0.0002, 0.0005, 0.003, 0.007, 0.009, 0.013] },
    severity: { min: 0.7, mode: 0.9, max: 1 },
    needLevel: [0, 0, 0.25, 0.6, 0.15],
    visits: { mean: 6, intervalDays: 21 },
    admission: tiers(0, 0, 0.7, 0.8, 0.85),
    admissionAt: "every",
    lengthOfStayDays: tiers(1, 4, 5, 6, 7),
    price: { outpatient: tiers(30, 80, 300, 500, 550), inpatientPerDay: tiers(0, 250, 800, 1500, 1700) },
    rehab: { probability: 0.1, visits: 4, intervalDays: 14 },
  },
);

export const EpisodesSchema = z
  .object({
    kinds: z
      .array(EpisodeKindSchema)
      .min(1)
      .max(32)
      .default(() => DEFAULT_EPISODE_KINDS.map((k) => EpisodeKindSchema.parse(k)))
      .superRefine((kinds, ctx) => {
        const seen = new Set<string>();
        kinds.forEach((k, i) => {
          if (seen.has(k.id))
            ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate episode kind id "${k.id}"` });
          seen.add(k.id);
        });
      }),
  })
  .strict();
export type EpisodesParams = z.infer<typeof EpisodesSchema>;
