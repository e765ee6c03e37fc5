/**
 * Charts as data: each function turns a run's metrics into a vega-lite spec (plain JSON with the
 * data inlined), so a saved `.vl.json` can be restyled without touching code. Rendering lives in
 * render.ts, the shared style and time axes in chart-style.ts; the charts of each report section
 * beyond these four are in tier-charts.ts (the summary year by tier) and year-charts.ts (by year).
 */
import type { TopLevelSpec } from "vega-lite";
import { type RunMetrics, TIERS } from "../models/outcomes/metrics-schema.ts";
import {
  CHART_CONFIG,
  CHART_WIDTH,
  MONTH_PARSE,
  monthAxis,
  timelineLayers,
  VEGA_LITE_SCHEMA,
} from "./chart-style.ts";
import { comparatorSymbol, formatMetricValue, unitOfMetric } from "./headline-metrics.ts";
import { type Lang, replicationsNote, t, tierLabel } from "./labels.ts";
import { formatPercent } from "./number-format.ts";
import {
  capacityChart,
  contractCoverageChart,
  costsChart,
  referralFlowsChart,
  referralsChart,
} from "./tier-charts.ts";
import { TIER_COLORS } from "./tier-labels.ts";
import { contractsByYearChart, hasSeveralYears, referralsByYearChart } from "./year-charts.ts";

/** The report sections a chart can belong to (their ids in report.html). */
export type ChartSection =
  | "targets"
  | "summary"
  | "visits"
  | "first-contact"
  | "capacity"
  | "costs"
  | "contracts"
  | "referrals";

export interface NamedChart {
  /** File-name stem and HTML id: lower-case letters, digits and dashes. */
  name: string;
  title: string;
  spec: TopLevelSpec;
  /** The report section the chart is shown in; charts without one go to a section of their own. */
  section?: ChartSection;
}

const NOT_SEEKING_CARE_COLOR = "#fdd0a2";
const MET_COLOR = "#1a7f37";
const NOT_MET_COLOR = "#c62828";
const BAND_COLOR = "black";

const tierColors = TIERS.map((tier) => TIER_COLORS[tier]);
const tierLabels = (lang: Lang) => TIERS.map((tier) => tierLabel(lang, tier));

/**
 * Share of visits by tier per month, stacked from village (bottom) to out-of-region, with the
 * simulated grassroots share as a line (and its 95% interval over replications as a band behind
 * it, when the run has two or more), each grassroots-share target as a dashed rule, and each
 * dated policy change as a dotted vertical rule.
 */
