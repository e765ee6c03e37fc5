/**
 * What a comparison shows: the side-by-side table (terminal and CSV), charts that overlay the
 * scenarios and rank the differing fields (tornado), and a self-contained HTML page.
 */
import type { TopLevelSpec } from "vega-lite";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import type { Comparison, DiffInterval } from "../sim/experiments/compare.ts";
import {
  comparatorSymbol,
  formatInUnit,
  formatMetricValue,
  HEADLINE_METRICS,
  metricLabel,
  unitOfMetric,
} from "./headline-metrics.ts";
import { escapeHtml, scopeSvgIds } from "./html-report.ts";
import { LABELS, type Lang } from "./labels.ts";
import { formatDecimal } from "./number-format.ts";
import { type CsvValue, toCsv } from "./report-table.ts";
import { displayWidth, terminalSafe } from "./scorecard.ts";

/** The metrics the table leads with: the headline figures, then those the targets score. */
export function comparedMetricPaths(c: Comparison): string[] {
  const present = new Set(c.metrics.map((m) => m.path));
  const paths = [...HEADLINE_METRICS.map((h) => h.key as string), ...c.targets.map((t) => t.metric)];
  return [...new Set(paths)].filter((p) => present.has(p));
}

/** A metric's label in the reader's language, or its path where the dictionary has none. */
const labelOf = (path: string, lang: Lang = "en") =>
  Object.hasOwn(LABELS, `metric.${path}`) ? metricLabel(lang, path) : path;

/** A difference in the metric's unit: fractions in percentage points, signed. */
export function formatDifference(path: string, value: number): string {
  const unit = unitOfMetric(path);
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  if (unit === "fraction") return `${sign}${formatDecimal(Math.abs(value) * 100, 2)} pts`;
  return `${sign}${formatInUnit(Math.abs(value), unit)}`;
}

function formatInterval(path: string, d: DiffInterval | null): string {
  if (!d) return "—";
  const unit = unitOfMetric(path);
  const inUnit = (v: number) =>
    unit === "fraction"
      ? formatDecimal(v * 100, 2)
      : unit === "count"
        ? formatDecimal(v, 0)
        : formatDecimal(v, 3);
  return `[${inUnit(d.lower)}, ${inUnit(d.upper)}]`;
}

/** Half-width of an interval in the metric's unit (percentage points for fractions). */
function halfWidthText(path: string, d: DiffInterval): string {
  const half = (d.upper - d.lower) / 2;
  return unitOfMetric(path) === "fraction"
    ? `±${formatDecimal(half * 100, 2)} pts`
    : `±${formatDecimal(half, 3)}`;
}

/**
 * Why pairing matters, shown once: the grassroots share's difference interval paired by
 * replication against the interval the same runs would give if they were independent.
 */
export function pairingExplanation(c: Comparison, lang: Lang = "en"): string | undefined {
  if (!c.paired || c.inputs.length < 2) return undefined;
  const row = c.metrics.find((m) => m.path === "grassrootsShare") ?? c.metrics[0];
  const { paired, unpaired } = row.versusFirst[0];
  if (!paired) return undefined;
  if (unpaired.upper - unpaired.lower === 0)
    return `The ${labelOf(row.path, lang).toLowerCase()} is the same in every replication of both runs.`;
  if (paired.upper - paired.lower === 0)
    return `Paired by replication (common random numbers): the ${labelOf(row.path, lang).toLowerCase()} differs by the same amount in every replication, so its interval has no width; treated as independent runs it would be ${halfWidthText(row.path, unpaired)}.`;
  const ratio = (unpaired.upper - unpaired.lower) / Math.max(paired.upper - paired.lower, Number.MIN_VALUE);
  return (
    `Paired by replication (common random numbers): the 95% interval of the ${labelOf(row.path, lang).toLowerCase()} ` +
    `difference is ${halfWidthText(row.path, paired)}; treated as independent runs it would be ` +
    `${halfWidthText(row.path, unpaired)} (${formatDecimal(ratio, 1)}× wider).`
  );
}

/** Columns padded to their display width (a CJK character takes two terminal columns). */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i]))));
  const pad = (cell: string, width: number) => " ".repeat(Math.max(0, width - displayWidth(cell)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell + pad(cell, widths[i]) : pad(cell, widths[i]) + cell))
      .join("  ")
      .trimEnd(),
  );
}

