import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CONTRACT_GROUPS,
  ContractBook,
  type ContractingParams,
  ContractingSchema,
  contractGroups,
} from "../models/policy/contracting.ts";
import {
  allocateResidents,
  CONDITIONS,
  DISABLED,
  FLAG_URBAN,
  POOR,
  PREGNANT,
  type Residents,
  SEVERE_MENTAL_ILLNESS,
  TUBERCULOSIS,
} from "../models/population/population.ts";
import { RandomStreams } from "../sim/engine/random/streams.ts";

const ELDERLY_AGE = 65;
const HYPERTENSION = 1 << CONDITIONS.indexOf("hypertension");
const DIABETES = 1 << CONDITIONS.indexOf("diabetes");
const groupIndex = (g: (typeof CONTRACT_GROUPS)[number]) => CONTRACT_GROUPS.indexOf(g);

/** mulberry32: a small seeded generator for the synthetic residents, independent of the model's streams. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A mixed population: ages 0–94, half urban, chronic conditions from 45, a few of each key group. */
function mixedResidents(count: number, seed: number, firstId = 0): Residents {
  const rng = generator(seed);
  const res = allocateResidents(count, firstId);
  for (let r = 0; r < count; r++) {
    const age = Math.floor(rng() * 95);
    res.age[r] = age;
    res.flags[r] = rng() < 0.51 ? FLAG_URBAN : 0;
    let conditions = 0;
    if (age >= 45 && rng() < 0.25) conditions |= HYPERTENSION;
    if (age >= 45 && rng() < 0.08) conditions |= DIABETES;
    res.conditions[r] = conditions;
    let key = 0;
    if (rng() < 0.05) key |= DISABLED;
    if (rng() < 0.05) key |= POOR;
    if (rng() < 0.01) key |= SEVERE_MENTAL_ILLNESS;
    if (rng() < 0.005) key |= TUBERCULOSIS;
    if (age >= 18 && age < 45 && rng() < 0.05) key |= PREGNANT;
    res.keyGroups[r] = key;
  }
  return res;
}

/** Urban adults of 30 in no key group: every resident's target probability is coverage.all itself. */
function uniformResidents(count: number): Residents {
  const res = allocateResidents(count, 0);
  res.age.fill(30);
  res.flags.fill(FLAG_URBAN);
  return res;
}

const params = (input: object): ContractingParams => ContractingSchema.parse(input);
const binomialSe = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);

function holderShare(book: ContractBook, include: (r: number) => boolean): { share: number; n: number } {
  let holders = 0;
  let n = 0;
  for (let r = 0; r < book.count; r++) {
    if (!include(r)) continue;
    n++;
    holders += book.holds[r];
  }
  return { share: holders / n, n };
}

describe("contract groups", () => {
  it("reads each key population from age, conditions and key-group bits", () => {
    const g = (name: (typeof CONTRACT_GROUPS)[number]) => 1 << groupIndex(name);
    expect(contractGroups(30, 0, 0, 65)).toBe(0);
    expect(contractGroups(65, 0, 0, 65)).toBe(g("elderly"));
    expect(contractGroups(60, 0, 0, 60)).toBe(g("elderly"));
    expect(contractGroups(6, 0, 0, 65)).toBe(g("youngChildren"));
    expect(contractGroups(7, 0, 0, 65)).toBe(0);
    expect(contractGroups(50, HYPERTENSION | DIABETES, 0, 65)).toBe(g("hypertension") | g("diabetes"));
    expect(contractGroups(50, 1 << CONDITIONS.indexOf("copd"), 0, 65)).toBe(0);
    expect(contractGroups(28, 0, PREGNANT | POOR, 65)).toBe(g("pregnant") | g("poor"));
    expect(contractGroups(40, 0, TUBERCULOSIS | SEVERE_MENTAL_ILLNESS | DISABLED, 65)).toBe(
      g("tuberculosis") | g("severeMentalIllness") | g("disabled"),
    );
  });

  it("defaults to no group targets and the sourced odds ratios", () => {
    const p = params({});
    expect(p.coverage.all).toBe(0.222);
    for (const g of CONTRACT_GROUPS) expect(p.coverage[g]).toBeUndefined();
    expect(p.renewal).toBe(0.85);
    expect(p.propensity).toEqual({ elderly: 1.66, chronic: 1.67, otherKeyGroups: 1.5, rural: 0.645 });
    expect(() => params({ coverage: { all: 1.2 } })).toThrow();
    expect(() => params({ coverage: { elders: 0.5 } })).toThrow();
  });
});

