import { CONDITION_GROUPS, GROUP_COUNT } from "../care/condition-groups.ts";
import type { Facilities, FacilitiesParams, FacilityChange, FacilityType } from "./facilities.ts";
import { FACILITY_TYPES } from "./facilities.ts";
import type { Geography } from "./geography.ts";
import { COUNTY, OUT_OF_REGION, TERTIARY, TOWNSHIP, VILLAGE } from "./tiers.ts";

/**
 * Places facilities by the tier rules of the policy documents, then applies the scenario's changes:
 * - a village clinic per rural village; community health stations, one per
 *   `residentsPerCommunityStation` urban residents, co-located per community (one row, `units`);
 * - a township health centre per rural township; a community health centre per sub-district
 *   and per county seat;
 * - a county general hospital and (optionally) a county TCM hospital per county, at its seat;
 *   city secondary hospitals per urban district (county tier);
 * - tertiary hospitals in the city centre, and the provincial hospitals (out of region), both
 *   shared by the whole city.
 */
export const TIER_OF_TYPE: Record<FacilityType, number> = {
  villageClinic: VILLAGE,
  communityStation: VILLAGE,
  townshipCentre: TOWNSHIP,
  communityCentre: TOWNSHIP,
  countyGeneral: COUNTY,
  countyTcm: COUNTY,
  citySecondary: COUNTY,
  rehabNursing: COUNTY,
  tertiary: TERTIARY,
  provincial: OUT_OF_REGION,
};

interface Row {
  type: FacilityType;
  area: number;
  x: number;
  y: number;
  units: number;
  served: number;
  /** Village or township the row serves (for the catchments); -1 for area- or city-wide rows. */
  village: number;
  township: number;
  doctors: number;
  beds: number;
}

function staffed(p: FacilitiesParams, type: FacilityType, served: number, units: number) {
  if (type === "provincial") return { doctors: 0, beds: 0 };
  const t = p[type];
  const doctors = Math.max(
    units,
    Math.round(units * t.doctorsPerFacility + (t.doctorsPer10k * served) / 10_000),
  );
  const beds = Math.round(units * t.bedsPerFacility + (t.bedsPer1000 * served) / 1000);
  return { doctors, beds };
}

function row(
  p: FacilitiesParams,
  type: FacilityType,
  area: number,
  x: number,
  y: number,
  served: number,
  units = 1,
): Row {
  return { type, area, x, y, units, served, village: -1, township: -1, ...staffed(p, type, served, units) };
}

export function areaIndexOf(name: string, geo: Geography): number {
  if (name === "city") return -1;
  const found = geo.areas.find((a) => a.name === name);
  if (!found) throw new Error(`no area named ${name}`);
  return found.index;
}

function applyChange(
  rows: Row[][],
  shared: Row[],
  change: FacilityChange,
  p: FacilitiesParams,
  geo: Geography,
  scale: number,
): void {
  const area = areaIndexOf(change.area, geo);
  const cityWide = change.type === "tertiary" || change.type === "provincial";
  const list = cityWide || area < 0 ? shared : rows[area];
  if (change.action === "add") {
    const a = area >= 0 ? geo.areas[area] : undefined;
    const cityPopulation = scale * geo.areas.reduce((s, x) => s + x.population, 0);
    for (let i = 0; i < change.count; i++) {
      const served = cityWide
        ? cityPopulation / Math.max(1, shared.filter((r) => r.type === "tertiary").length + 1)
        : scale * (a?.population ?? 0);
      const r = row(p, change.type, cityWide ? -1 : area, (a?.x ?? 0) + 1 + i, a?.y ?? 0, served);
      if (change.doctors !== undefined) r.doctors = Math.max(1, Math.round(change.doctors));
      if (change.beds !== undefined) r.beds = Math.round(change.beds);
      list.push(r);
    }
    return;
  }
  const matches = (r: Row) => r.type === change.type && (cityWide || area < 0 || r.area === area);
  if (change.action === "remove") {
    for (let i = list.length - 1; i >= 0; i--) if (matches(list[i])) list.splice(i, 1);
    return;
  }
  for (const r of list) {
    if (!matches(r)) continue;
    if (change.doctors !== undefined) r.doctors = Math.max(1, Math.round(r.doctors * change.doctors));
    if (change.beds !== undefined) r.beds = Math.round(r.beds * change.beds);
  }
}

/**
 * `scale` is the number of real residents each simulated resident stands for: facilities are
 * staffed for the real region, and their capacity is then divided by `scale` for the simulated
 * residents, so that supply per capita does not depend on how many residents are simulated.
 */
