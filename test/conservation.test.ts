import { describe, expect, it } from "vitest";
import { runScenario } from "../sim/run.ts";
import { smallScenario } from "./helpers/small-scenario.ts";

describe("conservation", () => {
  it("every episode ends in exactly one outcome or is still open; counts reconcile", async () => {
    const { metrics } = await runScenario(smallScenario({ population: 20_000, years: 2, replications: 2 }), {
      threads: 1,
    });
    const l = metrics.ledger;
    expect(l.episodesStarted).toBeGreaterThan(10_000);
    expect(l.episodesEnded + l.episodesOpenAtEnd).toBe(l.episodesStarted);
    expect(l.episodesEndedOutpatient + l.episodesEndedInpatient + l.episodesOptedOut).toBe(l.episodesEnded);
    expect(l.sharedResults).toBe(l.sharedRequests);
    // Open episodes at the end are those in progress: a small share.
    expect(l.episodesOpenAtEnd).toBeLessThan(0.05 * l.episodesStarted);
    const s = metrics.summary;
    const byTier = Object.values(s.visitsByTier).reduce((a, b) => a + b, 0);
    expect(byTier).toBeCloseTo(s.totalVisits, 6);
    const monthlyLastYear = metrics.monthly
      .slice(-12)
      .reduce((a, m) => a + Object.values(m.visitsByTier).reduce((x, y) => x + y, 0), 0);
    expect(monthlyLastYear).toBeCloseTo(s.totalVisits, 6);
    expect(s.grassrootsShare + s.hospitalShare).toBeCloseTo(1, 12);
  });
});

describe("conservation when capacity saturates", () => {
  it("reconciles the ledger, and keeps counts dated past the horizon", async () => {
    // Tertiary hospitals issue a tenth of their slots and keep a fifth of their beds: patients
    // are turned away, queue for weeks and are transferred; many visits fall after the last day.
    const scenario = smallScenario(
      { population: 20_000, years: 1 },
      {
        facilities: {
          tertiary: { slotsPerDoctorDay: 0.8, bedsPer1000: 0.25 },
          countyGeneral: { slotsPerDoctorDay: 2 },
          citySecondary: { slotsPerDoctorDay: 2 },
        },
      },
    );
    // runScenario itself refuses a ledger that does not reconcile (LedgerError).
    const { metrics } = await runScenario(scenario, { threads: 1 });
    const l = metrics.ledger;
    const s = metrics.summary;
    expect(s.turnedAwayShareByTier.tertiary).toBeGreaterThan(0.05);
    expect(s.bedTransfers).toBeGreaterThan(0);
    expect(s.meanOutpatientWaitDaysByTier.tertiary).toBeGreaterThan(1);
    expect(l.episodesEnded + l.episodesOpenAtEnd).toBe(l.episodesStarted);
    expect(l.sharedResults).toBe(l.sharedRequests);
    // Visits booked into days after the horizon are counted in the run's ledger, not dropped.
    const monthlyVisits = metrics.monthly.reduce(
      (a, m) => a + Object.values(m.visitsByTier).reduce((x, y) => x + y, 0),
      0,
    );
    expect(l.outpatientVisits).toBeGreaterThan(monthlyVisits);
  });
});

describe("population checks in metrics.json", () => {
  it("lists the synthetic population against its inputs, nearly all within 4 SD", async () => {
    const { metrics } = await runScenario(smallScenario({ population: 30_000 }), { threads: 1 });
    expect(metrics.populationChecks.length).toBeGreaterThan(40);
    const outside = metrics.populationChecks.filter((r) => !(Math.abs(r.z) < 4));
    // 60 checks at 4 SD: an excursion is rare (p ≈ 0.4%); none is expected.
    expect(outside).toEqual([]);
  });
});
