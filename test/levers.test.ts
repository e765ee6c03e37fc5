import { beforeAll, describe, expect, it } from "vitest";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { runScenario } from "../sim/run.ts";
import { applyOverride, parseSetPath } from "../sim/scenario/overrides.ts";

/**
 * Directional checks of the policy levers, one or more per lever, each a pair of runs set through
 * `--set` paths with common random numbers: who falls ill, when and with what is the same in both
 * runs of a pair, so the difference is the lever's. Each asserts the sign of the effect and a
 * minimum size, beyond the spread over replications where the effect is on a rate.
 */
const RUN = { "run.population": 50_000, "run.years": 1, "run.replications": 3 };

async function run(sets: Record<string, unknown> = {}): Promise<RunMetrics> {
  const data: Record<string, unknown> = {};
  for (const [path, value] of Object.entries({ ...RUN, ...sets })) {
    const parsed = parseSetPath(path);
    if (!parsed.ok) throw new Error(parsed.message);
    const applied = applyOverride(data, { text: path, path: parsed.value, value }, ScenarioSchema);
    if (!applied.ok) throw new Error(`${path}: ${applied.message}`);
  }
  return (await runScenario(ScenarioSchema.parse(data), { threads: 2 })).metrics;
}

const TIMEOUT = 120_000;
let base: RunMetrics;
beforeAll(async () => {
  base = await run();
}, TIMEOUT);

/** The larger of `floor` and `k` replication standard deviations of the baseline's grassroots share. */
const beyondNoise = (floor: number, k = 6) => Math.max(floor, k * base.summary.spread.grassrootsShare.sd);