export function placeFacilities(
  p: FacilitiesParams,
  geo: Geography,
  scale = 1,
): { facilities: Facilities; rows: Row[] } {
  const perArea: Row[][] = geo.areas.map(() => []);
  for (const area of geo.areas) {
    const rows = perArea[area.index];
    for (let t = area.firstTownship; t < area.firstTownship + area.townshipCount; t++) {
      const tw = geo.townships[t];
      let townshipPopulation = 0;
      for (let v = tw.firstVillage; v < tw.firstVillage + tw.villageCount; v++) {
        const vil = geo.villages[v];
        const villagePopulation = scale * vil.population;
        townshipPopulation += villagePopulation;
        const urban = tw.urban;
        const units = urban
          ? Math.max(1, Math.ceil(villagePopulation / p.placement.residentsPerCommunityStation))
          : 1;
        const r = row(
          p,
          urban ? "communityStation" : "villageClinic",
          area.index,
          vil.x,
          vil.y,
          villagePopulation,
          units,
        );
        r.village = v;
        rows.push(r);
      }
      const centre = row(
        p,
        tw.urban ? "communityCentre" : "townshipCentre",
        area.index,
        tw.x,
        tw.y,
        townshipPopulation,
      );
      centre.township = t;
      rows.push(centre);
    }
    const areaPopulation = scale * area.population;
    if (p.placement.rehabNursing)
      rows.push(row(p, "rehabNursing", area.index, area.x, area.y - 0.5, areaPopulation));
    if (area.rural) {
      rows.push(row(p, "countyGeneral", area.index, area.x, area.y, areaPopulation));
      if (p.placement.countyTcm)
        rows.push(row(p, "countyTcm", area.index, area.x + 0.5, area.y, areaPopulation));
    } else {
      const n = p.placement.citySecondaryPerDistrict;
      for (let i = 0; i < n; i++) {
        const angle = (2 * Math.PI * i) / Math.max(1, n);
        const r = n > 1 ? 2 : 0;
        rows.push(
          row(
            p,
            "citySecondary",
            area.index,
            area.x + r * Math.cos(angle),
            area.y + r * Math.sin(angle),
            areaPopulation / n,
          ),
        );
      }
    }
  }
  const shared: Row[] = [];
  const cityPopulation = scale * geo.areas.reduce((s, a) => s + a.population, 0);
  const nTertiary = p.placement.tertiaryHospitals;
  for (let h = 0; h < nTertiary; h++) {
    const angle = (2 * Math.PI * h) / nTertiary;
    const r = nTertiary > 1 ? 3 : 0;
    shared.push(row(p, "tertiary", -1, r * Math.cos(angle), r * Math.sin(angle), cityPopulation / nTertiary));
  }
  shared.push(row(p, "provincial", -1, Number.NaN, Number.NaN, 0));
  for (const change of p.changes) applyChange(perArea, shared, change, p, geo, scale);

  const rows = [...perArea.flat(), ...shared];
  const n = rows.length;
  const f: Facilities = {
    count: n,
    type: new Uint8Array(n),
    tier: new Uint8Array(n),
    area: new Int16Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    units: new Int32Array(n),
    doctors: new Int32Array(n),
    gps: new Int32Array(n),
    beds: new Int32Array(n),
    capability: new Uint8Array(n * GROUP_COUNT),
    quality: new Float64Array(n),
    priceFactor: new Float64Array(n),
    slotsPerDay: new Float64Array(n).fill(-1),
    simulatedBeds: new Int32Array(n),
    served: new Float64Array(n),
    areaFirst: new Int32Array(geo.areas.length),
    areaCount: new Int32Array(geo.areas.length),
    sharedFirst: n - shared.length,
    sharedCount: shared.length,
  };
  let at = 0;
  perArea.forEach((list, a) => {
    f.areaFirst[a] = at;
    f.areaCount[a] = list.length;
    at += list.length;
  });
  rows.forEach((r, i) => {
    f.type[i] = FACILITY_TYPES.indexOf(r.type);
    f.tier[i] = TIER_OF_TYPE[r.type];
    f.area[i] = r.area;
    f.x[i] = r.x;
    f.y[i] = r.y;
    f.units[i] = r.units;
    f.served[i] = r.served;
    const t = p[r.type];
    CONDITION_GROUPS.forEach((g, gi) => {
      f.capability[i * GROUP_COUNT + gi] = t.capability[g];
    });
    f.quality[i] = t.quality;
    f.priceFactor[i] = t.priceFactor;
    if (r.type !== "provincial") {
      const tp = p[r.type];
      f.doctors[i] = r.doctors;
      f.gps[i] = Math.round(r.doctors * tp.gpShare);
      f.beds[i] = r.beds;
      f.slotsPerDay[i] = (r.doctors * tp.slotsPerDoctorDay * p.workingDaysPerYear) / 365 / scale;
      // A facility with beds keeps at least one for its simulated residents, so that admission
      // there stays possible in a small sample (the capacity is then coarser, not absent).
      f.simulatedBeds[i] = r.beds > 0 ? Math.max(1, Math.round(r.beds / scale)) : 0;
    }
  });
  return { facilities: f, rows };
}

export type PlacedRow = Row;
