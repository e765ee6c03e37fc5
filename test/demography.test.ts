import { describe, expect, it } from "vitest";
import { PURPOSE_DEMOGRAPHY } from "../models/care/random-purposes.ts";
import type { AgeSchedule } from "../models/population/age-schedule.ts";
import { advanceYear } from "../models/population/demography.ts";
import {
  EMPLOYEE,
  FLAG_MALE,
  FLAG_URBAN,
  PopulationSchema,
  type Residents,
  schemeOf,
  UNINSURED,
} from "../models/population/population.ts";
import { synthesizeResidents } from "../models/population/population-synthesis.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { buildWorld, type World } from "../models/world.ts";
import { RandomStreams } from "../sim/engine/random/streams.ts";

const SIZE = 200_000;

const worldOf = (population: object = {}, size = SIZE): World =>
  buildWorld(ScenarioSchema.parse({ run: { population: size, seed: 2015 }, population }));

const synthesizeAll = (world: World): Residents[] => {
  const streams = new RandomStreams(world.scenario.run.seed, 0);
  return world.geography.areas.map((_, area) => synthesizeResidents(world, area, streams));
};

/** Advances every partition through the given years; returns the deaths. */
function advance(world: World, residents: Residents[], years: number[]): number {
  const streams = new RandomStreams(world.scenario.run.seed, 0);
  let deaths = 0;
  for (const year of years) for (const r of residents) deaths += advanceYear(r, world, streams, year).deaths;
  return deaths;
}

/** The input schedule's value at a whole age, read off its bands (not through the model's tables). */
function valueAt(s: AgeSchedule, age: number): number {
  let band = 0;
  while (band + 1 < s.ages.length && s.ages[band + 1] <= age) band++;
  return Math.min(1, s.values[band]);
}

/** A count of independent Bernoulli draws within 4 standard deviations of its expectation. */
function expectWithin(observed: number, expected: number, variance: number, label: string): void {
  const sd = Math.sqrt(variance);
  expect(
    Math.abs(observed - expected),
    `${label}: ${observed} vs ${expected.toFixed(1)} ± ${sd.toFixed(1)}`,
  ).toBeLessThanOrEqual(4 * sd + 1e-9);
}

/** Residents from..to−1 of `r` as a partition of their own (copies of the columns). */
const sliceOf = (r: Residents, from = 0, to = r.count): Residents => ({
  count: to - from,
  firstId: r.firstId + from,
  age: r.age.slice(from, to),
  flags: r.flags.slice(from, to),
  conditions: r.conditions.slice(from, to),
  keyGroups: r.keyGroups.slice(from, to),
  home: r.home.slice(from, to),
});

const COLUMNS = ["age", "flags", "conditions", "keyGroups", "home"] as const;

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSameColumns(a: Residents, b: Residents): void {
  expect(a.count).toBe(b.count);
  expect(a.firstId).toBe(b.firstId);
  for (const c of COLUMNS) expect(Buffer.compare(bytes(a[c]), bytes(b[c])), c).toBe(0);
}

describe("default mortality", () => {
  it("gives the default pyramid the 2015 crude death rate, 7.11‰ (to 0.05‰)", () => {
    // Expected deaths per resident: pyramid shares × the mean probability over each band's ages.
    const p = PopulationSchema.parse({});
    const { ages, male, female } = p.ageStructure;
    const total = [...male, ...female].reduce((a, b) => a + b, 0);
    let rate = 0;
    ages.forEach((start, b) => {
      const end = b + 1 < ages.length ? ages[b + 1] : p.maxAge + 1;
      for (let age = start; age < end; age++)
        rate +=
          (male[b] * valueAt(p.mortality.male, age) + female[b] * valueAt(p.mortality.female, age)) /
          (end - start) /
          total;
    });
    expect(Math.abs(rate - 0.00711)).toBeLessThan(0.00005);
  });
});

