/**
 * One self-contained HTML page per run: no scripts, no external fonts, styles or images, charts
 * inlined as SVG, so the file opens offline and can be mailed as it is. Every string that comes
 * from the scenario or the metrics goes through `escapeHtml`; every label comes from labels.ts,
 * in English or Chinese.
 */

import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import type { ChartSection } from "./charts.ts";
import {
  HEADLINE_METRICS,
  metricDefinition,
  metricLabel,
  SUPPLEMENTARY_METRICS,
} from "./headline-metrics.ts";
import { escapeHtml } from "./html-escape.ts";
import { type LabelKey, type Lang, t, tHtml } from "./labels.ts";
import { formatCount, formatDecimal, formatPercent } from "./number-format.ts";
import { type ReportTable, tableHtml } from "./report-table.ts";
import {
  capacityTable,
  checksTable,
  contractsByYearTable,
  contractsTable,
  costsTable,
  episodeKindsTable,
  episodeOutcomesTable,
  firstContactTable,
  headlineTable,
  POPULATION_Z_LIMIT,
  populationTable,
  referralsByTierTable,
  referralsByYearTable,
  referralsTable,
  schemesTable,
  supplyTable,
  targetsTable,
  tiersTable,
  timelineTable,
} from "./report-tables.ts";
import { hasSeveralYears } from "./year-charts.ts";

export { escapeHtml } from "./html-escape.ts";

export interface RenderedChart {
  /** Lower-case letters, digits and dashes; used as the figure's id and to scope SVG ids. */
  name: string;
  title: string;
  /** An SVG document from `renderSvg`: trusted markup, inlined as it is apart from its ids. */
  svg: string;
  /** The report section it belongs to; without one it goes to a "Charts" section at the end. */
  section?: ChartSection;
}

export interface HtmlReportOptions {
  /** Language of every label; scenario text is shown as written. Default English. */
  lang?: Lang;
}

