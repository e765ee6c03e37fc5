import { describe, expect, it } from "vitest";
import { DeductibleLedger } from "../models/policy/deductible-ledger.ts";
import { InsuranceSchema, insuranceTables } from "../models/policy/insurance.ts";
import { COUNTY, TERTIARY, TOWNSHIP } from "../models/supply/tiers.ts";

const RESIDENT = 1;
const tables = (rule: "perYearPerTier" | "perYear" | "perAdmission") =>
  insuranceTables(
    InsuranceSchema.parse({
      schemes: {
        resident: {
          inpatient: { deductibleRule: rule, deductible: { township: 300, county: 400, tertiary: 700 } },
        },
      },
    }),
  );

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
      insuranceTables(
        InsuranceSchema.parse({
          schemes: { resident: { unreferredPenalty: { unit, county: 10, outOfRegion: 25 } } },
        }),
      );
    const points = at("points");
    const relative = at("relative");
    const t = (tier: number) => RESIDENT * 5 + tier;
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