describe(`one year of demography (${SIZE.toLocaleString("en")} residents, default parameters)`, () => {
  const world = worldOf();
  const residents = synthesizeAll(world);
  const before = residents.map((r) => sliceOf(r));
  const streams = new RandomStreams(world.scenario.run.seed, 0);
  const results = residents.map((r) => advanceYear(r, world, streams, 1));
  const { mortality, maxAge } = world.scenario.population;

  it("lets residents of each sex and age band die with the probability of their age", () => {
    const bands = [0, 1, 15, 45, 60, 75, 85, maxAge + 1];
    for (const male of [0, 1]) {
      const schedule = male ? mortality.male : mortality.female;
      for (let b = 0; b + 1 < bands.length; b++) {
        let observed = 0;
        let expected = 0;
        let variance = 0;
        residents.forEach((r, k) => {
          for (let i = 0; i < r.count; i++) {
            const age = before[k].age[i];
            if ((before[k].flags[i] & FLAG_MALE) !== male || age < bands[b] || age >= bands[b + 1]) continue;
            const q = valueAt(schedule, age);
            expected += q;
            variance += q * (1 - q);
            if (r.age[i] === 0) observed++;
          }
        });
        expectWithin(
          observed,
          expected,
          variance,
          `${male ? "men" : "women"} ${bands[b]}–${bands[b + 1] - 1}`,
        );
      }
    }
  });

  it("ages every survivor one year (or keeps it at maxAge) and gives each death's slot to a newborn", () => {
    // One message per kind of mismatch, with the first resident showing it.
    const wrong = new Map<string, number>();
    const check = (ok: boolean, what: string, id: number) => {
      if (!ok && !wrong.has(what)) wrong.set(what, id);
    };
    let newborns = 0;
    let capped = 0;
    residents.forEach((r, k) => {
      const b = before[k];
      expect(r.count).toBe(b.count);
      for (const c of COLUMNS) expect(r[c].length, c).toBe(b.count);
      for (let i = 0; i < r.count; i++) {
        const id = r.firstId + i;
        check(r.home[i] === b.home[i], "home village kept", id);
        check((r.flags[i] & FLAG_URBAN) === (b.flags[i] & FLAG_URBAN), "residence kept", id);
        if (r.age[i] === 0) {
          newborns++;
          check(r.conditions[i] === 0 && r.keyGroups[i] === 0, "newborn without conditions or groups", id);
        } else {
          if (b.age[i] === maxAge) capped++;
          check(r.age[i] === Math.min(b.age[i] + 1, maxAge), "survivor one year older", id);
          check(r.flags[i] === b.flags[i] && r.keyGroups[i] === b.keyGroups[i], "survivor's flags kept", id);
          check((r.conditions[i] & b.conditions[i]) === b.conditions[i], "survivor keeps its conditions", id);
        }
      }
    });
    expect(Object.fromEntries(wrong)).toEqual({});
    expect(capped).toBeGreaterThan(0);
    const deaths = results.reduce((s, x) => s + x.deaths, 0);
    expect(results.every((x) => x.births === x.deaths)).toBe(true);
    expect(newborns).toBe(deaths);
    expect(residents.reduce((s, r) => s + r.count, 0)).toBe(SIZE);
  });

  it("gives newborns the 2015 sex ratio at birth, 113.5 boys per 100 girls", () => {
    let boys = 0;
    let births = 0;
    for (const r of residents) {
      for (let i = 0; i < r.count; i++) {
        if (r.age[i] !== 0) continue;
        births++;
        if (r.flags[i] & FLAG_MALE) boys++;
      }
    }
    const p = 113.5 / 213.5;
    expectWithin(boys, births * p, births * p * (1 - p), "boys among newborns");
  });

  it("draws at most 2 blocks per resident, of PURPOSE_DEMOGRAPHY and the year", () => {
    class CountingStreams extends RandomStreams {
      readonly perResident = new Map<number, number>();
      readonly addresses = new Set<string>();
      override block(agent: number, purpose: number, counter: number, step: number): Float64Array {
        this.perResident.set(agent, (this.perResident.get(agent) ?? 0) + 1);
        this.addresses.add(`${purpose}:${counter}:${step}`);
        return super.block(agent, purpose, counter, step);
      }
    }
    const counting = new CountingStreams(world.scenario.run.seed, 0);
    advanceYear(sliceOf(before[0]), world, counting, 3);
    expect(Math.max(...counting.perResident.values())).toBeLessThanOrEqual(2);
    expect([...counting.addresses].sort()).toEqual([
      `${PURPOSE_DEMOGRAPHY}:3:0`,
      `${PURPOSE_DEMOGRAPHY}:3:1`,
    ]);
  });

  it("refuses a year that is not 1, 2, …", () => {
    expect(() => advanceYear(sliceOf(before[0]), world, streams, 0)).toThrow(RangeError);
  });
});