describe("enrolment", () => {
  const N = 200_000;
  const mixed = mixedResidents(N, 2015);

  it("meets coverage.all, and a group target alongside it", () => {
    const book = new ContractBook(N);
    const counts = book.update(
      mixed,
      params({ coverage: { all: 0.3 } }),
      ELDERLY_AGE,
      new RandomStreams(1, 0),
      0,
      0,
    );
    expect(counts.holders).toBe(book.countHolders());
    expect(Math.abs(counts.holders / N - 0.3)).toBeLessThan(4 * binomialSe(0.3, N));

    const targeted = new ContractBook(N);
    targeted.update(
      mixed,
      params({ coverage: { all: 0.3, elderly: 0.6 } }),
      ELDERLY_AGE,
      new RandomStreams(1, 0),
      0,
      0,
    );
    const t = targeted.tally(mixed, ELDERLY_AGE);
    const e = groupIndex("elderly");
    const elderlyShare = t.groupHolders[e] / t.groupMembers[e];
    expect(Math.abs(elderlyShare - 0.6)).toBeLessThan(4 * binomialSe(0.6, t.groupMembers[e]));
    expect(Math.abs(t.holders / N - 0.3)).toBeLessThan(4 * binomialSe(0.3, N));
    expect(targeted.lastSolution?.converged).toBe(true);
  });

  it("honours renewal at constant coverage, and reaches a raised target the next year", () => {
    const p = params({ coverage: { all: 0.3 }, renewal: 0.85 });
    const streams = new RandomStreams(2, 0);
    const book = new ContractBook(N);
    book.update(mixed, p, ELDERLY_AGE, streams, 0, 0);
    const y1 = book.update(mixed, p, ELDERLY_AGE, streams, 1, 0);
    expect(Math.abs(y1.renewed / y1.holdersBefore - 0.85)).toBeLessThan(
      4 * binomialSe(0.85, y1.holdersBefore),
    );
    expect(y1.renewed + y1.lapsed).toBe(y1.holdersBefore);
    expect(Math.abs(y1.holders / N - 0.3)).toBeLessThan(4 * binomialSe(0.3, N));
    const t = book.tally(mixed, ELDERLY_AGE);
    expect([t.eligibleForRenewal, t.renewed, t.holders]).toEqual([y1.holdersBefore, y1.renewed, y1.holders]);

    const y2 = book.update(
      mixed,
      params({ coverage: { all: 0.5 }, renewal: 0.85 }),
      ELDERLY_AGE,
      streams,
      2,
      0,
    );
    expect(Math.abs(y2.renewed / y2.holdersBefore - 0.85)).toBeLessThan(
      4 * binomialSe(0.85, y2.holdersBefore),
    );
    expect(Math.abs(y2.holders / N - 0.5)).toBeLessThan(4 * binomialSe(0.5, N));
  });

  it("renews only as many as a lowered target keeps", () => {
    // Every target probability equals coverage.all: from 0.3 to 0.15 a holder renews with
    // probability min(0.85, 0.15 / 0.3) = 0.5 and nobody signs.
    const res = uniformResidents(N);
    const streams = new RandomStreams(3, 0);
    const book = new ContractBook(N);
    book.update(res, params({ coverage: { all: 0.3 } }), ELDERLY_AGE, streams, 0, 0);
    const y1 = book.update(res, params({ coverage: { all: 0.15 } }), ELDERLY_AGE, streams, 1, 0);
    expect(y1.signed).toBe(0);
    expect(Math.abs(y1.renewed / y1.holdersBefore - 0.5)).toBeLessThan(4 * binomialSe(0.5, y1.holdersBefore));
    expect(Math.abs(y1.holders / N - 0.15)).toBeLessThan(4 * binomialSe(0.15, N));
  });

  it("keeps every contract when coverage is raised within the year", () => {
    const res = uniformResidents(N);
    const streams = new RandomStreams(4, 0);
    const book = new ContractBook(N);
    book.update(res, params({ coverage: { all: 0.3 } }), ELDERLY_AGE, streams, 0, 0);
    const before = book.holds.slice();
    const mid = book.update(res, params({ coverage: { all: 0.5 } }), ELDERLY_AGE, streams, 0, 1);
    expect(mid.lapsed).toBe(0);
    expect(mid.renewed).toBe(0);
    for (let r = 0; r < N; r++) if (before[r] === 1) expect(book.holds[r]).toBe(1);
    expect(Math.abs(mid.holders / N - 0.5)).toBeLessThan(4 * binomialSe(0.5, N));
    // The next year starts from 0.5 held: constant coverage then renews at the full rate.
    const y1 = book.update(res, params({ coverage: { all: 0.5 } }), ELDERLY_AGE, streams, 1, 0);
    expect(Math.abs(y1.renewed / y1.holdersBefore - 0.85)).toBeLessThan(
      4 * binomialSe(0.85, y1.holdersBefore),
    );
    expect(Math.abs(y1.holders / N - 0.5)).toBeLessThan(4 * binomialSe(0.5, N));
  });

  it("signs the elderly, chronic and urban residents more, in the ratio of the odds ratios", () => {
    // Odds ratios 4 (elderly), 3 (chronic), 0.5 (rural). With coverage.all set to the mean at
    // α = 0, the solve must find α = 0 and the shares are σ(Σ log OR): neither 1/2, rural 1/3,
    // elderly 4/5, chronic 3/4, elderly and chronic 12/13.
    const res = allocateResidents(N, 0);
    const kind = (r: number) => r % 10;
    for (let r = 0; r < N; r++) {
      const k = kind(r);
      res.age[r] = k >= 5 && k <= 6 ? 70 : k === 9 ? 80 : 30;
      res.flags[r] = k === 4 ? 0 : FLAG_URBAN;
      res.conditions[r] = k === 7 || k === 8 ? HYPERTENSION : k === 9 ? DIABETES : 0;
    }
    const expected = { neither: 1 / 2, rural: 1 / 3, elderly: 4 / 5, chronic: 3 / 4, both: 12 / 13 };
    const all =
      0.4 * expected.neither + 0.1 * expected.rural + 0.2 * expected.elderly + 0.2 * expected.chronic;
    const p = params({
      coverage: { all: all + 0.1 * expected.both },
      propensity: { elderly: 4, chronic: 3, otherKeyGroups: 2, rural: 0.5 },
    });
    const book = new ContractBook(N);
    book.update(res, p, ELDERLY_AGE, new RandomStreams(5, 0), 0, 0);
    expect(book.lastSolution?.alpha).toBeCloseTo(0, 6);
    const groups: [keyof typeof expected, number[]][] = [
      ["neither", [0, 1, 2, 3]],
      ["rural", [4]],
      ["elderly", [5, 6]],
      ["chronic", [7, 8]],
      ["both", [9]],
    ];
    const shares: Record<string, { share: number; n: number }> = {};
    for (const [name, kinds] of groups) {
      shares[name] = holderShare(book, (r) => kinds.includes(kind(r)));
      const se = binomialSe(expected[name], shares[name].n);
      expect(Math.abs(shares[name].share - expected[name]), name).toBeLessThan(4 * se);
    }
    // The elderly sign 1.6 times as often as the others (odds 4 : 1 at a share of 1/2).
    const a = shares.elderly;
    const b = shares.neither;
    const ratio = a.share / b.share;
    const ratioSe =
      ratio * Math.hypot(binomialSe(a.share, a.n) / a.share, binomialSe(b.share, b.n) / b.share);
    expect(Math.abs(ratio - 1.6)).toBeLessThan(4 * ratioSe);
  });

  it("gives the same contracts for the same residents and seed, whatever else draws", () => {
    const res = mixedResidents(20_000, 7, 50_000);
    const p = params({ coverage: { all: 0.25, hypertension: 0.5 } });
    const run = (interleave: boolean, seed: number) => {
      const streams = new RandomStreams(seed, 0);
      const book = new ContractBook(res.count);
      const other = new ContractBook(1_000);
      const otherResidents = mixedResidents(1_000, 8, 50_000);
      for (let year = 0; year < 3; year++) {
        if (interleave) {
          for (let a = 0; a < 500; a++) streams.block(50_000 + a, 3, year, 0);
          other.update(otherResidents, params({ coverage: { all: 0.9 } }), ELDERLY_AGE, streams, year, 0);
        }
        book.update(res, p, ELDERLY_AGE, streams, year, 0);
      }
      return book.holds;
    };
    const plain = run(false, 9);
    expect(run(true, 9)).toEqual(plain);
    expect(run(false, 10)).not.toEqual(plain);
  });

  it("lets a newborn take a slot without the contract or the history of its predecessor", () => {
    // Cleared slots start afresh: they sign with probability p = 0.3, where a holder's slot that
    // kept its history would sign with (0.3 − 0.85·0.3) / 0.7 ≈ 0.064 only.
    const res = uniformResidents(N);
    const p = params({ coverage: { all: 0.3 } });
    const streams = new RandomStreams(6, 0);
    const book = new ContractBook(N);
    book.update(res, p, ELDERLY_AGE, streams, 0, 0);
    const reborn = (r: number) => r % 5 === 0 && book.holds[r] === 1;
    const slots: number[] = [];
    for (let r = 0; r < N; r++) if (reborn(r)) slots.push(r);
    for (const r of slots) book.clear(r);
    for (const r of slots) {
      expect(book.holds[r]).toBe(0);
      expect(book.probability[r]).toBe(0);
    }
    book.update(res, p, ELDERLY_AGE, streams, 1, 0);
    const signed = slots.reduce((n, r) => n + book.holds[r], 0);
    expect(Math.abs(signed / slots.length - 0.3)).toBeLessThan(4 * binomialSe(0.3, slots.length));
  });

  it("meets a group target that contradicts coverage.all, and leaves the rest unsigned", () => {
    // One resident in ten is elderly: 90% of them is 9% of all, above coverage.all = 5%. The group
    // target holds and everyone else is left out, for an all-resident share of 0.09.
    const res = uniformResidents(N);
    for (let r = 0; r < N; r += 10) res.age[r] = 70;
    const book = new ContractBook(N);
    book.update(
      res,
      params({ coverage: { all: 0.05, elderly: 0.9 } }),
      ELDERLY_AGE,
      new RandomStreams(7, 0),
      0,
      0,
    );
    const solution = book.lastSolution!;
    expect(solution.converged).toBe(false);
    expect(solution.meanGroup[groupIndex("elderly")]).toBeCloseTo(0.9, 9);
    expect(solution.meanAll).toBeCloseTo(0.09, 9);
    const elderly = holderShare(book, (r) => r % 10 === 0);
    expect(Math.abs(elderly.share - 0.9)).toBeLessThan(4 * binomialSe(0.9, elderly.n));
    expect(holderShare(book, (r) => r % 10 !== 0).share).toBe(0);
  });
});

