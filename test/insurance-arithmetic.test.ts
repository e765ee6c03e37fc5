import { describe, expect, it } from "vitest";
import { BenefitLedger } from "../models/policy/benefit-ledger.ts";
import { DeductibleLedger } from "../models/policy/deductible-ledger.ts";
import {
  CHRONIC_ACCOUNT,
  countyRules,
  InsuranceSchema,
  insuranceTables,
  kindSchemeTier,
  SCHEME_COUNT,
  settleOutpatient,
  settleStay,
} from "../models/policy/insurance.ts";
import { EMPLOYEE, NCMS, RESIDENT, SCHEME_NAMES } from "../models/population/population.ts";
import { COUNTY, OUT_OF_REGION, TERTIARY, TOWNSHIP, VILLAGE } from "../models/supply/tiers.ts";

/** A catalogue of two kinds: an acute one and a chronic follow-up (usualSource). */
const KINDS = { ids: ["acute", "chronic"], usualSource: [0, 1] };
const ACUTE = 0;
const CHRONIC = 1;
const build = (insurance: unknown) => insuranceTables(InsuranceSchema.parse(insurance), KINDS);
const tables = (rule: "perYearPerTier" | "perYear" | "perAdmission") =>
  build({
    schemes: {
      resident: {
        inpatient: { deductibleRule: rule, deductible: { township: 300, county: 400, tertiary: 700 } },
      },
    },
  });

describe("inpatient deductible (起付线)", () => {
  it("per year at each tier: paying at the county leaves the tertiary deductible whole", () => {
    const d = new DeductibleLedger(2, tables("perYearPerTier"));
    expect(d.remaining(0, RESIDENT, COUNTY, 0)).toBe(400);
    d.pay(0, RESIDENT, COUNTY, 0, 400);
    expect(d.remaining(0, RESIDENT, COUNTY, 0)).toBe(0);
    expect(d.remaining(0, RESIDENT, TERTIARY, 0)).toBe(700);
    expect(d.remaining(1, RESIDENT, COUNTY, 0)).toBe(400); // another resident
  });

  it("per year whatever the tier: what was paid counts against every tier's threshold", () => {
    const d = new DeductibleLedger(1, tables("perYear"));
    d.pay(0, RESIDENT, COUNTY, 0, 400);
    expect(d.remaining(0, RESIDENT, TOWNSHIP, 0)).toBe(0);
    expect(d.remaining(0, RESIDENT, TERTIARY, 0)).toBe(300);
  });

  it("per admission: every stay pays it again", () => {
    const d = new DeductibleLedger(1, tables("perAdmission"));
    d.pay(0, RESIDENT, COUNTY, 0, 400);
    expect(d.remaining(0, RESIDENT, COUNTY, 0)).toBe(400);
  });

  it("starts each insurance year afresh, and a stay charged late still counts for its own year", () => {
    const d = new DeductibleLedger(1, tables("perYearPerTier"));
    d.pay(0, RESIDENT, COUNTY, 0, 250);
    expect(d.remaining(0, RESIDENT, COUNTY, 1)).toBe(400); // year 1 reads nothing of year 0
    expect(d.remaining(0, RESIDENT, COUNTY, 0)).toBe(150);
    d.pay(0, RESIDENT, COUNTY, 1, 100);
    expect(d.remaining(0, RESIDENT, COUNTY, 1)).toBe(300);
    // A last-year stay charged after this year's payment leaves this year's account alone.
    d.pay(0, RESIDENT, COUNTY, 0, 50);
    expect(d.remaining(0, RESIDENT, COUNTY, 1)).toBe(300);
  });
});

describe("reimbursement without a referral", () => {
  it("cuts the rate by points or relative %, at the tiers the scheme names (hand-computed Wenzhou ladder)", () => {
    // Resident scheme: grassroots 50%, gaps 5 points: county 45%, tertiary 40%, out of region 35%.
    const at = (unit: "points" | "relative") =>
      build({ schemes: { resident: { unreferredPenalty: { unit, county: 10, outOfRegion: 25 } } } });
    const points = at("points");
    const relative = at("relative");
    const t = (tier: number) => kindSchemeTier(ACUTE, RESIDENT, tier);
    expect(points.outpatientRate[t(4)]).toBeCloseTo(0.35, 12);
    expect(points.unreferredOutpatientRate[t(4)]).toBeCloseTo(0.1, 12); // 35% − 25 points
    expect(relative.unreferredOutpatientRate[t(4)]).toBeCloseTo(0.2625, 12); // 35% × 0.75
    expect(points.unreferredOutpatientRate[t(COUNTY)]).toBeCloseTo(0.35, 12); // 45% − 10 points
    expect(points.unreferredOutpatientRate[t(TERTIARY)]).toBeCloseTo(0.4, 12); // no penalty there
    expect(points.unreferredOutpatientRate[t(TOWNSHIP)]).toBeCloseTo(0.5, 12);
    // Inpatient: resident county rate 75% − 10 points.
    expect(points.unreferredInpatientRate[t(COUNTY)]).toBeCloseTo(0.65, 12);
  });
});

