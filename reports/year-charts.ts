/**
 * Charts by calendar year (from `metrics.byYear`): family-doctor contract coverage and referrals
 * up and down. Each year is drawn at mid-year with the 95% interval over replications as a
 * whisker (when there are two or more), and every dated policy change as a dotted rule.
 */
import type { TopLevelSpec } from "vega-lite";
import type { RunMetrics, YearSummary } from "../models/outcomes/metrics-schema.ts";
import {
  CHART_CONFIG,
  CHART_WIDTH,
  DAY_PARSE,
  midYear,
  timelineLayers,
  VEGA_LITE_SCHEMA,
  yearAxis,
} from "./chart-style.ts";
import { type LabelKey, type Lang, replicationsNote, t } from "./labels.ts";

/** A numeric top-level field of the year's summary (its spread is keyed the same). */
type YearMetric = {
  [K in keyof YearSummary]: YearSummary[K] extends number ? K : never;
}[keyof YearSummary];

interface Series {
  key: YearMetric;
  label: LabelKey;
  color: string;
  /** Dashes for a series that may lie on top of another (patients referred up and hops). */
  dash?: [number, number];
}

/** The run's years in calendar order. */
export function yearsInOrder(m: RunMetrics): YearSummary[] {
  return Object.values(m.byYear ?? {}).sort((a, b) => a.year - b.year);
}

/** True when the run covers several calendar years (and so has by-year charts and tables). */
export function hasSeveralYears(m: RunMetrics): boolean {
  return Object.keys(m.byYear ?? {}).length >= 2;
}

/** One point per year and series, with its 95% interval when the replications give one. */
function seriesPoints(m: RunMetrics, lang: Lang, series: readonly Series[]) {
  return yearsInOrder(m).flatMap((year) =>
    series.map((s, order) => {
      const spread = year.spread?.[s.key];
      const interval = spread && spread.n >= 2 ? { lower: spread.lower, upper: spread.upper } : {};
      return { date: midYear(year.label), series: t(lang, s.label), order, value: year[s.key], ...interval };
    }),
  );
}

function byYearChart(
  m: RunMetrics,
  lang: Lang,
  options: { title: LabelKey; subtitle: LabelKey; axis: string; format: string; series: readonly Series[] },
): TopLevelSpec {
  const x = yearAxis(m, lang);
  const points = seriesPoints(m, lang, options.series);
  const y = {
    field: "value",
    type: "quantitative" as const,
    title: options.axis,
    axis: { format: options.format },
  };
  const labels = options.series.map((s) => t(lang, s.label));
  // Colour and dashes share one legend of line segments.
  const legend = { orient: "bottom" as const, symbolType: "stroke", symbolStrokeWidth: 2 };
  const strokeDash = {
    field: "series",
    type: "nominal" as const,
    title: null,
    legend,
    scale: { domain: labels, range: options.series.map((s) => s.dash ?? [1, 0]) },
  };
  const color = {
    field: "series",
    type: "nominal" as const,
    title: null,
    sort: labels,
    scale: { domain: labels, range: options.series.map((s) => s.color) },
    legend,
  };
  const intervals = {
    transform: [{ filter: "isValid(datum.lower)" }],
    mark: { type: "rule" as const, strokeWidth: 1.5 },
    encoding: { x, y: { ...y, field: "lower" }, y2: { field: "upper" }, color },
  };
  const withIntervals = points.some((point) => "lower" in point);
  const changes = timelineLayers(m, x, CHART_WIDTH);
  const subtitle = [
    t(lang, options.subtitle, { replications: replicationsNote(lang, m.replications) }),
    ...(withIntervals ? [t(lang, "chart.byYear.whiskers")] : []),
    ...(changes.length > 0 ? [t(lang, "chart.byYear.rules")] : []),
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: t(lang, options.title), subtitle: subtitle.join("; ") },
    width: CHART_WIDTH,
    height: 260,
    config: CHART_CONFIG,
    layer: [
      {
        data: { values: points, format: { parse: DAY_PARSE } },
        layer: [
          ...(withIntervals ? [intervals] : []),
          { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y, color, strokeDash } },
          { mark: { type: "point", filled: true, size: 40, opacity: 1 }, encoding: { x, y, color } },
        ],
      },
      ...changes,
    ],
  } as TopLevelSpec;
}

/** Family-doctor contract coverage at each year's end: all residents, urban residents, key populations. */
export function contractsByYearChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  return byYearChart(m, lang, {
    title: "chart.contractsByYear.title",
    subtitle: "chart.contractsByYear.subtitle",
    axis: t(lang, "chart.contracts.axis"),
    format: ".0%",
    series: [
      { key: "contractCoverage", label: "contract.seriesAll", color: "#08519c" },
      { key: "contractCoverageUrban", label: "contract.seriesUrban", color: "#6baed6" },
      { key: "contractCoverageKeyPopulations", label: "contract.seriesKey", color: "#d94801" },
    ],
  });
}

/** Referrals up (hops and patients) and down in each year. */
export function referralsByYearChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  return byYearChart(m, lang, {
    title: "chart.referralsByYear.title",
    subtitle: "chart.referralsByYear.subtitle",
    axis: t(lang, "chart.referralsByYear.axis"),
    format: ",~f",
    series: [
      { key: "upwardReferrals", label: "referral.upwardHops", color: "#2171b5" },
      { key: "upwardReferralPatients", label: "referral.upwardPatients", color: "#6baed6", dash: [6, 3] },
      { key: "downwardReferrals", label: "referral.downward", color: "#238b45" },
    ],
  });
}
