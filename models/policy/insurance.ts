import { z } from "zod";
import { TIER_COUNT } from "../supply/tiers.ts";

/**
 * Insurance by scheme: the outpatient reimbursement ladder grassroots → county → city/tertiary
 * → out-of-region, written as a grassroots rate and the gaps between successive rungs (the
 * lever of Wenzhou 温政办〔2014〕135号), and inpatient deductibles (起付线, counted per insurance year) and
 * rates by tier. No seed gives base rates: they are external and marked as such.
 */

const rate = z.number().min(0).max(1);
const points = z.number().min(-100).max(100);
const yuan = z.number().min(0);

/** A value per tier with beds (township, county, tertiary, out of region). */
const bedTiers = (value: z.ZodNumber, d: readonly [number, number, number, number]) =>
  z
    .object({
      township: value.default(d[0]),
      county: value.default(d[1]),
      tertiary: value.default(d[2]),
      outOfRegion: value.default(d[3]),
    })
    .strict()
    .prefault({});

const SchemeSchema = (d: {
  grassrootsRate: number;
  gaps: [number, number, number];
  deductible: [number, number, number, number];
  inpatientRate: [number, number, number, number];
}) =>
  z
    .object({
      outpatient: z
        .object({
          grassrootsRate: rate
            .default(d.grassrootsRate)
            .describe("Outpatient reimbursement at village and township tiers."),
          gapUnit: z
            .enum(["points", "relative"])
            .default("points")
            .describe(
              "Gaps as percentage points (default) or as a relative cut of the rung above (the Wenzhou plan writes “10%”: points or relative is an interpretation).",
            ),
          gaps: z
            .object({
              county: points.default(d.gaps[0]).describe("Grassroots rate minus county-tier rate."),
              city: points.default(d.gaps[1]).describe("County-tier rate minus tertiary rate."),
              outOfRegion: points.default(d.gaps[2]).describe("Tertiary rate minus out-of-region rate."),
            })
            .strict()
            .prefault({}),
        })
        .strict()
        .prefault({}),
      unreferredPenalty: z
        .object({
          unit: z
            .enum(["points", "relative"])
            .default("points")
            .describe("Percentage points off the rate (default), or a relative cut of it."),
          county: points.default(0).describe("Cut for county-tier care without a referral."),
          tertiary: points.default(0).describe("Cut for tertiary care without a referral."),
          outOfRegion: points
            .default(0)
            .describe(
              "Cut for out-of-region care without a referral certificate (Wenzhou urban districts: 25, points or relative; 温政办〔2014〕135号).",
            ),
        })
        .strict()
        .prefault({})
        .describe(
          "Lower reimbursement, outpatient and inpatient, for care at these tiers without a referral (Wenzhou 温政办〔2014〕135号; Jiujiang 2016; national 国办发〔2015〕70号): an episode referred there is reimbursed at the full rate.",
        ),
      inpatient: z
        .object({
          deductible: bedTiers(yuan, d.deductible).describe("Inpatient deductible (yuan) at each tier."),
          deductibleRule: z
            .enum(["perYearPerTier", "perYear", "perAdmission"])
            .default("perYearPerTier")
            .describe(
              "How the deductible (起付线) is counted: once per insurance year at each tier (default), once per year whatever the tier (what was paid counts against every tier's threshold), or at every admission.",
            ),
          rate: bedTiers(rate, d.inpatientRate).describe(
            "Share of inpatient cost above the deductible that the fund pays.",
          ),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .prefault({});

export const InsuranceSchema = z
  .object({
    schemes: z
      .object({
        // Deductibles: Wenzhou 2014 (Wenzhou 温政办〔2014〕135号) — urban-district employees 600/300/200 yuan at
        // tertiary/secondary/level-1; residents 700/400/300. Gaps: Wenzhou's minimum ladder, ≥ 10
        // points for employees and ≥ 5 for residents. Base rates are external: typical 2015
        // policy rates (employees ~85% inpatient, resident schemes 50–75% falling with tier).
        employee: SchemeSchema({
          grassrootsRate: 0.6,
          gaps: [10, 10, 10],
          deductible: [200, 300, 600, 1000],
          inpatientRate: [0.9, 0.85, 0.8, 0.7],
        }),
        resident: SchemeSchema({
          grassrootsRate: 0.5,
          gaps: [5, 5, 5],
          deductible: [300, 400, 700, 1200],
          inpatientRate: [0.85, 0.75, 0.6, 0.5],
        }),
        uninsured: SchemeSchema({
          grassrootsRate: 0,
          gaps: [0, 0, 0],
          deductible: [0, 0, 0, 0],
          inpatientRate: [0, 0, 0, 0],
        }),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type InsuranceParams = z.infer<typeof InsuranceSchema>;
type Scheme = InsuranceParams["schemes"]["employee"];

/** Outpatient reimbursement rate per tier for one scheme, from the grassroots rate and the gaps. */
export function outpatientRates(s: Scheme): Float64Array {
  const o = s.outpatient;
  const step = (upper: number, gap: number) =>
    o.gapUnit === "points" ? upper - gap / 100 : upper * (1 - gap / 100);
  const g = o.grassrootsRate;
  const county = step(g, o.gaps.county);
  const tertiary = step(county, o.gaps.city);
  const out = step(tertiary, o.gaps.outOfRegion);
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  return Float64Array.from([g, g, county, tertiary, out].map(clamp));
}

/**
 * Precomputed per-scheme tables: outpatient rate, inpatient deductible and inpatient rate, each
 * indexed scheme * TIER_COUNT + tier. The village tier has no beds: its inpatient entries are unused.
 */
export const DEDUCTIBLE_PER_YEAR_PER_TIER = 0;
export const DEDUCTIBLE_PER_YEAR = 1;
export const DEDUCTIBLE_PER_ADMISSION = 2;

export interface InsuranceTables {
  /** Per scheme: DEDUCTIBLE_PER_YEAR_PER_TIER, DEDUCTIBLE_PER_YEAR or DEDUCTIBLE_PER_ADMISSION. */
  deductibleRule: Uint8Array;
  outpatientRate: Float64Array;
  deductible: Float64Array;
  inpatientRate: Float64Array;
  /** The same rates for care without a referral (after the scheme's unreferred penalty). */
  unreferredOutpatientRate: Float64Array;
  unreferredInpatientRate: Float64Array;
}

/** A rate cut by `penalty` points or relative %, within [0, 1]. */
function penalised(rate: number, penalty: number, unit: "points" | "relative"): number {
  const cut = unit === "points" ? rate - penalty / 100 : rate * (1 - penalty / 100);
  return Math.min(1, Math.max(0, cut));
}

export function insuranceTables(p: InsuranceParams): InsuranceTables {
  const schemes = [p.schemes.employee, p.schemes.resident, p.schemes.uninsured];
  const t: InsuranceTables = {
    deductibleRule: Uint8Array.from(
      schemes.map((s) => ["perYearPerTier", "perYear", "perAdmission"].indexOf(s.inpatient.deductibleRule)),
    ),
    outpatientRate: new Float64Array(3 * TIER_COUNT),
    deductible: new Float64Array(3 * TIER_COUNT),
    inpatientRate: new Float64Array(3 * TIER_COUNT),
    unreferredOutpatientRate: new Float64Array(3 * TIER_COUNT),
    unreferredInpatientRate: new Float64Array(3 * TIER_COUNT),
  };
  schemes.forEach((s, i) => {
    t.outpatientRate.set(outpatientRates(s), i * TIER_COUNT);
    const d = s.inpatient.deductible;
    const r = s.inpatient.rate;
    t.deductible.set([d.township, d.township, d.county, d.tertiary, d.outOfRegion], i * TIER_COUNT);
    t.inpatientRate.set([r.township, r.township, r.county, r.tertiary, r.outOfRegion], i * TIER_COUNT);
    const pen = s.unreferredPenalty;
    const penalties = [0, 0, pen.county, pen.tertiary, pen.outOfRegion];
    for (let tier = 0; tier < TIER_COUNT; tier++) {
      const at = i * TIER_COUNT + tier;
      t.unreferredOutpatientRate[at] = penalised(t.outpatientRate[at], penalties[tier], pen.unit);
      t.unreferredInpatientRate[at] = penalised(t.inpatientRate[at], penalties[tier], pen.unit);
    }
  });
  return t;
}

/** Out-of-pocket yuan for an outpatient visit. */
export function outpatientOutOfPocket(
  t: InsuranceTables,
  scheme: number,
  tier: number,
  price: number,
): number {
  return price * (1 - t.outpatientRate[scheme * TIER_COUNT + tier]);
}

/**
 * Out-of-pocket yuan for a stay costing `cost`, given the deductible already paid this
 * insurance year: the patient pays the rest of the tier's deductible, then the uncovered share.
 * Returns the out-of-pocket; `deductibleUsed` receives the part of the deductible paid now.
 */
export function inpatientOutOfPocket(
  t: InsuranceTables,
  scheme: number,
  tier: number,
  cost: number,
  deductiblePaid: number,
): { outOfPocket: number; deductibleUsed: number } {
  const i = scheme * TIER_COUNT + tier;
  const remaining = Math.max(0, t.deductible[i] - deductiblePaid);
  const deductibleUsed = Math.min(cost, remaining);
  return { outOfPocket: deductibleUsed + (cost - deductibleUsed) * (1 - t.inpatientRate[i]), deductibleUsed };
}
