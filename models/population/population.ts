import { z } from "zod";
import { type AgeSchedule, AgeScheduleSchema, checkAgeBands, tabulateByAge } from "./age-schedule.ts";
import { normalQuantile } from "./normal-distribution.ts";

/**
 * Population synthesis: residents as columns of typed arrays (struct-of-arrays), never an
 * object per person. Each resident's attributes come from its own random blocks, so a
 * resident is the same person whatever partition or thread generates it.
 */

export const CONDITIONS = ["hypertension", "diabetes", "copd", "chd", "stroke"] as const;
export type ConditionId = (typeof CONDITIONS)[number];

/** Insurance schemes: employee (城镇职工), urban resident (城镇居民), rural cooperative (新农合), none. */
export const SCHEME_NAMES = ["employee", "resident", "ncms", "uninsured"] as const;
export type SchemeName = (typeof SCHEME_NAMES)[number];
export const EMPLOYEE = 0;
export const RESIDENT = 1;
export const NCMS = 2;
export const UNINSURED = 3;

const share = z.number().min(0).max(1);
const correlation = z.number().min(0).max(1);

/**
 * The age–sex pyramid: for each age band, the shares of the whole population that are men and
 * women of that band (normalised together). Ages are uniform within a band.
 */
export const AgePyramidSchema = z
  .object({
    ages: z
      .array(z.number().int().min(0).max(120))
      .min(1)
      .describe("Lower bound (years) of each age band; the first must be 0, increasing."),
    male: z
      .array(z.number().min(0))
      .min(1)
      .describe("Share of the population that is male and in each band."),
    female: z
      .array(z.number().min(0))
      .min(1)
      .describe("Share of the population that is female and in each band."),
  })
  .strict()
  .superRefine((s, ctx) => {
    checkAgeBands(s.ages, ctx);
    for (const sex of ["male", "female"] as const) {
      if (s[sex].length !== s.ages.length)
        ctx.addIssue({
          code: "custom",
          path: [sex],
          message: `expected ${s.ages.length} values, one per age band, got ${s[sex].length}`,
        });
    }
    if ([...s.male, ...s.female].every((v) => v === 0))
      ctx.addIssue({ code: "custom", path: ["male"], message: "the shares must not all be 0" });
  });
export type AgePyramid = z.infer<typeof AgePyramidSchema>;

const conditionCorrelation = (value: number) =>
  correlation
    .default(value)
    .describe("Loading ρ of the condition on the shared cardiometabolic risk factor (0: independent).");

