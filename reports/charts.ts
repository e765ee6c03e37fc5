/**
 * Charts as data: each function turns a run's metrics into a vega-lite spec (plain JSON with the
 * data inlined), so a saved `.vl.json` can be restyled without touching code. Rendering lives in
 * render.ts. All dates are read and shown in UTC so the output does not depend on the time zone.
 */
import type { TopLevelSpec } from "vega-lite";
import { type RunMetrics, TIERS } from "../models/outcomes/metrics-schema.ts";
import { comparatorSymbol, formatMetricValue, unitOfMetric } from "./headline-metrics.ts";
import { formatPercent } from "./number-format.ts";
import { TIER_COLORS, TIER_LABELS } from "./tier-labels.ts";

export interface NamedChart {
  /** File-name stem and HTML id: lower-case letters, digits and dashes. */
  name: string;
  title: string;
  spec: TopLevelSpec;
}

const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const CHART_WIDTH = 640;
const FONT = "sans-serif";
const MONTH_PARSE = { date: "utc:'%Y-%m'" } as const;
const SIMULATED_LINE = "Grassroots share (simulated)";
const TARGET_LINE = "Grassroots-share target";
const NOT_SEEKING_CARE = "Not seeking care";
const NOT_SEEKING_CARE_COLOR = "#fdd0a2";
const MET_COLOR = "#1a7f37";
const NOT_MET_COLOR = "#c62828";

const tierLabels = TIERS.map((tier) => TIER_LABELS[tier]);
const tierColors = TIERS.map((tier) => TIER_COLORS[tier]);

/**
 * Without a canvas, vega estimates text width pessimistically (0.8 em per character) and cuts
 * labels at their limit from that estimate, so the limits are set high enough for tier names
 * and target ids.
 */
const baseConfig = {
  font: FONT,
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  title: { fontSize: 14, subtitleFontSize: 11, anchor: "start" as const },
};

function replicationsNote(m: RunMetrics): string {
  return `mean over ${m.replications} replication${m.replications === 1 ? "" : "s"}`;
}

/**
 * Share of visits by tier per month, stacked from village (bottom) to out-of-region, with the
 * simulated grassroots share as a line and each grassroots-share target as a dashed rule.
 */
export function tierShareChart(m: RunMetrics): TopLevelSpec {
  const shares = m.monthly.flatMap((point) => {
    const total = TIERS.reduce((sum, tier) => sum + point.visitsByTier[tier], 0);
    return TIERS.map((tier, order) => ({
      date: point.date,
      tier: TIER_LABELS[tier],
      order,
      share: total > 0 ? point.visitsByTier[tier] / total : 0,
    }));
  });
  const grassroots = m.monthly.map((point) => ({
    date: point.date,
    share: point.grassrootsShare,
    line: SIMULATED_LINE,
  }));
  const targets = m.targets
    .filter((target) => target.metric === "grassrootsShare")
    .map((target) => ({
      target: target.target,
      line: TARGET_LINE,
      label: `Target ${comparatorSymbol(target.comparator)} ${formatPercent(target.target)} (${target.source})`,
    }));

  const x = {
    field: "date",
    type: "temporal" as const,
    timeUnit: "utcyearmonth" as const,
    title: "Month",
    axis: { format: "%b %Y", labelAngle: 0, tickCount: 8 },
  };
  const y = {
    field: "share",
    type: "quantitative" as const,
    title: "Share of visits (%)",
    scale: { domain: [0, 1] },
    axis: { format: ".0%" },
  };
  const strokeDash = {
    field: "line",
    type: "nominal" as const,
    title: null,
    scale: {
      domain: [SIMULATED_LINE, TARGET_LINE],
      range: [
        [1, 0],
        [6, 4],
      ],
    },
    legend: { orient: "bottom" as const, symbolStrokeColor: "black", symbolType: "stroke" },
  };

  // Dated policy changes of the timeline: a dotted rule at the month each takes effect.
  const changes = (m.timeline ?? []).map((c) => ({ date: c.date.slice(0, 7), label: c.note || c.date }));
  const changeLayers = [
    {
      data: { values: changes, format: { parse: MONTH_PARSE } },
      layer: [
        {
          mark: { type: "rule" as const, color: "black", strokeDash: [2, 2] },
          encoding: { x },
        },
        {
          mark: {
            type: "text" as const,
            align: "left" as const,
            baseline: "top" as const,
            dx: 3,
            y: 2,
            fontSize: 10,
          },
          encoding: { x, text: { field: "label" } },
        },
      ],
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

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: "Share of visits by tier",
      subtitle: `Monthly outpatient and emergency visits, ${replicationsNote(m)}`,
    },
    width: CHART_WIDTH,
    height: 320,
    config: baseConfig,
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
            title: "Tier",
            scale: { domain: tierLabels, range: tierColors },
          },
          order: { field: "order", type: "quantitative" },
        },
      },
      {
        data: { values: grassroots, format: { parse: MONTH_PARSE } },
        mark: { type: "line", color: "black", strokeWidth: 2 },
        encoding: { x, y, strokeDash },
      },
      ...(targets.length > 0 ? targetLayers : []),
      ...(changes.length > 0 ? changeLayers : []),
    ],
  };
}