export function tierShareChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  const simulatedLine = t(lang, "chart.tierShare.simulated");
  const targetLine = t(lang, "chart.tierShare.target");
  const shares = m.monthly.flatMap((point) => {
    const total = TIERS.reduce((sum, tier) => sum + point.visitsByTier[tier], 0);
    return TIERS.map((tier, order) => ({
      date: point.date,
      tier: tierLabel(lang, tier),
      order,
      share: total > 0 ? point.visitsByTier[tier] / total : 0,
    }));
  });
  const grassroots = m.monthly.map((point) => ({
    date: point.date,
    share: point.grassrootsShare,
    line: simulatedLine,
  }));
  const band = m.monthly.flatMap((point) =>
    point.grassrootsShareLower === undefined || point.grassrootsShareUpper === undefined
      ? []
      : [{ date: point.date, lower: point.grassrootsShareLower, upper: point.grassrootsShareUpper }],
  );
  const targets = m.targets
    .filter((target) => target.metric === "grassrootsShare")
    .map((target) => ({
      target: target.target,
      line: targetLine,
      label: t(lang, "chart.tierShare.targetLabel", {
        comparator: comparatorSymbol(target.comparator),
        value: formatPercent(target.target),
        source: target.source,
      }),
    }));

  const x = monthAxis(lang);
  const y = {
    field: "share",
    type: "quantitative" as const,
    title: t(lang, "chart.tierShare.axis"),
    scale: { domain: [0, 1] },
    axis: { format: ".0%" },
  };
  const strokeDash = {
    field: "line",
    type: "nominal" as const,
    title: null,
    scale: {
      domain: [simulatedLine, targetLine],
      range: [
        [1, 0],
        [6, 4],
      ],
    },
    legend: { orient: "bottom" as const, symbolStrokeColor: "black", symbolType: "stroke" },
  };

  const bandLayers = [
    {
      data: { values: band, format: { parse: MONTH_PARSE } },
      mark: { type: "area" as const, color: BAND_COLOR, opacity: 0.3 },
      encoding: { x, y: { ...y, field: "lower" }, y2: { field: "upper" } },
    },
  ];
  const targetLayers = [
    {
      data: { values: targets },
      layer: [
        {
          mark: { type: "rule" as const, color: "black", strokeWidth: 1.5 },
          encoding: { y: { ...y, field: "target" }, strokeDash },
        },
        {
          mark: { type: "text" as const, align: "left" as const, baseline: "bottom" as const, dx: 4, dy: -3 },
          encoding: { y: { ...y, field: "target" }, x: { value: 0 }, text: { field: "label" } },
        },
      ],
    },
  ];
  const subtitle = [
    t(lang, "chart.tierShare.subtitle", { replications: replicationsNote(lang, m.replications) }),
  ];
  if (band.length > 0) subtitle.push(t(lang, "chart.tierShare.band"));

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: t(lang, "chart.tierShare.title"), subtitle },
    width: CHART_WIDTH,
    height: 320,
    config: CHART_CONFIG,
    layer: [
      {
        data: { values: shares, format: { parse: MONTH_PARSE } },
        mark: { type: "area", opacity: 0.85 },
        encoding: {
          x,
          y: { ...y, stack: "zero" },
          color: {
            field: "tier",
            type: "nominal",
            title: t(lang, "common.tier"),
            scale: { domain: tierLabels(lang), range: tierColors },
          },
          order: { field: "order", type: "quantitative" },
        },
      },
      ...(band.length > 0 ? bandLayers : []),
      {
        data: { values: grassroots, format: { parse: MONTH_PARSE } },
        mark: { type: "line", color: "black", strokeWidth: 2 },
        encoding: { x, y, strokeDash },
      },
      ...(targets.length > 0 ? targetLayers : []),
      ...timelineLayers(m, x, CHART_WIDTH),
    ],
  };
}

/** Visits and admissions by tier in the summary year, side by side; the visit bars carry their share. */
export function visitsByTierChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  const { summary } = m;
  const visitsKind = t(lang, "common.visits");
  const admissionsKind = t(lang, "common.admissions");
  const bars = TIERS.flatMap((tier, order) => [
    {
      tier: tierLabel(lang, tier),
      order,
      kind: visitsKind,
      kindOrder: 0,
      visits: summary.visitsByTier[tier],
    },
    {
      tier: tierLabel(lang, tier),
      order,
      kind: admissionsKind,
      kindOrder: 1,
      visits: summary.admissionsByTier[tier],
    },
  ]);
  const totals = TIERS.map((tier) => ({
    tier: tierLabel(lang, tier),
    visits: summary.visitsByTier[tier],
    share: formatPercent(
      summary.totalVisits > 0 ? summary.visitsByTier[tier] / summary.totalVisits : Number.NaN,
    ),
  }));
  const y = { field: "tier", type: "nominal" as const, title: null, sort: tierLabels(lang) };
  const x = {
    field: "visits",
    type: "quantitative" as const,
    title: t(lang, "chart.visits.axis", {
      year: summary.label,
      replications: replicationsNote(lang, m.replications),
    }),
    axis: { format: "~s" },
  };

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: t(lang, "chart.visits.title", { year: summary.label }),
      subtitle: t(lang, "chart.visits.subtitle"),
    },
    width: CHART_WIDTH - 120,
    height: 300,
    config: CHART_CONFIG,
    layer: [
      {
        data: { values: bars },
        mark: { type: "bar" },
        encoding: {
          y,
          x: { ...x, stack: null },
          yOffset: { field: "kind", type: "nominal", sort: [visitsKind, admissionsKind] },
          color: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: { domain: [visitsKind, admissionsKind], range: ["#4c78a8", "#f58518"] },
            legend: { orient: "bottom" },
          },
          order: { field: "kindOrder", type: "quantitative" },
        },
      },
      {
        data: { values: totals },
        mark: { type: "text", align: "left", baseline: "middle", dx: 4, fontSize: 11 },
        encoding: { y, x, text: { field: "share" } },
      },
    ],
  };
}