describe("insurance levers", () => {
  it(
    "a larger resident outpatient gap between the grassroots and the county raises the grassroots share",
    async () => {
      const m = await run({
        "insurance.schemes.resident.outpatient.gaps.county": 15,
        "insurance.schemes.ncms.outpatient.gaps.county": 15,
      });
      expect(m.summary.grassrootsShare - base.summary.grassrootsShare).toBeGreaterThan(beyondNoise(0.005));
    },
    TIMEOUT,
  );

  it(
    "rules of the counties' own change the counties' residents only",
    async () => {
      const m = await run({
        "insurance.counties": {
          "schemes.ncms.outpatient.gaps.county": 25,
          "schemes.employee.outpatient.gaps.county": 25,
        },
      });
      const place = (x: RunMetrics) => x.summary.grassrootsShareByPlace;
      const counties = place(m).counties - place(base).counties;
      const districts = place(m).districts - place(base).districts;
      expect(counties).toBeGreaterThan(0.01);
      // The districts' rules are unchanged; their residents feel the counties' change only through
      // the city's hospitals they share, whose queues shorten as county residents leave them:
      // a spillover the other way, and smaller.
      expect(districts).toBeLessThan(0.001);
      expect(Math.abs(districts)).toBeLessThan(counties / 2);
    },
    TIMEOUT,
  );

  it(
    "merging the resident schemes puts NCMS members on the resident rules",
    async () => {
      // NCMS pays 20% at the grassroots here, the resident scheme 50%: merged, NCMS members pay less.
      const worse = { "insurance.schemes.ncms.outpatient.grassrootsRate": 0.2 };
      const separate = await run(worse);
      const merged = await run({ ...worse, "insurance.residentSchemes": "merged" });
      expect(merged.summary.outOfPocketPerCapitaByScheme.ncms).toBeLessThan(
        0.95 * separate.summary.outOfPocketPerCapitaByScheme.ncms,
      );
      expect(merged.summary.outOfPocketPerCapitaByScheme.ncms).toBeCloseTo(
        base.summary.outOfPocketPerCapitaByScheme.ncms,
        6,
      );
    },
    TIMEOUT,
  );

  it(
    "an outpatient pooling cap lowers the fund's outpatient spending and raises the out-of-pocket share",
    async () => {
      const m = await run({
        "insurance.schemes.resident.outpatient.annualCap": 50,
        "insurance.schemes.ncms.outpatient.annualCap": 50,
      });
      expect(m.summary.outOfPocketShare).toBeGreaterThan(base.summary.outOfPocketShare + 0.01);
      expect(m.summary.fundPerCapitaByScheme.ncms).toBeLessThan(base.summary.fundPerCapitaByScheme.ncms);
      // Employees are not capped: what the fund pays them does not change.
      expect(m.summary.fundPerCapitaByScheme.employee).toBeCloseTo(
        base.summary.fundPerCapitaByScheme.employee,
        0,
      );
    },
    TIMEOUT,
  );

  it(
    "an annual inpatient cap (封顶线) lowers the fund's spending on stays",
    async () => {
      const m = await run({ "insurance.schemes.ncms.inpatient.annualCap": 2000 });
      expect(m.summary.fundPerCapitaByScheme.ncms).toBeLessThan(
        0.9 * base.summary.fundPerCapitaByScheme.ncms,
      );
    },
    TIMEOUT,
  );

  it(
    "a chronic outpatient benefit up to the county draws chronic follow-ups away from tertiary hospitals",
    async () => {
      const m = await run({
        "insurance.schemes.ncms.chronicOutpatient.rate": 0.9,
        "insurance.schemes.resident.chronicOutpatient.rate": 0.9,
        "insurance.schemes.employee.chronicOutpatient.rate": 0.9,
      });
      const tertiary = (x: RunMetrics) => x.summary.firstContactByKind.hypertensionFollowUp.tertiary;
      expect(tertiary(m)).toBeLessThan(tertiary(base) - 0.005);
    },
    TIMEOUT,
  );

  it(
    "a disease-restricted list (Heilongjiang NCMS) moves listed admissions of NCMS members to the township",
    async () => {
      const m = await run({
        "insurance.schemes.ncms.diseaseLists": [
          { tier: "township", kinds: ["moderate"], rate: 0.95, elsewhere: 0.1 },
        ],
      });
      const township = (x: RunMetrics) => x.summary.admissionsByTier.township / x.summary.admissionsPer100;
      expect(township(m)).toBeGreaterThan(1.02 * township(base));
    },
    TIMEOUT,
  );

  it(
    "per-service-unit payment of hospital visits lowers out of pocket per visit there",
    async () => {
      const m = await run({ "payment.outpatientVisits": "perServiceUnit" });
      // 5% off each county and tertiary visit's price: 5% off what patients pay for it, by hand.
      expect(m.summary.outOfPocketPerVisitByTier.tertiary).toBeLessThan(
        0.975 * base.summary.outOfPocketPerVisitByTier.tertiary,
      );
      expect(m.summary.outOfPocketPerVisitByTier.township).toBeCloseTo(
        base.summary.outOfPocketPerVisitByTier.township,
        0,
      );
    },
    TIMEOUT,
  );

  it(
    "day surgery frees tertiary beds: fewer bed-days, shorter bed waits",
    async () => {
      const m = await run({ "payment.daySurgeryShare.tertiary": 0.5, "payment.daySurgeryShare.county": 0.5 });
      expect(m.summary.bedOccupancyByTier.tertiary).toBeLessThan(
        base.summary.bedOccupancyByTier.tertiary - 0.01,
      );
      expect(m.summary.bedTransfers).toBeLessThan(base.summary.bedTransfers);
    },
    TIMEOUT,
  );

  it(
    "per-case payment lowers what the fund pays county and tertiary hospitals",
    async () => {
      const m = await run({ "payment.hospitalStays": "perCase" });
      expect(m.summary.fundPerCapitaByTier.county).toBeLessThan(
        0.97 * base.summary.fundPerCapitaByTier.county,
      );
      expect(m.summary.fundPerCapitaByTier.tertiary).toBeLessThan(
        0.97 * base.summary.fundPerCapitaByTier.tertiary,
      );
      expect(m.summary.outOfPocketPerStayByTier.tertiary).toBeLessThan(
        base.summary.outOfPocketPerStayByTier.tertiary,
      );
    },
    TIMEOUT,
  );
});

