import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseNested, nestedProbabilities } from "../models/care/choice/nested-logit.ts";

/** Frequencies of chooseNested over a fine grid of uniforms (a deterministic quadrature). */
function frequencies(utility: number[], nest: number[], lambda: number, draws = 200_000): number[] {
  const u = Float64Array.from(utility);
  const scratch = new Float64Array(2 * utility.length);
  const counts = new Array<number>(utility.length).fill(0);
  for (let k = 0; k < draws; k++)
    counts[chooseNested(u, nest, utility.length, lambda, (k + 0.5) / draws, scratch)]++;
  return counts.map((c) => c / draws);
}

describe("nested logit", () => {
  it("matches the closed form P(i) = P(nest)·P(i | nest) (McFadden 1978), computed by hand", () => {
    // Nests {0}, {1, 2}, with λ = 0.5 and V = (0, 1, 1): the pair's inclusive value is
    // 0.5·ln(2·e²) = 1 + 0.5·ln 2, so P(nest 0) = 1 / (1 + e·√2) and each of the pair gets half the rest.
    const p0 = 1 / (1 + Math.E * Math.SQRT2);
    const expected = [p0, (1 - p0) / 2, (1 - p0) / 2];
    const f = frequencies([0, 1, 1], [0, 1, 1], 0.5);
    for (const [i, p] of expected.entries()) expect(f[i]).toBeCloseTo(p, 4);
    for (const [i, p] of nestedProbabilities([0, 1, 1], [0, 1, 1], 0.5).entries())
      expect(p).toBeCloseTo(expected[i], 12);
  });

  it("is the multinomial logit when λ = 1", () => {
    const v = [0.3, -1, 2, 0.5];
    const z = v.reduce((s, x) => s + Math.exp(x), 0);
    const f = frequencies(v, [0, 1, 1, 2], 1);
    for (const [i, x] of v.entries()) expect(f[i]).toBeCloseTo(Math.exp(x) / z, 4);
  });

  it("adds capacity rather than demand: a copy of an alternative raises its nest's share by λ·ln 2 in the inclusive value", () => {
    // One tertiary hospital against a village clinic, then two identical ones.
    const share = (tertiaries: number, lambda: number) => {
      const v = [0, ...Array(tertiaries).fill(0)];
      const nest = [0, ...Array(tertiaries).fill(1)];
      return nestedProbabilities(v, nest, lambda)
        .slice(1)
        .reduce((a, b) => a + b, 0);
    };
    const plain = share(2, 1) - share(1, 1); // 2/3 − 1/2
    const nested = share(2, 0.3) - share(1, 0.3);
    expect(plain).toBeCloseTo(2 / 3 - 1 / 2, 12);
    expect(nested).toBeCloseTo(2 ** 0.3 / (1 + 2 ** 0.3) - 1 / 2, 12);
    expect(nested).toBeLessThan(plain / 2);
  });

  it("never picks an unavailable alternative and always picks one when any is available", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: -30, max: 30, noNaN: true }), { nil: undefined }), {
          minLength: 1,
          maxLength: 9,
        }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (values, u, lambda) => {
          const utility = Float64Array.from(values.map((v) => v ?? Number.NEGATIVE_INFINITY));
          const nest = values.map((_, i) => Math.floor(i / 3));
          const pick = chooseNested(
            utility,
            nest,
            utility.length,
            lambda,
            u,
            new Float64Array(2 * utility.length),
          );
          const anyAvailable = values.some((v) => v !== undefined);
          if (!anyAvailable) return pick === -1;
          return pick >= 0 && pick < utility.length && utility[pick] !== Number.NEGATIVE_INFINITY;
        },
      ),
    );
  });
});

describe("nested logit with extreme utilities", () => {
  it("gives the same choice probabilities when every utility is shifted far beyond exp's range", () => {
    const v = [0.5, 1, 1.2, -0.3];
    const nest = [0, 1, 1, 2];
    const shifted = v.map((x) => x + 900);
    const a = frequencies(v, nest, 0.4, 50_000);
    const b = frequencies(shifted, nest, 0.4, 50_000);
    for (const [i, p] of nestedProbabilities(v, nest, 0.4).entries()) {
      expect(a[i]).toBeCloseTo(p, 3);
      expect(b[i]).toBeCloseTo(p, 3);
    }
  });
});
