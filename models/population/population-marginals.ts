import {
  CONDITIONS,
  type ConditionId,
  FLAG_MALE,
  FLAG_URBAN,
  isChronicPatient,
  isElderly,
  isYoungChild,
  KEY_GROUPS,
  type KeyGroupId,
  type PopulationParams,
  type PopulationTables,
  populationTables,
  type Residents,
  SCHEME_MASK,
  SCHEME_NAMES,
  type SchemeName,
  schemeOf,
} from "./population.ts";

/**
 * The synthesised population against its inputs: counts with the count the parameters lead one
 * to expect and its variance (sums over residents of each one's probability p and of p(1 − p)),
 * so that a check reads |observed − expected| < 4 √variance.
 */
export interface Tally {
  observed: number;
  expected: number;
  variance: number;
}

export interface PopulationMarginals {
  residents: number;
  urbanResidents: number;
  /** Lower bounds of the pyramid's age bands: the bands of every "by band" array. */
  ageBands: number[];
  /** Residents by sex and age band. */
  ageSex: { male: Tally[]; female: Tally[] };
  /** Residents by insurance scheme among urban and among rural residents. */
  schemes: { urban: Record<SchemeName, Tally>; rural: Record<SchemeName, Tally> };
  /** Residents per age band. */
  bandResidents: number[];
  /** Residents living with each condition, per age band (expected from the prevalence at each one's age). */
  conditions: Record<ConditionId, Tally[]>;
  /** Residents living with both conditions c and d, per age band: [band][c * CONDITIONS.length + d]. */
  conditionPairs: number[][];
  /** Residents living with 0, 1, …, CONDITIONS.length of the conditions. */
  multimorbidity: number[];
  /** Stored key groups (pregnancy is set by the care pathway: expected is 0 at synthesis). */
  keyGroups: Record<KeyGroupId, Tally>;
  /** Derived key groups: elderly (population.keyGroups.elderlyAge and over), children 0–6, chronic patients. */
  derivedGroups: { elderly: number; youngChildren: number; chronicPatients: number };
}

/** The bits of `Residents.flags` the marginals read (sex, residence, scheme), and their combinations. */
const FLAG_BITS = FLAG_MALE | FLAG_URBAN | SCHEME_MASK;
const FLAG_CELLS = FLAG_BITS + 1;

const tally = (): Tally => ({ observed: 0, expected: 0, variance: 0 });

