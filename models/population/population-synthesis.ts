import type { RandomStreams } from "../../sim/engine/random/streams.ts";
import { PURPOSE_POPULATION } from "../care/random-purposes.ts";
import type { World } from "../world.ts";
import {
  APPROXIMATE_QUANTILE_ERROR,
  approximateNormalQuantile,
  isBelowNormalCdf,
  isBelowNormalCdfOver,
  normalQuantile,
  UNDECIDED,
} from "./normal-distribution.ts";
import {
  allocateResidents,
  type CONDITIONS,
  DISABLED,
  EMPLOYEE,
  FLAG_MALE,
  FLAG_URBAN,
  NCMS,
  POOR,
  type PopulationTables,
  RESIDENT,
  type Residents,
  SCHEME_SHIFT,
  SEVERE_MENTAL_ILLNESS,
  TUBERCULOSIS,
  UNINSURED,
} from "./population.ts";

/**
 * Generates the residents of one area (partition). Resident `id` (global) draws its attributes
 * from its own blocks, so the same resident is generated whatever the partitioning.
 *
 * Draw addresses (resident, PURPOSE_POPULATION, counter, step), three blocks at most:
 *   (0, 0): u0 age and sex (one inversion over the age–sex pyramid), u1 insurance scheme,
 *           u2 severe mental illness, u3 disability
 *   (1, 0): u0 shared cardiometabolic factor F, u1 hypertension, u2 diabetes, u3 COPD
 *           (drawn only at ages where some condition has a positive prevalence)
 *   (1, 1): u0 CHD, u1 stroke, u2 poverty, u3 tuberculosis
 * A condition's lane is its ε_c: with F = Φ⁻¹(u0), the latent z_c = √ρ_c·F + √(1−ρ_c)·ε_c falls
 * below Φ⁻¹(prevalence) exactly when u_c < Φ((Φ⁻¹(prevalence) − √ρ_c·F) / √(1−ρ_c)), so each
 * condition keeps its prevalence whatever ρ_c (Gaussian copula with one factor).
 */
export function synthesizeResidents(world: World, area: number, streams: RandomStreams): Residents {
  const geo = world.geography;
  const a = geo.areas[area];
  const res = allocateResidents(a.population, a.firstResident);
  const t = world.populationTables;
  const { age: ages, flags, conditions, keyGroups, home } = res;
  const firstVillage = geo.townships[a.firstTownship].firstVillage;
  // Five lanes for five conditions: a sixth condition needs a lane, hence a fourth block.
  const lanes = new Float64Array(5 satisfies typeof CONDITIONS.length);
  let villageCount = 0;
  for (let tw = a.firstTownship; tw < a.firstTownship + a.townshipCount; tw++)
    villageCount += geo.townships[tw].villageCount;
  for (let v = 0; v < villageCount; v++) {
    const village = geo.villages[firstVillage + v];
    const urban = geo.townships[village.township].urban;
    const employee = urban ? t.employeeUrban : t.employeeRural;
    const poorByAge = urban ? t.poorUrban : t.poorRural;
    const urbanFlag = urban ? FLAG_URBAN : 0;
    const start = village.firstResident - a.firstResident;
    for (let i = start; i < start + village.population; i++) {
      const id = a.firstResident + i;
      const u = streams.block(id, PURPOSE_POPULATION, 0, 0);
      const cell = drawAgeSex(t, u[0]);
      const age = cell >> 1;
      const scheme = drawScheme(t, employee, age, u[1], urban);
      let groups = 0;
      if (u[2] < t.severeMentalIllness[age]) groups |= SEVERE_MENTAL_ILLNESS;
      if (u[3] < t.disabled[age]) groups |= DISABLED;
      ages[i] = age;
      flags[i] = (cell & 1 ? FLAG_MALE : 0) | urbanFlag | (scheme << SCHEME_SHIFT);
      home[i] = v;

      let uFactor = 0.5;
      if (t.anyCondition[age]) {
        const c = streams.block(id, PURPOSE_POPULATION, 1, 0);
        uFactor = c[0];
        lanes[0] = c[1];
        lanes[1] = c[2];
        lanes[2] = c[3];
      }
      const w = streams.block(id, PURPOSE_POPULATION, 1, 1);
      lanes[3] = w[0];
      lanes[4] = w[1];
      if (w[2] < poorByAge[age]) groups |= POOR;
      if (w[3] < t.tuberculosis[age]) groups |= TUBERCULOSIS;
      keyGroups[i] = groups;
      if (t.anyCondition[age]) conditions[i] = conditionsOf(t, age, lanes, uFactor);
    }
  }
  return res;
}

/**
 * Insurance scheme from one uniform: uninsured below `uninsuredShare`, then employee with the
 * age's share of `employeeByAge` (urban or rural table), else resident. Newborns use it too
 * (demography.ts).
 */
