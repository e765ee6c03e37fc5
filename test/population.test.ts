import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PURPOSE_POPULATION } from "../models/care/random-purposes.ts";
import {
  APPROXIMATE_QUANTILE_ERROR,
  approximateNormalQuantile,
  isBelowNormalCdf,
  isBelowNormalCdfOver,
  normalCdf,
  normalQuantile,
  UNDECIDED,
} from "../models/population/normal-distribution.ts";
import {
  CONDITIONS,
  type ConditionId,
  DISABLED,
  isChronicPatient,
  isElderly,
  isYoungChild,
  KEY_GROUPS,
  POOR,
  PopulationSchema,
  PREGNANT,
  RESIDENT_BYTES,
  type Residents,
  SCHEME_NAMES,
  SEVERE_MENTAL_ILLNESS,
  TUBERCULOSIS,
} from "../models/population/population.ts";
import {
  conditionalShare,
  populationMarginals,
  type Tally,
} from "../models/population/population-marginals.ts";
import { synthesizeResidents } from "../models/population/population-synthesis.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { buildWorld, type World } from "../models/world.ts";
import { RandomStreams } from "../sim/engine/random/streams.ts";

/** A count within 4 standard deviations of its expectation (sum of independent Bernoulli draws). */
function expectWithin(t: Tally, label: string): void {
  const sd = Math.sqrt(t.variance);
  expect(
    Math.abs(t.observed - t.expected),
    `${label}: ${t.observed} vs ${t.expected.toFixed(1)} ± ${sd.toFixed(1)}`,
  ).toBeLessThanOrEqual(4 * sd + 1e-9);
}

const worldOf = (population: object = {}, size = 100_000): World =>
  buildWorld(ScenarioSchema.parse({ run: { population: size }, population }));

const synthesizeAll = (world: World, streams = new RandomStreams(world.scenario.run.seed, 0)): Residents[] =>
  world.geography.areas.map((_, area) => synthesizeResidents(world, area, streams));

const NO_CORRELATION = { conditionCorrelation: { hypertension: 0, diabetes: 0, copd: 0, chd: 0, stroke: 0 } };

describe("the standard normal distribution", () => {
  // Reference values: 0.5·erfc(−x/√2) and the inverse of NormalDist (Python 3.11, glibc erfc).
  it.each([
    [-37, 5.725571222525139e-300],
    [-20, 2.7536241186063314e-89],
    [-10, 7.619853024160593e-24],
    [-8, 6.220960574271819e-16],
    [-5, 2.866515718791946e-7],
    [-3, 0.0013498980316300957],
    [-1.96, 0.024997895148220435],
    [-1, 0.15865525393145707],
    [-0.5, 0.3085375387259869],
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [3, 0.9986501019683699],
    [6, 0.9999999990134123],
  ])("Φ(%d) = %d to 1e-12 of the smaller tail", (x, p) => {
    const tail = Math.min(p, 1 - p);
    const computed = x <= 0 ? normalCdf(x) : 1 - normalCdf(x);
    expect(Math.abs(computed - tail)).toBeLessThanOrEqual(1e-12 * tail + 1e-17);
  });

  it.each([
    [1e-300, -37.0470962993612],
    [1e-10, -6.361340902404056],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400538],
    [0.3, -0.5244005127080407],
    [0.5, 0],
    [0.975, 1.9599639845400536],
    [0.999999, 4.753424308817089],
  ])("Φ⁻¹(%d) = %d to 1e-14", (p, x) => {
    expect(Math.abs(normalQuantile(p) - x)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(x)));
  });

  it("has the conventional ends: Φ⁻¹(0) = −∞, Φ⁻¹(1) = +∞, NaN outside [0, 1]", () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
  });

  it("Φ⁻¹ inverts Φ (where Φ(x) keeps its precision as a double: x ≤ 3)", () => {
    fc.assert(
      fc.property(fc.double({ min: -37, max: 3, noNaN: true }), (x) => {
        expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThanOrEqual(
          1e-12 * Math.max(1, Math.abs(x)),
        );
      }),
    );
  });

  it("decides u < Φ(x) through its grid exactly as through Φ, for the uniforms of RandomStreams", () => {
    // RandomStreams' uniforms are (k + 0.5)·2⁻³², k a 32-bit integer: none within 1e-10 of 0 or 1.
    const streamUniform = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((k) => (k + 0.5) * 2 ** -32);
    fc.assert(
      fc.property(streamUniform, fc.double({ min: -12, max: 12, noNaN: true }), (u, x) => {
        expect(isBelowNormalCdf(u, x)).toBe(u < normalCdf(x));
      }),
    );
    // A grid point must never lie above x: −3.6e-17 + 8 rounds to 8 (found by this property).
    const tiny = -3.580342679684662e-17;
    expect(isBelowNormalCdf(normalCdf(tiny), tiny)).toBe(false);
    // And right at the boundary, where Φ itself must be computed.
    fc.assert(
      fc.property(
        fc.double({ min: -7.9, max: 7.9, noNaN: true }),
        fc.double({ min: -1e-9, max: 1e-9, noNaN: true }),
        (x, relative) => {
          const u = normalCdf(x) * (1 + relative);
          expect(isBelowNormalCdf(u, x)).toBe(u < normalCdf(x));
        },
      ),
    );
  });
});

