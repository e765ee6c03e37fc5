import { z } from "zod";
import type { Geography, GeographyParams } from "./geography.ts";
import { travelMinutes } from "./geography.ts";
import { COUNTY, OUT_OF_REGION, TERTIARY, TIER_COUNT, TOWNSHIP, VILLAGE } from "./tiers.ts";

/**
 * Facilities placed by the tier rules of DOMAIN.md: a clinic per village/community, a centre
 * per township/sub-district, a general hospital per county/district (county tier), tertiary
 * hospitals in the city, and the provincial (out-of-region) hospitals as one destination.
 * Each has outpatient doctors (daily capacity = doctors × visits per doctor per day), beds, a
 * capability level and a perceived quality.
 */

const TierFacilitySchema = (d: {
  doctors: number;
  visitsPerDoctorPerDay: number;
  bedsPer1000: number;
  capability: number;
  quality: number;
  doctorsAreFixed?: boolean;
}) =>
  z
    .object({
      doctors: z
        .number()
        .min(0)
        .default(d.doctors)
        .describe(
          d.doctorsAreFixed
            ? "Outpatient doctors per facility."
            : "Outpatient doctors per 10,000 residents served (rounded, at least 1 per facility).",
        ),
      visitsPerDoctorPerDay: z
        .number()
        .positive()
        .default(d.visitsPerDoctorPerDay)
        .describe("Outpatient visits one doctor can see in a day (capacity, above the average load)."),
      bedsPer1000: z.number().min(0).default(d.bedsPer1000).describe("Beds per 1,000 residents served."),
      capability: z
        .number()
        .int()
        .min(0)
        .max(5)
        .default(d.capability)
        .describe("Highest level of need the tier treats (1 minor … 5 provincial-only)."),
      quality: z
        .number()
        .min(0)
        .max(1)
        .default(d.quality)
        .describe("Perceived quality (0–1), a calibration parameter."),
    })
    .strict()
    .prefault({});

export const FacilitiesSchema = z
  .object({
    // Loads: NHFPC Statistical Yearbook 2016 (data 2015): doctors see 7.3 visits a day in
    // general hospitals, 9.6 in township centres, 16.3 in community centres; capacity is set
    // above those averages. Beds (2015): 5.11 per 1,000 overall, township centres 1.24 per
    // 1,000 rural residents, tertiary occupancy 98.8%, secondary 84.1%.
    village: TierFacilitySchema({
      doctors: 2,
      visitsPerDoctorPerDay: 40,
      bedsPer1000: 0,
      capability: 1,
      quality: 0.2,
      doctorsAreFixed: true,
    }),
    township: TierFacilitySchema({
      doctors: 7,
      visitsPerDoctorPerDay: 25,
      bedsPer1000: 1.2,
      capability: 2,
      quality: 0.35,
    }),
    county: TierFacilitySchema({
      doctors: 6,
      visitsPerDoctorPerDay: 18,
      bedsPer1000: 2.2,
      capability: 3,
      quality: 0.6,
    }),
    tertiary: TierFacilitySchema({
      doctors: 5,
      visitsPerDoctorPerDay: 16,
      bedsPer1000: 1.6,
      capability: 4,
      quality: 0.9,
    }),
    tertiaryHospitals: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(2)
      .describe("Tertiary hospitals in the city."),
    outOfRegion: z
      .object({
        capability: z.number().int().min(0).max(5).default(5),
        quality: z.number().min(0).max(1).default(1),
      })
      .strict()
      .prefault({})
      .describe("Provincial hospitals outside the city: capacity is not limited."),
    outpatientServiceDays: z
      .number()
      .positive()
      .default(1)
      .describe("Days a doctor's daily quota spans: the capacity window of the outpatient queue."),
  })
  .strict();
export type FacilitiesParams = z.infer<typeof FacilitiesSchema>;

/** Facility table as columns; ids are global and grouped by area, then the shared ones. */
export interface Facilities {
  count: number;
  tier: Uint8Array;
  /** Owning area (partition), or -1 for facilities shared by the whole city. */
  area: Int16Array;
  x: Float64Array;
  y: Float64Array;
  doctors: Int32Array;
  beds: Int32Array;
  capability: Uint8Array;
  quality: Float64Array;
  /** Outpatient visits a day. 0 = not limited (out of region). */
  dailyCapacity: Float64Array;
  /** Per area: first facility id and count. */
  areaFirst: Int32Array;
  areaCount: Int32Array;
  sharedFirst: number;
  sharedCount: number;
}

/** Per village, the facility of each tier its residents turn to, and travel minutes there. */
export interface Catchment {
  facility: Int32Array; // village * TIER_COUNT + tier
  minutes: Float32Array;
}

