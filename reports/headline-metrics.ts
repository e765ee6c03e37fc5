import type { TargetScore, YearSummary } from "../models/outcomes/metrics-schema.ts";
import { formatCount, formatDecimal, formatPercent } from "./number-format.ts";

/** How a metric's value is stored and shown. */
export type MetricUnit =
  | "fraction"
  | "count"
  | "perPersonYear"
  | "per100"
  | "per1000"
  | "per10000"
  | "perDoctorDay";

export interface HeadlineMetric {
  key: keyof YearSummary & string;
  label: string;
  /** The Chinese policy term, where there is one. */
  zh?: string;
  unit: MetricUnit;
  /** Taken from the doc comments in metrics-schema.ts; keep the two in step. */
  definition: string;
}

/** The figures every report leads with, in the order they are shown. */
export const HEADLINE_METRICS: readonly HeadlineMetric[] = [
  {
    key: "grassrootsShare",
    label: "Grassroots share of visits",
    zh: "基层诊疗量占比",
    unit: "fraction",
    definition:
      "Grassroots (village clinic + township health centre) visits ÷ all visits, where visits are outpatient and emergency visits (诊疗人次); admissions are counted apart.",
  },
  {
    key: "hospitalShare",
    label: "Hospital share of visits",
    unit: "fraction",
    definition: "Hospital (county + tertiary + out-of-region) visits ÷ all visits.",
  },
  {
    key: "countyDomesticRate",
    label: "County-domestic visit rate",
    zh: "县域内就诊率",
    unit: "fraction",
    definition: "Visits of rural-county residents inside their own county ÷ all their visits.",
  },
  {
    key: "countyDomesticAdmissionRate",
    label: "County-domestic admission rate",
    zh: "县域内住院率",
    unit: "fraction",
    definition: "Admissions of rural-county residents inside their own county ÷ all their admissions.",
  },
  {
    key: "countyHospitalReferralOutRate",
    label: "County-hospital referral-out rate",
    zh: "县级医院转诊率",
    unit: "fraction",
    definition:
      "Episodes that the county hospitals of rural counties referred out of the county (to the city or beyond) ÷ episodes those hospitals saw. The seeds set the target (≤ 10%) without a denominator; this is tiersim's.",
  },
  {
    key: "visitsPerPersonYear",
    label: "Visits per person-year",
    unit: "perPersonYear",
    definition: "Outpatient and emergency visits per resident in the summary year.",
  },
  {
    key: "admissionsPer100",
    label: "Admissions per 100 residents",
    unit: "per100",
    definition: "Inpatient admissions per 100 residents in the summary year.",
  },
  {
    key: "upwardReferrals",
    label: "Upward referrals",
    unit: "count",
    definition: "Referrals from a lower to a higher tier issued in the summary year, counted per hop.",
  },
  {
    key: "upwardReferralPatients",
    label: "Patients referred up",
    unit: "count",
    definition: "Episodes referred up at least once in the summary year (patients, not hops).",
  },
  {
    key: "referralOnlyVisitShare",
    label: "Visits that only ended in a referral",
    unit: "fraction",
    definition: "Visits at a facility that could not treat the episode and referred it, ÷ all visits.",
  },
  {
    key: "downwardReferrals",
    label: "Downward referrals",
    unit: "count",
    definition:
      "Patients moved down to their township or community centre after a stay, in the summary year.",
  },
];

/**
 * Further figures of the summary year, shown after the headline figures in the report's summary
 * table (not in the terminal scorecard).
 */
export const SUPPLEMENTARY_METRICS: readonly HeadlineMetric[] = [
  {
    key: "bedTransfers",
    label: "Bed transfers",
    unit: "count",
    definition: "Admissions moved to another hospital for want of a bed, in the summary year.",
  },
  {
    key: "deathsPer1000",
    label: "Deaths per 1,000 residents",
    unit: "per1000",
    definition: "Deaths per 1,000 residents in the summary year (each death is replaced by a birth).",
  },
  {
    key: "usualSourceReturnRate",
    label: "Usual-source return rate",
    unit: "fraction",
    definition:
      "Chronic follow-ups of residents with a usual facility that returned to that facility ÷ all such follow-ups.",
  },
];

/** Summary keys that are not fractions; targets on any other key are read as fractions. */
const NON_FRACTION_UNITS: ReadonlyMap<string, MetricUnit> = new Map<string, MetricUnit>([
  ...[...HEADLINE_METRICS, ...SUPPLEMENTARY_METRICS]
    .filter((metric) => metric.unit !== "fraction")
    .map((metric): [string, MetricUnit] => [metric.key, metric.unit]),
  ["totalVisits", "count"],
  ["upwardReferralPatients", "count"],
  ["bedTransfers", "count"],
  ["visitsPerDoctorDayByTier.village", "perDoctorDay"],
  ["visitsPerDoctorDayByTier.township", "perDoctorDay"],
  ["visitsPerDoctorDayByTier.county", "perDoctorDay"],
  ["visitsPerDoctorDayByTier.tertiary", "perDoctorDay"],
  ["region.gpsPer10k", "per10000"],
  ["downwardReferralGrowth", "fraction"],
]);

/**
 * The unit of a summary key. `TargetScore` carries no unit, but its doc says rates and shares are
 * fractions, and every policy target is a percentage, so unknown keys count as fractions.
 */
export function unitOfMetric(metric: string): MetricUnit {
  return NON_FRACTION_UNITS.get(metric) ?? "fraction";
}

export function formatInUnit(value: number, unit: MetricUnit): string {
  switch (unit) {
    case "fraction":
      return formatPercent(value);
    case "count":
      return formatCount(value);
    case "perPersonYear":
      return formatDecimal(value, 2);
    case "per100":
    case "perDoctorDay":
      return formatDecimal(value, 1);
    case "per1000":
    case "per10000":
      return formatDecimal(value, 2);
  }
}

/** A summary value shown in the unit of its key, e.g. ("grassrootsShare", 0.6) → "60.0%". */
export function formatMetricValue(metric: string, value: number): string {
  return formatInUnit(value, unitOfMetric(metric));
}

/** A target's comparator as shown to readers: ">=" → "≥", "<=" → "≤". */
export function comparatorSymbol(comparator: TargetScore["comparator"]): string {
  return comparator === ">=" ? "≥" : "≤";
}
