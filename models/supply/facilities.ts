import { z } from "zod";
import { CONDITION_GROUPS } from "../care/condition-groups.ts";

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
  "rehabNursing",
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
  slotsPerDoctorDay: number;
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
        .max(10_000)
        .default(d.doctorsPerFacility)
        .describe("Doctors per facility (fixed part)."),
      doctorsPer10k: z
        .number()
        .min(0)
        .max(1_000)
        .default(d.doctorsPer10k)
        .describe("Doctors per 10,000 residents served (added to the fixed part; at least 1 doctor)."),
      gpShare: z
        .number()
        .min(0)
        .max(1)
        .default(d.gpShare)
        .describe("Share of the doctors who are general practitioners."),
      slotsPerDoctorDay: z
        .number()
        .positive()
        .max(1_000)
        .default(d.slotsPerDoctorDay)
        .describe(
          "Outpatient slots (号源) a doctor issues per working day: the capacity, a calibration parameter set from the 2015 workload (visits per doctor-day) and how crowded the tier was.",
        ),
      bedsPerFacility: z
        .number()
        .min(0)
        .max(100_000)
        .default(d.bedsPerFacility)
        .describe("Beds per facility (fixed part)."),
      bedsPer1000: z
        .number()
        .min(0)
        .max(1_000)
        .default(d.bedsPer1000)
        .describe("Beds per 1,000 residents served."),
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
      .max(100_000)
      .optional()
      .describe("add: doctors of each new facility; resize: factor on doctors."),
    beds: z
      .number()
      .min(0)
      .max(100_000)
      .optional()
      .describe("add: beds of each new facility; resize: factor on beds."),
  })
  .strict();

export const FacilitiesSchema = z
  .object({
    // Supply per capita, 2015 (NHFPC statistical bulletin 2015 and its reprints; derived figures
    // marked): 303.9万 licensed doctors (2.21 per 1,000) and 103.2万 village doctors; GPs 1.38
    // per 10,000. Village clinics: ≈ 1.45 M village doctors and physicians for ≈ 603 M rural
    // residents, ≈ 24 per 10,000 rural residents (derived). Township centres: ≈ 44万 doctors,
    // ≈ 7.3 per 10,000 rural residents, ≈ 2.0 beds per 1,000 (Sichuan 2015: 1.84). Hospital beds
    // ≈ 3.9 per 1,000, of which tertiary ≈ 1.5 and secondary ≈ 1.6 (derived, to be checked
    // against the 2016 yearbook). Slots per doctor-day are calibration parameters: the 2015
    // workloads (visits per doctor per working day: tertiary ≈ 7.5–8, secondary ≈ 6.5, township
    // ≈ 9.6, community centres ≈ 14–16; Ministry of Health 2010 efficiency tables and the 2015
    // bulletin) with room to spare where beds stood 40% empty (grassroots) and none where they
    // stood above 100% (tertiary).
    villageClinic: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 24,
      gpShare: 0,
      slotsPerDoctorDay: 15,
      bedsPerFacility: 0,
      bedsPer1000: 0,
      capability: [1, 1, 0, 1, 0, 0, 0, 1],
      quality: 0.2,
    }),
    communityStation: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 4,
      gpShare: 0.3,
      slotsPerDoctorDay: 30,
      bedsPerFacility: 0,
      bedsPer1000: 0,
      capability: [1, 1, 0, 1, 0, 0, 0, 1],
      quality: 0.25,
    }),
    townshipCentre: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 7.3,
      gpShare: 0.15,
      slotsPerDoctorDay: 18,
      bedsPerFacility: 0,
      bedsPer1000: 1.2,
      capability: [2, 2, 1, 2, 2, 2, 0, 2],
      quality: 0.35,
    }),
    communityCentre: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 3.5,
      gpShare: 0.3,
      slotsPerDoctorDay: 30,
      bedsPerFacility: 0,
      bedsPer1000: 0.25,
      capability: [2, 2, 1, 2, 1, 0, 0, 2],
      quality: 0.4,
    }),
    countyGeneral: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 4.5,
      gpShare: 0.01,
      slotsPerDoctorDay: 9,
      bedsPerFacility: 0,
      bedsPer1000: 1.5,
      capability: [3, 3, 3, 3, 3, 3, 2, 3],
      quality: 0.6,
    }),
    countyTcm: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 1.5,
      gpShare: 0.01,
      slotsPerDoctorDay: 9,
      bedsPerFacility: 0,
      bedsPer1000: 0.5,
      capability: [3, 3, 2, 3, 2, 2, 1, 3],
      quality: 0.5,
    }),
    citySecondary: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 6,
      gpShare: 0.01,
      slotsPerDoctorDay: 9,
      bedsPerFacility: 0,
      bedsPer1000: 2.2,
      capability: [3, 3, 3, 3, 3, 3, 2, 3],
      quality: 0.6,
    }),
    // Rehabilitation and nursing facilities (康复医院、护理院) that downward referrals may go to
    // besides the grassroots: few in 2015, so none is placed unless placement.rehabNursing is set
    // or facilities.changes adds them. Supply, capability, quality and prices are assumptions.
    rehabNursing: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 0.5,
      gpShare: 0,
      slotsPerDoctorDay: 10,
      bedsPerFacility: 0,
      bedsPer1000: 0.3,
      capability: [0, 1, 0, 0, 0, 0, 0, 3],
      quality: 0.45,
    }),
    tertiary: FacilityTypeSchema({
      doctorsPerFacility: 0,
      doctorsPer10k: 5,
      gpShare: 0.01,
      slotsPerDoctorDay: 8,
      bedsPerFacility: 0,
      bedsPer1000: 1.35,
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
          .describe("One community health station per 3–5 thousand urban residents (a planning norm)."),
        citySecondaryPerDistrict: z.number().int().min(0).max(20).default(1),
        countyTcm: z
          .boolean()
          .default(true)
          .describe(
            "A county TCM hospital beside the general one (counties > 300k need one of each, NHFPC tiered-care briefing 2015).",
          ),
        rehabNursing: z
          .boolean()
          .default(false)
          .describe(
            "One rehabilitation and nursing facility per county and district, sized by facilities.rehabNursing (default false: few in 2015; add single ones with facilities.changes).",
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
    workingDaysPerYear: z
      .number()
      .min(1)
      .max(365)
      .default(251)
      .describe(
        "Working days a year over which doctors issue their slots (251: the convention of the NHFPC statistical yearbook's visits per doctor-day).",
      ),
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
  /** Staff and beds of the real facility (the region at full size). */
  doctors: Int32Array;
  gps: Int32Array;
  beds: Int32Array;
  /** [facility * GROUP_COUNT + group] */
  capability: Uint8Array;
  quality: Float64Array;
  priceFactor: Float64Array;
  /**
   * Outpatient slots issued per calendar day to the simulated residents (the real quota divided
   * by the residents each simulated one stands for); -1 = not limited (provincial).
   */
  slotsPerDay: Float64Array;
  /** Beds serving the simulated residents (real beds ÷ residents per simulated resident, rounded). */
  simulatedBeds: Int32Array;
  /** Real residents whose home is in the facility's catchment (0 for city-wide facilities). */
  served: Float64Array;
  areaFirst: Int32Array;
  areaCount: Int32Array;
  sharedFirst: number;
  sharedCount: number;
}