/**
 * Out-of-pocket arithmetic on the Wenzhou rules (温政办〔2014〕135号): urban-district employees'
 * deductibles 600/300/200 yuan at tertiary/secondary/level-1, residents' 700/400/300; the default
 * rates (employees 90/85/80% inpatient at township/county/tertiary, outpatient 60% at the
 * grassroots less 10 points a rung; residents 85/75/60%, 50% less 5 points). Every expected
 * value below is worked by hand from those numbers.
 */
describe("out-of-pocket cost on the Wenzhou rules, by hand", () => {
  const wenzhou = build({
    schemes: {
      employee: {
        inpatient: { deductible: { township: 200, county: 300, tertiary: 600 } },
        unreferredPenalty: { tertiary: 10, outOfRegion: 25 },
      },
      resident: {
        inpatient: { deductible: { township: 300, county: 400, tertiary: 700 } },
        unreferredPenalty: { tertiary: 10, outOfRegion: 25 },
      },
    },
  });
  const rate = (scheme: number, tier: number, referred: boolean) =>
    (referred ? wenzhou.inpatientRate : wenzhou.unreferredInpatientRate)[kindSchemeTier(ACUTE, scheme, tier)];
  const stay = (
    ledger: DeductibleLedger,
    scheme: number,
    tier: number,
    cost: number,
    year: number,
    referred: boolean,
  ) => {
    const due = ledger.dueForStay(0, scheme, tier, year, referred, false);
    const s = settleStay(cost, due, rate(scheme, tier, referred), Number.POSITIVE_INFINITY);
    ledger.pay(0, scheme, tier, year, s.deductibleUsed);
    return s;
  };

  it("employee at the county, twice in a year and again after the year's turn", () => {
    const ledger = new DeductibleLedger(1, wenzhou);
    // 10,000 yuan: 300 deductible + 9,700 × 15% = 1,755; the fund pays 8,245.
    const first = stay(ledger, EMPLOYEE, COUNTY, 10_000, 0, true);
    expect(first.outOfPocket).toBeCloseTo(1755, 9);
    expect(first.fund).toBeCloseTo(8245, 9);
    // Same year, 5,000 yuan: the deductible is paid, 5,000 × 15% = 750.
    expect(stay(ledger, EMPLOYEE, COUNTY, 5000, 0, true).outOfPocket).toBeCloseTo(750, 9);
    // Next insurance year, 5,000 yuan: 300 again + 4,700 × 15% = 1,005.
    expect(stay(ledger, EMPLOYEE, COUNTY, 5000, 1, true).outOfPocket).toBeCloseTo(1005, 9);
    // A township stay that year has its own deductible: 200 + 1,800 × 10% = 380.
    expect(stay(ledger, EMPLOYEE, TOWNSHIP, 2000, 1, true).outOfPocket).toBeCloseTo(380, 9);
  });

  it("employee at the tertiary tier, referred or not (10-point penalty)", () => {
    // 20,000 yuan referred: 600 + 19,400 × 20% = 4,480; unreferred at 70%: 600 + 19,400 × 30% = 6,420.
    expect(
      stay(new DeductibleLedger(1, wenzhou), EMPLOYEE, TERTIARY, 20_000, 0, true).outOfPocket,
    ).toBeCloseTo(4480, 9);
    expect(
      stay(new DeductibleLedger(1, wenzhou), EMPLOYEE, TERTIARY, 20_000, 0, false).outOfPocket,
    ).toBeCloseTo(6420, 9);
  });

  it("resident at each tier with beds, referred", () => {
    const oop = (tier: number, cost: number) =>
      stay(new DeductibleLedger(1, wenzhou), RESIDENT, tier, cost, 0, true).outOfPocket;
    expect(oop(TOWNSHIP, 3000)).toBeCloseTo(300 + 2700 * 0.15, 9); // 705
    expect(oop(COUNTY, 8000)).toBeCloseTo(400 + 7600 * 0.25, 9); // 2,300
    expect(oop(TERTIARY, 20_000)).toBeCloseTo(700 + 19_300 * 0.4, 9); // 8,420
    expect(oop(TOWNSHIP, 200)).toBeCloseTo(200, 9); // below the deductible: all of it
  });

  it("resident referred from the county to the tertiary tier: continuous deductible pays only the difference", () => {
    const continuous = build({
      schemes: {
        resident: {
          inpatient: { deductible: { county: 400, tertiary: 700 }, referredDeductible: "continuous" },
        },
      },
    });
    const ledger = new DeductibleLedger(1, continuous);
    ledger.pay(0, RESIDENT, COUNTY, 0, 400); // the county stay paid its deductible
    const due = ledger.dueForStay(0, RESIDENT, TERTIARY, 0, true, false);
    expect(due).toBe(300); // 700 − 400
    // 20,000 yuan: 300 + 19,700 × 40% = 8,180 (separate deductibles: 700 + 19,300 × 40% = 8,420).
    expect(settleStay(20_000, due, 0.6, Number.POSITIVE_INFINITY).outOfPocket).toBeCloseTo(8180, 9);
    expect(ledger.dueForStay(0, RESIDENT, TERTIARY, 0, false, false)).toBe(700); // not referred: in full
    expect(ledger.dueForStay(0, RESIDENT, TERTIARY, 1, true, false)).toBe(700); // next year: nothing paid yet
  });

  it("a downward-referred stay's deductible is waived only where the scheme waives it", () => {
    const waived = build({ schemes: { ncms: { inpatient: { downwardStayDeductible: "waived" } } } });
    const ledger = new DeductibleLedger(1, waived);
    expect(ledger.dueForStay(0, NCMS, TOWNSHIP, 0, false, true)).toBe(0);
    expect(ledger.dueForStay(0, RESIDENT, TOWNSHIP, 0, false, true)).toBe(300);
    expect(ledger.dueForStay(0, NCMS, TOWNSHIP, 0, false, false)).toBe(300);
  });

  it("outpatient visits by tier, referred or not (Wenzhou out-of-region cut of 25 points)", () => {
    const out = (scheme: number, tier: number, price: number, referred: boolean) =>
      settleOutpatient(
        price,
        (referred ? wenzhou.outpatientRate : wenzhou.unreferredOutpatientRate)[
          kindSchemeTier(ACUTE, scheme, tier)
        ],
        Number.POSITIVE_INFINITY,
      ).outOfPocket;
    // Employees: 60 / 50 / 40 / 30% at grassroots / county / tertiary / out of region.
    expect(out(EMPLOYEE, VILLAGE, 30, true)).toBeCloseTo(12, 9);
    expect(out(EMPLOYEE, TOWNSHIP, 80, true)).toBeCloseTo(32, 9);
    expect(out(EMPLOYEE, COUNTY, 300, true)).toBeCloseTo(150, 9);
    expect(out(EMPLOYEE, TERTIARY, 500, true)).toBeCloseTo(300, 9);
    expect(out(EMPLOYEE, TERTIARY, 500, false)).toBeCloseTo(350, 9); // 40 − 10 points
    expect(out(EMPLOYEE, OUT_OF_REGION, 500, true)).toBeCloseTo(350, 9);
    expect(out(EMPLOYEE, OUT_OF_REGION, 500, false)).toBeCloseTo(475, 9); // 30 − 25 points
    // Residents: 50 / 45 / 40 / 35%.
    expect(out(RESIDENT, COUNTY, 300, true)).toBeCloseTo(165, 9);
    expect(out(RESIDENT, OUT_OF_REGION, 500, false)).toBeCloseTo(450, 9); // 35 − 25 points
  });
});