/** Visits and admissions by tier in the summary year, side by side; the visit bars carry their share. */
export function visitsByTierChart(m: RunMetrics): TopLevelSpec {
  const { summary } = m;
  const OUTPATIENT = "Visits";
  const ADMISSIONS = "Admissions";
  const bars = TIERS.flatMap((tier, order) => [
    {
      tier: TIER_LABELS[tier],
      order,
      kind: OUTPATIENT,
      kindOrder: 0,
      visits: summary.visitsByTier[tier],
    },
    {
      tier: TIER_LABELS[tier],
      order,
      kind: ADMISSIONS,
      kindOrder: 1,
      visits: summary.admissionsByTier[tier],
    },
  ]);
  const totals = TIERS.map((tier) => ({
    tier: TIER_LABELS[tier],
    visits: summary.visitsByTier[tier],
    share: formatPercent(
      summary.totalVisits > 0 ? summary.visitsByTier[tier] / summary.totalVisits : Number.NaN,
    ),
  }));
  const y = { field: "tier", type: "nominal" as const, title: null, sort: tierLabels };
  const x = {
    field: "visits",
    type: "quantitative" as const,
    title: `Visits in ${summary.label} (count, ${replicationsNote(m)})`,
    axis: { format: "~s" },
  };

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: `Visits by tier, ${summary.label}`,
      subtitle: "Outpatient and emergency visits, and admissions (counted apart); label: share of all visits",
    },
    width: CHART_WIDTH - 120,
    height: 300,
    config: baseConfig,
    layer: [
      {
        data: { values: bars },
        mark: { type: "bar" },
        encoding: {
          y,
          x: { ...x, stack: null },
          yOffset: { field: "kind", type: "nominal", sort: [OUTPATIENT, ADMISSIONS] },
          color: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: { domain: [OUTPATIENT, ADMISSIONS], range: ["#4c78a8", "#f58518"] },
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
export function firstContactChart(m: RunMetrics): TopLevelSpec {
  const { summary } = m;
  const kinds = Object.keys(summary.firstContactByKind);
  const categories = [...tierLabels, NOT_SEEKING_CARE];
  const bars = Object.entries(summary.firstContactByKind).flatMap(([kind, shares]) => [
    ...TIERS.map((tier, order) => ({ kind, category: TIER_LABELS[tier], order, share: shares[tier] })),
    { kind, category: NOT_SEEKING_CARE, order: TIERS.length, share: shares.optOut },
  ]);

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: `Where episodes first seek care, ${summary.label}`,
      subtitle: `Share of first contacts by tier, and of episodes not seeking care, per episode kind; ${replicationsNote(m)}`,
    },
    width: CHART_WIDTH - 160,
    height: { step: 24 },
    config: baseConfig,
    data: { values: bars },
    mark: { type: "bar" },
    encoding: {
      y: { field: "kind", type: "nominal", title: null, sort: kinds },
      x: {
        field: "share",
        type: "quantitative",
        title: "Share of episodes (%)",
        stack: "zero",
        // Shares sum to 1 up to rounding error; clamping keeps a hair over 1 inside the plot.
        scale: { domain: [0, 1], clamp: true },
        axis: { format: ".0%" },
      },
      color: {
        field: "category",
        type: "nominal",
        title: "First contact",
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
export function targetsChart(m: RunMetrics): TopLevelSpec {
  const allFractions = m.targets.every((target) => unitOfMetric(target.metric) === "fraction");
  const plotted = m.targets.flatMap((target) => [target.value, target.target]).filter(Number.isFinite);
  const fractionDomain = [Math.min(0, ...plotted), Math.max(1, ...plotted)];
  const rows = m.targets.map((target) => ({
    id: target.id,
    value: target.value,
    target: target.target,
    status: target.met ? "Met" : "Not met",
    label: `${formatMetricValue(target.metric, target.value)} (target ${comparatorSymbol(target.comparator)} ${formatMetricValue(target.metric, target.target)})`,
  }));
  const y = { field: "id", type: "nominal" as const, title: null, sort: rows.map((row) => row.id) };
  const x = {
    field: "value",
    type: "quantitative" as const,
    title: allFractions ? "Simulated value and target (%)" : "Simulated value and target",
    // 0–100% unless a value (a growth rate, say) falls outside it.
    ...(allFractions ? { scale: { domain: fractionDomain }, axis: { format: ".0%" } } : {}),
  };

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: "Targets: simulated value (dot) vs target (tick)",
      subtitle: `Summary year ${m.summary.label}, ${replicationsNote(m)}`,
    },
    width: CHART_WIDTH - 200,
    height: { step: 32 },
    config: baseConfig,
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
            scale: { domain: ["Met", "Not met"], range: [MET_COLOR, NOT_MET_COLOR] },
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
 * Every chart of a run, in report order. The first-contact chart is left out when no episode kind
 * is reported, the targets chart when nothing is scored.
 */
export function allCharts(m: RunMetrics): NamedChart[] {
  const charts: NamedChart[] = [
    { name: "tier-share", title: "Share of visits by tier", spec: tierShareChart(m) },
    { name: "visits-by-tier", title: `Visits by tier, ${m.summary.label}`, spec: visitsByTierChart(m) },
  ];
  if (Object.keys(m.summary.firstContactByKind).length > 0) {
    charts.push({
      name: "first-contact",
      title: `Where episodes first seek care, ${m.summary.label}`,
      spec: firstContactChart(m),
    });
  }
  if (m.targets.length > 0) {
    charts.push({ name: "targets", title: "Targets: simulated vs target", spec: targetsChart(m) });
  }
  return charts;
}
