import { describe, expect, it } from "vitest";
import { runScenario } from "../sim/run.ts";
import { smallScenario } from "./helpers/small-scenario.ts";

describe("common random numbers", () => {
  it("a policy lever changes choices but not who falls ill, when, or with what", async () => {
    const base = smallScenario({ population: 20_000 });
    const wideGap = smallScenario(
      { population: 20_000 },
      { insurance: { schemes: { resident: { outpatient: { gaps: { county: 25, city: 10 } } } } } },
    );
    const [a, b] = await Promise.all([
      runScenario(base, { threads: 1 }),
      runScenario(wideGap, { threads: 1 }),
    ]);
    expect(b.metrics.summary.episodes.byKind).toEqual(a.metrics.summary.episodes.byKind);
    expect(b.metrics.ledger.episodesStarted).toBe(a.metrics.ledger.episodesStarted);
    // The lever did act: a wider gap moves visits toward the grassroots.
    expect(b.metrics.summary.visitsByTier).not.toEqual(a.metrics.summary.visitsByTier);
    expect(b.metrics.summary.grassrootsShare).toBeGreaterThan(a.metrics.summary.grassrootsShare);
  });

  it("a different seed changes the draws", async () => {
    const [a, b] = await Promise.all([
      runScenario(smallScenario({ seed: 1 }), { threads: 1 }),
      runScenario(smallScenario({ seed: 2 }), { threads: 1 }),
    ]);
    expect(b.metrics.ledger.episodesStarted).not.toBe(a.metrics.ledger.episodesStarted);
  });
});
