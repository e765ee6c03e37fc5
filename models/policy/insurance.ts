import { z } from "zod";
import { applyOverride, parseSetPath } from "../../sim/scenario/overrides.ts";
import { TIER_COUNT } from "../supply/tiers.ts";

/**
 * Insurance by scheme: the outpatient reimbursement ladder grassroots → county → city/tertiary
 * → out-of-region, written as a grassroots rate and the gaps between successive rungs (the
 * lever of Wenzhou 温政办〔2014〕135号), outpatient pooling caps (门诊统筹) and chronic-disease
 * outpatient benefits (门诊慢特病), inpatient deductibles (起付线, counted per insurance year),
 * rates and annual caps (封顶线) by tier, the rules for referred and downward-referred stays, and
 * disease-restricted reimbursement lists. None of the policy documents cited gives base rates:
 * they are external and marked as such.
 *
 * Schemes: the employee scheme (城镇职工), the urban-resident scheme (城镇居民, `resident`), the
 * rural cooperative scheme (新农合, `ncms`) and none. Urban residents outside the employee scheme
 * hold `resident`, rural ones `ncms` (residence stands in for household registration). With
 * `residentSchemes: merged` (国发〔2016〕3号, the integration of the two into one urban–rural
 * residents' scheme, whose benefits follow the better of the two) NCMS members are covered by the
 * `resident` rules; the merger can be dated on the timeline.
 */

const rate = z.number().min(0).max(1);
const points = z.number().min(-100).max(100);
const yuan = z.number().min(0).max(10_000_000);
const cap = (what: string) =>
  yuan
    .nullable()
    .default(null)
    .describe(`${what} (yuan the fund pays per resident per insurance year; null: no cap).`);

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

const DiseaseListSchema = z
  .object({
    tier: z.enum(["township", "county"]).describe("The tier whose list this is."),
    kinds: z.array(z.string().min(1)).min(1).describe("Episode kinds (ids of episodes.kinds) on the list."),
    rate: rate.describe("Inpatient reimbursement of listed kinds at the list's tier."),
    elsewhere: rate.describe("Inpatient reimbursement of listed kinds at every other tier."),
  })
  .strict();

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
          annualCap: cap(
            "Outpatient pooling cap (门诊统筹 yearly limit, 国办发〔2015〕70号 asks for outpatient pooling): past it the patient pays the whole price",
          ),
        })
        .strict()
        .prefault({}),
      chronicOutpatient: z
        .object({
          rate: rate
            .nullable()
            .default(null)
            .describe(
              "Reimbursement of chronic follow-up visits (the kinds with usualSource) under the chronic- and special-disease outpatient benefit (门诊慢特病), where it beats the general rate; null: no such benefit.",
            ),
          highestTier: z
            .enum(["township", "county", "tertiary", "outOfRegion"])
            .default("county")
            .describe("Highest tier where the benefit applies (designated facilities)."),
          annualCap: cap("Yearly cap of the chronic outpatient benefit, kept apart from the pooling cap"),
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
          "Lower reimbursement, outpatient and inpatient, for care at these tiers without a referral (Wenzhou 温政办〔2014〕135号; Jiujiang 2016; national 国办发〔2015〕70号). A referred episode carries its referral certificate: it is reimbursed at the full rate wherever the referral leads, as are emergencies (their referral is filed after the fact).",
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
          annualCap: cap("Annual cap of the fund's payments for stays (封顶线)"),
          referredDeductible: z
            .enum(["separate", "continuous"])
            .default("separate")
            .describe(
              "A referred inpatient pays the receiving tier's deductible in full (separate, default) or only what it exceeds the deductible already paid this year (continuous: 起付线连续计算, national 国办发〔2015〕70号, permissive).",
            ),
          downwardStayDeductible: z
            .enum(["charged", "waived"])
            .default("charged")
            .describe(
              "Deductible of a stay entered by a downward referral: charged, or waived (Jiujiang 2016, NCMS: 下转当次 no deductible).",
            ),
        })
        .strict()
        .prefault({}),
      diseaseLists: z
        .array(DiseaseListSchema)
        .max(20)
        .default([])
        .describe(
          "Disease-restricted inpatient reimbursement (Heilongjiang NCMS: 30 township-list conditions 95% at township and 10% elsewhere; 50 county-list conditions 75% at county and 10% elsewhere). A kind on several lists takes the last.",
        ),
    })
    .strict()
    .prefault({});