export const PopulationSchema = z
  .object({
    // 2015 1% population sample survey (全国1%人口抽样调查, NBS bulletin of 20 April 2016):
    // men 51.22% (sex ratio 105.02), 0–14 16.52%, 15–59 67.33%, 60+ 16.15%, 65+ 10.47%. The split
    // of 65+ at 75 and the sex ratios within bands (men per 100 women: 117 under 15, 106 at 15–44,
    // 103 at 45–59, 101 at 60–64, 97 at 65–74, 82 at 75+) are rounded to the survey's age–sex
    // pattern and keep its totals.
    ageStructure: AgePyramidSchema.default({
      ages: [0, 5, 15, 45, 60, 65, 75],
      male: [0.0313, 0.0578, 0.2225, 0.1222, 0.0285, 0.0314, 0.0185],
      female: [0.0267, 0.0494, 0.21, 0.1186, 0.0283, 0.0323, 0.0225],
    }).describe(
      "Age–sex pyramid: shares of the population by age band and sex (normalised). Default: 2015 1% population sample survey (NBS): men 51.22%, 0–14 16.52%, 60+ 16.15%, 65+ 10.47%; sex ratios within bands rounded to the survey's pattern (more women from 65). Urban or rural residence is not drawn: it is the residence's township (urban districts and county seats are urban, geography).",
    ),
    maxAge: z.number().int().min(1).max(120).default(95).describe("Upper end of the open last age band."),
    insurance: z
      .object({
        employeeShareUrban: AgeScheduleSchema.default({
          // Employee scheme (城镇职工医保) covered 289 M of 771 M urban residents in 2015
          // (NHFPC statistical bulletin 2015), concentrated in working and retired ages.
          ages: [0, 18, 60],
          values: [0.0, 0.45, 0.4],
        }).describe("Probability of the employee scheme for urban residents, by age."),
        employeeShareRural: AgeScheduleSchema.default({
          ages: [0, 18, 60],
          values: [0.0, 0.06, 0.03],
        }).describe("Probability of the employee scheme for rural residents, by age."),
        uninsuredShare: share
          .default(0.04)
          .describe("Share without any scheme (basic insurance covered > 95% in 2015, NHFPC)."),
      })
      .strict()
      .prefault({}),
    conditionPrevalence: z
      .object({
        // China Nutrition and Chronic Disease Status Report 2015 (2012 survey): hypertension
        // 25.2% and diabetes 9.7% of adults 18+, rising with age. These are diagnosed-and-managed
        // caseloads generating follow-up visits, so they sit below total prevalence.
        hypertension: AgeScheduleSchema.default({
          ages: [0, 18, 45, 60, 75],
          values: [0, 0.04, 0.16, 0.3, 0.38],
        }),
        diabetes: AgeScheduleSchema.default({
          ages: [0, 18, 45, 60, 75],
          values: [0, 0.015, 0.06, 0.11, 0.12],
        }),
        // COPD 13.7% of adults 40+ (Wang C et al., Lancet 2018, China Pulmonary Health study), few diagnosed.
        copd: AgeScheduleSchema.default({ ages: [0, 40, 60, 75], values: [0, 0.01, 0.04, 0.08] }),
        chd: AgeScheduleSchema.default({ ages: [0, 45, 60, 75], values: [0, 0.01, 0.04, 0.08] }),
        stroke: AgeScheduleSchema.default({ ages: [0, 45, 60, 75], values: [0, 0.005, 0.02, 0.04] }),
      })
      .strict()
      .prefault({})
      .describe(
        "Probability that a resident of a given age lives with each chronic condition (kept exactly whatever conditionCorrelation).",
      ),
    // Co-occurrence by a Gaussian copula with one shared cardiometabolic risk factor F: the latent
    // z_c = √ρ_c·F + √(1−ρ_c)·ε_c, and the condition is present when Φ(z_c) < prevalence_c(age).
    // Reported comorbidity: hypertension in about half of diabetics (59.6% measured in diabetics
    // aged 35–64, 2009–10 national survey; diabetes in 28.0% of diagnosed hypertensives vs 7.1%
    // without hypertension, Xu B et al., 2010 China Chronic Disease and Risk Factor Surveillance,
    // 98,658 adults); hypertension in 63–84% of stroke survivors (China Stroke Statistics 2019).
    // The loadings are a calibration to these figures on managed caseloads, not estimates: with
    // them ≈ 47% of diabetics have hypertension (22% if independent), ≈ 63% of CHD and ≈ 70% of
    // stroke patients. COPD shares little with the cardiometabolic factor (a guess).
    conditionCorrelation: z
      .object({
        hypertension: conditionCorrelation(0.4),
        diabetes: conditionCorrelation(0.4),
        copd: conditionCorrelation(0.1),
        chd: conditionCorrelation(0.4),
        stroke: conditionCorrelation(0.5),
      })
      .strict()
      .prefault({})
      .describe(
        "Co-occurrence of chronic conditions: each condition's loading ρ on one shared cardiometabolic risk factor (Gaussian copula; the latent correlation of two conditions is √(ρ₁ρ₂)). Default calibrated so that ≈ 47% of diabetics have hypertension (Chinese surveys: about half; Xu B et al., 2010 China Chronic Disease and Risk Factor Surveillance) and ≈ 70% of stroke patients (China Stroke Statistics 2019: 63–84%); COPD 0.1 is a guess.",
      ),
    // Key populations of family-doctor contracting (重点人群): the persistent groups
    // drawn here; elderly, young children and chronic patients follow from age and conditions.
    keyGroups: z
      .object({
        elderlyAge: z
          .number()
          .int()
          .min(0)
          .max(120)
          .default(65)
          .describe(
            "Age from which a resident counts as elderly (老年人): 65 in the national basic public health services, 60 in Shanghai.",
          ),
        // National mental health work plan 2015–2020 (国办发〔2015〕44号) sets out to register all
        // severe mental illness; registered patients 4.297 M at the end of 2014 (76.1% aged 18–59,
        // NHFPC, 9 Oct 2015), ≈ 5.4 M by 2016: 0.4% of the population, as 0.48% of 18–59 and
        // 0.59% of 60+ (children are few among registered patients: taken as none).
        severeMentalIllness: AgeScheduleSchema.default({
          ages: [0, 18, 60],
          values: [0, 0.0048, 0.0059],
        }).describe(
          "Probability of a registered severe mental illness (严重精神障碍), by age. Default ≈ 0.4% of the population (≈ 5.4 M registered, national mental health work plan 2015–2020; 76.1% of them aged 18–59).",
        ),
        // Second National Sample Survey on Disability 2006 (第二次全国残疾人抽样调查): 82.96 M disabled,
        // 6.34% of the population; 3.87 M aged 0–14, 34.93 M aged 15–59, 44.16 M aged 60+. Rates by
        // age from the 2006 population (0–14 19.8%, 60+ 11.3%, NBS) levelled to 6.34% of the 2015
        // pyramid, as the China Disabled Persons' Federation holds the share fixed in its estimates.
        disabled: AgeScheduleSchema.default({ ages: [0, 15, 60], values: [0.0124, 0.0321, 0.2463] }).describe(
          "Probability of a disability (残疾人), by age. Default: age pattern of the Second National Sample Survey on Disability 2006 (83 M, 6.34%), levelled to 6.34% of the 2015 population.",
        ),
        // Rural poor at the end of 2015: 55.75 M under the 2,300-yuan line (NBS rural poverty
        // monitoring; incidence 5.7% of the registered rural population) among 603 M rural
        // residents: 9.2% (an upper bound: it counts every registered poor person as resident).
        poorRural: AgeScheduleSchema.default({ ages: [0], values: [0.092] }).describe(
          "Probability that a rural resident is poor (农村贫困人口), by age. Default 9.2%: 55.75 M rural poor at the end of 2015 (NBS) among 603 M rural residents. Flat in age: no age gradient is sourced.",
        ),
        // Urban minimum living guarantee (城市低保): 17.01 M people at the end of 2015 (Ministry of
        // Civil Affairs, 2015 social services statistical bulletin) among 771 M urban residents: 2.2%.
        poorUrban: AgeScheduleSchema.default({ ages: [0], values: [0.022] }).describe(
          "Probability that an urban resident is poor, by age. Default 2.2%: 17.01 M urban minimum-living-guarantee (低保) recipients at the end of 2015 (Ministry of Civil Affairs) among 771 M urban residents.",
        ),
        // ≈ 0.86–0.89 M pulmonary TB cases notified a year in 2014–2015 (≈ 63–66 per 100,000,
        // NHFPC notifiable disease reports), each managed through a 6–8-month course.
        tuberculosis: AgeScheduleSchema.default({ ages: [0], values: [0.0004] }).describe(
          "Probability of being a tuberculosis patient under treatment (肺结核患者), by age. Default 0.04%: ≈ 63 notified cases per 100,000 a year (2015) × ≈ 0.6 year of treatment.",
        ),
      })
      .strict()
      .prefault({})
      .describe(
        "Key populations of family-doctor contracting (重点人群) stored per resident; the elderly, children 0–6 and chronic patients are derived from age and conditions, pregnancy is set by maternity episodes.",
      ),
    // Deaths in runs of several years (demography.ts), by age at the start of the year. Age–sex
    // pattern: the death rates m by age of the 2000 census (deaths 1 Nov 1999–31 Oct 2000; NBS,
    // China Statistical Yearbook 2002, table 4-11) as probabilities 1 − exp(−k·m), with one factor
    // k = 0.64 that gives the default pyramid a crude death rate of 7.10‰ (2015: 7.11‰, NBS
    // statistical communiqué 2015). Under 5: 2015 infant mortality 8.1‰ and under-five mortality
    // 10.7‰ (NHFPC statistical bulletin 2015), for both sexes. 90 and over: the census's 90–94 rate.
    // The default pyramid spreads 75+ evenly up to maxAge and so holds more of the very old than the
    // 2015 population: matching the crude rate on it leaves the rates by age low (life expectancy
    // at birth ≈ 77.0 for men and 81.4 for women, against 76.34 for both sexes reported for 2015).
    mortality: z
      .object({
        male: AgeScheduleSchema.default({
          ages: [0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90],
          values: [
            0.0081, 0.000656, 0.000416, 0.00032, 0.000493, 0.000774, 0.00087, 0.00106, 0.00138, 0.00195,
            0.00277, 0.00429, 0.00674, 0.0114, 0.0188, 0.0321, 0.0498, 0.0818, 0.114, 0.158,
          ],
        }),
        female: AgeScheduleSchema.default({
          ages: [0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90],
          values: [
            0.0081, 0.000656, 0.000282, 0.000211, 0.000301, 0.000461, 0.000537, 0.000627, 0.000755, 0.00109,
            0.00164, 0.00268, 0.00423, 0.00729, 0.0121, 0.0216, 0.035, 0.0605, 0.0888, 0.138,
          ],
        }),
      })
      .strict()
      .prefault({})
      .describe(
        "Probability of dying within a year, by sex and age at the start of the year (runs of several years). Default: age–sex pattern of the 2000 census death rates (NBS, China Statistical Yearbook 2002, table 4-11) scaled by 0.64 so that the default pyramid has the 2015 crude death rate, 7.11‰ (NBS); under 5 from 2015 infant (8.1‰) and under-five (10.7‰) mortality (NHFPC statistical bulletin 2015).",
      ),
    sexRatioAtBirth: z
      .number()
      .positive()
      .default(113.5)
      .describe(
        "Boys born per 100 girls, for the newborns of runs of several years. Default 113.5: 2015 (NBS).",
      ),
  })
  .strict()
  .superRefine((p, ctx) => {
    const ages = p.ageStructure.ages;
    if (ages[ages.length - 1] > p.maxAge)
      ctx.addIssue({
        code: "custom",
        path: ["ageStructure", "ages", ages.length - 1],
        message: `the last age band must start at or below maxAge (${p.maxAge})`,
      });
  });