/**
 * Where each kind of episode first sought care in the summary year: one bar per kind, stacked
 * from village clinic to out of region, then the share not seeking care at all.
 */
export function firstContactChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  const { summary } = m;
  const kinds = Object.keys(summary.firstContactByKind);
  const notSeekingCare = t(lang, "common.notSeekingCare");
  const categories = [...tierLabels(lang), notSeekingCare];
  const bars = Object.entries(summary.firstContactByKind).flatMap(([kind, shares]) => [
    ...TIERS.map((tier, order) => ({ kind, category: tierLabel(lang, tier), order, share: shares[tier] })),
    { kind, category: notSeekingCare, order: TIERS.length, share: shares.optOut },
  ]);

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: t(lang, "chart.firstContact.title", { year: summary.label }),
      subtitle: t(lang, "chart.firstContact.subtitle", {
        replications: replicationsNote(lang, m.replications),
      }),
    },
    width: CHART_WIDTH - 160,
    height: { step: 24 },
    config: CHART_CONFIG,
    data: { values: bars },
    mark: { type: "bar" },
    encoding: {
      y: { field: "kind", type: "nominal", title: null, sort: kinds },
      x: {
        field: "share",
        type: "quantitative",
        title: t(lang, "chart.firstContact.axis"),
        stack: "zero",
        // Shares sum to 1 up to rounding error; clamping keeps a hair over 1 inside the plot.
        scale: { domain: [0, 1], clamp: true },
        axis: { format: ".0%" },
      },
      color: {
        field: "category",
        type: "nominal",
        title: t(lang, "chart.firstContact.legend"),
        scale: { domain: categories, range: [...tierColors, NOT_SEEKING_CARE_COLOR] },
        legend: { orient: "bottom", columns: 3 },
      },
      order: { field: "order", type: "quantitative" },
    },
  };
}

/**
 * Each scored target as one row: a tick at the target, a dot at the simulated value (green when
 * met, red when not) and a thin rule between them showing the gap.
 */
