import { describe, expect, it } from "vitest";
import { CONDITIONS } from "../models/population/population.ts";
import { synthesizeResidents } from "../models/population/population-synthesis.ts";
import { buildWorld } from "../models/world.ts";
import { RandomStreams } from "../sim/engine/random/streams.ts";
import { runScenario } from "../sim/run.ts";
import { smallScenario } from "./helpers/small-scenario.ts";

describe("episode onsets", () => {
  it("occur as Poisson processes: each kind's count within 4 √Λ of its expectation Λ", async () => {
    const scenario = smallScenario({ population: 30_000, years: 2 });
    const world = buildWorld(scenario);
    const streams = new RandomStreams(scenario.run.seed, 0);
    // Λ_k = Σ residents rate_k(sex, age, conditions) × years, from the same residents the run generates.
    const K = world.kinds.count;
    const expected = new Float64Array(K);
    for (let area = 0; area < world.geography.areas.length; area++) {
      const res = synthesizeResidents(world, area, streams);
      for (let r = 0; r < res.count; r++) {
        const row =
          (((res.flags[r] & 1) * 121 + res.age[r]) * (1 << CONDITIONS.length) + res.conditions[r]) * K;
        let previous = 0;
        for (let k = 0; k < K; k++) {
          const cumulative = world.kinds.onsetCumulative[row + k];
          expected[k] += (cumulative - previous) * scenario.run.years;
          previous = cumulative;
        }
      }
    }
    const { metrics } = await runScenario(scenario, { threads: 1 });
    expect(metrics.ledger.episodesStarted).toBeGreaterThan(0);
    // The summary covers the last year; compare the whole run through the ledger and per kind.
    const total = expected.reduce((a, b) => a + b, 0);
    expect(Math.abs(metrics.ledger.episodesStarted - total)).toBeLessThan(4 * Math.sqrt(total));
    const lastYear = metrics.summary.episodes.byKind;
    world.kinds.ids.forEach((id, k) => {
      const lambda = expected[k] / scenario.run.years;
      expect(lambda).toBeGreaterThan(0);
      expect(Math.abs(lastYear[id] - lambda), `kind ${id}`).toBeLessThan(4 * Math.sqrt(lambda) + 1e-9);
    });
  });
});
