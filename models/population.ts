import { z } from "zod";
import { AgeScheduleSchema, tabulateByAge } from "./age-schedule.ts";

/**
 * Population synthesis: residents as columns of typed arrays (struct-of-arrays), never an
 * object per person. Each resident's attributes come from its own random block, so a
 * resident is the same person whatever partition or thread generates it.
 */

export const CONDITIONS = ["hypertension", "diabetes", "copd", "chd", "stroke"] as const;
export type ConditionId = (typeof CONDITIONS)[number];

export const SCHEME_NAMES = ["employee", "resident", "uninsured"] as const;
export type SchemeName = (typeof SCHEME_NAMES)[number];
export const EMPLOYEE = 0;
export const RESIDENT = 1;
export const UNINSURED = 2;

const share = z.number().min(0).max(1);

export const PopulationSchema = z
  .object({
    ageStructure: AgeScheduleSchema.default({
      // 2015 1% population sample survey (National Bureau of Statistics): 0–14 16.5%,
      // 15–64 73.0%, 65+ 10.5%, 60+ 16.1%; split into bands. Shares of residents per band.
      ages: [0, 5, 15, 45, 60, 65, 75],
      values: [0.058, 0.107, 0.433, 0.241, 0.056, 0.064, 0.041],
    }).describe("Share of residents in each age band (normalised); ages are uniform within a band."),
    maxAge: z.number().int().min(1).max(120).default(95).describe("Upper end of the open last age band."),
    maleShare: share.default(0.512).describe("Share of men (2015 sex ratio 105:100, NBS)."),
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
      .describe("Probability that a resident of a given age lives with each chronic condition."),
  })
  .strict();
export type PopulationParams = z.infer<typeof PopulationSchema>;

/** Bit layout of `Residents.flags`. */
export const FLAG_MALE = 1;
export const FLAG_URBAN = 2;
export const SCHEME_SHIFT = 2;
export const SCHEME_MASK = 3 << SCHEME_SHIFT;

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
  /** Home village (index among the partition's villages). */
  home: Int32Array;
  /** Episodes begun so far: the counter that addresses the resident's next onset draws. */
  onsetSerial: Uint32Array;
  /** Inpatient deductible paid in the current insurance year (yuan). */
  deductiblePaid: Float32Array;
}

export const RESIDENT_BYTES = 1 + 1 + 1 + 4 + 4 + 4;

export function allocateResidents(count: number, firstId: number): Residents {
  return {
    count,
    firstId,
    age: new Uint8Array(count),
    flags: new Uint8Array(count),
    conditions: new Uint8Array(count),
    home: new Int32Array(count),
    onsetSerial: new Uint32Array(count),
    deductiblePaid: new Float32Array(count),
  };
}

export function schemeOf(flags: number): number {
  return (flags & SCHEME_MASK) >> SCHEME_SHIFT;
}

/** Precomputed lookup tables for synthesis. */
export interface PopulationTables {
  ageCumulative: Float64Array;
  bandStart: Int32Array;
  bandEnd: Int32Array;
  employeeUrban: Float64Array;
  employeeRural: Float64Array;
  prevalence: Float64Array[];
}

export function populationTables(p: PopulationParams): PopulationTables {
  const { ages, values } = p.ageStructure;
  const total = values.reduce((a, b) => a + b, 0);
  const ageCumulative = new Float64Array(values.length);
  let acc = 0;
  for (let i = 0; i < values.length; i++) {
    acc += values[i] / total;
    ageCumulative[i] = acc;
  }
  ageCumulative[values.length - 1] = 1;
  const bandStart = Int32Array.from(ages);
  const bandEnd = Int32Array.from(ages.map((_, i) => (i + 1 < ages.length ? ages[i + 1] : p.maxAge + 1)));
  return {
    ageCumulative,
    bandStart,
    bandEnd,
    employeeUrban: tabulateByAge(p.insurance.employeeShareUrban),
    employeeRural: tabulateByAge(p.insurance.employeeShareRural),
    prevalence: CONDITIONS.map((c) => tabulateByAge(p.conditionPrevalence[c])),
  };
}