/** The value of `<html lang>` (and of `lang` on Chinese terms in an English page). */
const HTML_LANG: Record<Lang, string> = { en: "en", zh: "zh-CN" };

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
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Microsoft YaHei",
    "Noto Sans CJK SC", sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem;
    color: #1f2328; line-height: 1.45; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; }
  h3 { font-size: 1.05rem; margin-top: 1.4rem; }
  .description { color: #57606a; margin-top: 0; }
  nav ol { columns: 2; font-size: 0.92rem; }
  p.note { color: #57606a; font-size: 0.92rem; max-width: 60rem; }
  :lang(zh-CN) em { font-style: normal; font-weight: 600; }
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

/** A short paragraph saying what the table after it shows and how its figures are defined. */
function note(html: string): string {
  return `<p class="note">${html}</p>`;
}

function paragraph(html: string): string {
  return `<p>${html}</p>`;
}

function factList(facts: readonly [term: string, valueHtml: string][]): string {
  const items = facts.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join("\n");
  return `<dl class="facts">\n${items}\n</dl>`;
}

function runFacts(m: RunMetrics, lang: Lang): string {
  const lastYear = m.startYear + m.years - 1;
  return factList([
    [t(lang, "report.fact.scenario"), escapeHtml(m.scenario.name)],
    [t(lang, "report.fact.seed"), escapeHtml(String(m.seed))],
    [t(lang, "report.fact.population"), formatCount(m.population)],
    [t(lang, "report.fact.years"), `${formatCount(m.years)} (${m.startYear}–${lastYear})`],
    [t(lang, "report.fact.startYear"), escapeHtml(String(m.startYear))],
    [t(lang, "report.fact.replications"), formatCount(m.replications)],
    [
      t(lang, "report.fact.summaryYear"),
      tHtml(lang, "report.fact.summaryYearValue", { label: m.summary.label, year: m.summary.year }),
    ],
    [t(lang, "report.fact.version"), escapeHtml(m.tiersim)],
  ]);
}

/** A supply ratio or scale factor: whole numbers as counts, others with two decimals. */
function formatRatio(value: number): string {
  return Number.isInteger(value) ? formatCount(value) : formatDecimal(value, 2);
}

function regionFacts(m: RunMetrics, lang: Lang): string {
  const { region } = m;
  return factList([
    [t(lang, "report.region.realPopulation"), formatCount(region.population)],
    [t(lang, "report.region.simulated"), formatCount(m.population)],
    [t(lang, "report.region.scale"), formatRatio(region.residentsPerSimulated)],
    [t(lang, "report.region.gps"), formatDecimal(region.gpsPer10k, 2)],
    [t(lang, "report.region.noGp"), formatCount(region.townshipCentresWithoutGp)],
  ]);
}

function chartFigures(charts: readonly RenderedChart[]): string {
  return charts
    .map((chart) => {
      const id = `chart-${chart.name}`;
      // The chart carries its own visible title; the label names the figure for screen readers.
      return `<figure id="${escapeHtml(id)}" aria-label="${escapeHtml(chart.title)}">\n${scopeSvgIds(chart.svg, id)}\n</figure>`;
    })
    .join("\n");
}

function definitions(m: RunMetrics, lang: Lang): string {
  const metrics: [string, string][] = [...HEADLINE_METRICS, ...SUPPLEMENTARY_METRICS].map((metric) => {
    const label = metricLabel(lang, metric.key);
    const term = lang === "en" && metric.zh ? `${label} (${metric.zh})` : label;
    return [escapeHtml(term), escapeHtml(metricDefinition(lang, metric.key))];
  });
  const general: [string, string][] = [
    [tHtml(lang, "report.definition.visits"), tHtml(lang, "report.definition.visitsText")],
    [
      tHtml(lang, "report.definition.simulated"),
      tHtml(lang, "report.definition.simulatedText", {
        replications: formatCount(m.replications),
        year: m.summary.label,
      }),
    ],
    [tHtml(lang, "report.definition.interval"), tHtml(lang, "report.definition.intervalText")],
    [tHtml(lang, "report.definition.met"), tHtml(lang, "report.definition.metText")],
  ];
  const items = [...metrics, ...general].map(([term, text]) => `<dt>${term}</dt>\n<dd>${text}</dd>`);
  return `<dl class="definitions">\n${items.join("\n")}\n</dl>`;
}

interface Section {
  id: string;
  title: string;
  body: string[];
}

/** The report's sections in order; a section's charts follow its tables. */
function sections(m: RunMetrics, lang: Lang, charts: readonly RenderedChart[]): Section[] {
  const s = m.summary;
  const year = s.label;
  const chartsOf = (section: ChartSection) =>
    chartFigures(charts.filter((chart) => chart.section === section));
  const table = (built: ReportTable) => tableHtml(built);
  const title = (key: LabelKey, params = {}) => t(lang, key, params);

  const targets = m.targets.length
    ? [
        paragraph(
          tHtml(lang, "report.targets.count", {
            met: m.targets.filter((target) => target.met).length,
            total: m.targets.length,
          }),
        ),
        table(targetsTable(m, lang)),
      ]
    : [paragraph(tHtml(lang, "report.targets.none"))];
  const checks = m.checks.length
    ? [
        paragraph(
          tHtml(lang, "report.checks.count", {
            passed: m.checks.filter((c) => c.pass).length,
            total: m.checks.length,
          }),
        ),
        table(checksTable(m, lang)),
      ]
    : [paragraph(tHtml(lang, "report.checks.none"))];
  const population = m.populationChecks.length
    ? [
        paragraph(
          tHtml(lang, "report.population.count", {
            within: m.populationChecks.filter((r) => Math.abs(r.z) < POPULATION_Z_LIMIT).length,
            total: m.populationChecks.length,
          }),
        ),
        `<details><summary>${tHtml(lang, "report.population.all")}</summary>\n${table(populationTable(m, lang))}\n</details>`,
      ]
    : [paragraph(tHtml(lang, "report.population.none"))];
  const firstContact = firstContactTable(m, lang);
  const severalYears = hasSeveralYears(m);

  const list: Section[] = [
    { id: "run", title: title("report.run"), body: [runFacts(m, lang)] },
    { id: "targets", title: title("report.targets"), body: [...targets, chartsOf("targets")] },
  ];
  if (m.timeline && m.timeline.length > 0) {
    list.push({
      id: "timeline",
      title: title("report.timeline"),
      body: [paragraph(tHtml(lang, "report.timeline.note")), table(timelineTable(m, lang))],
    });
  }
  list.push(
    { id: "checks", title: title("report.checks"), body: checks },
    {
      id: "region",
      title: title("report.region"),
      body: [note(tHtml(lang, "report.region.note")), regionFacts(m, lang), table(supplyTable(m, lang))],
    },
    { id: "population", title: title("report.population"), body: population },
    {
      id: "summary",
      title: title("report.summary", { year }),
      body: [
        note(tHtml(lang, "report.summary.note", { replications: formatCount(m.replications), year })),
        table(headlineTable(m, lang)),
        chartsOf("summary"),
      ],
    },
    { id: "visits", title: title("report.visits"), body: [table(tiersTable(m, lang)), chartsOf("visits")] },
    {
      id: "first-contact",
      title: title("report.firstContact"),
      body:
        firstContact.rows.length > 0
          ? [
              note(tHtml(lang, "report.firstContact.note", { year })),
              table(firstContact),
              chartsOf("first-contact"),
            ]
          : [paragraph(tHtml(lang, "report.firstContact.none"))],
    },
    {
      id: "capacity",
      title: title("report.capacity"),
      body: [
        note(tHtml(lang, "report.capacity.note", { year })),
        table(capacityTable(m, lang)),
        chartsOf("capacity"),
      ],
    },
    {
      id: "costs",
      title: title("report.costs"),
      body: [
        note(
          tHtml(lang, "report.costs.note", {
            year,
            oopShare: formatPercent(s.outOfPocketShare),
            fundSpending: formatCount(s.fundSpendingRegion),
          }),
        ),
        table(costsTable(m, lang)),
        paragraph(tHtml(lang, "report.costs.schemes")),
        table(schemesTable(m, lang)),
        chartsOf("costs"),
      ],
    },
    {
      id: "contracts",
      title: title("report.contracts"),
      body: [
        note(tHtml(lang, "report.contracts.note", { year })),
        table(contractsTable(m, lang)),
        ...(severalYears
          ? [`<h3>${tHtml(lang, "report.contracts.byYear")}</h3>`, table(contractsByYearTable(m, lang))]
          : []),
        chartsOf("contracts"),
      ],
    },
    {
      id: "referrals",
      title: title("report.referrals"),
      body: [
        note(tHtml(lang, "report.referrals.note", { year })),
        table(referralsTable(m, lang)),
        table(referralsByTierTable(m, lang)),
        ...(severalYears
          ? [`<h3>${tHtml(lang, "report.referrals.byYear")}</h3>`, table(referralsByYearTable(m, lang))]
          : []),
        chartsOf("referrals"),
      ],
    },
    {
      id: "episodes",
      title: title("report.episodes"),
      body: [
        paragraph(tHtml(lang, "report.episodes.started", { started: formatCount(s.episodes.started) })),
        table(episodeOutcomesTable(m, lang)),
        table(episodeKindsTable(m, lang)),
      ],
    },
  );
  const known = new Set(list.map((section) => section.id));
  const elsewhere = charts.filter((chart) => chart.section === undefined || !known.has(chart.section));
  if (elsewhere.length > 0) {
    list.push({ id: "charts", title: title("report.charts"), body: [chartFigures(elsewhere)] });
  }
  list.push({ id: "definitions", title: title("report.definitions"), body: [definitions(m, lang)] });
  return list;
}

/**
 * The whole report as one HTML document, its labels in `options.lang`. `charts` must come from
 * `renderSvg` (trusted SVG); each is shown in its section.
 */
export function buildHtmlReport(
  m: RunMetrics,
  charts: readonly RenderedChart[],
  options: HtmlReportOptions = {},
): string {
  const lang = options.lang ?? "en";
  const title = tHtml(lang, "report.title", { name: m.scenario.name });
  const parts = sections(m, lang, charts);
  const contents = parts
    .map((section) => `<li><a href="#${section.id}">${escapeHtml(section.title)}</a></li>`)
    .join("\n");
  const body = parts
    .map(
      (section) =>
        `<section id="${section.id}">\n<h2>${escapeHtml(section.title)}</h2>\n${section.body.filter(Boolean).join("\n")}\n</section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="${HTML_LANG[lang]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="description">${escapeHtml(m.scenario.description)}</p>
<nav aria-label="${escapeHtml(t(lang, "report.contents"))}">
<h2>${escapeHtml(t(lang, "report.contents"))}</h2>
<ol>
${contents}
</ol>
</nav>
</header>
${body}
<footer>${tHtml(lang, "report.footer", { version: m.tiersim })}</footer>
</body>
</html>
`;
}
