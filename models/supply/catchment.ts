import type { Facilities } from "./facilities.ts";
import type { PlacedRow } from "./facility-placement.ts";
import { type Geography, type GeographyParams, travelMinutes } from "./geography.ts";
import { COUNTY, OUT_OF_REGION, TERTIARY, TOWNSHIP, VILLAGE } from "./tiers.ts";

/**
 * Choice sets: for each village or community, the facilities its residents consider, with travel
 * minutes — the own clinic or community station, the own township or community centre, the
 * county-tier hospitals of the own county or district, the nearest tertiary hospitals, and the
 * provincial hospitals. Entries are sorted by tier, then by travel time, so the first capable
 * entry above a tier is the natural referral target. Stored as compressed rows (CSR).
 */
export interface Catchment {
  /** Entries of village v are [first[v], first[v + 1]). */
  first: Int32Array;
  facility: Int32Array;
  minutes: Float32Array;
  /** Most entries any village has. */
  maxEntries: number;
}

export function buildCatchment(
  f: Facilities,
  rows: PlacedRow[],
  geo: Geography,
  travel: GeographyParams["travel"],
  tertiaryChoices = 3,
): Catchment {
  const V = geo.villages.length;
  const villageRow = new Int32Array(V).fill(-1);
  const townshipRow = new Int32Array(geo.townships.length).fill(-1);
  rows.forEach((r, i) => {
    if (r.village >= 0 && f.tier[i] === VILLAGE) villageRow[r.village] = i;
    if (r.township >= 0 && f.tier[i] === TOWNSHIP) townshipRow[r.township] = i;
  });
  const countyTier: number[][] = geo.areas.map(() => []);
  const tertiary: number[] = [];
  let provincial = -1;
  for (let i = 0; i < f.count; i++) {
    if (f.tier[i] === COUNTY && f.area[i] >= 0) countyTier[f.area[i]].push(i);
    else if (f.tier[i] === TERTIARY) tertiary.push(i);
    else if (f.tier[i] === OUT_OF_REGION && provincial < 0) provincial = i;
  }
  const first = new Int32Array(V + 1);
  const facility: number[] = [];
  const minutes: number[] = [];
  let maxEntries = 0;
  geo.villages.forEach((vil, v) => {
    first[v] = facility.length;
    const urban = geo.townships[vil.township].urban;
    const rural = geo.areas[vil.area].rural;
    const km = (id: number) => Math.hypot(f.x[id] - vil.x, f.y[id] - vil.y);
    const local = (id: number) => travelMinutes(km(id), urban ? "urban" : "rural", travel);
    const entries: [number, number][] = [];
    if (villageRow[v] >= 0) entries.push([villageRow[v], local(villageRow[v])]);
    const centre = townshipRow[vil.township];
    if (centre >= 0) entries.push([centre, local(centre)]);
    for (const id of countyTier[vil.area]) entries.push([id, local(id)]);
    tertiary
      .map((id) => [id, travelMinutes(km(id), rural ? "intercity" : "urban", travel)] as [number, number])
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .slice(0, tertiaryChoices)
      .forEach((e) => {
        entries.push(e);
      });
    if (provincial >= 0) entries.push([provincial, travel.outOfRegionMinutes]);
    entries.sort((a, b) => f.tier[a[0]] - f.tier[b[0]] || a[1] - b[1] || a[0] - b[0]);
    for (const [id, m] of entries) {
      facility.push(id);
      minutes.push(m);
    }
    maxEntries = Math.max(maxEntries, entries.length);
  });
  first[V] = facility.length;
  return { first, facility: Int32Array.from(facility), minutes: Float32Array.from(minutes), maxEntries };
}
