import { describe, expect, it } from "vitest";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { type ScenarioInput, ScenarioSchema } from "../models/scenario.ts";
import { runScenario } from "../sim/run.ts";

/**
 * Directional checks of the gatekeeping and referral-penalty levers, in pairs with common random
 * numbers: who falls ill, when and with what is the same in both runs of a pair, so the
 * differences are the lever's. Each effect must exceed its spread over 3 replications by far.
 */
const run = async (extra: Partial<ScenarioInput> = {}): Promise<RunMetrics> =>
  (
    await runScenario(
      ScenarioSchema.parse({ run: { population: 50_000, years: 1, replications: 3 }, ...extra }),
      {
        threads: 2,
      },
    )
  ).metrics;

describe("gatekeeping and referral penalties", () => {
  let base: RunMetrics;
  it("runs the free-choice baseline", async () => {
    base = await run();
    expect(base.summary.admissionsRedirected).toBe(0);
  }, 60_000);

  it("mandatory gatekeeping raises upward referrals and lowers direct tertiary first contacts", async () => {
    const m = await run({ referral: { gatekeeping: { mode: "mandatory" } } });
    const sd = base.summary.spread.grassrootsShare.sd;
    expect(m.summary.grassrootsShare - base.summary.grassrootsShare).toBeGreaterThan(Math.max(0.05, 10 * sd));
    expect(m.summary.upwardReferrals).toBeGreaterThan(1.5 * base.summary.upwardReferrals);
    for (const kind of ["minor", "moderate", "hypertensionFollowUp"])
      expect(m.summary.firstContactByKind[kind].tertiary, kind).toBeLessThan(
        base.summary.firstContactByKind[kind].tertiary / 2,
      );
    // Emergencies are exempt: they still go straight to the nearest capable hospital.
    expect(m.summary.firstContactByKind.emergency).toEqual(base.summary.firstContactByKind.emergency);
  }, 60_000);

  it("an inpatient-only mandatory sequence redirects admissions but leaves outpatient first contacts nearly unchanged", async () => {
    const m = await run({ referral: { gatekeeping: { mode: "mandatory", appliesTo: "inpatient" } } });
    expect(m.summary.admissionsRedirected).toBeGreaterThan(0);
    expect(m.summary.upwardReferrals).toBeGreaterThan(base.summary.upwardReferrals);
    expect(m.summary.admissionsByTier.tertiary).toBeLessThan(base.summary.admissionsByTier.tertiary);
    // Outpatient first contacts are chosen as before (only waits shift a little).
    for (const kind of ["minor", "moderate"])
      for (const tier of ["village", "township", "county", "tertiary"] as const)
        expect(
          Math.abs(m.summary.firstContactByKind[kind][tier] - base.summary.firstContactByKind[kind][tier]),
          `${kind} ${tier}`,
        ).toBeLessThan(0.01);
  }, 60_000);

  it("ends every episode under an inpatient sequence when first-contact centres have no beds", async () => {
    // Redirected to a centre without beds, the patient is transferred up for a bed, and a
    // transfer is never redirected again: the run ends and its ledger reconciles.
    const m = await run({
      referral: { gatekeeping: { mode: "mandatory", appliesTo: "inpatient" } },
      facilities: { townshipCentre: { bedsPer1000: 0 }, communityCentre: { bedsPer1000: 0 } },
    });
    expect(m.summary.admissionsRedirected).toBeGreaterThan(0);
    expect(m.summary.admissionsByTier.township).toBe(0);
    expect(m.ledger.episodesEnded + m.ledger.episodesOpenAtEnd).toBe(m.ledger.episodesStarted);
  }, 60_000);

  it("a sequence binding within the pooling region only leaves out-of-region first contacts to choice (Qinghai)", async () => {
    const everywhere = await run({ referral: { gatekeeping: { mode: "mandatory" } } });
    const inRegion = await run({ referral: { gatekeeping: { mode: "mandatory", withinRegionOnly: true } } });
    // Out-of-region care: first contacts there only by exemption under the full sequence; free
    // again (at the penalised rates) when the sequence binds inside the region only.
    const out = (m: RunMetrics) => m.summary.firstContactByKind.complex.outOfRegion;
    expect(out(inRegion)).toBeGreaterThan(1.5 * out(everywhere));
    // Inside the region the sequence binds as before.
    expect(inRegion.summary.firstContactByKind.minor.tertiary).toBeLessThan(
      base.summary.firstContactByKind.minor.tertiary / 2,
    );
  }, 60_000);

  it("a bigger unreferred out-of-region penalty lowers out-of-region visits", async () => {
    const penalty = { unreferredPenalty: { outOfRegion: 30 } };
    const m = await run({ insurance: { schemes: { employee: penalty, resident: penalty, ncms: penalty } } });
    expect(m.summary.visitsShareByTier.outOfRegion).toBeLessThan(
      0.8 * base.summary.visitsShareByTier.outOfRegion,
    );
    // Free choice ignores the penalty: the same run as without it.
    const free = await run({
      insurance: { schemes: { employee: penalty, resident: penalty, ncms: penalty } },
      referral: { gatekeeping: { mode: "free" } },
    });
    expect(free.summary.visitsByTier).toEqual(base.summary.visitsByTier);
  }, 60_000);
});
