/**
 * One self-contained HTML page per run: no scripts, no external fonts, styles or images, charts
 * inlined as SVG, so the file opens offline and can be mailed as it is. Every string that comes
 * from the scenario or the metrics goes through `escapeHtml`.
 */
import { comparatorSymbol, formatMetricValue, HEADLINE_METRICS } from "./headline-metrics.ts";
import { type ByTier, type RunMetrics, type Spread, TIERS } from "./metrics-schema.ts";
import { formatCount, formatDecimal, formatPercent } from "./number-format.ts";
import { TIER_LABELS } from "./tier-labels.ts";

export interface RenderedChart {
  /** Lower-case letters, digits and dashes; used as the figure's id and to scope SVG ids. */
  name: string;
  title: string;
  /** An SVG document from `renderSvg`: trusted markup, inlined as it is apart from its ids. */
  svg: string;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for use in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/**
 * Prefixes the ids an SVG defines (vega's clip paths and gradients, numbered from 1 in every
 * chart) and the references to them, so several SVGs inlined in one page cannot pick up each
 * other's clip paths. Only markup inside tags is touched, never text content.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg.replace(/<[^>]*>/g, (tag) =>
    tag
      .replace(/(\s)id="([^"]*)"/g, `$1id="${prefix}-$2"`)
      .replace(/url\(#([^)]*)\)/g, `url(#${prefix}-$1)`)
      .replace(/(\s(?:xlink:)?href)="#([^"]*)"/g, `$1="#${prefix}-$2"`),
  );
}

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
    max-width: 1100px; padding: 0 1rem; color: #1f2328; line-height: 1.45; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; }
  .description { color: #57606a; margin-top: 0; }
  table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.92rem; }
  th, td { border-bottom: 1px solid #d0d7de; padding: 0.3rem 0.7rem; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  td.met { color: #1a7f37; font-weight: bold; text-align: center; }
  td.not-met { color: #c62828; font-weight: bold; text-align: center; }
  tr.total td { font-weight: bold; }
  dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1.2rem; }
  dl.facts dt { color: #57606a; }
  dl.facts dd { margin: 0; }
  dl.definitions dt { font-weight: bold; margin-top: 0.6rem; }
  dl.definitions dd { margin-left: 1.2rem; }
  figure { margin: 1.2rem 0 2rem; }
  figure svg { max-width: 100%; height: auto; }
  footer { margin-top: 3rem; color: #57606a; font-size: 0.85rem; }
`;

/** A table cell holding already-escaped HTML. */
interface Cell {
  html: string;
  className?: string;
}

function cell(html: string, className?: string): Cell {
  return { html, className };
}

function classAttribute(className: string | undefined): string {
  return className ? ` class="${className}"` : "";
}

function row(cells: readonly Cell[], tag: "td" | "th" = "td", className?: string): string {
  const rendered = cells.map(({ html, className }) => `<${tag}${classAttribute(className)}>${html}</${tag}>`);
  return `<tr${classAttribute(className)}>${rendered.join("")}</tr>`;
}

function table(className: string, header: readonly Cell[], rows: readonly string[]): string {
  return [
    `<table class="${className}">`,
    `<thead>${row(header, "th")}</thead>`,
    "<tbody>",
    ...rows,
    "</tbody>",
    "</table>",
  ].join("\n");
}

function spreadText(spread: Spread | undefined, metric: string): string {
  if (!spread) return "";
  const format = (value: number) => formatMetricValue(metric, value);
  return `sd ${format(spread.sd)}; range ${format(spread.min)} – ${format(spread.max)}`;
}

function runFacts(m: RunMetrics): string {
  const lastYear = m.startYear + m.years - 1;
  const facts: [string, string][] = [
    ["Scenario", escapeHtml(m.scenario.name)],
    ["Seed", escapeHtml(String(m.seed))],
    ["Population", formatCount(m.population)],
    ["Years simulated", `${formatCount(m.years)} (${m.startYear}–${lastYear})`],
    ["Start year", escapeHtml(String(m.startYear))],
    ["Replications", formatCount(m.replications)],
    ["Summary year", `${escapeHtml(m.summary.label)} (year ${m.summary.year} of the run)`],
    ["tiersim version", escapeHtml(m.tiersim)],
  ];
  const items = facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join("\n");
  return `<dl class="facts">\n${items}\n</dl>`;
}

/** ✓ or ✗ with a tooltip, classed "met" or "not-met". */
function statusCell(ok: boolean, yes: string, no: string): Cell {
  return ok ? cell(`<span title="${yes}">✓</span>`, "met") : cell(`<span title="${no}">✗</span>`, "not-met");
}

function scorecardTable(m: RunMetrics): string {
  if (m.targets.length === 0) return "<p>No targets are scored for this scenario.</p>";
  const met = m.targets.filter((target) => target.met).length;
  const header = [
    cell("Id"),
    cell("Description"),
    cell("Source"),
    cell("Simulated", "num"),
    cell("Target", "num"),
    cell("Met"),
  ];
  const rows = m.targets.map((target) =>
    row([
      cell(`<code>${escapeHtml(target.id)}</code>`),
      cell(escapeHtml(target.description)),
      cell(escapeHtml(target.source)),
      cell(formatMetricValue(target.metric, target.value), "num"),
      cell(
        `${comparatorSymbol(target.comparator)} ${formatMetricValue(target.metric, target.target)}`,
        "num",
      ),
      statusCell(target.met, "met", "not met"),
    ]),
  );
  return `<p>${met} of ${m.targets.length} targets met.</p>\n${table("scorecard", header, rows)}`;
}

function checksTable(m: RunMetrics): string {
  if (m.checks.length === 0) return "<p>No calibration checks for this scenario.</p>";
  const passed = m.checks.filter((c) => c.pass).length;
  const header = [
    cell("Id"),
    cell("Reported outcome"),
    cell("Source"),
    cell("Simulated", "num"),
    cell("Band", "num"),
    cell("Within"),
  ];
  const rows = m.checks.map((c) =>
    row([
      cell(`<code>${escapeHtml(c.id)}</code>`),
      cell(escapeHtml(c.description)),
      cell(escapeHtml(c.source)),
      cell(formatMetricValue(c.metric, c.value), "num"),
      cell(`${formatMetricValue(c.metric, c.low)} – ${formatMetricValue(c.metric, c.high)}`, "num"),
      statusCell(c.pass, "within the band", "outside the band"),
    ]),
  );
  return `<p>${passed} of ${m.checks.length} reported outcomes reproduced within their band.</p>\n${table("checks", header, rows)}`;
}

function populationTable(m: RunMetrics): string {
  const rows = m.populationChecks;
  if (rows.length === 0) return "<p>No population checks.</p>";
  const within = rows.filter((r) => Math.abs(r.z) < 4).length;
  const header = [
    cell("Check"),
    cell("Generated", "num"),
    cell("Expected from the inputs", "num"),
    cell("z", "num"),
    cell("Within 4 SD"),
  ];
  const body = rows.map((r) =>
    row([
      cell(escapeHtml(r.check)),
      cell(formatCount(r.observed), "num"),
      cell(formatDecimal(r.expected, 1), "num"),
      cell(formatDecimal(r.z, 2), "num"),
      Math.abs(r.z) < 4 ? cell("✓", "met") : cell("✗", "not-met"),
    ]),
  );
  return `<p>${within} of ${rows.length} counts of the synthetic population lie within 4 standard deviations of what its input shares imply.</p>\n<details><summary>All population checks</summary>\n${table("population", header, body)}\n</details>`;
}

function headlineTable(m: RunMetrics): string {
  const header = [cell("Metric"), cell("Value", "num"), cell("Spread over replications")];
  const rows = HEADLINE_METRICS.map((metric) => {
    const zh = metric.zh ? ` <span lang="zh">${metric.zh}</span>` : "";
    return row([
      cell(`${metric.label}${zh}`),
      cell(formatMetricValue(metric.key, m.summary[metric.key] as number), "num"),
      cell(spreadText(m.summary.spread[metric.key], metric.key)),
    ]);
  });
  return table("headline", header, rows);
}

function tierTable(m: RunMetrics): string {
  const { summary } = m;
  const share = (visits: number) =>
    formatPercent(summary.totalVisits > 0 ? visits / summary.totalVisits : Number.NaN);
  const sumOverTiers = (byTier: ByTier) => TIERS.reduce((sum, tier) => sum + byTier[tier], 0);
  const header = [
    cell("Tier"),
    cell("Visits", "num"),
    cell("Share of visits", "num"),
    cell("Admissions", "num"),
    cell("Mean outpatient wait (days)", "num"),
  ];
  const rows = TIERS.map((tier) =>
    row([
      cell(TIER_LABELS[tier]),
      cell(formatCount(summary.visitsByTier[tier]), "num"),
      cell(share(summary.visitsByTier[tier]), "num"),
      cell(formatCount(summary.admissionsByTier[tier]), "num"),
      cell(formatDecimal(summary.meanOutpatientWaitDaysByTier[tier], 2), "num"),
    ]),
  );
  const total = row(
    [
      cell("All tiers"),
      cell(formatCount(summary.totalVisits), "num"),
      cell(share(summary.totalVisits), "num"),
      cell(formatCount(sumOverTiers(summary.admissionsByTier)), "num"),
      cell(""),
    ],
    "td",
    "total",
  );
  return table("tiers", header, [...rows, total]);
}

/** Counts keyed by names from the model (outcomes, episode kinds), with their share of a total. */
function countTable(caption: string, counts: Record<string, number>, total: number): string {
  const header = [cell(caption), cell("Count", "num"), cell("Share", "num")];
  const rows = Object.entries(counts).map(([name, count]) =>
    row([
      cell(escapeHtml(name)),
      cell(formatCount(count), "num"),
      cell(formatPercent(total > 0 ? count / total : Number.NaN), "num"),
    ]),
  );
  return table("counts", header, rows);
}

function episodesSection(m: RunMetrics): string {
  const { episodes } = m.summary;
  return [
    `<p>Episodes started: ${formatCount(episodes.started)}. Shares are of episodes started.</p>`,
    countTable("Outcome", episodes.byOutcome, episodes.started),
    countTable("Episode kind", episodes.byKind, episodes.started),
  ].join("\n");
}

function chartFigures(charts: readonly RenderedChart[]): string {
  if (charts.length === 0) return "<p>No charts.</p>";
  return charts
    .map((chart) => {
      const id = `chart-${chart.name}`;
      // The chart carries its own visible title; the label names the figure for screen readers.
      return `<figure id="${escapeHtml(id)}" aria-label="${escapeHtml(chart.title)}">\n${scopeSvgIds(chart.svg, id)}\n</figure>`;
    })
    .join("\n");
}

function definitions(m: RunMetrics): string {
  const general: [string, string][] = [
    [
      "Visits",
      "Outpatient visits plus inpatient admissions, counted at the tier where they happen: village clinic, township health centre, county hospital, tertiary hospital, or out of region.",
    ],
    [
      "Simulated values",
      `Means over ${formatCount(m.replications)} replications of the summary year (${escapeHtml(m.summary.label)}); the spread column gives their standard deviation and range.`,
    ],
    [
      "Target met",
      "The simulated mean compared with the target by the target's comparator (≥ or ≤). Each scenario is scored against the targets of its own source.",
    ],
  ];
  const headline: [string, string][] = HEADLINE_METRICS.map((metric) => [
    metric.zh ? `${metric.label} (${metric.zh})` : metric.label,
    metric.definition,
  ]);
  const items = [...headline, ...general].map(([term, text]) => `<dt>${term}</dt>\n<dd>${text}</dd>`);
  return `<dl class="definitions">\n${items.join("\n")}\n</dl>`;
}

/** The whole report as one HTML document. `charts` must come from `renderSvg` (trusted SVG). */
export function buildHtmlReport(m: RunMetrics, charts: readonly RenderedChart[]): string {
  const name = escapeHtml(m.scenario.name);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tiersim report: ${name}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>tiersim report: ${name}</h1>
<p class="description">${escapeHtml(m.scenario.description)}</p>
</header>
<section id="run">
<h2>Run</h2>
${runFacts(m)}
</section>
<section id="targets">
<h2>Targets</h2>
${scorecardTable(m)}
</section>
<section id="checks">
<h2>Calibration checks</h2>
${checksTable(m)}
</section>
<section id="population">
<h2>Synthetic population</h2>
${populationTable(m)}
</section>
<section id="summary">
<h2>Summary, ${escapeHtml(m.summary.label)}</h2>
${headlineTable(m)}
<h3>Visits by tier</h3>
${tierTable(m)}
<h3>Episodes</h3>
${episodesSection(m)}
</section>
<section id="charts">
<h2>Charts</h2>
${chartFigures(charts)}
</section>
<section id="definitions">
<h2>Definitions</h2>
${definitions(m)}
</section>
<footer>Generated by tiersim ${escapeHtml(m.tiersim)} from metrics.json; every figure is reproducible from the scenario and seed.</footer>
</body>
</html>
`;
}
