import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { meanInterval, studentTQuantile, studentTTwoSidedProbability } from "../models/outcomes/intervals.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { runScenario } from "../sim/run.ts";

/** The t density integrated by Simpson's rule: an independent route to P(|T| ≤ t). */
function integratedTwoSided(t: number, df: number): number {
  const lgamma = (x: number): number => {
    // Lanczos (g = 7, n = 9), ample for a check to 1e-9.
    const c = [
      0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
      12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];
    if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
    const z = x - 1;
    let a = c[0];
    const tt = z + 7.5;
    for (let i = 1; i < 9; i++) a += c[i] / (z + i);
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(tt) - tt + Math.log(a);
  };
  const k = Math.exp(lgamma((df + 1) / 2) - lgamma(df / 2)) / Math.sqrt(df * Math.PI);
  const f = (x: number) => k * (1 + (x * x) / df) ** (-(df + 1) / 2);
  const n = 20_000;
  const h = t / n;
  let s = f(0) + f(t);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (2 * (s * h)) / 3;
}

describe("Student t intervals", () => {
  it("the closed-form distribution function agrees with the integrated density, odd and even df", () => {
    for (const df of [1, 2, 3, 4, 5, 8, 9, 29]) {
      for (const t of [0.3, 1, 2.1, 4.5]) {
        expect(studentTTwoSidedProbability(t, df)).toBeCloseTo(integratedTwoSided(t, df), 9);
      }
    }
  });

  it("95% quantiles match the published table (Fisher & Yates) and tend to the normal's 1.96", () => {
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [3, 3.182],
      [4, 2.776],
      [9, 2.262],
      [19, 2.093],
      [29, 2.045],
    ];
    for (const [df, q] of table) expect(studentTQuantile(0.95, df)).toBeCloseTo(q, 3);
    expect(studentTQuantile(0.95, 2001)).toBeCloseTo(1.9612, 3);
  });

  it("covers the true mean of normal samples 95% of the time (n = 5, 4,000 samples; binomial 4 sd)", () => {
    const rng = seedrandom("intervals");
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const trials = 4000;
    let covered = 0;
    for (let i = 0; i < trials; i++) {
      const { lower, upper } = meanInterval(Array.from({ length: 5 }, () => 10 + 3 * normal()));
      if (lower <= 10 && 10 <= upper) covered++;
    }
    const sd = Math.sqrt((0.95 * 0.05) / trials);
    expect(Math.abs(covered / trials - 0.95)).toBeLessThan(4 * sd);
  });

  it("one value has no interval: lower = upper = mean", () => {
    expect(meanInterval([0.3])).toEqual({ mean: 0.3, sd: 0, n: 1, lower: 0.3, upper: 0.3 });
  });
});

describe("metrics carry intervals over replications", () => {
  it("every top-level numeric metric has a spread with a 95% interval from each replication's value", async () => {
    const s = ScenarioSchema.parse({ run: { population: 4000, years: 1, replications: 4 } });
    const { metrics } = await runScenario(s, { threads: 1 });
    const numeric = Object.entries(metrics.summary).filter(([k, v]) => typeof v === "number" && k !== "year");
    expect(numeric.length).toBeGreaterThan(20);
    for (const [key, value] of numeric) {
      const spread = metrics.summary.spread[key];
      expect(spread, key).toBeDefined();
      expect(spread.n).toBe(4);
      const reps = metrics.perReplication[key];
      expect(reps).toHaveLength(4);
      // The interval is recomputed here from the recorded replication values by its definition.
      const m = reps.reduce((a, b) => a + b, 0) / 4;
      const sd = Math.sqrt(reps.reduce((a, v) => a + (v - m) ** 2, 0) / 3);
      const scale = Math.max(1, Math.abs(m));
      expect(Math.abs(spread.mean - m) / scale).toBeLessThan(1e-12);
      expect(Math.abs(spread.upper - spread.mean - (3.182446305284263 * sd) / 2) / scale).toBeLessThan(1e-9);
      // Ratio metrics are ratios of mean counts, so their value sits near (not on) the mean of ratios.
      if (value !== 0)
        expect(Math.abs(spread.mean - (value as number)) / Math.abs(value as number)).toBeLessThan(0.05);
    }
    // Headline rates are means of the replications' rates: exactly their mean.
    expect(metrics.summary.spread.grassrootsShare.mean).toBeCloseTo(metrics.summary.grassrootsShare, 12);
    // Nested metrics are recorded per replication by dotted path.
    expect(metrics.perReplication["bedOccupancyByTier.county"]).toHaveLength(4);
    // The monthly series carries its band.
    for (const p of metrics.monthly) {
      expect(p.grassrootsShareLower).toBeLessThanOrEqual(p.grassrootsShare + 1e-12);
      expect(p.grassrootsShareUpper).toBeGreaterThanOrEqual(p.grassrootsShare - 1e-12);
    }
  }, 60_000);
});