export function drawScheme(
  t: PopulationTables,
  employeeByAge: Float64Array,
  age: number,
  u: number,
  urban: boolean,
): number {
  if (u < t.uninsuredShare) return UNINSURED;
  if ((u - t.uninsuredShare) / (1 - t.uninsuredShare) < employeeByAge[age]) return EMPLOYEE;
  // Outside the employee scheme, urban residents hold the urban-resident scheme and rural ones
  // NCMS (residence stands in for household registration).
  return urban ? RESIDENT : NCMS;
}

/**
 * Age and sex from one uniform by inversion over the 2 × bands cumulative table; the position of
 * u within its cell places the age uniformly in the band. Returns age << 1 | male.
 */
function drawAgeSex(t: PopulationTables, u: number): number {
  const cumulative = t.ageSexCumulative;
  const last = cumulative.length - 1;
  let k = 0;
  while (k < last && u >= cumulative[k]) k++;
  const lower = k === 0 ? 0 : cumulative[k - 1];
  const male = k < t.bands;
  const band = male ? k : k - t.bands;
  const within = (u - lower) / (cumulative[k] - lower);
  const width = t.bandEnd[band] - t.bandStart[band];
  const age = Math.min(t.bandStart[band] + Math.floor(within * width), t.bandEnd[band] - 1);
  return (age << 1) | (male ? 1 : 0);
}

/**
 * The conditions (bit c for CONDITIONS[c]) of a resident of this age, from the conditions' lanes
 * ε_c and the factor's uniform. Most decisions do not need F = Φ⁻¹(uFactor) to double precision:
 * with F known within APPROXIMATE_QUANTILE_ERROR, the grid of Φ settles them, and F itself (two
 * exponentials) is computed only for the rest (one resident in thirty with default parameters).
 * Synthesis of 1M residents took 157 ms instead of 200 (warm, best of 6).
 */
function conditionsOf(t: PopulationTables, age: number, lanes: Float64Array, uFactor: number): number {
  const rough = approximateNormalQuantile(uFactor);
  let mask = 0;
  let undecided = 0;
  for (let c = 0; c < lanes.length; c++) {
    const d = presentAround(t, c, age, lanes[c], uFactor, rough);
    if (d === UNDECIDED) undecided |= 1 << c;
    else mask |= d << c;
  }
  if (undecided !== 0) {
    const factor = normalQuantile(uFactor);
    for (let c = 0; c < lanes.length; c++)
      if ((undecided >> c) & 1) mask |= present(t, c, age, lanes[c], uFactor, factor) << c;
  }
  return mask;
}

/** Condition c's presence where the factor F is not needed (0 or 1), else NEEDS_FACTOR. */
const NEEDS_FACTOR = -1;
function presentWithoutFactor(
  t: PopulationTables,
  c: number,
  age: number,
  u: number,
  uFactor: number,
): number {
  const p = t.prevalence[c][age];
  if (p <= 0) return 0;
  const loading = t.loading[c];
  // ρ = 0: independent; ρ = 1: the factor alone decides (z_c = F).
  if (loading === 0) return u < p ? 1 : 0;
  if (loading === 1) return uFactor < p ? 1 : 0;
  return NEEDS_FACTOR;
}

/** 1 when condition c is present given its uniform u and the shared factor F = Φ⁻¹(uFactor). */
function present(
  t: PopulationTables,
  c: number,
  age: number,
  u: number,
  uFactor: number,
  factor: number,
): number {
  const settled = presentWithoutFactor(t, c, age, u, uFactor);
  if (settled !== NEEDS_FACTOR) return settled;
  return isBelowNormalCdf(u, (t.threshold[c][age] - t.loading[c] * factor) * t.residualScale[c]) ? 1 : 0;
}

/**
 * `present` for every F within APPROXIMATE_QUANTILE_ERROR of `rough`, or UNDECIDED. The threshold
 * (T − √ρ·F)/√(1−ρ) falls as F grows, in floating point too (each rounded operation is monotone),
 * so it spans [its value at the highest F, its value at the lowest].
 */
function presentAround(
  t: PopulationTables,
  c: number,
  age: number,
  u: number,
  uFactor: number,
  rough: number,
): number {
  const settled = presentWithoutFactor(t, c, age, u, uFactor);
  if (settled !== NEEDS_FACTOR) return settled;
  const loading = t.loading[c];
  const threshold = t.threshold[c][age];
  const scale = t.residualScale[c];
  return isBelowNormalCdfOver(
    u,
    (threshold - loading * (rough + APPROXIMATE_QUANTILE_ERROR)) * scale,
    (threshold - loading * (rough - APPROXIMATE_QUANTILE_ERROR)) * scale,
  );
}
