import { describe, expect, it } from "vitest";
import { runScenario } from "../sim/run.ts";
import { loadScenario } from "../sim/scenario-loader.ts";

describe("the baseline scenario", () => {
  it("reproduces the national 2014–2015 shape of care within the stated bands", async () => {
    const { scenario } = await loadScenario("scenarios/baseline.yaml");
    const { metrics } = await runScenario(scenario, { threads: 2 });
    expect(metrics.checks.map((c) => c.id)).toEqual(scenario.calibrationChecks);
    for (const check of metrics.checks) {
      expect(
        check.value,
        `${check.id}: ${check.value} outside ${check.low}–${check.high}`,
      ).toBeGreaterThanOrEqual(check.low);
      expect(
        check.value,
        `${check.id}: ${check.value} outside ${check.low}–${check.high}`,
      ).toBeLessThanOrEqual(check.high);
    }
  });
});