describe("prices and capacity", () => {
  it(
    "a steeper price gradient (tertiary prices 1.5 times) lowers the tertiary share of visits",
    async () => {
      const m = await run({ "facilities.tertiary.priceFactor": 1.5 });
      expect(m.summary.visitsShareByTier.tertiary).toBeLessThan(
        base.summary.visitsShareByTier.tertiary - 0.005,
      );
      expect(m.summary.outOfPocketPerVisitByTier.tertiary).toBeGreaterThan(
        base.summary.outOfPocketPerVisitByTier.tertiary,
      );
    },
    TIMEOUT,
  );
});

describe("downward referral", () => {
  // A ten-day step-down stay at the home centre for emergencies referred down (none by default).
  const stepDown = { "episodes.kinds.emergency.rehab.stayDays": 10, "run.years": 2 };
  let charged: RunMetrics;
  beforeAll(async () => {
    charged = await run(stepDown);
  }, TIMEOUT);

  it(
    "waived downward-stay deductibles raise downward referrals",
    async () => {
      const waived = await run({
        ...stepDown,
        "insurance.schemes.employee.inpatient.downwardStayDeductible": "waived",
        "insurance.schemes.resident.inpatient.downwardStayDeductible": "waived",
        "insurance.schemes.ncms.inpatient.downwardStayDeductible": "waived",
      });
      expect(charged.summary.stepDownStays).toBeGreaterThan(0);
      expect(waived.summary.downwardAcceptance).toBeGreaterThan(charged.summary.downwardAcceptance + 0.02);
      expect(waived.summary.downwardReferrals).toBeGreaterThan(1.05 * charged.summary.downwardReferrals);
    },
    TIMEOUT,
  );

  it(
    "without beds at the home centres a step-down referral fails",
    async () => {
      const noBeds = await run({
        ...stepDown,
        "facilities.townshipCentre.bedsPer1000": 0,
        "facilities.communityCentre.bedsPer1000": 0,
      });
      expect(noBeds.summary.stepDownStays).toBe(0);
      expect(noBeds.summary.downwardBlockedByBeds).toBeGreaterThan(0);
      // Only emergencies have a step-down stay: their downward referrals are the ones lost.
      expect(noBeds.summary.downwardReferrals).toBeLessThan(
        charged.summary.downwardReferrals - 0.8 * charged.summary.stepDownStays,
      );
    },
    TIMEOUT,
  );

  it(
    "rehabilitation and nursing facilities take some downward referrals and raise acceptance",
    async () => {
      const m = await run({ "facilities.placement.rehabNursing": true });
      expect(base.summary.downwardToRehab).toBe(0);
      expect(m.summary.downwardToRehab).toBeGreaterThan(0);
      expect(m.summary.downwardToRehab).toBeLessThan(m.summary.downwardReferrals);
      // One more place to go: staying at the hospital is chosen less often.
      expect(m.summary.downwardAcceptance).toBeGreaterThan(base.summary.downwardAcceptance);
    },
    TIMEOUT,
  );

  it(
    "a readier discharging hospital refers more patients down",
    async () => {
      const m = await run({ "referral.downward": 0.7 });
      expect(m.summary.downwardReferrals).toBeGreaterThan(1.6 * base.summary.downwardReferrals);
    },
    TIMEOUT,
  );
});