export type PopulationParams = z.infer<typeof PopulationSchema>;

/**
 * Bit layout of `Residents.flags`. Urban residence is not drawn: it is the resident's township's
 * (urban districts' sub-districts and county seat towns are urban, the other townships rural;
 * geography.ts), so it follows the geography's urban share (51% by default).
 */
export const FLAG_MALE = 1;
export const FLAG_URBAN = 2;
export const SCHEME_SHIFT = 2;
export const SCHEME_MASK = 3 << SCHEME_SHIFT;

/**
 * Bit layout of `Residents.keyGroups`: the persistent key populations (重点人群) of
 * family-doctor contracting. The elderly, children 0–6 and chronic patients are not stored:
 * see `isElderly`, `isYoungChild` and `isChronicPatient`.
 */
export const SEVERE_MENTAL_ILLNESS = 1;
export const DISABLED = 2;
export const POOR = 4;
export const TUBERCULOSIS = 8;
/**
 * Pregnant (孕产妇): a state of maternity episodes, never drawn at synthesis. The care pathway
 * sets the bit when a maternity episode begins and clears it when the episode ends.
 */
export const PREGNANT = 16;
/** Names of the keyGroups bits, bit i = 1 << i. */
export const KEY_GROUPS = ["severeMentalIllness", "disabled", "poor", "tuberculosis", "pregnant"] as const;
export type KeyGroupId = (typeof KEY_GROUPS)[number];