export function targetsChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  const met = t(lang, "common.met");
  const notMet = t(lang, "common.notMet");
  const allFractions = m.targets.every((target) => unitOfMetric(target.metric) === "fraction");
  const plotted = m.targets.flatMap((target) => [target.value, target.target]).filter(Number.isFinite);
  const fractionDomain = [Math.min(0, ...plotted), Math.max(1, ...plotted)];
  const rows = m.targets.map((target) => ({
    id: target.id,
    value: target.value,
    target: target.target,
    status: target.met ? met : notMet,
    label: t(lang, "chart.targets.label", {
      value: formatMetricValue(target.metric, target.value),
      comparator: comparatorSymbol(target.comparator),
      target: formatMetricValue(target.metric, target.target),
    }),
  }));
  const y = { field: "id", type: "nominal" as const, title: null, sort: rows.map((row) => row.id) };
  const x = {
    field: "value",
    type: "quantitative" as const,
    title: t(lang, allFractions ? "chart.targets.axisPercent" : "chart.targets.axis"),
    // 0–100% unless a value (a growth rate, say) falls outside it.
    ...(allFractions ? { scale: { domain: fractionDomain }, axis: { format: ".0%" } } : {}),
  };

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: t(lang, "chart.targets.title"),
      subtitle: t(lang, "chart.targets.subtitle", {
        year: m.summary.label,
        replications: replicationsNote(lang, m.replications),
      }),
    },
    width: CHART_WIDTH - 200,
    height: { step: 32 },
    config: CHART_CONFIG,
    data: { values: rows },
    layer: [
      {
        mark: { type: "rule", color: "#bbb", strokeWidth: 2 },
        encoding: { y, x, x2: { field: "target" } },
      },
      {
        mark: { type: "tick", color: "black", thickness: 2, size: 18 },
        encoding: { y, x: { ...x, field: "target" } },
      },
      {
        mark: { type: "point", filled: true, size: 90, opacity: 1 },
        encoding: {
          y,
          x,
          color: {
            field: "status",
            type: "nominal",
            title: null,
            scale: { domain: [met, notMet], range: [MET_COLOR, NOT_MET_COLOR] },
            legend: { orient: "bottom" },
          },
        },
      },
      {
        mark: { type: "text", align: "left", baseline: "middle", fontSize: 11 },
        encoding: { y, x: { value: CHART_WIDTH - 200 + 8 }, text: { field: "label" } },
      },
    ],
  };
}

/**
 * Every chart of a run, in report order, with its labels in `lang`. Charts with nothing to show
 * are left out: first contact when no episode kind is reported, targets when nothing is scored,
 * the by-year charts when the run covers a single year.
 */
export function allCharts(m: RunMetrics, lang: Lang = "en"): NamedChart[] {
  const year = m.summary.label;
  const charts: NamedChart[] = [];
  if (m.targets.length > 0) {
    charts.push({
      name: "targets",
      title: t(lang, "chart.targets.short"),
      spec: targetsChart(m, lang),
      section: "targets",
    });
  }
  charts.push(
    {
      name: "tier-share",
      title: t(lang, "chart.tierShare.title"),
      spec: tierShareChart(m, lang),
      section: "summary",
    },
    {
      name: "visits-by-tier",
      title: t(lang, "chart.visits.title", { year }),
      spec: visitsByTierChart(m, lang),
      section: "visits",
    },
  );
  if (Object.keys(m.summary.firstContactByKind).length > 0) {
    charts.push({
      name: "first-contact",
      title: t(lang, "chart.firstContact.title", { year }),
      spec: firstContactChart(m, lang),
      section: "first-contact",
    });
  }
  charts.push(
    {
      name: "capacity-by-tier",
      title: t(lang, "chart.capacity.title", { year }),
      spec: capacityChart(m, lang),
      section: "capacity",
    },
    {
      name: "costs-by-tier",
      title: t(lang, "chart.costs.title", { year }),
      spec: costsChart(m, lang),
      section: "costs",
    },
    {
      name: "contract-coverage",
      title: t(lang, "chart.contracts.title", { year }),
      spec: contractCoverageChart(m, lang),
      section: "contracts",
    },
  );
  const severalYears = hasSeveralYears(m);
  if (severalYears) {
    charts.push({
      name: "contract-coverage-by-year",
      title: t(lang, "chart.contractsByYear.title"),
      spec: contractsByYearChart(m, lang),
      section: "contracts",
    });
  }
  charts.push(
    {
      name: "referrals",
      title: t(lang, "chart.referrals.title", { year }),
      spec: referralsChart(m, lang),
      section: "referrals",
    },
    {
      name: "referral-flows",
      title: t(lang, "chart.referralFlows.title", { year }),
      spec: referralFlowsChart(m, lang),
      section: "referrals",
    },
  );
  if (severalYears) {
    charts.push({
      name: "referrals-by-year",
      title: t(lang, "chart.referralsByYear.title"),
      spec: referralsByYearChart(m, lang),
      section: "referrals",
    });
  }
  return charts;
}
