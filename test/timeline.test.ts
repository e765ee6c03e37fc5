import { describe, expect, it } from "vitest";
import { dayOfDate } from "../models/policy/timeline.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { runScenario } from "../sim/run.ts";
import { parseScenarioText, ScenarioError } from "../sim/scenario/loader.ts";

const problemsOf = (text: string): string[] => {
  try {
    parseScenarioText(text, "t.yaml");
  } catch (error) {
    if (error instanceof ScenarioError)
      return error.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
    throw error;
  }
  return [];
};

describe("the policy timeline: validation", () => {
  it("accepts a dated change of a policy field", () => {
    expect(
      problemsOf(`run: { years: 2 }
timeline:
  - date: 2016-01-01
    set: { "insurance.schemes.resident.outpatient.gaps.county": 15 }
    note: wider gap`),
    ).toEqual([]);
  });

  it("refuses fields that cannot change during a run, with the entry, the path and the line", () => {
    const problems = problemsOf(`run: { years: 2 }
timeline:
  - date: 2016-01-01
    set:
      geography.counties.count: 5
      episodes.kinds.minor.incidence: { ages: [0], values: [1] }`);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^5: timeline\.0\.set\."geography\.counties\.count": cannot change during a run/,
    );
    expect(problems[1]).toMatch(/^6: timeline\.0\.set\."episodes\.kinds\.minor\.incidence": cannot change/);
  });

  it("validates each change like the file, and its date against the run", () => {
    const problems = problemsOf(`run: { years: 2, startYear: 2015 }
timeline:
  - date: 2016-02-29
    set: { "choice.continuity": 0.5 }
  - date: 2019-01-01
    set: { "choice.continuity": 0.5 }
  - date: 2016-01-01
    set: { "choice.continuity": 1.5, "choice.nosuch": 1 }`);
    expect(problems.join("\n")).toContain("no 29 February");
    expect(problems.join("\n")).toContain("expected a date inside the run");
    expect(problems.join("\n")).toContain('unknown field "nosuch"');
    expect(problems.join("\n")).toMatch(/choice\.continuity: .*(≤|<=|1)/);
  });

  it("puts dates on the model's 365-day calendar", () => {
    expect(dayOfDate("2015-01-01", 2015)).toBe(0);
    expect(dayOfDate("2015-03-01", 2015)).toBe(59);
    expect(dayOfDate("2016-01-01", 2015)).toBe(365);
  });
});

describe("the policy timeline: effects", () => {
  const scenario = (timeline: object[]) =>
    ScenarioSchema.parse({ run: { population: 60_000, years: 2, replications: 2 }, timeline });
  const change = {
    date: "2016-01-01",
    set: {
      "insurance.schemes.resident.outpatient.gaps.county": 25,
      "insurance.schemes.resident.outpatient.gaps.city": 25,
    },
    note: "wider resident gaps",
  };

  it("changes nothing before its date and moves the grassroots share after it", async () => {
    const [base, reform] = [
      (await runScenario(scenario([]), { threads: 2 })).metrics,
      (await runScenario(scenario([change]), { threads: 2 })).metrics,
    ];
    // Common random numbers: the first year is the same simulation, visit for visit.
    expect(reform.monthly.slice(0, 12)).toEqual(base.monthly.slice(0, 12));
    // After the date, wider gaps make county and tertiary visits dearer: a higher grassroots share
    // in every month of the second year.
    for (let month = 12; month < 24; month++)
      expect(reform.monthly[month].grassrootsShare, `month ${month}`).toBeGreaterThan(
        base.monthly[month].grassrootsShare,
      );
    expect(reform.timeline).toEqual([
      {
        date: "2016-01-01",
        month: 12,
        note: "wider resident gaps",
        fields: Object.keys(change.set),
      },
    ]);
  }, 120_000);

  it("gives the same results at any thread count", async () => {
    const one = (await runScenario(scenario([change]), { threads: 1 })).metrics;
    const three = (await runScenario(scenario([change]), { threads: 3 })).metrics;
    expect(JSON.stringify(three)).toBe(JSON.stringify(one));
  }, 120_000);

  it("changes capacity from its date: fewer tertiary slots lengthen tertiary waits after it only", async () => {
    const cut = { date: "2016-01-01", set: { "facilities.tertiary.slotsPerDoctorDay": 5 }, note: "" };
    const base = (await runScenario(scenario([]), { threads: 2 })).metrics;
    const reform = (await runScenario(scenario([cut]), { threads: 2 })).metrics;
    expect(reform.monthly.slice(0, 12)).toEqual(base.monthly.slice(0, 12));
    expect(reform.summary.meanOutpatientWaitDaysByTier.tertiary).toBeGreaterThan(
      base.summary.meanOutpatientWaitDaysByTier.tertiary + 0.2,
    );
  }, 120_000);
});

describe("supply on the timeline", () => {
  const scenario = (timeline: object[]) =>
    ScenarioSchema.parse({ run: { population: 60_000, years: 2, replications: 2 }, timeline });
  it("resizes bed pools from the date: more county beds lower county occupancy that year only, at any thread count", async () => {
    const more = { date: "2016-01-01", set: { "facilities.countyGeneral.bedsPer1000": 3 }, note: "" };
    const base = (await runScenario(scenario([]), { threads: 2 })).metrics;
    const reform = (await runScenario(scenario([more]), { threads: 2 })).metrics;
    expect(reform.monthly.slice(0, 12)).toEqual(base.monthly.slice(0, 12));
    expect(reform.byYear["2015"]).toEqual(base.byYear["2015"]);
    // Twice the county general hospitals' beds (1.5 → 3 per 1,000 residents of the counties, 65%
    // of the region): +0.975 per 1,000 in the region, and the second year's occupancy follows.
    expect(reform.region.bedsPer1000ByTier.county - base.region.bedsPer1000ByTier.county).toBeCloseTo(
      0.975,
      1,
    );
    expect(reform.summary.bedOccupancyByTier.county).toBeLessThan(
      0.8 * base.summary.bedOccupancyByTier.county,
    );
    expect(reform.summary.countyDomesticAdmissionRate).toBeGreaterThanOrEqual(
      base.summary.countyDomesticAdmissionRate,
    );
    const three = (await runScenario(scenario([more]), { threads: 3 })).metrics;
    expect(JSON.stringify(three)).toBe(JSON.stringify(reform));
  }, 120_000);
});

describe("shipped scenarios", () => {
  it("every scenario in scenarios/ validates and runs a tiny world", async () => {
    const { readdir } = await import("node:fs/promises");
    const { loadScenario } = await import("../sim/scenario/loader.ts");
    const files = [
      ...(await readdir("scenarios")).filter((f) => f.endsWith(".yaml")),
      ...(await readdir("scenarios/calibrated"))
        .filter((f) => f.endsWith(".yaml") && !f.endsWith(".targets.yaml"))
        .map((f) => `calibrated/${f}`),
    ];
    expect(files).toContain("timeline-example.yaml");
    expect(files).toContain("national-trend.yaml");
    expect(files).toContain("calibrated/national-2014-2015.yaml");
    for (const file of files) {
      const { scenario } = await loadScenario(`scenarios/${file}`, { sets: ["run.population=3000"] });
      const { metrics } = await runScenario(scenario, { threads: 1 });
      expect(metrics.ledger.episodesStarted, file).toBeGreaterThan(0);
    }
  }, 120_000);
});