/** Resident state: one entry per resident in each column. */
export interface Residents {
  count: number;
  /** Global id of the first resident (ids are contiguous within a partition). */
  firstId: number;
  age: Uint8Array;
  /** FLAG_MALE | FLAG_URBAN | scheme << SCHEME_SHIFT */
  flags: Uint8Array;
  /** Bit c set when the resident lives with CONDITIONS[c]. */
  conditions: Uint8Array;
  /** SEVERE_MENTAL_ILLNESS | DISABLED | POOR | TUBERCULOSIS | PREGNANT */
  keyGroups: Uint8Array;
  /** Home village (index among the partition's villages). */
  home: Int32Array;
}

/** Bytes of state per resident, the same at any population size: age, flags, conditions, keyGroups, home (the care pathway keeps the episode serial). */
export const RESIDENT_BYTES = 1 + 1 + 1 + 1 + 4;

export function allocateResidents(count: number, firstId: number): Residents {
  return {
    count,
    firstId,
    age: new Uint8Array(count),
    flags: new Uint8Array(count),
    conditions: new Uint8Array(count),
    keyGroups: new Uint8Array(count),
    home: new Int32Array(count),
  };
}

export function schemeOf(flags: number): number {
  return (flags & SCHEME_MASK) >> SCHEME_SHIFT;
}

/** Elderly (老年人) key population: `elderlyAge` is `population.keyGroups.elderlyAge` (65; 60 in Shanghai). */
export function isElderly(age: number, elderlyAge = 65): boolean {
  return age >= elderlyAge;
}