describe("newborns where half the residents die each year (100,000 residents)", () => {
  const world = worldOf(
    { mortality: { male: { ages: [0], values: [0.5] }, female: { ages: [0], values: [0.5] } } },
    100_000,
  );
  const residents = synthesizeAll(world);
  const deaths = advance(world, residents, [1]);

  it("draws their sex from the sex ratio at birth and their scheme as synthesis does at age 0", () => {
    const { insurance, sexRatioAtBirth } = world.scenario.population;
    const pBoy = sexRatioAtBirth / (sexRatioAtBirth + 100);
    let boys = 0;
    let uninsured = 0;
    let employee = 0;
    let employeeExpected = 0;
    for (const r of residents) {
      for (let i = 0; i < r.count; i++) {
        if (r.age[i] !== 0) continue;
        if (r.flags[i] & FLAG_MALE) boys++;
        const scheme = schemeOf(r.flags[i]);
        if (scheme === UNINSURED) uninsured++;
        if (scheme === EMPLOYEE) employee++;
        const share = r.flags[i] & FLAG_URBAN ? insurance.employeeShareUrban : insurance.employeeShareRural;
        employeeExpected += (1 - insurance.uninsuredShare) * valueAt(share, 0);
      }
    }
    expectWithin(deaths, 50_000, 25_000, "deaths");
    expectWithin(boys, deaths * pBoy, deaths * pBoy * (1 - pBoy), "boys");
    const u = insurance.uninsuredShare;
    expectWithin(uninsured, deaths * u, deaths * u * (1 - u), "uninsured newborns");
    expect(employeeExpected).toBe(0); // no employee members at age 0 by default
    expect(employee).toBe(0);
  });
});

describe(`five years of demography (${SIZE.toLocaleString("en")} residents, default parameters)`, () => {
  const world = worldOf();
  const residents = synthesizeAll(world);
  advance(world, residents, [1, 2, 3, 4, 5]);
  const prevalence = world.scenario.population.conditionPrevalence;

  // Age 70 saw no rise of hypertension since synthesis; 75–79, 60–64 and 18–22 crossed a step.
  it.each([
    ["hypertension", 0, 70, 70],
    ["hypertension", 0, 75, 79],
    ["hypertension", 0, 18, 22],
    ["stroke", 4, 60, 64],
    ["stroke", 4, 75, 79],
  ] as const)("keeps the prevalence of %s (bit %d) at ages %d–%d", (condition, bit, from, to) => {
    let observed = 0;
    let expected = 0;
    let variance = 0;
    for (const r of residents) {
      for (let i = 0; i < r.count; i++) {
        if (r.age[i] < from || r.age[i] > to) continue;
        const p = valueAt(prevalence[condition], r.age[i]);
        expected += p;
        variance += p * (1 - p);
        if ((r.conditions[i] >> bit) & 1) observed++;
      }
    }
    expect(expected).toBeGreaterThan(50);
    expectWithin(observed, expected, variance, `${condition} at ${from}–${to}`);
  });
});

describe("determinism", () => {
  const world = worldOf({}, 30_000);

  it("gives identical residents in two runs, whatever the order of partitions", () => {
    const first = synthesizeAll(world);
    const second = synthesizeAll(world);
    advance(world, first, [1, 2, 3]);
    const streams = new RandomStreams(world.scenario.run.seed, 0);
    for (const year of [1, 2, 3]) for (const r of [...second].reverse()) advanceYear(r, world, streams, year);
    first.forEach((r, k) => {
      expectSameColumns(r, second[k]);
    });
  });

  it("gives identical residents when a partition is split in two", () => {
    const whole = synthesizeAll(world)[0];
    const half = Math.floor(whole.count / 2);
    const parts = [sliceOf(whole, half), sliceOf(whole, 0, half)]; // the second half first
    advance(world, [whole], [1, 2]);
    advance(world, parts, [1, 2]);
    expectSameColumns(parts[0], sliceOf(whole, half));
    expectSameColumns(parts[1], sliceOf(whole, 0, half));
  });
});
