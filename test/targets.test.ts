import { describe, expect, it } from "vitest";
import { scoreTarget, TARGET_CATALOGUE } from "../models/outcomes/targets.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { runScenario } from "../sim/run.ts";

describe("targets", () => {
  it('scores "about 90%" with its stated tolerance of 2 points, and "≥ 90%" strictly', () => {
    const about = TARGET_CATALOGUE.find((t) => t.id === "county-domestic-2017-national");
    const strict = TARGET_CATALOGUE.find((t) => t.id === "county-domestic-2015-wenzhou");
    if (!about || !strict) throw new Error("catalogue changed");
    expect(about.description).toContain("≥ 88%");
    expect(scoreTarget(about, 0.885)).toBe(true);
    expect(scoreTarget(about, 0.875)).toBe(false);
    expect(scoreTarget(strict, 0.885)).toBe(false);
  });
});

describe("the target catalogue", () => {
  it("scores every target of the catalogue on a metric a two-year run computes", async () => {
    const s = ScenarioSchema.parse({
      run: { population: 20_000, years: 2 },
      targets: TARGET_CATALOGUE.map((t) => t.id),
    });
    const { metrics } = await runScenario(s, { threads: 1 });
    expect(metrics.targets).toHaveLength(TARGET_CATALOGUE.length);
    for (const t of metrics.targets) {
      expect(Number.isFinite(t.value), t.id).toBe(true);
      expect(t.met, t.id).toBe(scoreTarget(TARGET_CATALOGUE.find((d) => d.id === t.id)!, t.value));
    }
    // Values read from the inputs: the region's GPs, and contract coverage at its default 22.2%.
    const gps = metrics.targets.find((t) => t.id === "gps-per-10k-2017-national");
    expect(gps?.value).toBe(metrics.region.gpsPer10k);
    const urban = metrics.targets.find((t) => t.id === "urban-contract-coverage-2017-national");
    expect(urban?.value).toBeGreaterThan(0.15);
    expect(urban?.met).toBe(false);
  }, 60_000);
});

describe("county hospital referral-out rate", () => {
  it("counts the hospitals of rural counties only: a city of districts has none", async () => {
    const s = ScenarioSchema.parse({
      run: { population: 30_000, years: 1 },
      geography: { population: 600_000, counties: { count: 0 }, urbanDistricts: { populationShare: 1 } },
    });
    const { metrics } = await runScenario(s, { threads: 1 });
    // City secondary hospitals (county tier) do refer patients up, but they are not county hospitals.
    expect(metrics.summary.upwardReferrals).toBeGreaterThan(0);
    expect(metrics.summary.visitsByTier.county).toBeGreaterThan(0);
    expect(metrics.summary.countyHospitalReferralOutRate).toBe(0);
  }, 60_000);
});
