import { z } from "zod";
import { type Unit, UnitSchema } from "./geography-units.ts";

/**
 * Geography: a prefecture-level city made of urban districts (市辖区) and rural counties (县),
 * each split into townships/sub-districts (乡镇/街道) and villages/communities (村/社区), with
 * coordinates in km from the city centre. Built from a few scenario numbers by a pure,
 * deterministic function. Each district or county is one partition of the simulation.
 */

export const GeographySchema = z
  .object({
    population: z
      .number()
      .int()
      .min(1)
      .max(2_000_000_000)
      .default(3_200_000)
      .describe(
        "Real residents of the region (a prefecture-level city of 3.2 million by default). Facilities are staffed for it; run.population residents are simulated, each standing for population ÷ run.population real ones, with capacity scaled to match. With unitsFile, the units' total is used instead.",
      ),
    urbanDistricts: z
      .object({
        count: z.number().int().min(0).max(50).default(2),
        populationShare: z
          .number()
          .min(0)
          .max(1)
          .default(0.35)
          .describe("Share of the city's residents living in its urban districts."),
        subdistrictsPerDistrict: z.number().int().min(1).max(200).default(8),
        communitiesPerSubdistrict: z.number().int().min(1).max(200).default(6),
        radiusKm: z.number().positive().default(8).describe("Radius of a district around its centre."),
      })
      .strict()
      .prefault({}),
    counties: z
      .object({
        count: z.number().int().min(0).max(100).default(4),
        townshipsPerCounty: z.number().int().min(1).max(200).default(12),
        villagesPerTownship: z.number().int().min(1).max(500).default(15),
        seatPopulationShare: z
          .number()
          .min(0)
          .max(1)
          .default(0.25)
          .describe("Share of a county's residents in its seat town (urban), the county's first township."),
        distanceFromCityKm: z
          .number()
          .min(0)
          .default(60)
          .describe("Distance from the city centre to each county seat."),
        radiusKm: z.number().positive().default(25).describe("Radius of a county around its seat."),
      })
      .strict()
      .prefault({}),
    unitsFile: z
      .string()
      .optional()
      .describe(
        "CSV of real villages/communities (columns: area, area_type, township, village, population, x_km, y_km[, urban]), relative to the scenario file; replaces the generated layout.",
      ),
    units: z
      .array(UnitSchema)
      .optional()
      .describe("The units read from unitsFile (filled in by the loader)."),
    travel: z
      .object({
        urbanSpeedKmh: z.number().positive().default(25).describe("Door-to-door speed in urban areas."),
        ruralSpeedKmh: z
          .number()
          .positive()
          .default(20)
          .describe("Door-to-door speed on rural roads (slower)."),
        intercitySpeedKmh: z
          .number()
          .positive()
          .default(50)
          .describe("Speed of trips from a county into the city (expressways and county roads)."),
        accessMinutes: z
          .number()
          .min(0)
          .default(10)
          .describe("Fixed time to reach any facility (waiting for transport, walking)."),
        outOfRegionMinutes: z
          .number()
          .min(0)
          .default(240)
          .describe("Travel to a provincial hospital outside the city."),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.urbanDistricts.count + g.counties.count === 0)
      ctx.addIssue({
        code: "custom",
        path: ["counties", "count"],
        message: "the city needs at least one district or county",
      });
    if (g.urbanDistricts.count === 0 && g.urbanDistricts.populationShare > 0 && g.counties.count > 0)
      ctx.addIssue({
        code: "custom",
        path: ["urbanDistricts", "populationShare"],
        message: "must be 0 when there are no urban districts",
      });
  });
export type GeographyParams = z.infer<typeof GeographySchema>;

export interface Area {
  index: number;
  name: string;
  rural: boolean;
  x: number;
  y: number;
  population: number;
  firstTownship: number;
  townshipCount: number;
  /** Global id of the area's first resident. */
  firstResident: number;
}

export interface Township {
  area: number;
  x: number;
  y: number;
  urban: boolean;
  firstVillage: number;
  villageCount: number;
}

export interface Village {
  area: number;
  township: number;
  x: number;
  y: number;
  population: number;
  /** Global id of the village's first resident. */
  firstResident: number;
}

export interface Geography {
  areas: Area[];
  townships: Township[];
  villages: Village[];
}

/** Points spread evenly over a disc (a sunflower spiral), deterministic. */
function discPoint(i: number, n: number, radius: number): [number, number] {
  const golden = Math.PI * (3 - Math.sqrt(5));
  const r = radius * Math.sqrt((i + 0.5) / n);
  return [r * Math.cos(i * golden), r * Math.sin(i * golden)];
}

/** Splits `total` into integer parts proportional to `weights` (largest remainder, ties by index). */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) parts[order[k % order.length][1]]++;
  return parts;
}