describe("family-doctor contracting", () => {
  it(
    "higher coverage raises grassroots first contact; holders first contact the grassroots more than others",
    async () => {
      const m = await run({ "contracting.coverage.all": 0.6 });
      expect(m.summary.contractCoverage).toBeGreaterThan(0.57);
      expect(base.summary.grassrootsFirstContactHolders).toBeGreaterThan(
        base.summary.grassrootsFirstContactNonHolders + 0.05,
      );
      const grassroots = (x: RunMetrics) =>
        x.summary.firstContactByKind.minor.village +
        x.summary.firstContactByKind.minor.township +
        x.summary.firstContactByKind.moderate.village +
        x.summary.firstContactByKind.moderate.township;
      expect(grassroots(m)).toBeGreaterThan(grassroots(base) + 0.02);
      expect(m.summary.grassrootsShare - base.summary.grassrootsShare).toBeGreaterThan(beyondNoise(0.01));
    },
    TIMEOUT,
  );

  it(
    "a key-population target is met within its group while the overall coverage holds",
    async () => {
      const m = await run({ "contracting.coverage.elderly": 0.65 });
      const elderly = m.summary.contractCoverageByGroup.elderly;
      expect(Math.abs(elderly - 0.65)).toBeLessThan(0.03);
      expect(Math.abs(m.summary.contractCoverage - 0.222)).toBeLessThan(0.01);
    },
    TIMEOUT,
  );

  it(
    "long prescriptions cut chronic follow-up visits",
    async () => {
      const m = await run({
        "contracting.coverage.all": 0.6,
        "contracting.effects.longPrescriptionFactor": 2,
      });
      const same = await run({ "contracting.coverage.all": 0.6 });
      expect(m.summary.visitsPerPersonYear).toBeLessThan(same.summary.visitsPerPersonYear - 0.05);
      // Most hypertension patients hold a contract at 60% coverage (elderly and chronic sign more):
      // with an 8-week supply they come half as often.
      const followUps = (x: RunMetrics) => x.summary.episodes.byKind.hypertensionFollowUp;
      expect(followUps(m)).toBeLessThan(0.8 * followUps(same));
      expect(followUps(m)).toBeGreaterThan(0.5 * followUps(same));
    },
    TIMEOUT,
  );

  it(
    "reserved slots for holders' referrals lengthen everyone else's tertiary waits where slots are short",
    async () => {
      const short = { "facilities.tertiary.slotsPerDoctorDay": 6, "contracting.coverage.all": 0.6 };
      const open = await run(short);
      const reserved = await run({ ...short, "contracting.effects.reservedSlotShare": 0.3 });
      expect(reserved.summary.meanOutpatientWaitDaysByTier.tertiary).toBeGreaterThan(
        open.summary.meanOutpatientWaitDaysByTier.tertiary,
      );
    },
    TIMEOUT,
  );

  it(
    "1+1+1 relieves holders' unreferred penalty at their own hospitals, drawing them there",
    async () => {
      const penalty = {
        "insurance.schemes.resident.unreferredPenalty.tertiary": 30,
        "insurance.schemes.ncms.unreferredPenalty.tertiary": 30,
        "insurance.schemes.employee.unreferredPenalty.tertiary": 30,
        "contracting.coverage.all": 0.6,
      };
      const standard = await run(penalty);
      const own = await run({ ...penalty, "contracting.model": "1+1+1" });
      expect(own.summary.visitsShareByTier.tertiary).toBeGreaterThan(
        standard.summary.visitsShareByTier.tertiary + 0.003,
      );
      expect(own.summary.outOfPocketPerVisitByTier.tertiary).toBeLessThan(
        standard.summary.outOfPocketPerVisitByTier.tertiary,
      );
    },
    TIMEOUT,
  );
});

describe("family beds", () => {
  it(
    "family beds admit holders' chronic patients at home, freeing township ward beds",
    async () => {
      const sets = { "contracting.coverage.all": 0.6 };
      const wards = await run(sets);
      const home = await run({ ...sets, "contracting.effects.familyBedShare": 1 });
      expect(wards.summary.familyBedAdmissions).toBe(0);
      expect(home.summary.familyBedAdmissions).toBeGreaterThan(0);
      expect(home.summary.bedOccupancyByTier.township).toBeLessThan(
        wards.summary.bedOccupancyByTier.township,
      );
      // The freed ward beds take admissions that would have been transferred for want of one.
      expect(home.summary.admissionsByTier.township).toBeGreaterThanOrEqual(
        wards.summary.admissionsByTier.township,
      );
      expect(home.summary.bedTransfers).toBeLessThanOrEqual(wards.summary.bedTransfers);
    },
    TIMEOUT,
  );
});