/** Counts of the residents of one or more areas against the population parameters. */
export function populationMarginals(
  residents: Residents | readonly Residents[],
  params: PopulationParams,
  tables: PopulationTables = populationTables(params),
): PopulationMarginals {
  const list = Array.isArray(residents) ? residents : [residents as Residents];
  const ages = params.ageStructure.ages;
  const B = ages.length;
  const C = CONDITIONS.length;
  const bandOf = new Int32Array(121);
  for (let age = 0, b = 0; age <= 120; age++) {
    while (b + 1 < B && ages[b + 1] <= age) b++;
    bandOf[age] = b;
  }
  const m: PopulationMarginals = {
    residents: 0,
    urbanResidents: 0,
    ageBands: [...ages],
    ageSex: { male: ages.map(tally), female: ages.map(tally) },
    schemes: {
      urban: Object.fromEntries(SCHEME_NAMES.map((s) => [s, tally()])) as Record<SchemeName, Tally>,
      rural: Object.fromEntries(SCHEME_NAMES.map((s) => [s, tally()])) as Record<SchemeName, Tally>,
    },
    bandResidents: ages.map(() => 0),
    conditions: Object.fromEntries(CONDITIONS.map((c) => [c, ages.map(tally)])) as Record<
      ConditionId,
      Tally[]
    >,
    conditionPairs: ages.map(() => new Array<number>(C * C).fill(0)),
    multimorbidity: new Array<number>(C + 1).fill(0),
    keyGroups: Object.fromEntries(KEY_GROUPS.map((g) => [g, tally()])) as Record<KeyGroupId, Tally>,
    derivedGroups: { elderly: 0, youngChildren: 0, chronicPatients: 0 },
  };
  const shares = [...params.ageStructure.male, ...params.ageStructure.female];
  const total = shares.reduce((a, b) => a + b, 0);
  const uninsured = params.insurance.uninsuredShare;
  // Residents are counted into three histograms (age × flags, band × conditions, key groups) and
  // the marginals read off their cells: counting into the result's objects resident by resident
  // took 160–290 ms for 1M residents on a thread's first pass (the loop deoptimised on the
  // objects' shapes) and 43 ms warm; this takes 15 and 9. Counts are whole numbers, so the totals
  // are the same. What is expected depends only on age and residence: it is added once per
  // (age, urban) cell.
  const byAgeFlags = new Float64Array(121 * FLAG_CELLS);
  const byBandMask = new Float64Array(B * 256);
  const byGroups = new Float64Array(256);
  for (const res of list) countResidents(res, bandOf, byAgeFlags, byBandMask, byGroups);
  const byAgeUrban = new Float64Array(121 * 2);
  for (let age = 0; age <= 120; age++) {
    const band = bandOf[age];
    for (let flags = 0; flags < FLAG_CELLS; flags++) {
      const n = byAgeFlags[age * FLAG_CELLS + flags];
      if (n === 0) continue;
      const urban = (flags & FLAG_URBAN) !== 0;
      byAgeUrban[age * 2 + (urban ? 1 : 0)] += n;
      (flags & FLAG_MALE ? m.ageSex.male : m.ageSex.female)[band].observed += n;
      (urban ? m.schemes.urban : m.schemes.rural)[SCHEME_NAMES[schemeOf(flags)]].observed += n;
      if (isElderly(age, params.keyGroups.elderlyAge)) m.derivedGroups.elderly += n;
      if (isYoungChild(age)) m.derivedGroups.youngChildren += n;
    }
  }
  for (let band = 0; band < B; band++) {
    for (let mask = 0; mask < 256; mask++) {
      const count = byBandMask[band * 256 + mask];
      if (count === 0) continue;
      let n = 0;
      for (let c = 0; c < C; c++) {
        if (!((mask >> c) & 1)) continue;
        n++;
        m.conditions[CONDITIONS[c]][band].observed += count;
        for (let d = 0; d < C; d++) if ((mask >> d) & 1) m.conditionPairs[band][c * C + d] += count;
      }
      m.multimorbidity[n] += count;
      if (isChronicPatient(mask)) m.derivedGroups.chronicPatients += count;
    }
  }
  for (let groups = 0; groups < 256; groups++) {
    const count = byGroups[groups];
    if (count === 0) continue;
    for (let i = 0; i < KEY_GROUPS.length; i++)
      if ((groups >> i) & 1) m.keyGroups[KEY_GROUPS[i]].observed += count;
  }
  const expect = (t: Tally, n: number, p: number) => {
    t.expected += n * p;
    t.variance += n * p * (1 - p);
  };
  for (let age = 0; age <= 120; age++) {
    for (let u = 0; u < 2; u++) {
      const n = byAgeUrban[age * 2 + u];
      if (n === 0) continue;
      const urban = u === 1;
      const band = bandOf[age];
      m.residents += n;
      if (urban) m.urbanResidents += n;
      m.bandResidents[band] += n;
      for (let b = 0; b < B; b++) {
        expect(m.ageSex.male[b], n, shares[b] / total);
        expect(m.ageSex.female[b], n, shares[B + b] / total);
      }
      const employee = (1 - uninsured) * (urban ? tables.employeeUrban : tables.employeeRural)[age];
      const others = 1 - uninsured - employee;
      const schemeShares = urban ? [employee, others, 0, uninsured] : [employee, 0, others, uninsured];
      const bySchemes = urban ? m.schemes.urban : m.schemes.rural;
      SCHEME_NAMES.forEach((s, i) => {
        expect(bySchemes[s], n, schemeShares[i]);
      });
      for (let c = 0; c < C; c++) expect(m.conditions[CONDITIONS[c]][band], n, tables.prevalence[c][age]);
      // In KEY_GROUPS order; pregnancy is never drawn at synthesis.
      const groupShares = [
        tables.severeMentalIllness[age],
        tables.disabled[age],
        (urban ? tables.poorUrban : tables.poorRural)[age],
        tables.tuberculosis[age],
        0,
      ];
      KEY_GROUPS.forEach((g, i) => {
        expect(m.keyGroups[g], n, groupShares[i]);
      });
    }
  }
  return m;
}