describe("deciding u < Φ(x) with x known only within bounds (population synthesis)", () => {
  const uniformOf = (k: number) => (k + 0.5) * 2 ** -32;

  it("has Acklam's approximation within a hundredth of APPROXIMATE_QUANTILE_ERROR of Φ⁻¹", () => {
    // Every uniform of RandomStreams in the tails (where the error is largest: 5.6e-9 near
    // u = 2.4e-7), and a stride through the rest.
    const words: number[] = [];
    for (let k = 0; k < 2 ** 16; k++) words.push(k, 2 ** 32 - 1 - k);
    for (let k = 0; k < 2 ** 32; k += 65_537) words.push(k);
    let worst = 0;
    for (const k of words) {
      const u = uniformOf(k);
      worst = Math.max(worst, Math.abs(normalQuantile(u) - approximateNormalQuantile(u)));
    }
    expect(worst).toBeLessThanOrEqual(APPROXIMATE_QUANTILE_ERROR / 100);
  });

  it("decides only where isBelowNormalCdf gives the same answer over the whole interval", () => {
    const streamUniform = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(uniformOf);
    fc.assert(
      fc.property(
        streamUniform,
        fc.double({ min: -9, max: 9, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (u, lo, width, at) => {
          const hi = lo + width;
          const decided = isBelowNormalCdfOver(u, lo, hi);
          if (decided === UNDECIDED) return;
          for (const x of [lo, lo + at * width, hi]) expect(isBelowNormalCdf(u, x) ? 1 : 0).toBe(decided);
        },
      ),
      { numRuns: 2000 },
    );
    // Most narrow intervals are decided: that is what saves computing Φ⁻¹ exactly.
    let undecided = 0;
    for (let k = 0; k < 10_000; k++) {
      const x = -3 + (6 * k) / 10_000;
      if (isBelowNormalCdfOver(uniformOf(k * 429_497), x - 1e-6, x + 1e-6) === UNDECIDED) undecided++;
    }
    expect(undecided).toBeLessThan(1_000);
  });
});

describe("population parameters", () => {
  it("name a pyramid whose sexes do not have one share per band", () => {
    const r = PopulationSchema.safeParse({
      ageStructure: { ages: [0, 15, 65], male: [0.4, 0.1], female: [0.3, 0.1, 0.1] },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["ageStructure.male", "expected 3 values, one per age band, got 2"],
    ]);
  });

  it("reject an open last band that starts above maxAge", () => {
    const r = PopulationSchema.safeParse({
      maxAge: 70,
      ageStructure: { ages: [0, 80], male: [1, 1], female: [1, 1] },
    });
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["ageStructure.ages.1"]);
  });

  it("default to the 2015 1% sample survey: men 51.22%, 0–14 16.52%, 60+ 16.15%, 65+ 10.47%", () => {
    const { ages, male, female } = PopulationSchema.parse({}).ageStructure;
    const share = (from: number, to = 200) =>
      ages.reduce((s, a, b) => (a >= from && a < to ? s + male[b] + female[b] : s), 0);
    expect(male.reduce((a, b) => a + b, 0)).toBeCloseTo(0.5122, 4);
    expect(share(0, 15)).toBeCloseTo(0.1652, 4);
    expect(share(60)).toBeCloseTo(0.1615, 4);
    expect(share(65)).toBeCloseTo(0.1047, 4);
    expect(share(0)).toBeCloseTo(1, 9);
  });
});

describe("population synthesis (100,000 residents, default parameters)", () => {
  const world = worldOf();
  const residents = synthesizeAll(world);
  const m = populationMarginals(residents, world.scenario.population);

  it("generates every resident of the city once", () => {
    expect(m.residents).toBe(world.population);
    expect(residents.reduce((s, r) => s + r.count, 0)).toBe(100_000);
  });

  it("keeps 8 bytes of state per resident, at any population size", () => {
    expect(RESIDENT_BYTES).toBe(8);
    for (const r of residents) {
      const bytes = Object.values(r).reduce((s, v) => s + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
      expect(bytes).toBe(RESIDENT_BYTES * r.count);
    }
  });

  it("draws age and sex from the pyramid: each band and sex within 4 standard errors of its share", () => {
    m.ageBands.forEach((a, b) => {
      expectWithin(m.ageSex.male[b], `men from ${a}`);
      expectWithin(m.ageSex.female[b], `women from ${a}`);
    });
  });

  it("spreads ages uniformly within a band and never beyond maxAge", () => {
    // Band 15–44: mean 29.5, variance (30² − 1)/12 for a uniform integer age.
    let n = 0;
    let sum = 0;
    let oldest = 0;
    for (const r of residents) {
      for (let i = 0; i < r.count; i++) {
        oldest = Math.max(oldest, r.age[i]);
        if (r.age[i] >= 15 && r.age[i] < 45) {
          n++;
          sum += r.age[i];
        }
      }
    }
    expect(Math.abs(sum / n - 29.5)).toBeLessThan(4 * Math.sqrt((30 * 30 - 1) / 12 / n));
    expect(oldest).toBeLessThanOrEqual(world.scenario.population.maxAge);
  });

  it("gives each scheme its share among urban and among rural residents", () => {
    for (const s of SCHEME_NAMES) {
      expectWithin(m.schemes.urban[s], `${s}, urban`);
      expectWithin(m.schemes.rural[s], `${s}, rural`);
    }
    // Urban residence comes from the township: districts (35%) and county seats (25% of the rest).
    expect(m.urbanResidents / m.residents).toBeCloseTo(0.35 + 0.65 * 0.25, 2);
  });

  it("keeps each condition's prevalence by age band, despite the co-occurrence", () => {
    for (const c of CONDITIONS) {
      m.ageBands.forEach((a, b) => {
        expectWithin(m.conditions[c][b], `${c} from ${a}`);
      });
    }
  });

  it("gives each key group its share", () => {
    for (const g of KEY_GROUPS) expectWithin(m.keyGroups[g], g);
    expect(m.keyGroups.pregnant.observed).toBe(0);
    expect([SEVERE_MENTAL_ILLNESS, DISABLED, POOR, TUBERCULOSIS, PREGNANT]).toEqual(
      KEY_GROUPS.map((_, i) => 1 << i),
    );
  });

  it("derives the elderly, young children and chronic patients from age and conditions", () => {
    expect(isElderly(65)).toBe(true);
    expect(isElderly(64)).toBe(false);
    expect(isElderly(60, 60)).toBe(true);
    expect(isYoungChild(6)).toBe(true);
    expect(isYoungChild(7)).toBe(false);
    expect(isChronicPatient(0)).toBe(false);
    expect(isChronicPatient(1 << CONDITIONS.indexOf("stroke"))).toBe(true);
    const elderly = m.ageBands.reduce(
      (s, a, b) => (a >= 65 ? s + m.ageSex.male[b].observed + m.ageSex.female[b].observed : s),
      0,
    );
    expect(m.derivedGroups.elderly).toBe(elderly);
    expect(m.derivedGroups.chronicPatients).toBe(m.residents - m.multimorbidity[0]);
  });

  // Bands where both schedules are flat, so age within the band cannot confound the comparison.
  const FLAT_BANDS = [45, 60, 65, 75];

  /** Residents with `given` who also have `a`, against Binomial(n, prevalence of a) if independent. */
  function coOccurrence(marginals: typeof m, a: ConditionId, given: ConditionId, bandAge: number) {
    const band = marginals.ageBands.indexOf(bandAge);
    const C = CONDITIONS.length;
    const pairs = marginals.conditionPairs[band];
    const n = pairs[CONDITIONS.indexOf(given) * C + CONDITIONS.indexOf(given)];
    const both = pairs[CONDITIONS.indexOf(given) * C + CONDITIONS.indexOf(a)];
    const p = world.populationTables.prevalence[CONDITIONS.indexOf(a)][bandAge];
    return { excess: both - n * p, sd: Math.sqrt(n * p * (1 - p)), n };
  }

  it("makes diabetics more often hypertensive than others of their age when ρ > 0", () => {
    for (const age of FLAT_BANDS) {
      const { excess, sd, n } = coOccurrence(m, "hypertension", "diabetes", age);
      expect(n).toBeGreaterThan(100);
      expect(excess, `band from ${age}`).toBeGreaterThan(4 * sd);
    }
  });

  it("gives hypertension to 40–50% of diabetics with the default loadings (the calibration target)", () => {
    const share = conditionalShare(m, "hypertension", "diabetes");
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.5);
  });

  describe("with every ρ = 0", () => {
    const independent = worldOf(NO_CORRELATION);
    const mi = populationMarginals(synthesizeAll(independent), independent.scenario.population);

    it("gives diabetics hypertension at the prevalence of their age (within 4 standard errors)", () => {
      for (const age of FLAT_BANDS) {
        const { excess, sd } = coOccurrence(mi, "hypertension", "diabetes", age);
        expect(Math.abs(excess), `band from ${age}`).toBeLessThanOrEqual(4 * sd);
      }
    });

    it("keeps the same prevalences", () => {
      for (const c of CONDITIONS) {
        mi.ageBands.forEach((a, b) => {
          expectWithin(mi.conditions[c][b], `${c} from ${a}`);
        });
      }
    });
  });

  it("nests the conditions when every ρ = 1: the factor alone decides", () => {
    const nested = worldOf(
      { conditionCorrelation: { hypertension: 1, diabetes: 1, copd: 1, chd: 1, stroke: 1 } },
      10_000,
    );
    const t = nested.populationTables;
    for (const r of synthesizeAll(nested)) {
      for (let i = 0; i < r.count; i++) {
        const p = t.prevalence.map((byAge) => byAge[r.age[i]]);
        // A resident with a rarer condition has every commoner one.
        for (let c = 0; c < CONDITIONS.length; c++)
          for (let d = 0; d < CONDITIONS.length; d++)
            if ((r.conditions[i] >> c) & 1 && p[d] >= p[c]) expect((r.conditions[i] >> d) & 1).toBe(1);
      }
    }
  });

  it("gives a resident the same attributes whether its area is synthesised alone or among others", () => {
    const last = world.geography.areas.length - 1;
    // The last area alone, and the first one after all the others (areas in reverse order).
    const alone = synthesizeResidents(world, last, new RandomStreams(world.scenario.run.seed, 0));
    const streams = new RandomStreams(world.scenario.run.seed, 0);
    let afterOthers = alone;
    for (let area = last; area >= 0; area--) afterOthers = synthesizeResidents(world, area, streams);
    for (const [r, among] of [
      [alone, residents[last]],
      [afterOthers, residents[0]],
    ]) {
      expect(r.firstId).toBe(among.firstId);
      for (const column of ["age", "flags", "conditions", "keyGroups", "home"] as const)
        expect(
          Buffer.compare(new Uint8Array(r[column].buffer), new Uint8Array(among[column].buffer)),
          column,
        ).toBe(0);
    }
  });

  it("uses at most 3 random blocks per resident, all of PURPOSE_POPULATION", () => {
    class CountingStreams extends RandomStreams {
      readonly perResident = new Map<number, number>();
      readonly purposes = new Set<number>();
      override block(agent: number, purpose: number, counter: number, step: number): Float64Array {
        this.perResident.set(agent, (this.perResident.get(agent) ?? 0) + 1);
        this.purposes.add(purpose);
        return super.block(agent, purpose, counter, step);
      }
    }
    const streams = new CountingStreams(world.scenario.run.seed, 0);
    synthesizeResidents(world, 0, streams);
    expect(Math.max(...streams.perResident.values())).toBeLessThanOrEqual(3);
    expect([...streams.purposes]).toEqual([PURPOSE_POPULATION]);
  });
});
