import type { TargetScore, YearSummary } from "../models/outcomes/metrics-schema.ts";
import { LABELS, type LabelKey, type Lang, t } from "./labels.ts";
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
  /** English label (the dictionary's `metric.<key>`). */
  label: string;
  /** The Chinese policy term, where the metric is one (基层医疗卫生机构诊疗量占比 …). */
  zh?: string;
  unit: MetricUnit;
  /** English definition (the dictionary's `definition.<key>`); kept in step with metrics-schema.ts. */
  definition: string;
}

/** Keys whose Chinese name is a term of the policy documents, shown beside the English label. */
const POLICY_TERMS: ReadonlySet<string> = new Set([
  "grassrootsShare",
  "countyDomesticRate",
  "countyDomesticAdmissionRate",
  "countyHospitalReferralOutRate",
]);

function metric(key: keyof YearSummary & string, unit: MetricUnit): HeadlineMetric {
  return {
    key,
    unit,
    label: metricLabel("en", key),
    zh: POLICY_TERMS.has(key) ? metricLabel("zh", key) : undefined,
    definition: metricDefinition("en", key),
  };
}

/** A metric's label in the reader's language; throws for a key the dictionary lacks. */
export function metricLabel(lang: Lang, key: string): string {
  return t(lang, labelKey(`metric.${key}`));
}

export function metricDefinition(lang: Lang, key: string): string {
  return t(lang, labelKey(`definition.${key}`));
}

function labelKey(key: string): LabelKey {
  if (!Object.hasOwn(LABELS, key)) throw new Error(`no label ${key} in reports/labels.ts`);
  return key as LabelKey;
}

/** The figures every report leads with, in the order they are shown. */
export const HEADLINE_METRICS: readonly HeadlineMetric[] = [
  metric("grassrootsShare", "fraction"),
  metric("hospitalShare", "fraction"),
  metric("countyDomesticRate", "fraction"),
  metric("countyDomesticAdmissionRate", "fraction"),
  metric("countyHospitalReferralOutRate", "fraction"),
  metric("visitsPerPersonYear", "perPersonYear"),
  metric("admissionsPer100", "per100"),
  metric("upwardReferrals", "count"),
  metric("upwardReferralPatients", "count"),
  metric("referralOnlyVisitShare", "fraction"),
  metric("downwardReferrals", "count"),
];

/**
 * Further figures of the summary year, shown after the headline figures in the report's summary
 * table (not in the terminal scorecard).
 */
export const SUPPLEMENTARY_METRICS: readonly HeadlineMetric[] = [
  metric("bedTransfers", "count"),
  metric("deathsPer1000", "per1000"),
  metric("usualSourceReturnRate", "fraction"),
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