describe("the coverage solve", () => {
  const res = mixedResidents(3_000, 99);
  const meanProbability = (book: ContractBook, include: (r: number) => boolean) => {
    let sum = 0;
    let n = 0;
    for (let r = 0; r < book.count; r++) {
      if (!include(r)) continue;
      sum += book.probability[r];
      n++;
    }
    return sum / n;
  };

  it("meets any coverage.all in [0, 1] within 1e-6", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (all) => {
        const book = new ContractBook(res.count);
        book.update(res, params({ coverage: { all } }), ELDERLY_AGE, new RandomStreams(1, 0), 0, 0);
        // At a first enrolment each resident holds with its target probability.
        expect(Math.abs(meanProbability(book, () => true) - all)).toBeLessThan(1e-6);
      }),
      { numRuns: 100 },
    );
  });

  it("meets group targets alongside coverage.all within 1e-6 whenever they are attainable", () => {
    // Targets implied by a known intercept and group shifts are attainable by construction.
    const logOr = {
      elderly: Math.log(1.66),
      chronic: Math.log(1.67),
      other: Math.log(1.5),
      rural: Math.log(0.645),
    };
    const chronicBits = (1 << groupIndex("hypertension")) | (1 << groupIndex("diabetes"));
    const otherBits = ["pregnant", "youngChildren", "tuberculosis", "severeMentalIllness", "disabled", "poor"]
      .map((g) => 1 << groupIndex(g as (typeof CONTRACT_GROUPS)[number]))
      .reduce((a, b) => a | b);
    const groupsOf = Array.from({ length: res.count }, (_, r) =>
      contractGroups(res.age[r], res.conditions[r], res.keyGroups[r], ELDERLY_AGE),
    );
    fc.assert(
      fc.property(
        fc.double({ min: -4, max: 2, noNaN: true }),
        fc.array(fc.option(fc.double({ min: -3, max: 3, noNaN: true }), { nil: undefined }), {
          minLength: CONTRACT_GROUPS.length,
          maxLength: CONTRACT_GROUPS.length,
        }),
        (alpha, deltas) => {
          const sum = new Float64Array(CONTRACT_GROUPS.length);
          const members = new Float64Array(CONTRACT_GROUPS.length);
          let all = 0;
          for (let r = 0; r < res.count; r++) {
            const g = groupsOf[r];
            let x = alpha;
            if (g & 1) x += logOr.elderly;
            if (g & chronicBits) x += logOr.chronic;
            if (g & otherBits) x += logOr.other;
            if ((res.flags[r] & FLAG_URBAN) === 0) x += logOr.rural;
            deltas.forEach((d, k) => {
              if (d !== undefined && g & (1 << k)) x += d;
            });
            const p = 1 / (1 + Math.exp(-x));
            all += p;
            for (let k = 0; k < CONTRACT_GROUPS.length; k++) {
              if ((g & (1 << k)) === 0) continue;
              sum[k] += p;
              members[k]++;
            }
          }
          const coverage: Record<string, number> = { all: all / res.count };
          deltas.forEach((d, k) => {
            if (d !== undefined && members[k] > 0) coverage[CONTRACT_GROUPS[k]] = sum[k] / members[k];
          });
          const book = new ContractBook(res.count);
          book.update(res, params({ coverage }), ELDERLY_AGE, new RandomStreams(1, 0), 0, 0);
          expect(book.lastSolution?.converged).toBe(true);
          expect(Math.abs(meanProbability(book, () => true) - coverage.all)).toBeLessThan(1e-6);
          for (const [g, target] of Object.entries(coverage)) {
            if (g === "all") continue;
            const b = 1 << groupIndex(g as (typeof CONTRACT_GROUPS)[number]);
            expect(Math.abs(meanProbability(book, (r) => (groupsOf[r] & b) !== 0) - target), g).toBeLessThan(
              1e-6,
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
