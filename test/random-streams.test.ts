import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { philox4x32 } from "../sim/engine/random/philox.ts";
import { createWasmPhilox } from "../sim/engine/random/philox-wasm.ts";
import { exponential, geometric, RandomStreams } from "../sim/engine/random/streams.ts";

/** A fixed xorshift32 (Marsaglia 2003) of 32-bit inputs, so that a failure reproduces. */
function xorshift32(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

const hex = (a: Uint32Array) => [...a].map((x) => x.toString(16).padStart(8, "0")).join(" ");

// Random123's known-answer vectors (kat_vectors, philox4x32 with 10 rounds): counter, key, output.
const knownAnswers: [number[], number[], string][] = [
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
];

describe("Philox4x32-10", () => {
  it.each(knownAnswers)("matches the known answer for counter %j key %j", (c, k, expected) => {
    const out = new Uint32Array(4);
    philox4x32(c[0], c[1], c[2], c[3], k[0], k[1], out);
    expect(hex(out)).toBe(expected);
  });
});

describe("Philox4x32-10 in WebAssembly", () => {
  const wasm = createWasmPhilox();
  const reference = new Uint32Array(4);
  const uniform = (x: number) => (x + 0.5) * 2.3283064365386963e-10;

  /** Null if the wasm block (words and uniforms) equals the JS reference, else what differs. */
  const mismatch = (c0: number, c1: number, c2: number, c3: number, k0: number, k1: number) => {
    philox4x32(c0, c1, c2, c3, k0, k1, reference);
    wasm!.block(c0, c1, c2, c3, k0, k1);
    for (let i = 0; i < 4; i++)
      if (wasm!.words[i] !== reference[i] || !Object.is(wasm!.uniforms[i], uniform(reference[i])))
        return { input: [c0, c1, c2, c3, k0, k1], wasm: hex(wasm!.words), js: hex(reference) };
    return null;
  };

  it("is available in Node", () => {
    expect(wasm).toBeDefined();
  });

  it.each(knownAnswers)("matches the known answer for counter %j key %j", (c, k, expected) => {
    wasm!.block(c[0], c[1], c[2], c[3], k[0], k[1]);
    expect(hex(wasm!.words)).toBe(expected);
    expect(Array.from(wasm!.uniforms)).toEqual(Array.from(wasm!.words, uniform));
  });

  it("equals the JS reference on every combination of edge values", () => {
    const edges = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    const bad = [];
    // Counter words from all edges, keys from a subset: 6⁴ · 3² = 11,664 blocks.
    for (const c0 of edges)
      for (const c1 of edges)
        for (const c2 of edges)
          for (const c3 of edges)
            for (const k0 of [0, 0x80000000, 0xffffffff])
              for (const k1 of [0, 0x80000000, 0xffffffff]) {
                const m = mismatch(c0, c1, c2, c3, k0, k1);
                if (m) bad.push(m);
              }
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it("equals the JS reference on 300,000 random counters and keys", () => {
    const next = xorshift32(0x2545f491);
    const bad = [];
    for (let i = 0; i < 300_000; i++) {
      const m = mismatch(next(), next(), next(), next(), next(), next());
      if (m) bad.push(m);
    }
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it("equals the JS reference for arbitrary u32 inputs, edges favoured (property)", () => {
    const word = fc.oneof(
      fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff),
      fc.integer({ min: 0, max: 0xffffffff }),
    );
    fc.assert(
      fc.property(word, word, word, word, word, word, (c0, c1, c2, c3, k0, k1) => {
        expect(mismatch(c0, c1, c2, c3, k0, k1)).toBeNull();
      }),
      { seed: 20150101, numRuns: 50_000 },
    );
  });

  it("reduces inputs modulo 2³² exactly as the reference's `>>> 0` does", () => {
    // Streams pass non-negative integers, but the contract is the reference's for any number.
    for (const x of [-1, -0x80000000, 2 ** 32, 2 ** 32 + 5, 2 ** 40 + 3, 1.9, -1.9, Number.NaN])
      expect(mismatch(x, 1, x, 2, x, 3)).toBeNull();
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

  it("uses WebAssembly by default, and the JS fallback gives identical uniforms", () => {
    const fast = new RandomStreams(20150101, 0);
    const slow = new RandomStreams(20150101, 0, { wasm: false });
    expect(fast.engine).toBe("wasm");
    expect(slow.engine).toBe("js");
    const next = xorshift32(0x9e3779b9);
    const bad = [];
    for (let i = 0; i < 100_000; i++) {
      const a = i < 50_000 ? i : next();
      const [p, c, t] = i % 7 === 0 ? [0xffffffff, 0x80000000, 0] : [next() & 15, next(), next() & 3];
      const x = fast.block(a, p, c, t);
      const y = slow.block(a, p, c, t);
      for (let j = 0; j < 4; j++) if (!Object.is(x[j], y[j])) bad.push([a, p, c, t, j, x[j], y[j]]);
    }
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it("falls back to JS where WebAssembly is missing", () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, "WebAssembly")!;
    Reflect.deleteProperty(globalThis, "WebAssembly");
    try {
      expect(createWasmPhilox()).toBeUndefined();
      const s = new RandomStreams(20150101, 0);
      expect(s.engine).toBe("js");
      expect(Array.from(s.block(0, 1, 0, 0))).toEqual(
        Array.from(new RandomStreams(20150101, 0).block(0, 1, 0, 0)),
      );
    } finally {
      Object.defineProperty(globalThis, "WebAssembly", saved);
    }
  });

  it("returns its own `u`, the same array every call, whatever other streams draw", () => {
    const a = new RandomStreams(1, 0);
    const b = new RandomStreams(1, 0);
    const u = a.block(10, 2, 3, 4);
    const first = Array.from(u);
    expect(a.block(11, 2, 3, 4)).toBe(u);
    expect(a.u).toBe(u);
    a.block(10, 2, 3, 4);
    b.block(99, 9, 9, 9); // another stream's draw must not overwrite a's
    expect(Array.from(a.u)).toEqual(first);
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