/** Oldest age of the children 0–6 key population (0–6岁儿童, national basic public health services). */
export const YOUNG_CHILD_MAX_AGE = 6;

export function isYoungChild(age: number): boolean {
  return age <= YOUNG_CHILD_MAX_AGE;
}

/** Chronic patient key population: lives with any of `CONDITIONS` (or of those in `mask`). */
export function isChronicPatient(conditions: number, mask = (1 << CONDITIONS.length) - 1): boolean {
  return (conditions & mask) !== 0;
}

/** Precomputed lookup tables for synthesis; per-age tables are indexed by whole age 0..120. */
export interface PopulationTables {
  /** Cumulative shares over (sex, band): male bands 0..n−1, then female bands 0..n−1. */
  ageSexCumulative: Float64Array;
  /** Age bands of the pyramid. */
  bands: number;
  bandStart: Int32Array;
  bandEnd: Int32Array;
  employeeUrban: Float64Array;
  employeeRural: Float64Array;
  uninsuredShare: number;
  /** Prevalence by condition and age, in [0, 1]. */
  prevalence: Float64Array[];
  /** Φ⁻¹(prevalence) by condition and age: the copula threshold (−∞ where the prevalence is 0). */
  threshold: Float64Array[];
  /** 1 at ages where some condition has a positive prevalence. */
  anyCondition: Uint8Array;
  /** √ρ and 1/√(1−ρ) per condition (ρ = conditionCorrelation). */
  loading: Float64Array;
  residualScale: Float64Array;
  severeMentalIllness: Float64Array;
  disabled: Float64Array;
  poorUrban: Float64Array;
  poorRural: Float64Array;
  tuberculosis: Float64Array;
  /** Probability of dying within the year by sex (index flags & FLAG_MALE) and age at its start. */
  deathProbability: Float64Array[];
  /** Share of boys among births: sexRatioAtBirth / (sexRatioAtBirth + 100). */
  maleBirthShare: number;
}

const clampedByAge = (s: AgeSchedule) => tabulateByAge(s).map((v) => Math.min(1, v));

export function populationTables(p: PopulationParams): PopulationTables {
  const { ages, male, female } = p.ageStructure;
  const bands = ages.length;
  const shares = [...male, ...female];
  const total = shares.reduce((a, b) => a + b, 0);
  const ageSexCumulative = new Float64Array(2 * bands);
  // Exactly 1 from the last positive share on, so no uniform in (0, 1) lands on an empty cell.
  const lastPositive = shares.findLastIndex((v) => v > 0);
  let acc = 0;
  for (let k = 0; k < shares.length; k++) {
    acc += shares[k] / total;
    ageSexCumulative[k] = k >= lastPositive ? 1 : acc;
  }
  const bandStart = Int32Array.from(ages);
  const bandEnd = Int32Array.from(ages.map((_, i) => (i + 1 < bands ? ages[i + 1] : p.maxAge + 1)));
  const prevalence = CONDITIONS.map((c) => clampedByAge(p.conditionPrevalence[c]));
  const anyCondition = new Uint8Array(121);
  for (let age = 0; age <= 120; age++) anyCondition[age] = prevalence.some((t) => t[age] > 0) ? 1 : 0;
  const rho = CONDITIONS.map((c) => p.conditionCorrelation[c]);
  const k = p.keyGroups;
  return {
    ageSexCumulative,
    bands,
    bandStart,
    bandEnd,
    employeeUrban: tabulateByAge(p.insurance.employeeShareUrban),
    employeeRural: tabulateByAge(p.insurance.employeeShareRural),
    uninsuredShare: p.insurance.uninsuredShare,
    prevalence,
    threshold: prevalence.map((t) => t.map(normalQuantile)),
    anyCondition,
    loading: Float64Array.from(rho, Math.sqrt),
    residualScale: Float64Array.from(rho, (r) => (r < 1 ? 1 / Math.sqrt(1 - r) : Number.POSITIVE_INFINITY)),
    severeMentalIllness: clampedByAge(k.severeMentalIllness),
    disabled: clampedByAge(k.disabled),
    poorUrban: clampedByAge(k.poorUrban),
    poorRural: clampedByAge(k.poorRural),
    tuberculosis: clampedByAge(k.tuberculosis),
    deathProbability: [clampedByAge(p.mortality.female), clampedByAge(p.mortality.male)],
    maleBirthShare: p.sexRatioAtBirth / (p.sexRatioAtBirth + 100),
  };
}
