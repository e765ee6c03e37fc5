import { z } from "zod";

/**
 * Calibration checks: reported outcomes a scenario should reproduce, each with a tolerance band
 * (unlike targets, which are what policy aims for). The national 2014–2015 shape of care is the
 * default world's check (DOMAIN.md, "Reported outcomes").
 */
export interface CalibrationCheckDefinition {
  id: string;
  description: string;
  source: string;
  metric: "visitsPerPersonYear" | "grassrootsShare" | "hospitalShare" | "admissionsPer100";
  reported: number;
  low: number;
  high: number;
}

export const CALIBRATION_CHECKS: readonly CalibrationCheckDefinition[] = [
  {
    id: "national-2015-visits-per-person",
    description: "Visits per person-year about 5.6 (77.0亿 visits, 1.375 bn people); band 5.5–6.0",
    source: "NHFPC statistical bulletin 2015",
    metric: "visitsPerPersonYear",
    reported: 5.6,
    low: 5.5,
    high: 6.0,
  },
  {
    id: "national-2014-grassroots-share",
    description:
      "Grassroots share of visits about 57% (43.64亿 of 76.0亿 in 2014; 56.4% in 2015; seed 004:444 prints the count as a percentage); band 54–60%",
    source: "Seed 004:444 with NHFPC statistical bulletins 2014–2015",
    metric: "grassrootsShare",
    reported: 0.574,
    low: 0.54,
    high: 0.6,
  },
  {
    id: "national-2014-hospital-share",
    description:
      "Hospital share about 40% (29.72亿 of 76.0亿 in 2014; the model has no public-health institutions, ≈ 4% of visits, so its shares sum to 1); band 38–46%",
    source: "Seed 004:444 with NHFPC statistical bulletins 2014–2015",
    metric: "hospitalShare",
    reported: 0.391,
    low: 0.38,
    high: 0.46,
  },
  {
    id: "national-2015-admissions",
    description: "Admissions about 15 per 100 residents (2.1亿 in 2015); band 12–18",
    source: "NHFPC statistical bulletin 2015",
    metric: "admissionsPer100",
    reported: 15.3,
    low: 12,
    high: 18,
  },
];

const ids = CALIBRATION_CHECKS.map((c) => c.id) as [string, ...string[]];

export const CalibrationChecksSchema = z
  .array(z.enum(ids))
  .default([...ids])
  .describe("Reported outcomes this scenario should reproduce (ids of models/calibration-checks.ts).");
