import { z } from "zod";
import type { YearSummary } from "./metrics-schema.ts";

/**
 * Calibration checks: reported outcomes a scenario should reproduce, each with a tolerance band
 * (unlike targets, which are what policy aims for). The national 2014–2015 shape of care is the
 * default world's check (reported outcomes of the 2014–2015 national statistics).
 */
export interface CalibrationCheckDefinition {
  id: string;
  description: string;
  source: string;
  /** A number of the summary, by its key or a dotted path ("bedOccupancyByTier.tertiary"). */
  metric: string;
  reported: number;
  low: number;
  high: number;
}

/** The statistical publications the checks come from, by issuer and title. */
const BULLETIN_2015 =
  "NHFPC 国家卫生计生委, statistical bulletin 《2015年我国卫生和计划生育事业发展统计公报》 (2016)";
const BULLETIN_2014 =
  "NHFPC 国家卫生计生委, statistical bulletin 《2014年我国卫生和计划生育事业发展统计公报》 (2015)";
const MOH_2010_EFFICIENCY =
  "Ministry of Health 卫生部, 2010 medical service efficiency tables by hospital grade (病床使用率, 医师日均担负诊疗人次)";

export const CALIBRATION_CHECKS: readonly CalibrationCheckDefinition[] = [
  {
    id: "national-2015-visits-per-person",
    description: "Visits per person-year about 5.6 (77.0亿 visits, 1.375 bn people); band 5.5–6.0",
    source: BULLETIN_2015,
    metric: "visitsPerPersonYear",
    reported: 5.6,
    low: 5.5,
    high: 6.0,
  },
  {
    id: "national-2014-grassroots-share",
    description:
      "Grassroots share of visits about 57% (43.64亿 of 76.0亿 in 2014; 56.4% in 2015; NHFPC tiered-care briefing 2015 prints the count as a percentage); band 54–60%",
    source: `NHFPC 国家卫生计生委, tiered-care briefing 2015, part 一(二)2 (the 2014 counts in 亿人次, printed as percentages); ${BULLETIN_2014}; ${BULLETIN_2015}`,
    metric: "grassrootsShare",
    reported: 0.574,
    low: 0.54,
    high: 0.6,
  },
  {
    id: "national-2014-hospital-share",
    description:
      "Hospital share about 40% (29.72亿 of 76.0亿 in 2014; the model has no public-health institutions, ≈ 4% of visits, so its shares sum to 1); band 38–46%",
    source: `NHFPC 国家卫生计生委, tiered-care briefing 2015, part 一(二)2 (the 2014 counts in 亿人次, printed as percentages); ${BULLETIN_2014}; ${BULLETIN_2015}`,
    metric: "hospitalShare",
    reported: 0.391,
    low: 0.38,
    high: 0.46,
  },
  {
    id: "national-2015-admissions",
    description: "Admissions about 15 per 100 residents (2.1亿 in 2015); band 12–18",
    source: BULLETIN_2015,
    metric: "admissionsPer100",
    reported: 15.3,
    low: 12,
    high: 18,
  },
  {
    id: "national-2015-tertiary-share",
    description: "Tertiary hospitals' share of all visits 19.5% in 2015; band 15–24%",
    source: `${BULLETIN_2015} (as reprinted)`,
    metric: "visitsShareByTier.tertiary",
    reported: 0.195,
    low: 0.15,
    high: 0.24,
  },
  {
    id: "bed-occupancy-tertiary",
    description: "Tertiary hospitals' bed occupancy above 100% (102.9% in 2010, ≈ 99% in 2015); band 85–105%",
    source: `${MOH_2010_EFFICIENCY}; ${BULLETIN_2015}`,
    metric: "bedOccupancyByTier.tertiary",
    reported: 0.99,
    low: 0.85,
    high: 1.05,
  },
  {
    id: "bed-occupancy-county",
    description:
      "Secondary (county-tier) hospitals' bed occupancy 87.3% in 2010 (≈ 84% in 2015); band 70–95%",
    source: `${MOH_2010_EFFICIENCY}; ${BULLETIN_2015}`,
    metric: "bedOccupancyByTier.county",
    reported: 0.85,
    low: 0.7,
    high: 0.95,
  },
  {
    id: "bed-occupancy-township",
    description: "Township health centres' bed occupancy 59.0% in 2010 (≈ 60% in 2015); band 45–75%",
    source: `${MOH_2010_EFFICIENCY}; ${BULLETIN_2015}`,
    metric: "bedOccupancyByTier.township",
    reported: 0.6,
    low: 0.45,
    high: 0.75,
  },
  {
    id: "workload-township",
    description: "Township centre doctors' visits per working day 9.8 in 2010 (≈ 9.6 in 2015); band 7–13",
    source: `${MOH_2010_EFFICIENCY}; Sichuan health and family planning commission 四川省卫生计生委, statistical bulletin 2015 (11.3)`,
    metric: "visitsPerDoctorDayByTier.township",
    reported: 9.6,
    low: 7,
    high: 13,
  },
  {
    id: "workload-tertiary",
    description:
      "Tertiary hospital doctors' visits per working day 7.5 in 2010 (public hospitals 7.6 in 2015); band 5.5–10",
    source: `${MOH_2010_EFFICIENCY}; 2015 statistics as quoted for public hospitals`,
    metric: "visitsPerDoctorDayByTier.tertiary",
    reported: 7.6,
    low: 5.5,
    high: 10,
  },
];

/** The value of a summary metric named by key or dotted path (NaN when absent). */
export function metricValue(summary: YearSummary, path: string): number {
  let value: unknown = summary;
  for (const key of path.split(".")) value = (value as Record<string, unknown> | undefined)?.[key];
  return typeof value === "number" ? value : Number.NaN;
}

const ids = CALIBRATION_CHECKS.map((c) => c.id) as [string, ...string[]];

export const CalibrationChecksSchema = z
  .array(z.enum(ids))
  .default([...ids])
  .describe("Reported outcomes this scenario should reproduce (ids of models/calibration-checks.ts).");