/** The comparison as terminal text. */
export function formatComparison(c: Comparison, lang: Lang = "en"): string {
  const labels = c.inputs.map((i) => terminalSafe(i.label));
  const head = [
    "",
    ...labels,
    ...labels.slice(1).map((l) => `Δ ${l}`),
    ...labels.slice(1).map(() => "95% CI"),
  ];
  const rows = comparedMetricPaths(c).map((path) => {
    const m = c.metrics.find((x) => x.path === path);
    if (!m) return [];
    const diffs = m.versusFirst.map((v) => v.paired ?? v.unpaired);
    return [
      labelOf(path, lang),
      ...m.means.map((v) => formatMetricValue(path, v)),
      ...diffs.map((d) => formatDifference(path, d.diff)),
      ...diffs.map((d) => formatInterval(path, d)),
    ];
  });
  const lines = [
    `tiersim compare · ${labels.join(" vs ")} · seed ${c.inputs[0].seed} · ${c.inputs[0].replications} replications · population ${c.inputs[0].population.toLocaleString("en-US")}`,
    "",
    ...table([head, ...rows]).map((l) => `  ${l}`),
    "",
  ];
  const why = pairingExplanation(c, lang);
  if (why) lines.push(why);
  if (c.pairingNote) lines.push(`Note: ${c.pairingNote}.`);
  if (c.targets.length > 0) {
    lines.push("", "Targets (✓ met, ✗ not met):");
    const trows = c.targets.map((t) => [
      `${t.id} (${comparatorSymbol(t.comparator)} ${formatMetricValue(t.metric, t.target)})`,
      ...t.values.map((v, i) => `${t.met[i] ? "✓" : "✗"} ${formatMetricValue(t.metric, v)}`),
    ]);
    lines.push(...table([["", ...labels], ...trows]).map((l) => `  ${l}`));
  }
  for (const t of c.tornado) {
    lines.push(
      "",
      `What moves ${labelOf(t.metric, lang).toLowerCase()} from ${labels[0]} to ${terminalSafe(t.versus)} (${formatDifference(t.metric, t.total.diff)} in all), one field at a time:`,
    );
    lines.push(
      `  ${"alone".padStart(12)}  ${"removed".padStart(12)}  field (alone: added to ${labels[0]}; removed: taken out of ${terminalSafe(t.versus)})`,
    );
    for (const bar of t.bars.slice(0, 10))
      lines.push(
        `  ${formatDifference(t.metric, bar.effect.diff).padStart(12)}  ${(bar.removed ? formatDifference(t.metric, bar.removed.diff) : "—").padStart(12)}  ${bar.field}`,
      );
    if (t.bars.length > 10) lines.push(`  … and ${t.bars.length - 10} more in compare.json`);
    for (const s of t.skipped) lines.push(`  (not run alone: ${s.field}: ${terminalSafe(s.reason)})`);
  }
  return lines.join("\n");
}

/** Every metric of every run, one row per metric and scenario after the first, full precision. */
export function comparisonCsv(c: Comparison): string {
  const rows: CsvValue[][] = [
    [
      "metric",
      "reference",
      "reference_mean",
      "scenario",
      "scenario_mean",
      "difference",
      "paired_lower",
      "paired_upper",
      "unpaired_lower",
      "unpaired_upper",
    ],
  ];
  for (const m of c.metrics)
    m.versusFirst.forEach((v, i) => {
      rows.push([
        m.path,
        c.inputs[0].label,
        m.means[0],
        c.inputs[i + 1].label,
        m.means[i + 1],
        v.unpaired.diff,
        v.paired?.lower ?? null,
        v.paired?.upper ?? null,
        v.unpaired.lower,
        v.unpaired.upper,
      ]);
    });
  return toCsv(rows);
}

export function targetsCsv(c: Comparison): string {
  return toCsv([
    ["target", "metric", "comparator", "target_value", "scenario", "value", "met"],
    ...c.targets.flatMap((t) =>
      t.values.map((v, i) => [t.id, t.metric, t.comparator, t.target, c.inputs[i].label, v, t.met[i]]),
    ),
  ]);
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const config = {
  font: "sans-serif",
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  title: { fontSize: 14, subtitleFontSize: 11, anchor: "start" as const },
};

export interface ComparisonChart {
  name: string;
  title: string;
  spec: TopLevelSpec;
}

/** The monthly grassroots share of every scenario on one chart, with its band over replications. */
export function monthlyOverlayChart(c: Comparison, runs: readonly RunMetrics[]): TopLevelSpec {
  const values = runs.flatMap((m, i) =>
    m.monthly.map((p) => ({
      scenario: c.inputs[i].label,
      date: p.date,
      share: p.grassrootsShare,
      lower: p.grassrootsShareLower ?? p.grassrootsShare,
      upper: p.grassrootsShareUpper ?? p.grassrootsShare,
    })),
  );
  const x = { field: "date", type: "temporal" as const, title: "Month", axis: { format: "%Y-%m" } };
  const color = {
    field: "scenario",
    type: "nominal" as const,
    title: "Scenario",
    sort: c.inputs.map((i) => i.label),
  };
  return {
    $schema: SCHEMA,
    title: {
      text: "Grassroots share of visits by month",
      subtitle: "line: mean over replications; band: its 95% interval",
    },
    width: 640,
    height: 260,
    config,
    data: { values },
    transform: [{ calculate: "toDate(datum.date + '-01T00:00:00Z')", as: "date" }],
    layer: [
      {
        mark: { type: "area", opacity: 0.2 },
        encoding: { x, y: { field: "lower", type: "quantitative" }, y2: { field: "upper" }, color },
      },
      {
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x,
          y: {
            field: "share",
            type: "quantitative",
            title: "Grassroots share",
            axis: { format: ".0%" },
            scale: { zero: false },
          },
          color,
        },
      },
    ],
  } as TopLevelSpec;
}

