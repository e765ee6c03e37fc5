import { beforeAll, describe, expect, it } from "vitest";
import { referralTarget } from "../models/care/choice/tables.ts";
import { GROUP_COUNT } from "../models/care/condition-groups.ts";
import { DEFAULT_EPISODE_KINDS } from "../models/care/episodes.ts";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { FACILITY_TYPES } from "../models/supply/facilities.ts";
import { buildWorld } from "../models/world.ts";
import { runScenario } from "../sim/run.ts";
import { loadScenario } from "../sim/scenario/loader.ts";

/**
 * Behaviour you can defend: the baseline reproduces the national shape for the right reasons —
 * who goes where first, per episode kind; capacity that binds at tertiary hospitals; chronic
 * patients who keep a usual facility.
 */
describe("the baseline, kind by kind", () => {
  let m: RunMetrics;
  beforeAll(async () => {
    const { scenario } = await loadScenario("scenarios/baseline.yaml");
    m = (await runScenario(scenario, { threads: 2 })).metrics;
  }, 120_000);

  it("reproduces the reported 2014–2015 outcomes within their bands", () => {
    for (const check of m.checks) {
      const why = `${check.id}: ${check.value} outside ${check.low}–${check.high}`;
      expect(check.value, why).toBeGreaterThanOrEqual(check.low);
      expect(check.value, why).toBeLessThanOrEqual(check.high);
    }
  });

  it("starts deliveries, elective surgery and cancer cycles where they can be treated, in at least 90% of cases", () => {
    for (const kind of ["maternity", "electiveSurgery", "cancer"])
      expect(m.summary.capableFirstContactByKind[kind], kind).toBeGreaterThanOrEqual(0.9);
  });

  it("sends emergencies to a hospital, never to a clinic or township centre; green channels to a capable one", () => {
    const e = m.summary.firstContactByKind.emergency;
    expect(e.village + e.township + e.optOut).toBe(0);
    // 57% by green channel (referral.greenChannelShare), a binomial share of the year's emergencies.
    const n = m.summary.episodes.byKind.emergency;
    const se = Math.sqrt((0.57 * 0.43) / n);
    expect(Math.abs(1 - m.summary.emergenciesWithoutGreenChannel - 0.57)).toBeLessThan(4 * se);
    // Green-channel patients all reach a capable hospital; the nearest hospital may be one too.
    expect(m.summary.capableFirstContactByKind.emergency).toBeGreaterThan(0.57 - 4 * se);
  });

  it("gives each kind a plausible first contact", () => {
    const f = m.summary.firstContactByKind;
    const grassroots = (k: string) => f[k].village + f[k].township;
    // Minor illness: 25–31% of two-week illnesses were self-treated (NHSS 2008; Li, Rao & Ren,
    // BMC Public Health 2012;12:995); most of the rest are seen at the grassroots.
    expect(f.minor.optOut).toBeGreaterThan(0.2);
    expect(f.minor.optOut).toBeLessThan(0.4);
    expect(grassroots("minor") / (1 - f.minor.optOut)).toBeGreaterThan(0.6);
    // Hypertension follow-up: 88% of rural hypertensive patients preferred primary facilities
    // (Heilongjiang, BMC Health Serv Res 2019, doi:10.1186/s12913-019-4465-7); cities less so.
    expect(grassroots("hypertensionFollowUp")).toBeGreaterThan(0.55);
    expect(f.hypertensionFollowUp.tertiary).toBeLessThan(0.25);
    // Cancer cycles never start at a clinic; complex illness rarely at the grassroots.
    expect(grassroots("cancer")).toBe(0);
    expect(grassroots("complex")).toBeLessThan(0.1);
    // Deliveries: hospitals and township centres, hardly ever a village clinic.
    expect(f.maternity.village).toBeLessThan(0.05);
  });

  it("fills tertiary beds more than county beds, and county beds more than township beds", () => {
    const o = m.summary.bedOccupancyByTier;
    expect(o.tertiary).toBeGreaterThan(o.county);
    expect(o.county).toBeGreaterThan(o.township);
  });

  it("makes patients wait for a tertiary outpatient slot", () => {
    expect(m.summary.meanOutpatientWaitDaysByTier.tertiary).toBeGreaterThan(0.05);
  });

  it("counts referred patients once and referral hops each time", () => {
    expect(m.summary.upwardReferralPatients).toBeGreaterThan(0);
    expect(m.summary.upwardReferralPatients).toBeLessThanOrEqual(m.summary.upwardReferrals);
  });

  it("lets residents die at the 2015 rate (7.11‰, NBS) once the first year has turned", () => {
    // Deaths are Poisson with mean ≈ 200,000 × 7.11‰ ≈ 1,422: SE ≈ 0.19‰.
    const se = (Math.sqrt(200_000 * 0.00711) / 200_000) * 1000;
    expect(Math.abs(m.summary.deathsPer1000 - 7.11)).toBeLessThan(4 * se);
  });

  it("returns chronic follow-ups to the usual facility at the rate set (0.8)", () => {
    // Eligible follow-ups number at least half of the year's follow-up episodes (residents
    // without a usual facility yet are few after the warm-up year): a binomial bound.
    const followUps = Object.entries(m.summary.episodes.byKind)
      .filter(([kind]) => kind.endsWith("FollowUp"))
      .reduce((s, [, n]) => s + n, 0);
    const se = Math.sqrt((0.8 * 0.2) / (followUps / 2));
    expect(Math.abs(m.summary.usualSourceReturnRate - 0.8)).toBeLessThan(4 * se);
  });
});

