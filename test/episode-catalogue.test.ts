import { describe, expect, it } from "vitest";
import { runScenario } from "../sim/run.ts";
import { smallScenario } from "./helpers/small-scenario.ts";

describe("episode catalogue", () => {
  it("every kind of episode occurs and ends, and each kind's ledger reconciles", async () => {
    const { metrics } = await runScenario(smallScenario({ population: 40_000, years: 2 }), { threads: 1 });
    const kinds = Object.entries(metrics.ledgerByKind);
    expect(kinds.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        "minor",
        "moderate",
        "emergency",
        "hypertensionFollowUp",
        "diabetesFollowUp",
        "copdFollowUp",
        "chdFollowUp",
        "strokeFollowUp",
        "complex",
        "exacerbation",
        "electiveSurgery",
        "maternity",
        "cancer",
      ]),
    );
    for (const [id, k] of kinds) {
      expect(k.started, id).toBeGreaterThan(0);
      expect(k.ended, id).toBeGreaterThan(0);
      expect(k.ended + k.open, id).toBe(k.started);
    }
  });

  it("scales: ten times the residents give ten times the visits (within 4 standard errors)", async () => {
    const small = await runScenario(smallScenario({ population: 10_000, replications: 4 }), { threads: 1 });
    const large = await runScenario(smallScenario({ population: 100_000 }), { threads: 1 });
    // Visits per person-year: SD over replications at 10k; at 100k a run's SD is √10 smaller.
    const s = small.metrics.summary.spread.visitsPerPersonYear;
    const tolerance = 4 * s.sd * Math.sqrt(1 / 4 + 1 / 10);
    expect(s.sd).toBeGreaterThan(0);
    expect(Math.abs(large.metrics.summary.visitsPerPersonYear - s.mean)).toBeLessThan(tolerance);
    expect(large.metrics.summary.totalVisits / small.metrics.summary.totalVisits).toBeGreaterThan(9);
    expect(large.metrics.summary.totalVisits / small.metrics.summary.totalVisits).toBeLessThan(11);
  });
});

describe("key populations held by an episode", () => {
  it("marks women pregnant while a maternity episode is open, and only them", async () => {
    const { CarePathway } = await import("../models/care/care-pathway.ts");
    const { buildWorld } = await import("../models/world.ts");
    const { RandomStreams } = await import("../sim/engine/random/streams.ts");
    const { Outbox } = await import("../sim/engine/shared-exchange.ts");
    const { FLAG_MALE, PREGNANT } = await import("../models/population/population.ts");
    const scenario = smallScenario({ population: 20_000 });
    const world = buildWorld(scenario);
    const area = world.geography.areas.findIndex((a) => a.rural);
    const model = new CarePathway(area, world, new RandomStreams(scenario.run.seed, 0), 12);
    model.outbox = new Outbox();
    for (let day = 0; day < 200; day++) {
      model.outbox.count = 0;
      model.fel.openDay(day);
      model.beginDay(day);
      while (model.fel.pop())
        model.handle(model.fel.poppedKind, model.fel.poppedPayload, model.fel.poppedTime);
    }
    const res = model.residents;
    let pregnant = 0;
    for (let r = 0; r < res.count; r++) {
      if (!(res.keyGroups[r] & PREGNANT)) continue;
      pregnant++;
      expect(res.flags[r] & FLAG_MALE).toBe(0);
      expect(res.age[r]).toBeGreaterThanOrEqual(15);
      expect(res.age[r]).toBeLessThan(45);
    }
    const openMaternity = model.episodes.openByKind(world.kinds.count)[world.kinds.ids.indexOf("maternity")];
    expect(pregnant).toBeGreaterThan(0);
    // A woman with two overlapping maternity episodes counts once.
    expect(pregnant).toBeLessThanOrEqual(openMaternity);
    expect(pregnant).toBeGreaterThanOrEqual(0.9 * openMaternity);
  });
});