/** Each headline metric's difference from the first scenario with its interval, as a dot plot. */
export function differenceChart(c: Comparison, lang: Lang = "en"): TopLevelSpec {
  const values = comparedMetricPaths(c)
    .filter((p) => unitOfMetric(p) === "fraction")
    .flatMap((path) => {
      const m = c.metrics.find((x) => x.path === path);
      if (!m) return [];
      return m.versusFirst.map((v, i) => {
        const d = v.paired ?? v.unpaired;
        return {
          metric: labelOf(path, lang),
          scenario: c.inputs[i + 1].label,
          diff: d.diff * 100,
          lower: d.lower * 100,
          upper: d.upper * 100,
        };
      });
    });
  const y = { field: "metric", type: "nominal" as const, title: null, sort: null };
  const color = { field: "scenario", type: "nominal" as const, title: "Scenario" };
  return {
    $schema: SCHEMA,
    title: {
      text: `Difference from ${c.inputs[0].label}, percentage points`,
      subtitle: c.paired
        ? "95% intervals paired by replication (common random numbers)"
        : "95% intervals (unpaired)",
    },
    width: 520,
    config,
    data: { values },
    layer: [
      { mark: { type: "rule", color: "#888" }, encoding: { x: { datum: 0 } } },
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          y,
          yOffset: { field: "scenario" },
          x: { field: "lower", type: "quantitative", title: "Difference (pts)" },
          x2: { field: "upper" },
          color,
        },
      },
      {
        mark: { type: "point", filled: true, size: 50 },
        encoding: { y, yOffset: { field: "scenario" }, x: { field: "diff", type: "quantitative" }, color },
      },
    ],
  } as TopLevelSpec;
}

/**
 * Fields that differ, ranked by effect (paired, with 95% intervals): each field added alone to
 * the first scenario, and removed alone from the second. The two differ where fields interact.
 */
export function tornadoChart(
  t: Comparison["tornado"][number],
  reference: string,
  lang: Lang = "en",
): TopLevelSpec {
  const scale = unitOfMetric(t.metric) === "fraction" ? 100 : 1;
  const alone = `added alone to ${reference}`;
  const removed = `removed alone from ${t.versus}`;
  const values = t.bars.flatMap((b, rank) => [
    {
      field: b.field,
      rank,
      how: alone,
      effect: b.effect.diff * scale,
      lower: b.effect.lower * scale,
      upper: b.effect.upper * scale,
    },
    ...(b.removed
      ? [
          {
            field: b.field,
            rank,
            how: removed,
            effect: b.removed.diff * scale,
            lower: b.removed.lower * scale,
            upper: b.removed.upper * scale,
          },
        ]
      : []),
  ]);
  const unit = scale === 100 ? " (pts)" : "";
  const y = {
    field: "field",
    type: "nominal" as const,
    title: null,
    sort: { field: "rank", op: "min" as const, order: "ascending" as const },
    axis: { labelLimit: 1000 },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: `What moves ${labelOf(t.metric, lang).toLowerCase()}: ${reference} → ${t.versus}`,
      subtitle: `each differing field on its own, with its 95% interval; all together: ${formatDifference(t.metric, t.total.diff)}`,
    },
    width: 480,
    config,
    data: { values },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          y,
          yOffset: { field: "how", sort: [alone, removed] },
          x: { field: "effect", type: "quantitative", title: `Effect${unit}` },
          color: {
            field: "how",
            type: "nominal",
            title: null,
            scale: { domain: [alone, removed], range: ["#4c78a8", "#f58518"] },
          },
        },
      },
      {
        mark: { type: "rule", color: "#333" },
        encoding: {
          y,
          yOffset: { field: "how", sort: [alone, removed] },
          x: { field: "lower", type: "quantitative" },
          x2: { field: "upper" },
        },
      },
      { mark: { type: "rule", color: "#888" }, encoding: { x: { datum: 0 } } },
    ],
  } as TopLevelSpec;
}

