import type { RandomStreams } from "../../sim/engine/random/streams.ts";
import { PURPOSE_DEMOGRAPHY } from "../care/random-purposes.ts";
import type { World } from "../world.ts";
import { CONDITIONS, FLAG_MALE, FLAG_URBAN, type Residents, SCHEME_SHIFT } from "./population.ts";
import { drawScheme } from "./population-synthesis.ts";

const AGES = 121;

/**
 * One year of demography for the residents of one partition, called at each anniversary of the
 * run (day 365, 730, …) with `year` the number of the year just completed (1, 2, …). Each resident
 * dies with the probability of its sex and age during the year (`population.mortality`), or else
 * ages one year and may acquire chronic conditions.
 *
 * Births replace deaths one for one: resident state is typed-array columns of fixed length whose
 * ids address every draw, so the population size is held constant. 2015's natural growth (4.96‰,
 * NBS) would change it by less than 2.5% over five years, which is ignored. The slot of a resident
 * who dies is reborn as a newborn of age 0 in the same home village (so the same urban or rural
 * residence): sex from the sex ratio at birth, insurance scheme drawn as synthesis draws it at age
 * 0, no chronic condition, no stored key group. The care pathway clears what it keeps per
 * resident (deductible paid, usual facility) and keeps the slot's episode serial: episode draws
 * are addressed by (id, serial), so the newborn's episodes carry on the serial count and never
 * reuse an address of the deceased's. After the call, age 0 marks exactly the slots reborn this
 * year (every survivor is at least 1).
 *
 * A survivor at `population.maxAge` stays there: as in synthesis, maxAge stands for "maxAge and
 * over" (and keeps the Uint8 age ≤ 120). A survivor who reaches age a without condition c acquires
 * it with probability (p_c(a) − p_c(a−1)) / (1 − p_c(a−1)) when the age prevalence p_c rises, so
 * that the prevalence by age stays the input's over the years (mortality does not depend on
 * conditions). These incident cases ignore the copula of synthesis: they are independent of the
 * resident's other conditions. Stored key groups (disability, poverty, …) do not change with age.
 *
 * Draw addresses (resident id, PURPOSE_DEMOGRAPHY, year, step), two blocks at most:
 *   (year, 0): u0 death, u1 sex of the newborn, u2 its insurance scheme, u3 stroke onset
 *   (year, 1): u0 hypertension, u1 diabetes, u2 COPD, u3 CHD onset (drawn only at ages where one
 *              of these four can begin)
 * A resident's draws depend on its id alone, so results are the same whatever the partitioning.
 * Nothing is allocated per resident.
 */
export function advanceYear(
  res: Residents,
  world: World,
  streams: RandomStreams,
  year: number,
): { deaths: number; births: number } {
  if (!Number.isInteger(year) || year < 1) throw new RangeError(`year must be 1, 2, …, got ${year}`);
  const t = world.populationTables;
  const maxAge = world.scenario.population.maxAge;
  // Onset probability by condition and age reached: [c * AGES + a].
  const onset = new Float64Array(CONDITIONS.length * AGES);
  const anyOfFirstFour = new Uint8Array(AGES);
  for (let c = 0; c < CONDITIONS.length; c++) {
    const p = t.prevalence[c];
    for (let a = 1; a < AGES; a++) {
      if (p[a] <= p[a - 1]) continue;
      onset[c * AGES + a] = (p[a] - p[a - 1]) / (1 - p[a - 1]);
      if (c < 4) anyOfFirstFour[a] = 1;
    }
  }
  // Lanes for five conditions, the fifth (stroke, c = 4) in block 0: a sixth needs a third block.
  5 satisfies typeof CONDITIONS.length;
  const STROKE = 4;

  const { age: ages, flags, conditions, keyGroups } = res;
  let deaths = 0;
  for (let r = 0; r < res.count; r++) {
    const id = res.firstId + r;
    const age = ages[r];
    const u = streams.block(id, PURPOSE_DEMOGRAPHY, year, 0);
    if (u[0] < t.deathProbability[flags[r] & FLAG_MALE][age]) {
      deaths++;
      const urban = flags[r] & FLAG_URBAN;
      const scheme = drawScheme(t, urban ? t.employeeUrban : t.employeeRural, 0, u[2], urban !== 0);
      ages[r] = 0;
      flags[r] = (u[1] < t.maleBirthShare ? FLAG_MALE : 0) | urban | (scheme << SCHEME_SHIFT);
      conditions[r] = 0;
      keyGroups[r] = 0;
      continue;
    }
    if (age >= maxAge) continue;
    const next = age + 1;
    ages[r] = next;
    let has = conditions[r];
    // Read before the next block overwrites `u`.
    if (!((has >> STROKE) & 1) && u[3] < onset[STROKE * AGES + next]) has |= 1 << STROKE;
    if (anyOfFirstFour[next]) {
      const v = streams.block(id, PURPOSE_DEMOGRAPHY, year, 1);
      for (let c = 0; c < 4; c++) if (!((has >> c) & 1) && v[c] < onset[c * AGES + next]) has |= 1 << c;
    }
    conditions[r] = has;
  }
  return { deaths, births: deaths };
}
