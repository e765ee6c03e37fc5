import type { RegionSupply } from "../outcomes/metrics-schema.ts";
import type { World } from "../world.ts";
import { FACILITY_TYPES } from "./facilities.ts";
import { TIER_OF_TYPE } from "./facility-placement.ts";
import { COUNTY, TERTIARY, TIER_COUNT, TOWNSHIP, VILLAGE } from "./tiers.ts";

/**
 * The real region's supply: doctors, GPs and beds per capita by tier, from the facilities as
 * staffed for the region at full size (so they do not depend on how many residents are
 * simulated). Out-of-region hospitals serve more than the region and are left out.
 */
export interface SupplyTotals {
  doctorsByTier: Float64Array;
  bedsByTier: Float64Array;
  gps: number;
  region: RegionSupply;
}

export function supplyTotals(w: World): SupplyTotals {
  return totals(w, w.facilities.doctors, w.facilities.beds, w.facilities.gps);
}

/**
 * The supply of one year when it changes on the timeline: each phase's facilities weighted by the
 * days of the year it holds (`weights`, summing to 1), as the beds and doctors there were on an
 * average day. Facilities are the same in every phase; only their staff and beds differ.
 */
export function averageSupply(worlds: readonly World[], weights: readonly number[]): SupplyTotals {
  const f = worlds[0].facilities;
  const doctors = new Float64Array(f.count);
  const beds = new Float64Array(f.count);
  const gps = new Float64Array(f.count);
  worlds.forEach((w, k) => {
    for (let i = 0; i < f.count; i++) {
      doctors[i] += weights[k] * w.facilities.doctors[i];
      beds[i] += weights[k] * w.facilities.beds[i];
      gps[i] += weights[k] * w.facilities.gps[i];
    }
  });
  return totals(worlds[0], doctors, beds, gps);
}

function totals(
  w: World,
  doctors: ArrayLike<number>,
  beds: ArrayLike<number>,
  gpsOf: ArrayLike<number>,
): SupplyTotals {
  const f = w.facilities;
  const doctorsByTier = new Float64Array(TIER_COUNT);
  const bedsByTier = new Float64Array(TIER_COUNT);
  let gps = 0;
  let centresWithoutGp = 0;
  for (let i = 0; i < f.count; i++) {
    const tier = f.tier[i];
    doctorsByTier[tier] += doctors[i];
    bedsByTier[tier] += beds[i];
    gps += gpsOf[i];
    if (TIER_OF_TYPE[FACILITY_TYPES[f.type[i]]] === TOWNSHIP && gpsOf[i] === 0) centresWithoutGp++;
  }
  const per = (x: number, n: number) => (x / w.regionPopulation) * n;
  return {
    doctorsByTier,
    bedsByTier,
    gps,
    region: {
      population: w.regionPopulation,
      residentsPerSimulated: w.scale,
      doctorsPer1000ByTier: {
        village: per(doctorsByTier[VILLAGE], 1000),
        township: per(doctorsByTier[TOWNSHIP], 1000),
        county: per(doctorsByTier[COUNTY], 1000),
        tertiary: per(doctorsByTier[TERTIARY], 1000),
      },
      bedsPer1000ByTier: {
        township: per(bedsByTier[TOWNSHIP], 1000),
        county: per(bedsByTier[COUNTY], 1000),
        tertiary: per(bedsByTier[TERTIARY], 1000),
      },
      gpsPer10k: per(gps, 10_000),
      townshipCentresWithoutGp: centresWithoutGp,
    },
  };
}