/** The residents' ladder of Wenzhou (温政办〔2014〕135号): deductibles 300/400/700, gaps of 5 points. */
const RESIDENT_DEFAULTS = {
  grassrootsRate: 0.5,
  gaps: [5, 5, 5] as [number, number, number],
  deductible: [300, 400, 700, 1200] as [number, number, number, number],
  inpatientRate: [0.85, 0.75, 0.6, 0.5] as [number, number, number, number],
};

const InsuranceRulesSchema = z
  .object({
    residentSchemes: z
      .enum(["separate", "merged"])
      .default("separate")
      .describe(
        "separate (the 2015 status quo): urban residents in the urban-resident scheme, rural residents in NCMS, each by its own rules; merged: one urban–rural residents' scheme on the `resident` rules (国发〔2016〕3号).",
      ),
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
        resident: SchemeSchema(RESIDENT_DEFAULTS),
        // NCMS: Wenzhou already ran one residents' scheme in 2014, so its resident ladder serves
        // both until a scenario sets NCMS's own rules.
        ncms: SchemeSchema(RESIDENT_DEFAULTS),
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
type InsuranceRules = z.infer<typeof InsuranceRulesSchema>;

export const InsuranceSchema = InsuranceRulesSchema.extend({
  counties: z
    .record(z.string(), z.unknown())
    .default({})
    .describe(
      "Rules for residents of counties where they differ from those of the urban districts (Wenzhou 温政办〔2014〕135号 sets the urban districts' rules and leaves the counties theirs): changes to the fields above, as a nested mapping or as dotted paths (`schemes.ncms.outpatient.gaps.county: 10`). Empty (default): one set of rules for the whole region.",
    ),
}).superRefine((p, ctx) => {
  const applied = applyCountyRules(p);
  for (const problem of applied.problems)
    ctx.addIssue({ code: "custom", path: ["counties", ...problem.path], message: problem.message });
});
export type InsuranceParams = z.infer<typeof InsuranceSchema>;
type Scheme = InsuranceRules["schemes"]["employee"];

/** Leaf paths of a nested mapping: { a: { b: 1 }, "c.d": 2 } → [["a.b", 1], ["c.d", 2]]. */
function leafPaths(value: unknown, prefix = ""): [string, unknown][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [[prefix, value]];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return prefix ? [[prefix, value]] : [];
  return entries.flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * The rules for residents of counties: the region's rules with `counties`' changes applied, each
 * checked like the file (a problem names the change's key).
 */
function applyCountyRules(p: InsuranceParams): {
  rules: InsuranceRules;
  problems: { path: string[]; message: string }[];
} {
  const base: InsuranceRules = { residentSchemes: p.residentSchemes, schemes: p.schemes };
  const changes = leafPaths(p.counties);
  if (changes.length === 0) return { rules: base, problems: [] };
  const data = structuredClone(base) as unknown as Record<string, unknown>;
  const problems: { path: string[]; message: string }[] = [];
  for (const [key, value] of changes) {
    const parsed = parseSetPath(key);
    const applied = parsed.ok
      ? applyOverride(data, { text: key, path: parsed.value, value }, InsuranceRulesSchema)
      : parsed;
    if (!applied.ok) problems.push({ path: [key], message: applied.message });
  }
  const checked = InsuranceRulesSchema.safeParse(data);
  if (!checked.success) {
    for (const issue of checked.error.issues)
      problems.push({ path: [issue.path.join(".")], message: issue.message });
    return { rules: base, problems };
  }
  return { rules: checked.data, problems };
}

/** The rules for residents of counties (the region's rules when `counties` changes nothing). */
export function countyRules(p: InsuranceParams): InsuranceRules {
  return applyCountyRules(p).rules;
}

/** Schemes in the order of `Residents.flags` (population.ts SCHEME_NAMES). */
export const SCHEME_COUNT = 4;

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

export const DEDUCTIBLE_PER_YEAR_PER_TIER = 0;
export const DEDUCTIBLE_PER_YEAR = 1;
export const DEDUCTIBLE_PER_ADMISSION = 2;
/** Outpatient accounts a visit's reimbursement counts against (for the yearly caps). */
export const GENERAL_ACCOUNT = 0;
export const CHRONIC_ACCOUNT = 1;

/**
 * Precomputed tables. Per scheme and tier: [scheme * TIER_COUNT + tier]; per kind, scheme and
 * tier: [(kind * SCHEME_COUNT + scheme) * TIER_COUNT + tier]. The village tier has no beds: its
 * inpatient entries are unused.
 */
export interface InsuranceTables {
  /** Per scheme: DEDUCTIBLE_PER_YEAR_PER_TIER, DEDUCTIBLE_PER_YEAR or DEDUCTIBLE_PER_ADMISSION. */
  deductibleRule: Uint8Array;
  /** Per scheme and tier. */
  deductible: Float64Array;
  /** Per kind, scheme and tier: referred (or unpenalised) and unreferred rates. */
  outpatientRate: Float64Array;
  inpatientRate: Float64Array;
  unreferredOutpatientRate: Float64Array;
  unreferredInpatientRate: Float64Array;
  /** Per kind, scheme and tier: GENERAL_ACCOUNT or CHRONIC_ACCOUNT. */
  outpatientAccount: Uint8Array;
  /** Per scheme and account: yearly cap of outpatient reimbursement (Infinity: none). */
  outpatientCap: Float64Array;
  /** Per scheme: yearly cap of the fund's inpatient payments (Infinity: none). */
  inpatientCap: Float64Array;
  /** Per scheme: 1 when referred inpatients' deductibles are counted continuously. */
  continuousReferred: Uint8Array;
  /** Per scheme: 1 when a downward-referred stay pays no deductible. */
  waiveDownward: Uint8Array;
  /** Whether any scheme caps anything (the pathway then keeps what the fund paid per resident). */
  anyCap: boolean;
}

/** A rate cut by `penalty` points or relative %, within [0, 1]. */
function penalised(rate: number, penalty: number, unit: "points" | "relative"): number {
  const cut = unit === "points" ? rate - penalty / 100 : rate * (1 - penalty / 100);
  return Math.min(1, Math.max(0, cut));
}

const CAP_TIERS = ["township", "county", "tertiary", "outOfRegion"] as const;

/** What the tables need to know of the episode catalogue. */
export interface KindsForInsurance {
  ids: readonly string[];
  /** 1 for chronic follow-up kinds (the chronic outpatient benefit covers them). */
  usualSource: ArrayLike<number>;
}

export function insuranceTables(p: InsuranceRules, kinds: KindsForInsurance): InsuranceTables {
  const merged = p.residentSchemes === "merged";
  const schemes = [
    p.schemes.employee,
    p.schemes.resident,
    merged ? p.schemes.resident : p.schemes.ncms,
    p.schemes.uninsured,
  ];
  const S = SCHEME_COUNT;
  const K = kinds.ids.length;
  const perKind = () => new Float64Array(K * S * TIER_COUNT);
  const finite = (v: number | null) => (v === null ? Number.POSITIVE_INFINITY : v);
  const t: InsuranceTables = {
    deductibleRule: Uint8Array.from(
      schemes.map((s) => ["perYearPerTier", "perYear", "perAdmission"].indexOf(s.inpatient.deductibleRule)),
    ),
    deductible: new Float64Array(S * TIER_COUNT),
    outpatientRate: perKind(),
    inpatientRate: perKind(),
    unreferredOutpatientRate: perKind(),
    unreferredInpatientRate: perKind(),
    outpatientAccount: new Uint8Array(K * S * TIER_COUNT),
    outpatientCap: Float64Array.from(
      schemes.flatMap((s) => [finite(s.outpatient.annualCap), finite(s.chronicOutpatient.annualCap)]),
    ),
    inpatientCap: Float64Array.from(schemes.map((s) => finite(s.inpatient.annualCap))),
    continuousReferred: Uint8Array.from(
      schemes.map((s) => (s.inpatient.referredDeductible === "continuous" ? 1 : 0)),
    ),
    waiveDownward: Uint8Array.from(
      schemes.map((s) => (s.inpatient.downwardStayDeductible === "waived" ? 1 : 0)),
    ),
    anyCap: false,
  };
  t.anyCap = [...t.outpatientCap, ...t.inpatientCap].some((v) => v < Number.POSITIVE_INFINITY);
  schemes.forEach((s, si) => {
    const d = s.inpatient.deductible;
    t.deductible.set([d.township, d.township, d.county, d.tertiary, d.outOfRegion], si * TIER_COUNT);
    const general = outpatientRates(s);
    const r = s.inpatient.rate;
    const inpatient = [r.township, r.township, r.county, r.tertiary, r.outOfRegion];
    const pen = s.unreferredPenalty;
    const penalties = [0, 0, pen.county, pen.tertiary, pen.outOfRegion];
    const chronic = s.chronicOutpatient;
    const chronicTop = 1 + CAP_TIERS.indexOf(chronic.highestTier);
    for (let k = 0; k < K; k++) {
      // Disease lists: the listed kind's inpatient rate at the list's tier, and elsewhere.
      const listed = s.diseaseLists.findLast((l) => l.kinds.includes(kinds.ids[k]));
      const listTier = listed ? 1 + CAP_TIERS.indexOf(listed.tier) : -1;
      for (let tier = 0; tier < TIER_COUNT; tier++) {
        const at = (k * S + si) * TIER_COUNT + tier;
        let out = general[tier];
        if (chronic.rate !== null && kinds.usualSource[k] && tier <= chronicTop && chronic.rate > out) {
          out = chronic.rate;
          t.outpatientAccount[at] = CHRONIC_ACCOUNT;
        }
        const stay = listed
          ? tier === listTier || (listTier === 1 && tier === 0)
            ? listed.rate
            : listed.elsewhere
          : inpatient[tier];
        t.outpatientRate[at] = out;
        t.inpatientRate[at] = stay;
        t.unreferredOutpatientRate[at] = penalised(out, penalties[tier], pen.unit);
        t.unreferredInpatientRate[at] = penalised(stay, penalties[tier], pen.unit);
      }
    }
  });
  return t;
}

/** Index of (kind, scheme, tier) in the per-kind tables. */
export function kindSchemeTier(kind: number, scheme: number, tier: number): number {
  return (kind * SCHEME_COUNT + scheme) * TIER_COUNT + tier;
}

/**
 * One outpatient visit costing `price`: the fund pays its rate, up to what is left of the yearly
 * cap (`capLeft`, Infinity: none); the patient pays the rest.
 */
export function settleOutpatient(
  price: number,
  rate: number,
  capLeft: number,
): { outOfPocket: number; fund: number } {
  const covered = price * rate;
  const fund = covered < capLeft ? covered : capLeft > 0 ? capLeft : 0;
  return { outOfPocket: price - fund, fund };
}

/**
 * A stay costing `cost`, with `due` yuan of the deductible still to pay: the patient pays the
 * deductible (up to the cost), then the uncovered share of the rest; the fund pays the covered
 * share up to what is left of its yearly cap (`capLeft`), and the patient the excess.
 */
export function settleStay(
  cost: number,
  due: number,
  rate: number,
  capLeft: number,
): { outOfPocket: number; fund: number; deductibleUsed: number } {
  const deductibleUsed = due < cost ? (due > 0 ? due : 0) : cost;
  const covered = (cost - deductibleUsed) * rate;
  const fund = covered < capLeft ? covered : capLeft > 0 ? capLeft : 0;
  return { outOfPocket: cost - fund, fund, deductibleUsed };
}
