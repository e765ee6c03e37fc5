import { createHash } from "node:crypto";
import fc from "fast-check";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { latinHypercube } from "../sim/experiments/latin-hypercube.ts";
import { canonicalJson, scenarioHash } from "../sim/experiments/manifest.ts";
import {
  dispersion,
  elementaryEffects,
  morrisDelta,
  morrisDesign,
  morrisTrajectory,
} from "../sim/experiments/morris.ts";
import { naturalValue, unitValue } from "../sim/experiments/sweep-design.ts";

/**
 * The hand-written designs of `tiersim sweep` against their definitions and closed forms: Latin
 * hypercube strata (McKay et al. 1979), Morris trajectories and elementary effects (Morris 1991;
 * μ* of Campolongo et al. 2007) on functions whose effects are known exactly, and the canonical
 * JSON behind the manifest's scenario hash against the JCS reference vector.
 */

const rng = (seed: number) => seedrandom.alea(String(seed));

describe("Latin hypercube", () => {
  it("puts exactly one point in each of the n strata of every dimension", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer(),
        (n, d, seed) => {
          const points = latinHypercube(n, d, rng(seed));
          expect(points).toHaveLength(n);
          for (let j = 0; j < d; j++) {
            const strata = points.map((p) => Math.floor(p[j] * n)).sort((a, b) => a - b);
            expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
            for (const p of points) {
              expect(p[j]).toBeGreaterThanOrEqual(0);
              expect(p[j]).toBeLessThan(1);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("is the same design for the same seed and another for another seed", () => {
    expect(latinHypercube(20, 3, rng(7))).toEqual(latinHypercube(20, 3, rng(7)));
    expect(latinHypercube(20, 3, rng(7))).not.toEqual(latinHypercube(20, 3, rng(8)));
  });

  it("spreads points uniformly within strata (mean of many points ≈ 1/2, variance ≈ 1/12)", () => {
    // 4000 points: the mean of a stratified uniform sample is within 1/n of 1/2 by construction.
    const x = latinHypercube(4000, 1, rng(3)).map((p) => p[0]);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(1 / 4000);
    expect(variance).toBeCloseTo(1 / 12, 3);
  });
});

describe("Morris trajectories", () => {
  it("step Δ = p / (2(p − 1)) and refuses odd p", () => {
    expect(morrisDelta(4)).toBeCloseTo(2 / 3, 15);
    expect(morrisDelta(2)).toBe(1);
    expect(morrisDelta(6)).toBeCloseTo(0.6, 15);
    expect(() => morrisDelta(3)).toThrow(/even/);
  });

  it("k + 1 grid points, each step moving one factor by exactly ±Δ, every factor once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.constantFrom(2, 4, 6, 8), fc.integer(), (k, p, seed) => {
        const t = morrisTrajectory(k, p, rng(seed));
        const delta = morrisDelta(p);
        expect(t).toHaveLength(k + 1);
        for (const point of t)
          for (const x of point) {
            const level = x * (p - 1);
            expect(Math.abs(level - Math.round(level))).toBeLessThan(1e-9);
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(1);
          }
        const moved: number[] = [];
        for (let s = 0; s < k; s++) {
          const changed = t[s].flatMap((x, i) => (t[s + 1][i] !== x ? [i] : []));
          expect(changed).toHaveLength(1);
          expect(Math.abs(Math.abs(t[s + 1][changed[0]] - t[s][changed[0]]) - delta)).toBeLessThan(1e-12);
          moved.push(changed[0]);
        }
        expect([...moved].sort((a, b) => a - b)).toEqual(Array.from({ length: k }, (_, i) => i));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps trajectories more spread out than random ones (Campolongo's D²)", () => {
    const r = 6;
    const design = morrisDesign({ factors: 5, trajectories: r, levels: 4, candidates: 120 }, rng(11));
    expect(design.trajectories).toHaveLength(r);
    // 200 sets of r random trajectories from another stream: the chosen set beats them all.
    const random = rng(12);
    const others = Array.from({ length: 200 }, () =>
      dispersion(Array.from({ length: r }, () => morrisTrajectory(5, 4, random))),
    );
    expect(dispersion(design.trajectories)).toBeGreaterThan(Math.max(...others));
  });
});

/** Runs `f` (natural units) over a design's points mapped into the ranges, as a sweep does. */
function screen(
  f: (v: number[]) => number,
  ranges: [number, number][],
  trajectories = 12,
  levels = 4,
  seed = 5,
) {
  const design = morrisDesign({ factors: ranges.length, trajectories, levels }, rng(seed));
  const natural = design.trajectories.map((t) => t.map((u) => u.map((x, j) => naturalValue(ranges[j], x))));
  const unit = natural.map((t) => t.map((v) => v.map((x, j) => unitValue(ranges[j], x))));
  const outputs = natural.map((t) => t.map(f));
  return elementaryEffects(unit, outputs, ranges.length);
}

describe("Morris elementary effects", () => {
  it("of a linear function: μ = β (hi − lo), μ* = |β| (hi − lo), σ = 0; a dummy input gets μ* = 0", () => {
    const beta = [2, -0.5, 0, 10];
    const ranges: [number, number][] = [
      [0, 15],
      [0.2, 0.6],
      [-3, 3],
      [700, 1500],
    ];
    const effects = screen((v) => v.reduce((s, x, i) => s + beta[i] * x, 1), ranges);
    effects.forEach((e, i) => {
      const width = ranges[i][1] - ranges[i][0];
      expect(e.mu).toBeCloseTo(beta[i] * width, 6);
      expect(e.muStar).toBeCloseTo(Math.abs(beta[i]) * width, 6);
      expect(e.sigma).toBeLessThan(1e-6 * Math.max(1, Math.abs(beta[i]) * width));
      expect(e.effects).toHaveLength(12);
    });
    expect(effects[2].muStar).toBe(0);
    expect(effects[2].sigma).toBe(0);
  });

  it("of a function with an interaction: σ > 0 for the interacting inputs, 0 for the additive one", () => {
    // y = v0·v1 + 3 v2 (v3 unused) on the unit square: the effect of v0 is v1 where it is
    // measured (one of the levels 0, 1/3, 2/3, 1), so it varies over trajectories, and so does v1's.
    const ranges: [number, number][] = [
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 1],
    ];
    const effects = screen((v) => v[0] * v[1] + 3 * v[2], ranges);
    expect(effects[0].sigma).toBeGreaterThan(0.1);
    expect(effects[1].sigma).toBeGreaterThan(0.1);
    expect(effects[2].muStar).toBeCloseTo(3, 9);
    expect(effects[2].sigma).toBeLessThan(1e-9);
    expect(effects[3].muStar).toBe(0);
    // Each effect of v0 is the level v1 held at that step: between 0 and 1, as the closed form says.
    for (const e of effects[0].effects)
      expect([0, 1 / 3, 2 / 3, 1].some((l) => Math.abs(e - l) < 1e-9)).toBe(true);
  });

  it("of y = v0²: a step from a has effect 2a + Δ (p = 4: 2/3 from 0, 4/3 from 1/3), so σ > 0", () => {
    // A step from a to a + Δ has effect ((a + Δ)² − a²)/Δ = 2a + Δ: 2/3 from a = 0, 4/3 from a = 1/3.
    const effects = screen((v) => v[0] ** 2, [[0, 1]], 40);
    for (const e of effects[0].effects) expect([2 / 3, 4 / 3].some((l) => Math.abs(e - l) < 1e-9)).toBe(true);
    expect(effects[0].sigma).toBeGreaterThan(0);
  });

  it("maps unit coordinates to a range exactly at both ends", () => {
    expect(naturalValue([0.1, 0.7], 0)).toBe(0.1);
    expect(naturalValue([0.1, 0.7], 1)).toBe(0.7);
    expect(naturalValue([0, 15], 1 / 3)).toBe(5);
    expect(naturalValue([0, 15], 2 / 3)).toBe(10);
  });
});

describe("canonical JSON and the scenario hash", () => {
  it("matches the JCS reference vector (cyberphone/json-canonicalization, RFC 8785)", () => {
    const input = JSON.parse(String.raw`{
      "numbers": [1E30,4.50,6,2e-3,0.000000000000000000000000001],
      "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "other":  [null, true, false]
    }`);
    expect(canonicalJson(input)).toBe(
      String.raw`{"escaping":"€$\u000f\nA'B\"\\\\\"/","numbers":[1e+30,4.5,6,0.002,1e-27],"other":[null,true,false]}`,
    );
  });

  it("sorts keys at every level, so field order does not change the hash", () => {
    const a = { run: { seed: 1, years: 2 }, name: "x", list: [{ b: 1, a: 2 }] };
    const b = { name: "x", list: [{ a: 2, b: 1 }], run: { years: 2, seed: 1 } };
    const canonical = '{"list":[{"a":2,"b":1}],"name":"x","run":{"seed":1,"years":2}}';
    expect(canonicalJson(a)).toBe(canonical);
    expect(scenarioHash(a)).toBe(scenarioHash(b));
    expect(scenarioHash(a)).toBe(createHash("sha256").update(canonical).digest("hex"));
    expect(scenarioHash({ ...a, name: "y" })).not.toBe(scenarioHash(a));
  });
});
