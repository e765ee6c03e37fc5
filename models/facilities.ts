import { z } from "zod";
import { CONDITION_GROUPS } from "./condition-groups.ts";

/**
 * Facility types and their parameters. Each type belongs to a tier and has staff (doctors, the
 * share of them who are general practitioners), a daily outpatient capacity derived from staff,
 * beds, a capability level per condition group, a perceived quality and a price factor relative
 * to its tier's prices. Placement rules and the scenario's additions, removals and resizings are
 * in facility-placement.ts.
 *
 * Sources (NHFPC Statistical Yearbook 2016, data for 2015): 640,536 village clinics with ≈ 1.45 M
 * village doctors and physicians (≈ 2.3 a clinic); 36,817 township centres with ≈ 12 physicians
 * and 33 beds each; 8,806 community centres with ≈ 16 physicians; doctors see 7.3 visits a day in
 * general hospitals, 9.6 in township centres, 16.3 in community centres (capacity below is set
 * above those loads); 5.11 beds per 1,000 residents; 1.38 GPs per 10,000 residents.
 */

export const FACILITY_TYPES = [
  "villageClinic",
  "communityStation",
  "townshipCentre",
  "communityCentre",
  "countyGeneral",
  "countyTcm",
  "citySecondary",
  "tertiary",
  "provincial",
] as const;
export type FacilityType = (typeof FACILITY_TYPES)[number];

const level = z.number().int().min(0).max(5);

const capabilitySchema = (d: readonly number[]) =>
  z
    .object(
      Object.fromEntries(CONDITION_GROUPS.map((g, i) => [g, level.default(d[i])])) as Record<
        (typeof CONDITION_GROUPS)[number],
        z.ZodDefault<typeof level>
      >,
    )
    .strict()
    .prefault({})
    .describe(`Highest need level treated, per condition group (${CONDITION_GROUPS.join(", ")}).`);

interface TypeDefaults {
  doctorsPerFacility: number;
  doctorsPer10k: number;
  gpShare: number;
  visitsPerDoctorPerDay: number;
  bedsPerFacility: number;
  bedsPer1000: number;
  /** general, chronic, cardiocerebral, respiratory, surgery, maternity, oncology, rehabilitation */
  capability: readonly number[];
  quality: number;
}

const FacilityTypeSchema = (d: TypeDefaults) =>
  z
    .object({
      doctorsPerFacility: z
        .number()
        .min(0)
        .default(d.doctorsPerFacility)
        .describe("Doctors per facility (fixed part)."),
      doctorsPer10k: z
        .number()
        .min(0)
        .default(d.doctorsPer10k)
        .describe("Doctors per 10,000 residents served (added to the fixed part; at least 1 doctor)."),
      gpShare: z
        .number()
        .min(0)
        .max(1)
        .default(d.gpShare)
        .describe("Share of the doctors who are general practitioners."),
      visitsPerDoctorPerDay: z
        .number()
        .positive()
        .default(d.visitsPerDoctorPerDay)
        .describe("Outpatient visits a doctor can see in a day (capacity)."),
      bedsPerFacility: z
        .number()
        .min(0)
        .default(d.bedsPerFacility)
        .describe("Beds per facility (fixed part)."),
      bedsPer1000: z.number().min(0).default(d.bedsPer1000).describe("Beds per 1,000 residents served."),
      capability: capabilitySchema(d.capability),
      quality: z
        .number()
        .min(0)
        .max(1)
        .default(d.quality)
        .describe("Perceived quality (0–1), a calibration parameter."),
      priceFactor: z
        .number()
        .positive()
        .default(1)
        .describe("Prices relative to the tier's prices in the episode catalogue."),
    })
    .strict()
    .prefault({});

const FacilityChangeSchema = z
  .object({
    action: z.enum(["add", "remove", "resize"]),
    type: z.enum(FACILITY_TYPES),
    area: z
      .string()
      .min(1)
      .describe("Where: an area name (county-N, district-N, or a name from geography.unitsFile) or city."),
    count: z.number().int().min(1).max(100).default(1).describe("add: how many facilities."),
    doctors: z
      .number()
      .min(0)
      .optional()
      .describe("add: doctors of each new facility; resize: factor on doctors."),
    beds: z.number().min(0).optional().describe("add: beds of each new facility; resize: factor on beds."),
  })
  .strict();