describe("treatment cycles", () => {
  it("draws admission at every cycle, and rehabilitation after a stay keeps the remaining cycles", async () => {
    // Cancer only, admitted with probability ½ at each cycle and always needing rehab; as frequent
    // as hospitals can take without queues (queues would stretch episodes past the summary year,
    // which then would see more of the short ones end).
    // Cycles N = 1 + G, G geometric with mean 5 (P(G = k) = (1/6)(5/6)^k). An episode ends as an
    // inpatient one unless every cycle drew "no admission": P = 1 − E[½^N] = 1 − ½·(1/6)/(1 − (5/6)·½) = 6/7.
    // (Drawn once per episode instead, half the episodes would never be admitted; cut short by
    // rehabilitation, an episode would end after its first stay.)
    const cancer = DEFAULT_EPISODE_KINDS.find((k) => k.id === "cancer");
    const s = ScenarioSchema.parse({
      run: { population: 100_000, years: 2 },
      episodes: {
        kinds: [
          {
            ...cancer,
            incidence: { ages: [0], values: [0.015] },
            admission: { village: 0, township: 0.5, county: 0.5, tertiary: 0.5, outOfRegion: 0.5 },
            rehab: { probability: 1, visits: 1, intervalDays: 7 },
          },
        ],
      },
    });
    const { metrics } = await runScenario(s, { threads: 2 });
    const o = metrics.summary.episodes.byOutcome;
    const ended = o.treatedOutpatient + o.treatedInpatient + o.optedOut;
    const share = o.treatedInpatient / ended;
    expect(Math.abs(share - 6 / 7)).toBeLessThan(4 * Math.sqrt(((6 / 7) * (1 / 7)) / ended));
    // Every episode runs its cycles: admissions per episode ≈ ½ × 6 cycles (steady state).
    const admissions = Object.values(metrics.summary.admissionsByTier).reduce((a, b) => a + b, 0);
    expect(admissions / metrics.summary.episodes.started).toBeGreaterThan(2.7);
    expect(admissions / metrics.summary.episodes.started).toBeLessThan(3.3);
  }, 60_000);
});

describe("wait feedback", () => {
  it("more tertiary slots shorten tertiary waits and draw more patients there", async () => {
    const base = ScenarioSchema.parse({ run: { population: 100_000, years: 2 } });
    const more = ScenarioSchema.parse({
      run: { population: 100_000, years: 2 },
      facilities: { tertiary: { slotsPerDoctorDay: 12 } },
    });
    const [a, b] = [
      (await runScenario(base, { threads: 2 })).metrics,
      (await runScenario(more, { threads: 2 })).metrics,
    ];
    expect(b.summary.meanOutpatientWaitDaysByTier.tertiary).toBeLessThan(
      a.summary.meanOutpatientWaitDaysByTier.tertiary,
    );
    expect(b.summary.visitsShareByTier.tertiary).toBeGreaterThan(a.summary.visitsShareByTier.tertiary);
  }, 120_000);
});

describe("nested choice", () => {
  it("a third tertiary hospital at the same total capacity raises the tertiary share at most half as much as a plain logit does", async () => {
    // Tertiary staff are per resident served, so 2 or 3 hospitals share the same total supply.
    // Slots to spare and no wait term: the choice structure alone (with binding capacity the
    // wait feedback would hide it).
    const share = async (hospitals: number, lambda: number) => {
      const s = ScenarioSchema.parse({
        run: { population: 60_000, years: 1 },
        facilities: { placement: { tertiaryHospitals: hospitals }, tertiary: { slotsPerDoctorDay: 40 } },
        choice: { nestSimilarity: lambda, waitPerDay: 0 },
      });
      return (await runScenario(s, { threads: 2 })).metrics.summary.visitsShareByTier.tertiary;
    };
    const plain = (await share(3, 1)) - (await share(2, 1));
    const nested = (await share(3, 0.3)) - (await share(2, 0.3));
    expect(plain).toBeGreaterThan(0.01);
    expect(nested).toBeLessThanOrEqual(plain / 2);
  }, 120_000);
});