/** Adds the residents of one area to the histograms of `populationMarginals`. */
function countResidents(
  res: Residents,
  bandOf: Int32Array,
  byAgeFlags: Float64Array,
  byBandMask: Float64Array,
  byGroups: Float64Array,
): void {
  const { age, flags, conditions, keyGroups } = res;
  for (let r = 0; r < res.count; r++) {
    byAgeFlags[age[r] * FLAG_CELLS + (flags[r] & FLAG_BITS)]++;
    byBandMask[bandOf[age[r]] * 256 + conditions[r]]++;
    byGroups[keyGroups[r]]++;
  }
}

/** One row per check, for reports: the observed count, the expected one and their z-score. */
export interface MarginalRow {
  check: string;
  observed: number;
  expected: number;
  z: number;
}

export function marginalRows(m: PopulationMarginals): MarginalRow[] {
  const rows: MarginalRow[] = [];
  const push = (check: string, t: Tally) =>
    rows.push({
      check,
      observed: t.observed,
      expected: t.expected,
      z:
        t.variance > 0
          ? (t.observed - t.expected) / Math.sqrt(t.variance)
          : t.observed === t.expected
            ? 0
            : Number.NaN,
    });
  const bandName = (b: number) =>
    b + 1 < m.ageBands.length ? `${m.ageBands[b]}–${m.ageBands[b + 1] - 1}` : `${m.ageBands[b]}+`;
  m.ageBands.forEach((_, b) => {
    push(`men ${bandName(b)}`, m.ageSex.male[b]);
    push(`women ${bandName(b)}`, m.ageSex.female[b]);
  });
  for (const s of SCHEME_NAMES) {
    push(`${s} scheme, urban`, m.schemes.urban[s]);
    push(`${s} scheme, rural`, m.schemes.rural[s]);
  }
  for (const c of CONDITIONS) {
    m.ageBands.forEach((_, b) => {
      push(`${c} ${bandName(b)}`, m.conditions[c][b]);
    });
  }
  for (const g of KEY_GROUPS) push(g, m.keyGroups[g]);
  return rows;
}

/**
 * Share of the residents living with b who also live with a, P(a | b), in one age band or (band
 * omitted) at all ages; NaN when no one lives with b.
 */
export function conditionalShare(
  m: PopulationMarginals,
  a: ConditionId,
  b: ConditionId,
  band?: number,
): number {
  const C = CONDITIONS.length;
  const ia = CONDITIONS.indexOf(a);
  const ib = CONDITIONS.indexOf(b);
  const bands = band === undefined ? m.conditionPairs : [m.conditionPairs[band]];
  const both = bands.reduce((s, pairs) => s + pairs[ib * C + ia], 0);
  const withB = bands.reduce((s, pairs) => s + pairs[ib * C + ib], 0);
  return both / withB;
}

/** The marginals of two sets of residents together (same parameters): every count added. */
export function mergeMarginals(a: PopulationMarginals, b: PopulationMarginals): PopulationMarginals {
  const sum = (x: unknown, y: unknown): unknown => {
    if (typeof x === "number" && typeof y === "number") return x + y;
    if (Array.isArray(x) && Array.isArray(y)) return x.map((v, i) => sum(v, y[i]));
    if (x && y && typeof x === "object" && typeof y === "object") {
      const yy = y as Record<string, unknown>;
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, sum(v, yy[k])]));
    }
    return x;
  };
  return { ...(sum(a, b) as PopulationMarginals), ageBands: [...a.ageBands] };
}