export const FacilitiesSchema = z
  .object({
    villageClinic: FacilityTypeSchema({
      doctorsPerFacility: 2,
      doctorsPer10k: 0,
      gpShare: 0,
      visitsPerDoctorPerDay: 40,
      bedsPerFacility: 0,
      bedsPer1000: 0,
      capability: [1, 1, 0, 1, 0, 0, 0, 1],
      quality: 0.2,
    }),
    communityStation: FacilityTypeSchema({
      doctorsPerFacility: 2,
      doctorsPer10k: 0,
      gpShare: 0.5,
      visitsPerDoctorPerDay: 40,
      bedsPerFacility: 0,
      bedsPer1000: 0,
      capability: [1, 1, 0, 1, 0, 0, 0, 1],
      quality: 0.25,
    }),
    townshipCentre: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 7,
      gpShare: 0.2,
      visitsPerDoctorPerDay: 25,
      bedsPerFacility: 0,
      bedsPer1000: 1.2,
      capability: [2, 2, 1, 2, 2, 2, 0, 2],
      quality: 0.35,
    }),
    communityCentre: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 6,
      gpShare: 0.3,
      visitsPerDoctorPerDay: 30,
      bedsPerFacility: 0,
      bedsPer1000: 0.3,
      capability: [2, 2, 1, 2, 1, 0, 0, 2],
      quality: 0.4,
    }),
    countyGeneral: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 4.5,
      gpShare: 0.03,
      visitsPerDoctorPerDay: 18,
      bedsPerFacility: 0,
      bedsPer1000: 1.7,
      capability: [3, 3, 3, 3, 3, 3, 2, 3],
      quality: 0.6,
    }),
    countyTcm: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 1.5,
      gpShare: 0.03,
      visitsPerDoctorPerDay: 18,
      bedsPerFacility: 0,
      bedsPer1000: 0.5,
      capability: [3, 3, 2, 3, 2, 2, 1, 3],
      quality: 0.5,
    }),
    citySecondary: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 6,
      gpShare: 0.03,
      visitsPerDoctorPerDay: 18,
      bedsPerFacility: 0,
      bedsPer1000: 2.2,
      capability: [3, 3, 3, 3, 3, 3, 2, 3],
      quality: 0.6,
    }),
    tertiary: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 5,
      gpShare: 0.01,
      visitsPerDoctorPerDay: 16,
      bedsPerFacility: 0,
      bedsPer1000: 1.6,
      capability: [4, 4, 4, 4, 4, 4, 4, 4],
      quality: 0.9,
    }),
    provincial: z
      .object({
        capability: capabilitySchema([5, 5, 5, 5, 5, 5, 5, 5]),
        quality: z.number().min(0).max(1).default(1),
        priceFactor: z.number().positive().default(1),
      })
      .strict()
      .prefault({})
      .describe("Provincial hospitals outside the city (out of region): capacity is not limited."),
    placement: z
      .object({
        residentsPerCommunityStation: z
          .number()
          .min(500)
          .default(4000)
          .describe("One community health station per 3–5 thousand urban residents (DOMAIN.md)."),
        citySecondaryPerDistrict: z.number().int().min(0).max(20).default(1),
        countyTcm: z
          .boolean()
          .default(true)
          .describe(
            "A county TCM hospital beside the general one (counties > 300k need one of each, 004:1048).",
          ),
        tertiaryHospitals: z
          .number()
          .int()
          .min(0)
          .max(100)
          .default(2)
          .describe("Tertiary hospitals in the city centre."),
      })
      .strict()
      .prefault({}),
    changes: z
      .array(FacilityChangeSchema)
      .default([])
      .describe("Facilities added, removed or resized relative to the placement rules, applied in order."),
    outpatientServiceDays: z
      .number()
      .positive()
      .default(1)
      .describe("Days a doctor's daily quota spans: the capacity window of the outpatient queue."),
  })
  .strict();
export type FacilitiesParams = z.infer<typeof FacilitiesSchema>;
export type FacilityChange = z.infer<typeof FacilityChangeSchema>;

/** Facility table as columns; ids are global, grouped by area, then the shared (city-wide) ones. */
export interface Facilities {
  count: number;
  type: Uint8Array;
  tier: Uint8Array;
  /** Owning area (partition), or -1 for facilities shared by the whole city. */
  area: Int16Array;
  x: Float64Array;
  y: Float64Array;
  /** Facilities a row stands for (co-located community stations are one row). */
  units: Int32Array;
  doctors: Int32Array;
  gps: Int32Array;
  beds: Int32Array;
  /** [facility * GROUP_COUNT + group] */
  capability: Uint8Array;
  quality: Float64Array;
  priceFactor: Float64Array;
  /** Outpatient visits a day; 0 = not limited (provincial). */
  dailyCapacity: Float64Array;
  /** Residents whose home is in the facility's catchment (0 for city-wide facilities). */
  served: Float64Array;
  areaFirst: Int32Array;
  areaCount: Int32Array;
  sharedFirst: number;
  sharedCount: number;
}