describe("per-capita invariance", () => {
  it("a 100,000-resident sample of a 400,000-resident region gives the full-size shares", async () => {
    const region = (population: number, replications: number) =>
      ScenarioSchema.parse({
        run: { population, years: 2, replications },
        geography: { population: 400_000 },
      });
    const sample = (await runScenario(region(100_000, 5), { threads: 2 })).metrics;
    const full = (await runScenario(region(400_000, 1), { threads: 2 })).metrics;
    // One run's SD: the spread of 5 replications at 100k, but never below the binomial SD of a
    // share of that run's visits (or the Poisson SD of its admissions), since 5 replications can
    // underestimate it. A run of 4× the residents has half of it: SE of the difference =
    // √(sd²/5 + sd²/4).
    const visits = sample.summary.totalVisits;
    const floor = {
      grassrootsShare: Math.sqrt((0.6 * 0.4) / visits),
      countyDomesticRate: Math.sqrt((0.8 * 0.2) / (visits / 2)),
      admissionsPer100: (100 * Math.sqrt(0.15 * 100_000)) / 100_000,
    };
    for (const key of ["grassrootsShare", "countyDomesticRate", "admissionsPer100"] as const) {
      const sd = Math.max(sample.summary.spread[key]?.sd ?? 0, floor[key]);
      const se = Math.sqrt((sd * sd) / 5 + (sd * sd) / 4);
      const diff = Math.abs(sample.summary[key] - full.summary[key]);
      expect(diff, `${key}: ${sample.summary[key]} vs ${full.summary[key]}, SE ${se}`).toBeLessThan(4 * se);
    }
  }, 180_000);
});

describe("beds and routing", () => {
  it("transfers an admission where there are no beds, never treating it as an outpatient", async () => {
    const base = ScenarioSchema.parse({ run: { population: 60_000, years: 1 } });
    const noBeds = ScenarioSchema.parse({
      run: { population: 60_000, years: 1 },
      facilities: { townshipCentre: { bedsPer1000: 0 }, communityCentre: { bedsPer1000: 0 } },
    });
    const a = (await runScenario(base, { threads: 2 })).metrics.summary;
    const b = (await runScenario(noBeds, { threads: 2 })).metrics.summary;
    expect(b.admissionsByTier.township).toBe(0);
    expect(b.bedTransfers).toBeGreaterThan(a.bedTransfers);
    // The township centres' admissions happen elsewhere: admissions per 100 stay within 5%.
    expect(Math.abs(b.admissionsPer100 / a.admissionsPer100 - 1)).toBeLessThan(0.05);
  }, 120_000);

  it("counts a downward referral only when the patient moves down", async () => {
    // Without township or community centres there is nowhere to refer down to.
    const areas = ["district-1", "district-2", "county-1", "county-2", "county-3", "county-4"];
    const changes = areas.flatMap((area) => [
      { action: "remove", type: "townshipCentre", area },
      { action: "remove", type: "communityCentre", area },
    ]);
    const base = ScenarioSchema.parse({ run: { population: 40_000, years: 1 } });
    const none = ScenarioSchema.parse({ run: { population: 40_000, years: 1 }, facilities: { changes } });
    expect((await runScenario(base, { threads: 2 })).metrics.summary.downwardReferrals).toBeGreaterThan(0);
    const s = (await runScenario(none, { threads: 2 })).metrics.summary;
    expect(s.visitsByTier.township).toBe(0);
    expect(s.downwardReferrals).toBe(0);
  }, 60_000);

  it("refers from a county TCM hospital to the county general hospital, a capable facility of the same tier", () => {
    const w = buildWorld(ScenarioSchema.parse({ run: { population: 50_000 } }));
    const cat = w.catchment;
    const cardio = 2; // CONDITION_GROUPS: general, chronic, cardiocerebral, …
    const tcm = FACILITY_TYPES.indexOf("countyTcm");
    const general = FACILITY_TYPES.indexOf("countyGeneral");
    let checked = 0;
    for (let v = 0; v + 1 < cat.first.length; v++) {
      for (let i = cat.first[v]; i < cat.first[v + 1]; i++) {
        if (w.facilities.type[cat.facility[i]] !== tcm) continue;
        // The TCM hospital treats cardiocerebral need 2, not 3: need 3 goes to the general hospital.
        expect(w.facilities.capability[cat.facility[i] * GROUP_COUNT + cardio]).toBe(2);
        const target = referralTarget(w, cat.first[v], cat.first[v + 1], i, cardio, 3);
        expect(w.facilities.type[cat.facility[target]]).toBe(general);
        expect(w.facilities.area[cat.facility[target]]).toBe(w.facilities.area[cat.facility[i]]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
