import { describe, expect, it } from "vitest";
import { TIERS } from "../models/outcomes/metrics-schema.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { runScenario } from "../sim/run.ts";

/**
 * Referral flows between tiers: every upward hop and every downward move is in exactly one cell
 * of its matrix, hops go up or sideways (a county TCM hospital refers to the county general
 * hospital), never down, and downward moves go down.
 */
describe("referral flows by tier pair", () => {
  it("sum to the referral counts, upward never down, downward always down", async () => {
    const scenario = ScenarioSchema.parse({ run: { population: 20_000, years: 1, replications: 2 } });
    const { metrics } = await runScenario(scenario, { threads: 1 });
    for (const year of Object.values(metrics.byYear)) {
      const { upward, downward } = year.referralFlows;
      let up = 0;
      let down = 0;
      TIERS.forEach((from, f) => {
        TIERS.forEach((to, t) => {
          up += upward[from][to];
          down += downward[from][to];
          if (t < f) expect(upward[from][to], `${from} → ${to} upward`).toBe(0);
          if (t >= f) expect(downward[from][to], `${from} → ${to} downward`).toBe(0);
        });
      });
      expect(up).toBeCloseTo(year.upwardReferrals, 9);
      expect(down).toBeCloseTo(year.downwardReferrals, 9);
      expect(up).toBeGreaterThan(100);
      expect(down).toBeGreaterThan(10);
      // Most hops leave the grassroots: the village clinic refers to the township centre above all.
      expect(upward.village.township).toBeGreaterThan(upward.village.county);
    }
  }, 60_000);
});
