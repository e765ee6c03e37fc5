/**
 * Charts of a sweep, as vega-lite specs with the data inlined: each recorded metric against each
 * varied field (every run a point, with its 95% interval over replications when there are two or
 * more; a grid's mean per value as a line, a sample's loess trend), and, for Morris screening,
 * μ* against σ per metric. The sweep writes each with write-report.ts's `writeChartFiles`
 * (`<name>.svg`, `.png` and `.vl.json`).
 */
import type { TopLevelSpec } from "vega-lite";
import { HEADLINE_METRICS, SUPPLEMENTARY_METRICS, unitOfMetric } from "./headline-metrics.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const WIDTH = 480;
const HEIGHT = 300;
const COLOR = "#1f77b4";
const CONFIG = {
  font: "sans-serif",
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  title: { fontSize: 14, subtitleFontSize: 11, anchor: "start" as const },
};

/** A metric's label in charts: the report's label for summary keys, else its dotted path. */
export function sweepMetricLabel(metric: string): string {
  return [...HEADLINE_METRICS, ...SUPPLEMENTARY_METRICS].find((m) => m.key === metric)?.label ?? metric;
}

/** d3 format of a metric's axis: percentages for fractions. */
function metricFormat(metric: string): string {
  return unitOfMetric(metric) === "fraction" ? ".1%" : ",.3~f";
}

export interface SweepPoint {
  run: number;
  /** The field's value in this run (a number, or text and true/false for a grid of categories). */
  x: number | string | boolean | null;
  value: number;
  lower?: number;
  upper?: number;
}

export interface SweepChartInput {
  metric: string;
  field: string;
  method: "grid" | "latin-hypercube" | "morris";
  /** How many fields the sweep varies: with more than one, the others vary along each x. */
  fieldCount: number;
  points: readonly SweepPoint[];
}

/** One metric against one varied field. */
export function sweepFieldChart(input: SweepChartInput): TopLevelSpec {
  const { metric, field, points } = input;
  const numeric = points.every((p) => typeof p.x === "number");
  const intervals = points.some((p) => p.lower !== undefined && p.upper !== undefined);
  const label = (x: SweepPoint["x"]) => (x === null ? "null" : x);
  // Categories in the order the sweep gave them, not alphabetically.
  const categories = [...new Set(points.map((p) => String(label(p.x))))];
  const x = {
    field: "x",
    type: numeric ? ("quantitative" as const) : ("nominal" as const),
    title: field,
    ...(numeric ? { scale: { zero: false } } : { axis: { labelAngle: 0 }, sort: categories }),
  };
  const y = {
    field: "value",
    type: "quantitative" as const,
    title: sweepMetricLabel(metric),
    scale: { zero: false },
    axis: { format: metricFormat(metric) },
  };
  const others = input.fieldCount > 1 ? "; the other fields vary along each value" : "";
  const design =
    input.method === "grid"
      ? "grid"
      : input.method === "latin-hypercube"
        ? "Latin hypercube"
        : "Morris trajectories";
  // Designs on a few levels (grid, Morris) draw the mean per value; a Latin hypercube a loess
  // trend, which says something only with enough distinct values (bandwidth 0.75, R's default).
  const distinct = new Set(points.map((p) => p.x)).size;
  const perValue = input.method !== "latin-hypercube" || !numeric;
  const showTrend = distinct > 1 && (perValue || distinct >= 10);
  const trend = perValue
    ? {
        mark: { type: numeric ? ("line" as const) : ("tick" as const), color: "#444444" },
        encoding: { x, y: { ...y, aggregate: "mean" as const } },
      }
    : {
        transform: [{ loess: "value", on: "x", bandwidth: 0.75 }],
        mark: { type: "line" as const, color: "#444444" },
        encoding: { x, y },
      };
  return {
    $schema: SCHEMA,
    title: {
      text: `${sweepMetricLabel(metric)} against ${field}`,
      subtitle: `${points.length} runs (${design}), one seed${intervals ? ", 95% intervals over replications" : ""}${others}${showTrend ? `; line: ${perValue ? "mean per value" : "loess trend"}` : ""}`,
    },
    width: WIDTH,
    height: HEIGHT,
    data: { values: points.map((p) => ({ ...p, x: label(p.x) })) },
    layer: [
      ...(intervals
        ? [
            {
              mark: { type: "rule" as const, color: COLOR, opacity: 0.5 },
              encoding: { x, y: { ...y, field: "lower" }, y2: { field: "upper" } },
            },
          ]
        : []),
      {
        mark: { type: "point" as const, filled: true, color: COLOR, opacity: 0.75 },
        encoding: {
          x,
          y,
          tooltip: [
            { field: "run", type: "quantitative" as const },
            { field: "x", title: field },
            { field: "value", type: "quantitative" as const, format: metricFormat(metric) },
          ],
        },
      },
      ...(showTrend ? [trend] : []),
    ],
    config: CONFIG,
  } as TopLevelSpec;
}

export interface ScreeningPoint {
  field: string;
  muStar: number;
  sigma: number;
}

/**
 * Morris screening of one metric: μ* (importance) against σ (non-linearity or interaction), each
 * field a labelled point; the dashed line σ = μ* separates mostly linear, additive effects (below)
 * from effects that depend on where they are measured (above).
 */
export function screeningChart(
  metric: string,
  rows: readonly ScreeningPoint[],
  trajectories: number,
): TopLevelSpec {
  const top = Math.max(...rows.flatMap((r) => [r.muStar, r.sigma]).filter(Number.isFinite), 0);
  const short = (path: string) => path.split(".").slice(-2).join(".");
  const axisFormat = metricFormat(metric);
  return {
    $schema: SCHEMA,
    title: {
      text: `Morris screening: ${sweepMetricLabel(metric)}`,
      subtitle: `μ*: mean |elementary effect| of moving a field over its whole range; σ: its sd over ${trajectories} trajectories`,
    },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: [{ a: 0 }, { a: top }] },
        mark: { type: "line", color: "#999999", strokeDash: [4, 4] },
        encoding: {
          x: { field: "a", type: "quantitative" },
          y: { field: "a", type: "quantitative" },
        },
      },
      {
        data: { values: rows.map((r) => ({ ...r, label: short(r.field) })) },
        layer: [
          {
            mark: { type: "point", filled: true, color: COLOR },
            encoding: {
              x: {
                field: "muStar",
                type: "quantitative",
                title: "μ* (importance)",
                axis: { format: axisFormat },
              },
              y: {
                field: "sigma",
                type: "quantitative",
                title: "σ (non-linearity, interaction)",
                axis: { format: axisFormat },
              },
              tooltip: [
                { field: "field", type: "nominal" },
                { field: "muStar", type: "quantitative", format: axisFormat },
                { field: "sigma", type: "quantitative", format: axisFormat },
              ],
            },
          },
          {
            mark: { type: "text", align: "left", dx: 5, dy: -5, fontSize: 10 },
            encoding: {
              x: { field: "muStar", type: "quantitative" },
              y: { field: "sigma", type: "quantitative" },
              text: { field: "label" },
            },
          },
        ],
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
}
