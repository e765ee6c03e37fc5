import { describe, expect, it } from "vitest";
import { TIERS } from "../models/outcomes/metrics-schema.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { runScenario } from "../sim/run.ts";

describe("metrics by year", () => {
  it("holds the full summary of every simulated year; the last is `summary`, and each sums its months", async () => {
    const s = ScenarioSchema.parse({
      run: { population: 20_000, years: 3, startYear: 2014, replications: 2 },
    });
    const { metrics } = await runScenario(s, { threads: 2 });
    expect(Object.keys(metrics.byYear)).toEqual(["2014", "2015", "2016"]);
    expect(metrics.byYear["2016"]).toEqual(metrics.summary);
    for (const [label, year] of Object.entries(metrics.byYear)) {
      expect(year.label).toBe(label);
      // The monthly series is an independent sum of the same counters: a year's visits by tier are
      // its twelve months' (means over replications both).
      const months = metrics.monthly.filter((p) => p.date.startsWith(label));
      expect(months).toHaveLength(12);
      for (const tier of TIERS) {
        const summed = months.reduce((acc, p) => acc + p.visitsByTier[tier], 0);
        expect(year.visitsByTier[tier]).toBeCloseTo(summed, 6);
      }
    }
    // Only the first year has no year before it to grow from.
    expect(metrics.byYear["2014"].downwardReferralGrowth).toBeNull();
    expect(metrics.byYear["2015"].downwardReferralGrowth).not.toBeNull();
  }, 60_000);
});
