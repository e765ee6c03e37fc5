import { describe, expect, it } from "vitest";
import { philox4x32 } from "../sim/engine/random/philox.ts";
import { exponential, geometric, RandomStreams } from "../sim/engine/random/streams.ts";

const hex = (a: Uint32Array) => [...a].map((x) => x.toString(16).padStart(8, "0")).join(" ");

describe("Philox4x32-10", () => {
  // Known-answer vectors of Random123 (kat_vectors, philox4x32 with 10 rounds).
  it.each([
    [[0, 0, 0, 0], [0, 0], "6627e8d5 e169c58d bc57ac4c 9b00dbd8"],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      "408f276d 41c83b0e a20bc7c6 6d5451fd",
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      "d16cfe09 94fdcceb 5001e420 24126ea1",
    ],
  ])("matches the known answer for counter %j key %j", (c, k, expected) => {
    const out = new Uint32Array(4);
    philox4x32(c[0], c[1], c[2], c[3], k[0], k[1], out);
    expect(hex(out)).toBe(expected);
  });
});

describe("RandomStreams", () => {
  it("keeps its first draws (a change of the random sequence must be deliberate)", () => {
    const s = new RandomStreams(20150101, 0);
    expect([s.key0, s.key1]).toMatchInlineSnapshot(`
      [
        1501513986,
        996446736,
      ]
    `);
    expect(Array.from(s.block(0, 1, 0, 0)).map((x) => x.toFixed(8))).toMatchInlineSnapshot(`
      [
        "0.92134989",
        "0.15058635",
        "0.98103549",
        "0.66281940",
      ]
    `);
  });

  it("reproduces a draw from its address alone, in any order", () => {
    const a = new RandomStreams(7, 3);
    const b = new RandomStreams(7, 3);
    const first = Array.from(a.block(123, 4, 5, 6));
    for (let i = 0; i < 1000; i++) b.block(i, 2, i, 0); // unrelated draws in between
    expect(Array.from(b.block(123, 4, 5, 6))).toEqual(first);
  });

  it("gives different keys per seed and per replication", () => {
    const keys = [new RandomStreams(1, 0), new RandomStreams(2, 0), new RandomStreams(1, 1)].map(
      (s) => `${s.key0}:${s.key1}`,
    );
    expect(new Set(keys).size).toBe(3);
  });

  it("gives uniform draws: mean 1/2 and variance 1/12 within 4 standard errors", () => {
    const s = new RandomStreams(42, 0);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n / 4; i++) {
      const u = s.block(i, 9, 0, 0);
      for (let j = 0; j < 4; j++) {
        expect(u[j]).toBeGreaterThan(0);
        expect(u[j]).toBeLessThan(1);
        sum += u[j];
        sumSq += u[j] * u[j];
      }
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    // Var(U²) = 1/5 − 1/9 = 4/45.
    expect(Math.abs(sumSq / n - 1 / 3)).toBeLessThan(4 * Math.sqrt(4 / 45 / n));
  });

  it("gives independent streams for neighbouring agents and purposes (correlation within 4 SE)", () => {
    const s = new RandomStreams(42, 0);
    const n = 100_000;
    for (const [da, dp] of [
      [1, 0],
      [0, 1],
    ]) {
      let sxy = 0;
      for (let i = 0; i < n; i++) {
        const x = s.block(i, 5, 0, 0)[0] - 0.5;
        const y = s.block(i + da, 5 + dp, 0, 0)[0] - 0.5;
        sxy += x * y;
      }
      // Under independence, corr ≈ N(0, 1/n).
      const corr = sxy / n / (1 / 12);
      expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(n));
    }
  });

  it("inverts the exponential and geometric laws to their means", () => {
    const s = new RandomStreams(5, 0);
    const n = 100_000;
    let e = 0;
    let g = 0;
    for (let i = 0; i < n; i++) {
      const u = s.block(i, 1, 0, 0);
      e += exponential(u[0], 2);
      g += geometric(u[1], 1.5);
    }
    expect(Math.abs(e / n - 2)).toBeLessThan(4 * (2 / Math.sqrt(n)));
    // Geometric on {0,1,…} with mean m has variance m(1+m).
    expect(Math.abs(g / n - 1.5)).toBeLessThan(4 * Math.sqrt((1.5 * 2.5) / n));
  });
});