describe("referral rules, payment and alliances", () => {
  it(
    "green channels take every emergency straight to a capable hospital",
    async () => {
      const all = await run({ "referral.greenChannelShare": 1 });
      const none = await run({ "referral.greenChannelShare": 0 });
      expect(all.summary.capableFirstContactByKind.emergency).toBe(1);
      expect(all.summary.emergenciesWithoutGreenChannel).toBe(0);
      expect(none.summary.capableFirstContactByKind.emergency).toBeLessThan(
        base.summary.capableFirstContactByKind.emergency,
      );
      expect(none.summary.upwardReferrals).toBeGreaterThan(all.summary.upwardReferrals);
    },
    TIMEOUT,
  );

  it(
    "an enforced referral-out cap at the township lowers its referral-out rate; a measured one changes nothing",
    async () => {
      const measured = await run({ "referral.outCaps.township": 0.005 });
      const enforced = await run({ "referral.outCaps.township": 0.005, "referral.outCaps.enforce": true });
      expect(measured.summary.referralOutRateByTier).toEqual(base.summary.referralOutRateByTier);
      expect(enforced.summary.retainedByTier.township).toBeGreaterThan(0);
      expect(enforced.summary.referralOutRateByTier.township).toBeLessThan(
        0.7 * base.summary.referralOutRateByTier.township,
      );
    },
    TIMEOUT,
  );

  it(
    "a county medical community on a global budget keeps more patients in the county",
    async () => {
      const community = { "alliances.countyCommunities.coverage": 1 };
      const fee = await run(community);
      const budget = await run({ ...community, "alliances.countyCommunities.globalBudget": true });
      expect(budget.summary.retainedByTier.county).toBeGreaterThan(0);
      expect(fee.summary.retainedByTier.county).toBe(0);
      expect(budget.summary.countyHospitalReferralOutRate).toBeLessThan(
        0.9 * fee.summary.countyHospitalReferralOutRate,
      );
    },
    TIMEOUT,
  );

  it(
    "a capitated family doctor refers holders' chronic episodes less",
    async () => {
      const m = await run({ "payment.grassroots": "capitation", "contracting.coverage.all": 0.6 });
      const fee = await run({ "contracting.coverage.all": 0.6 });
      expect(m.summary.retainedByTier.township).toBeGreaterThan(0);
      expect(m.summary.referralOutRateByTier.township).toBeLessThan(
        fee.summary.referralOutRateByTier.township,
      );
    },
    TIMEOUT,
  );

  it(
    "rotating specialists in county communities raise the grassroots share",
    async () => {
      const m = await run({
        "alliances.countyCommunities.coverage": 1,
        "alliances.rotation.capabilityLevels": 1,
      });
      expect(m.summary.grassrootsShare - base.summary.grassrootsShare).toBeGreaterThan(beyondNoise(0.005));
    },
    TIMEOUT,
  );

  it(
    "city medical groups send their members' referrals to the group's own hospitals",
    async () => {
      const m = await run({ "alliances.cityGroups.coverage": 1 });
      expect(base.summary.referralsIntoAllianceShare).toBe(0);
      expect(m.summary.referralsIntoAllianceShare).toBeGreaterThan(0.5);
    },
    TIMEOUT,
  );

  it(
    "more county beds keep more admissions of county residents in the county",
    async () => {
      const fewer = await run({ "facilities.countyGeneral.bedsPer1000": 1 });
      expect(fewer.summary.countyDomesticAdmissionRate).toBeLessThan(
        base.summary.countyDomesticAdmissionRate - 0.02,
      );
      expect(fewer.summary.bedTransfers).toBeGreaterThan(base.summary.bedTransfers);
    },
    TIMEOUT,
  );
});