export function placeFacilities(p: FacilitiesParams, geo: Geography, geoParams: GeographyParams) {
  type Row = {
    tier: number;
    area: number;
    x: number;
    y: number;
    doctors: number;
    beds: number;
    served: number;
  };
  const rows: Row[] = [];
  const areaFirst = new Int32Array(geo.areas.length);
  const areaCount = new Int32Array(geo.areas.length);
  const villageClinic = new Int32Array(geo.villages.length);
  const townshipCentre = new Int32Array(geo.townships.length);
  const areaHospital = new Int32Array(geo.areas.length);
  const per10k = (rate: number, served: number) => Math.max(1, Math.round((rate * served) / 10_000));
  for (const area of geo.areas) {
    areaFirst[area.index] = rows.length;
    for (let t = area.firstTownship; t < area.firstTownship + area.townshipCount; t++) {
      const tw = geo.townships[t];
      for (let v = tw.firstVillage; v < tw.firstVillage + tw.villageCount; v++) {
        const vil = geo.villages[v];
        villageClinic[v] = rows.length;
        rows.push({
          tier: VILLAGE,
          area: area.index,
          x: vil.x,
          y: vil.y,
          doctors: Math.max(1, Math.round(p.village.doctors)),
          beds: 0,
          served: vil.population,
        });
      }
    }
    for (let t = area.firstTownship; t < area.firstTownship + area.townshipCount; t++) {
      const tw = geo.townships[t];
      let served = 0;
      for (let v = tw.firstVillage; v < tw.firstVillage + tw.villageCount; v++)
        served += geo.villages[v].population;
      townshipCentre[t] = rows.length;
      rows.push({
        tier: TOWNSHIP,
        area: area.index,
        x: tw.x,
        y: tw.y,
        doctors: per10k(p.township.doctors, served),
        beds: Math.round((p.township.bedsPer1000 * served) / 1000),
        served,
      });
    }
    areaHospital[area.index] = rows.length;
    rows.push({
      tier: COUNTY,
      area: area.index,
      x: area.x,
      y: area.y,
      doctors: per10k(p.county.doctors, area.population),
      beds: Math.round((p.county.bedsPer1000 * area.population) / 1000),
      served: area.population,
    });
    areaCount[area.index] = rows.length - areaFirst[area.index];
  }
  const sharedFirst = rows.length;
  const cityPopulation = geo.areas.reduce((s, a) => s + a.population, 0);
  const nTertiary = p.tertiaryHospitals;
  for (let h = 0; h < nTertiary; h++) {
    const angle = (2 * Math.PI * h) / nTertiary;
    const r = nTertiary > 1 ? 3 : 0;
    rows.push({
      tier: TERTIARY,
      area: -1,
      x: r * Math.cos(angle),
      y: r * Math.sin(angle),
      doctors: per10k(p.tertiary.doctors, cityPopulation / nTertiary),
      beds: Math.round((p.tertiary.bedsPer1000 * cityPopulation) / nTertiary / 1000),
      served: cityPopulation / nTertiary,
    });
  }
  const outOfRegion = rows.length;
  rows.push({ tier: OUT_OF_REGION, area: -1, x: Number.NaN, y: Number.NaN, doctors: 0, beds: 0, served: 0 });

  const n = rows.length;
  const tierParams = [p.village, p.township, p.county, p.tertiary];
  const f: Facilities = {
    count: n,
    tier: new Uint8Array(n),
    area: new Int16Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    doctors: new Int32Array(n),
    beds: new Int32Array(n),
    capability: new Uint8Array(n),
    quality: new Float64Array(n),
    dailyCapacity: new Float64Array(n),
    areaFirst,
    areaCount,
    sharedFirst,
    sharedCount: n - sharedFirst,
  };
  rows.forEach((r, i) => {
    f.tier[i] = r.tier;
    f.area[i] = r.area;
    f.x[i] = r.x;
    f.y[i] = r.y;
    f.doctors[i] = r.doctors;
    f.beds[i] = r.beds;
    if (r.tier === OUT_OF_REGION) {
      f.capability[i] = p.outOfRegion.capability;
      f.quality[i] = p.outOfRegion.quality;
      f.dailyCapacity[i] = 0;
    } else {
      const tp = tierParams[r.tier];
      f.capability[i] = tp.capability;
      f.quality[i] = tp.quality;
      f.dailyCapacity[i] = r.doctors * tp.visitsPerDoctorPerDay;
    }
  });

  // Catchments: own clinic, own centre, own area hospital, nearest tertiary, out of region.
  const catchment: Catchment = {
    facility: new Int32Array(geo.villages.length * TIER_COUNT),
    minutes: new Float32Array(geo.villages.length * TIER_COUNT),
  };
  geo.villages.forEach((vil, v) => {
    const urban = geo.townships[vil.township].urban;
    let nearest = sharedFirst;
    let best = Number.POSITIVE_INFINITY;
    for (let h = sharedFirst; h < outOfRegion; h++) {
      const d = Math.hypot(f.x[h] - vil.x, f.y[h] - vil.y);
      if (d < best) {
        best = d;
        nearest = h;
      }
    }
    const ids = [
      villageClinic[v],
      townshipCentre[vil.township],
      areaHospital[vil.area],
      nearest,
      outOfRegion,
    ];
    for (let t = 0; t < TIER_COUNT; t++) {
      const id = ids[t];
      catchment.facility[v * TIER_COUNT + t] = id;
      // Trips within the home area use its local roads; county residents reach the city's
      // tertiary hospitals over intercity roads.
      const km = t === OUT_OF_REGION ? 0 : Math.hypot(f.x[id] - vil.x, f.y[id] - vil.y);
      const road = t === TERTIARY && geo.areas[vil.area].rural ? "intercity" : urban ? "urban" : "rural";
      catchment.minutes[v * TIER_COUNT + t] =
        t === OUT_OF_REGION ? geoParams.travel.outOfRegionMinutes : travelMinutes(km, road, geoParams.travel);
    }
  });
  return { facilities: f, catchment };
}