export function buildGeography(g: GeographyParams, population: number): Geography {
  if (g.units && g.units.length > 0) return geographyFromUnits(g.units, population);
  const areas: Area[] = [];
  const townships: Township[] = [];
  const villages: Village[] = [];
  const d = g.urbanDistricts;
  const c = g.counties;
  const urbanShare = c.count === 0 ? 1 : d.count === 0 ? 0 : d.populationShare;
  const weights = [
    ...Array.from({ length: d.count }, () => urbanShare / d.count),
    ...Array.from({ length: c.count }, () => (1 - urbanShare) / c.count),
  ];
  const areaPopulation = apportion(population, weights);
  let nextResident = 0;
  for (let a = 0; a < d.count + c.count; a++) {
    const rural = a >= d.count;
    const k = rural ? a - d.count : a;
    const n = rural ? c.count : d.count;
    const angle = (2 * Math.PI * (k + (rural ? 0.5 : 0))) / Math.max(1, n);
    const dist = rural ? c.distanceFromCityKm : d.count > 1 ? d.radiusKm * 1.2 : 0;
    const ax = dist * Math.cos(angle);
    const ay = dist * Math.sin(angle);
    const townshipCount = rural ? c.townshipsPerCounty : d.subdistrictsPerDistrict;
    const villagesPer = rural ? c.villagesPerTownship : d.communitiesPerSubdistrict;
    const radius = rural ? c.radiusKm : d.radiusKm;
    const townshipWeights = Array.from({ length: townshipCount }, (_, t) =>
      !rural
        ? 1
        : townshipCount === 1
          ? 1
          : t === 0
            ? c.seatPopulationShare
            : (1 - c.seatPopulationShare) / (townshipCount - 1),
    );
    const townshipPopulation = apportion(areaPopulation[a], townshipWeights);
    const area: Area = {
      index: a,
      name: rural ? `county-${k + 1}` : `district-${k + 1}`,
      rural,
      x: ax,
      y: ay,
      population: areaPopulation[a],
      firstTownship: townships.length,
      townshipCount,
      firstResident: nextResident,
    };
    areas.push(area);
    for (let t = 0; t < townshipCount; t++) {
      // The county seat is at the county's centre; other townships spread over the county.
      const [tx, ty] = rural && t === 0 ? [0, 0] : discPoint(t, townshipCount, radius);
      const township: Township = {
        area: a,
        x: ax + tx,
        y: ay + ty,
        urban: !rural || t === 0,
        firstVillage: villages.length,
        villageCount: villagesPer,
      };
      const townshipIndex = townships.length;
      townships.push(township);
      const villageRadius = Math.max(0.5, radius / Math.sqrt(townshipCount));
      const villagePopulation = apportion(townshipPopulation[t], Array(villagesPer).fill(1));
      for (let v = 0; v < villagesPer; v++) {
        const [vx, vy] = discPoint(v, villagesPer, villageRadius);
        villages.push({
          area: a,
          township: townshipIndex,
          x: township.x + vx,
          y: township.y + vy,
          population: villagePopulation[v],
          firstResident: nextResident,
        });
        nextResident += villagePopulation[v];
      }
    }
  }
  return { areas, townships, villages };
}

/** Door-to-door travel minutes over `km` at the area's speed. */
export function travelMinutes(
  km: number,
  road: "urban" | "rural" | "intercity",
  travel: GeographyParams["travel"],
): number {
  const speed =
    road === "urban"
      ? travel.urbanSpeedKmh
      : road === "rural"
        ? travel.ruralSpeedKmh
        : travel.intercitySpeedKmh;
  return travel.accessMinutes + (km / speed) * 60;
}

/**
 * Geography from real units: areas, townships and villages in the order they first appear in
 * the file (districts before counties keeps partitions in a stable order); populations scaled
 * to `population` by largest remainder.
 */
function geographyFromUnits(units: Unit[], population: number): Geography {
  const areaNames: string[] = [];
  const byArea = new Map<string, Unit[]>();
  for (const u of units) {
    if (!byArea.has(u.area)) {
      byArea.set(u.area, []);
      areaNames.push(u.area);
    }
    byArea.get(u.area)!.push(u);
  }
  const ordered = areaNames.flatMap((a) => byArea.get(a)!);
  const scaled = apportion(
    population,
    ordered.map((u) => u.population),
  );
  const scaledOf = new Map(ordered.map((u, i) => [u, scaled[i]]));
  const areas: Area[] = [];
  const townships: Township[] = [];
  const villages: Village[] = [];
  let nextResident = 0;
  areaNames.forEach((name, a) => {
    const rows = byArea.get(name)!;
    const rural = rows[0].areaType === "county";
    const townshipNames: string[] = [];
    for (const u of rows) if (!townshipNames.includes(u.township)) townshipNames.push(u.township);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length);
    const area: Area = {
      index: a,
      name,
      rural,
      x: mean(rows.map((u) => u.x)),
      y: mean(rows.map((u) => u.y)),
      population: 0,
      firstTownship: townships.length,
      townshipCount: townshipNames.length,
      firstResident: nextResident,
    };
    areas.push(area);
    townshipNames.forEach((tname, t) => {
      const members = rows.filter((u) => u.township === tname);
      const urban = members[0].urban ?? (!rural || t === 0);
      const townshipIndex = townships.length;
      townships.push({
        area: a,
        x: mean(members.map((u) => u.x)),
        y: mean(members.map((u) => u.y)),
        urban,
        firstVillage: villages.length,
        villageCount: members.length,
      });
      for (const u of members) {
        const pop = scaledOf.get(u)!;
        villages.push({
          area: a,
          township: townshipIndex,
          x: u.x,
          y: u.y,
          population: pop,
          firstResident: nextResident,
        });
        nextResident += pop;
        area.population += pop;
      }
    });
  });
  return { areas, townships, villages };
}