describe("schemes, caps and benefit lists", () => {
  it("counties' rules are the region's with their own changes, nested or dotted", () => {
    const p = InsuranceSchema.parse({
      schemes: { ncms: { outpatient: { grassrootsRate: 0.6 } } },
      counties: {
        "schemes.ncms.outpatient.gaps.county": 20,
        schemes: { employee: { inpatient: { rate: { county: 0.7 } } } },
      },
    });
    const county = countyRules(p);
    expect(county.schemes.ncms.outpatient.grassrootsRate).toBe(0.6); // inherited from the region
    expect(county.schemes.ncms.outpatient.gaps.county).toBe(20);
    expect(county.schemes.ncms.outpatient.gaps.city).toBe(5);
    expect(county.schemes.employee.inpatient.rate.county).toBe(0.7);
    expect(county.schemes.employee.inpatient.rate.tertiary).toBe(0.8);
    expect(p.schemes.ncms.outpatient.gaps.county).toBe(5); // the districts keep theirs
    const tables = insuranceTables(county, KINDS);
    expect(tables.outpatientRate[kindSchemeTier(ACUTE, NCMS, COUNTY)]).toBeCloseTo(0.4, 12); // 60% − 20 points
    expect(() =>
      InsuranceSchema.parse({ counties: { "schemes.ncms.outpatient.gaps.county": 500 } }),
    ).toThrow();
    expect(() => InsuranceSchema.parse({ counties: { "schemes.nope.rate": 1 } })).toThrow(/unknown field/);
  });

  it("NCMS follows its own rules while separate and the resident rules once merged (国发〔2016〕3号)", () => {
    const ncmsRules = { schemes: { ncms: { outpatient: { grassrootsRate: 0.7 } } } };
    const separate = build(ncmsRules);
    const merged = build({ ...ncmsRules, residentSchemes: "merged" });
    const g = (t: typeof separate, scheme: number) =>
      t.outpatientRate[kindSchemeTier(ACUTE, scheme, TOWNSHIP)];
    expect(g(separate, NCMS)).toBeCloseTo(0.7, 12);
    expect(g(separate, RESIDENT)).toBeCloseTo(0.5, 12);
    expect(g(merged, NCMS)).toBeCloseTo(0.5, 12);
    expect(SCHEME_NAMES.length).toBe(SCHEME_COUNT);
  });

  it("outpatient pooling cap: the fund pays up to the cap, then the patient pays everything", () => {
    const capped = build({ schemes: { resident: { outpatient: { annualCap: 200 } } } });
    const ledger = new BenefitLedger(1);
    const rate = capped.outpatientRate[kindSchemeTier(ACUTE, RESIDENT, TOWNSHIP)];
    const cap = capped.outpatientCap[RESIDENT * 2];
    expect(cap).toBe(200);
    const paid: number[] = [];
    for (let visit = 0; visit < 6; visit++) {
      const s = settleOutpatient(100, rate, cap - ledger.used(0, 0, 0));
      ledger.add(0, 0, 0, s.fund);
      paid.push(s.outOfPocket);
    }
    // 50 yuan a visit from the fund: four visits reach 200, the fifth and sixth pay 100.
    expect(paid).toEqual([50, 50, 50, 50, 100, 100]);
    expect(ledger.used(0, 0, 1)).toBe(0); // next year starts afresh
    expect(capped.anyCap).toBe(true);
    expect(build({}).anyCap).toBe(false);
  });

  it("annual inpatient cap (封顶线): the fund's share stops at the cap", () => {
    // 100,000 yuan at 75% above a 400 deductible would cost the fund 74,700; cap left 50,000.
    const s = settleStay(100_000, 400, 0.75, 50_000);
    expect(s.fund).toBe(50_000);
    expect(s.outOfPocket).toBe(50_000);
  });

  it("chronic outpatient benefit (门诊慢特病) covers follow-up kinds up to its tier, on its own account", () => {
    const chronic = build({
      schemes: { ncms: { chronicOutpatient: { rate: 0.7, highestTier: "county", annualCap: 3000 } } },
    });
    const at = (kind: number, tier: number) => kindSchemeTier(kind, NCMS, tier);
    expect(chronic.outpatientRate[at(CHRONIC, TOWNSHIP)]).toBeCloseTo(0.7, 12);
    expect(chronic.outpatientRate[at(CHRONIC, COUNTY)]).toBeCloseTo(0.7, 12);
    expect(chronic.outpatientRate[at(CHRONIC, TERTIARY)]).toBeCloseTo(0.4, 12); // general rate
    expect(chronic.outpatientRate[at(ACUTE, TOWNSHIP)]).toBeCloseTo(0.5, 12);
    expect(chronic.outpatientAccount[at(CHRONIC, COUNTY)]).toBe(CHRONIC_ACCOUNT);
    expect(chronic.outpatientAccount[at(CHRONIC, TERTIARY)]).toBe(0);
    expect(chronic.outpatientCap[NCMS * 2 + CHRONIC_ACCOUNT]).toBe(3000);
  });

  it("disease-restricted lists (Heilongjiang NCMS): 95% at the list's tier, 10% elsewhere", () => {
    const lists = build({
      schemes: {
        ncms: { diseaseLists: [{ tier: "township", kinds: ["acute"], rate: 0.95, elsewhere: 0.1 }] },
      },
    });
    const at = (kind: number, scheme: number, tier: number) =>
      lists.inpatientRate[kindSchemeTier(kind, scheme, tier)];
    expect(at(ACUTE, NCMS, TOWNSHIP)).toBeCloseTo(0.95, 12);
    expect(at(ACUTE, NCMS, COUNTY)).toBeCloseTo(0.1, 12);
    expect(at(ACUTE, NCMS, TERTIARY)).toBeCloseTo(0.1, 12);
    expect(at(CHRONIC, NCMS, COUNTY)).toBeCloseTo(0.75, 12); // not listed
    expect(at(ACUTE, RESIDENT, COUNTY)).toBeCloseTo(0.75, 12); // another scheme
  });
});
