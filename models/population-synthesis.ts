import type { RandomStreams } from "../sim/random/streams.ts";
import {
  allocateResidents,
  CONDITIONS,
  EMPLOYEE,
  FLAG_MALE,
  FLAG_URBAN,
  RESIDENT,
  type Residents,
  SCHEME_SHIFT,
  UNINSURED,
} from "./population.ts";
import { PURPOSE_POPULATION } from "./random-purposes.ts";
import type { World } from "./world.ts";

/**
 * Generates the residents of one area (partition). Resident `id` (global) draws its attributes
 * from its own blocks, so the same resident is generated whatever the partitioning.
 */
export function synthesizeResidents(world: World, area: number, streams: RandomStreams): Residents {
  const geo = world.geography;
  const a = geo.areas[area];
  const res = allocateResidents(a.population, a.firstResident);
  const t = world.populationTables;
  const p = world.scenario.population;
  const bands = t.ageCumulative.length;
  const firstVillage = geo.townships[a.firstTownship].firstVillage;
  const villageCount = geo.townships
    .slice(a.firstTownship, a.firstTownship + a.townshipCount)
    .reduce((s, tw) => s + tw.villageCount, 0);
  for (let v = 0; v < villageCount; v++) {
    const village = geo.villages[firstVillage + v];
    const urban = geo.townships[village.township].urban;
    const start = village.firstResident - a.firstResident;
    for (let i = start; i < start + village.population; i++) {
      const id = a.firstResident + i;
      const u = streams.block(id, PURPOSE_POPULATION, 0, 0);
      let band = 0;
      while (band < bands - 1 && u[0] >= t.ageCumulative[band]) band++;
      const lower = band === 0 ? 0 : t.ageCumulative[band - 1];
      const within = (u[0] - lower) / (t.ageCumulative[band] - lower);
      const width = t.bandEnd[band] - t.bandStart[band];
      const age = Math.min(120, t.bandStart[band] + Math.floor(within * width));
      const male = u[1] < p.maleShare;
      let scheme = RESIDENT;
      if (u[2] < p.insurance.uninsuredShare) scheme = UNINSURED;
      else {
        const rest = (u[2] - p.insurance.uninsuredShare) / (1 - p.insurance.uninsuredShare);
        if (rest < (urban ? t.employeeUrban : t.employeeRural)[age]) scheme = EMPLOYEE;
      }
      res.age[i] = age;
      res.flags[i] = (male ? FLAG_MALE : 0) | (urban ? FLAG_URBAN : 0) | (scheme << SCHEME_SHIFT);
      res.home[i] = v;
      // Conditions draw independently, four per block.
      let mask = 0;
      for (let c = 0; c < CONDITIONS.length; c++) {
        if ((c & 3) === 0) streams.block(id, PURPOSE_POPULATION, 1, c >> 2);
        if (streams.u[c & 3] < t.prevalence[c][age]) mask |= 1 << c;
      }
      res.conditions[i] = mask;
    }
  }
  return res;
}