export function comparisonCharts(
  c: Comparison,
  runs: readonly RunMetrics[],
  lang: Lang = "en",
): ComparisonChart[] {
  const charts: ComparisonChart[] = [
    {
      name: "compare-monthly-grassroots-share",
      title: "Grassroots share by month",
      spec: monthlyOverlayChart(c, runs),
    },
    { name: "compare-differences", title: "Differences from the reference", spec: differenceChart(c, lang) },
  ];
  c.tornado.forEach((t, i) => {
    if (t.bars.length > 0)
      charts.push({
        name: `tornado-${i + 1}`,
        title: `Tornado: ${t.versus}`,
        spec: tornadoChart(t, c.inputs[0].label),
      });
  });
  return charts;
}

/** One self-contained page: the table, the targets, the charts inline, how to read them. */
export function comparisonHtml(
  c: Comparison,
  charts: readonly { name: string; title: string; svg: string }[],
  lang: Lang = "en",
): string {
  const labels = c.inputs.map((i) => escapeHtml(i.label));
  const th = (s: string) => `<th>${s}</th>`;
  const td = (s: string, cls = "") => `<td${cls ? ` class="${cls}"` : ""}>${s}</td>`;
  const metricRows = comparedMetricPaths(c)
    .map((path) => {
      const m = c.metrics.find((x) => x.path === path);
      if (!m) return "";
      const cells = m.versusFirst.flatMap((v) => [
        td(escapeHtml(formatDifference(path, (v.paired ?? v.unpaired).diff)), "num"),
        td(escapeHtml(formatInterval(path, v.paired)), "num"),
        td(escapeHtml(formatInterval(path, v.unpaired)), "num"),
      ]);
      return `<tr>${td(escapeHtml(labelOf(path, lang)))}${m.means.map((v) => td(escapeHtml(formatMetricValue(path, v)), "num")).join("")}${cells.join("")}</tr>`;
    })
    .join("\n");
  const diffHeads = labels
    .slice(1)
    .flatMap((l) => [th(`Δ ${l}`), th("paired 95% CI"), th("unpaired 95% CI")]);
  const targetRows = c.targets
    .map(
      (t) =>
        `<tr>${td(escapeHtml(t.description))}${td(escapeHtml(t.source))}${t.values
          .map((v, i) =>
            td(
              `${t.met[i] ? "✓" : "✗"} ${escapeHtml(formatMetricValue(t.metric, v))}`,
              t.met[i] ? "met" : "unmet",
            ),
          )
          .join("")}</tr>`,
    )
    .join("\n");
  const why = pairingExplanation(c, lang);
  const inputsList = c.inputs
    .map(
      (i) =>
        `<li><b>${escapeHtml(i.label)}</b>: ${escapeHtml(i.kind)} <code>${escapeHtml(i.source)}</code></li>`,
    )
    .join("");
  return `<!doctype html>
<html lang="${lang === "zh" ? "zh-CN" : "en"}">
<head>
<meta charset="utf-8">
<title>tiersim comparison: ${labels.join(" vs ")}</title>
<style>
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.met { color: #1a7f37; } td.unmet { color: #c62828; }
figure { margin: 1.5em 0; }
</style>
</head>
<body>
<h1>Comparison: ${labels.join(" vs ")}</h1>
<ul>${inputsList}</ul>
<p>Seed ${c.inputs[0].seed}, ${c.inputs[0].replications} replications, ${c.inputs[0].population.toLocaleString("en-US")} residents simulated, ${c.inputs[0].startYear}–${c.inputs[0].startYear + c.inputs[0].years - 1}; values are the last year's means over replications.</p>
${why ? `<p>${escapeHtml(why)}</p>` : ""}${c.pairingNote ? `<p><b>Note:</b> ${escapeHtml(c.pairingNote)}.</p>` : ""}
<h2>Metrics</h2>
<table><thead><tr>${th("Metric")}${labels.map(th).join("")}${diffHeads.join("")}</tr></thead>
<tbody>
${metricRows}
</tbody></table>
<p>Every metric is in <code>comparison.csv</code> and <code>compare.json</code>.</p>
${c.targets.length > 0 ? `<h2>Targets</h2>\n<table><thead><tr>${th("Target")}${th("Source")}${labels.map(th).join("")}</tr></thead><tbody>\n${targetRows}\n</tbody></table>` : ""}
<h2>Charts</h2>
${charts.map((ch) => `<figure id="${ch.name}"><figcaption>${escapeHtml(ch.title)}</figcaption>${scopeSvgIds(ch.svg, ch.name)}</figure>`).join("\n")}
</body>
</html>
`;
}
