/**
 * One self-contained HTML page per run: no scripts, no external fonts, styles or images, charts
 * inlined as SVG, so the file opens offline and can be mailed as it is. Every string that comes
 * from the scenario or the metrics goes through `escapeHtml`.
 */

import {
  type ByTier,
  type RunMetrics,
  type Spread,
  TIERS,
  type Tier,
} from "../models/outcomes/metrics-schema.ts";
import {
  comparatorSymbol,
  formatMetricValue,
  HEADLINE_METRICS,
  SUPPLEMENTARY_METRICS,
} from "./headline-metrics.ts";
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
  p.note { color: #57606a; font-size: 0.92rem; max-width: 60rem; }
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

/** The dated policy changes of the run, when the scenario has a timeline. */
function timelineSection(m: RunMetrics): string {
  if (!m.timeline || m.timeline.length === 0) return "";
  const rows = m.timeline.map((c) =>
    row([
      cell(escapeHtml(c.date)),
      cell(escapeHtml(c.note)),
      cell(c.fields.map((f) => `<code>${escapeHtml(f)}</code>`).join(", ")),
    ]),
  );
  return `<section id="timeline">
<h2>Policy timeline</h2>
<p>Dated changes of the scenario: each holds from its date on (marked on the tier-share chart).</p>
${table("timeline", [cell("Date"), cell("Change"), cell("Fields")], rows)}
</section>`;
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
  const rows = [...HEADLINE_METRICS, ...SUPPLEMENTARY_METRICS].map((metric) => {
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

/** The tiers inside the region: the ones with doctors (and, from township up, beds) of their own. */
const REGION_TIERS = ["village", "township", "county", "tertiary"] as const satisfies readonly Tier[];

/** A short paragraph saying what the table after it shows and how its figures are defined. */
function note(html: string): string {
  return `<p class="note">${html}</p>`;
}

function firstContactTable(m: RunMetrics): string {
  const { firstContactByKind, capableFirstContactByKind } = m.summary;
  const kinds = [...new Set([...Object.keys(firstContactByKind), ...Object.keys(capableFirstContactByKind)])];
  if (kinds.length === 0) return "<p>No first contacts were recorded.</p>";
  const header = [
    cell("Episode kind"),
    ...TIERS.map((tier) => cell(TIER_LABELS[tier], "num")),
    cell("Not seeking care", "num"),
    cell("First contact able to treat", "num"),
  ];
  const rows = kinds.map((kind) => {
    const shares = firstContactByKind[kind];
    return row([
      cell(escapeHtml(kind)),
      ...TIERS.map((tier) => cell(formatPercent(shares?.[tier] ?? Number.NaN), "num")),
      cell(formatPercent(shares?.optOut ?? Number.NaN), "num"),
      cell(formatPercent(capableFirstContactByKind[kind] ?? Number.NaN), "num"),
    ]);
  });
  return [
    note(
      `Where each kind of episode first sought care in ${escapeHtml(m.summary.label)}: the share of the year's first contacts made at each tier, and the share of episodes whose patient did not seek care at all (each row sums to 100%). <em>First contact able to treat</em>: the share of first contacts, episodes not seeking care aside, made at a facility able to treat the episode (its capability meets the episode's need).`,
    ),
    table("first-contact", header, rows),
  ].join("\n");
}

function capacityTable(m: RunMetrics): string {
  const { summary } = m;
  const perDoctorDay: Partial<Record<Tier, number>> = summary.visitsPerDoctorDayByTier;
  const occupancy: Partial<Record<Tier, number>> = summary.bedOccupancyByTier;
  /** Blank where the figure does not apply to the tier (no beds, or doctors outside the region). */
  const ifApplies = (value: number | undefined, metric: string) =>
    value === undefined ? "" : formatMetricValue(metric, value);
  const header = [
    cell("Tier"),
    cell("Share of visits", "num"),
    cell("Mean outpatient wait (days)", "num"),
    cell("Turned away", "num"),
    cell("Visits per doctor-day", "num"),
    cell("Bed occupancy", "num"),
  ];
  const rows = TIERS.map((tier) =>
    row([
      cell(TIER_LABELS[tier]),
      cell(formatPercent(summary.visitsShareByTier[tier]), "num"),
      cell(formatDecimal(summary.meanOutpatientWaitDaysByTier[tier], 2), "num"),
      cell(formatPercent(summary.turnedAwayShareByTier[tier]), "num"),
      cell(ifApplies(perDoctorDay[tier], `visitsPerDoctorDayByTier.${tier}`), "num"),
      cell(ifApplies(occupancy[tier], `bedOccupancyByTier.${tier}`), "num"),
    ]),
  );
  return [
    note(
      `How loaded each tier was in ${escapeHtml(m.summary.label)}. <em>Share of visits</em>: the tier's outpatient and emergency visits ÷ all visits. <em>Mean outpatient wait</em>: days from arriving at the facility to the visit. <em>Turned away</em>: patients who found no slot within their patience at the tier's facilities and went elsewhere, ÷ the tier's visits. <em>Visits per doctor-day</em> (<span lang="zh">医师日均担负诊疗人次</span>): the tier's visits ÷ (the real region's doctors at that tier × working days). <em>Bed occupancy</em> (<span lang="zh">病床使用率</span>): occupied bed-days ÷ bed-days available, for the tiers with beds; above 100% means more bed-days were used than the beds provide. Blank where a figure does not apply.`,
    ),
    table("capacity", header, rows),
  ].join("\n");
}

function costTable(m: RunMetrics): string {
  const { summary } = m;
  const header = [
    cell("Tier"),
    cell("Out of pocket per visit (yuan)", "num"),
    cell("Out of pocket per stay (yuan)", "num"),
    cell("Fund per resident-year (yuan)", "num"),
    cell("Share of fund spending", "num"),
    cell("Referral-out rate", "num"),
  ];
  const rows = TIERS.map((tier) =>
    row([
      cell(TIER_LABELS[tier]),
      cell(formatDecimal(summary.outOfPocketPerVisitByTier[tier], 1), "num"),
      cell(tier === "village" ? "" : formatDecimal(summary.outOfPocketPerStayByTier[tier], 0), "num"),
      cell(formatDecimal(summary.fundPerCapitaByTier[tier], 1), "num"),
      cell(formatPercent(summary.fundShareByTier[tier]), "num"),
      cell(formatPercent(summary.referralOutRateByTier[tier]), "num"),
    ]),
  );
  const schemes = Object.keys(summary.fundPerCapitaByScheme)
    .map(
      (s) =>
        `${escapeHtml(s)} ${formatDecimal(summary.fundPerCapitaByScheme[s], 0)} / ${formatDecimal(summary.outOfPocketPerCapitaByScheme[s], 0)}`,
    )
    .join(" · ");
  return [
    note(
      `What care cost in ${escapeHtml(summary.label)}, and who paid. <em>Out of pocket</em>: what patients paid after reimbursement, deductibles and caps. <em>Fund per resident-year</em>: what the insurance fund paid at the tier ÷ residents. <em>Referral-out rate</em>: referrals up from the tier ÷ episodes seen there. Patients paid ${formatPercent(summary.outOfPocketShare)} of all that care cost; the fund spent ${formatCount(summary.fundSpendingRegion)} yuan in the region. By scheme, fund / out of pocket per resident-year (yuan, all residents as denominator): ${schemes}.`,
    ),
    table("costs", header, rows),
  ].join("\n");
}

function contractTable(m: RunMetrics): string {
  const s = m.summary;
  const header = [cell("Measure"), cell("Value", "num")];
  const entries: [string, string][] = [
    ["Contract coverage, all residents", formatPercent(s.contractCoverage)],
    ["Contract coverage, urban residents", formatPercent(s.contractCoverageUrban)],
    ["Contract coverage, key populations", formatPercent(s.contractCoverageKeyPopulations)],
    ...Object.entries(s.contractCoverageByGroup).map(([g, v]): [string, string] => [
      `Contract coverage, ${g}`,
      formatPercent(v),
    ]),
    ["Contract renewal", formatPercent(s.contractRenewalRate)],
    ["Contract fees per resident-year (yuan)", formatDecimal(s.contractFeesPerCapita, 1)],
    ["Grassroots first contact, contract holders", formatPercent(s.grassrootsFirstContactHolders)],
    ["Grassroots first contact, others", formatPercent(s.grassrootsFirstContactNonHolders)],
    ["Two-week illness first seen at the grassroots", formatPercent(s.twoWeekIllnessGrassrootsFirstContact)],
    ["Hypertension and diabetes under standardized management", formatPercent(s.htnDmStandardizedManagement)],
    ["… urban patients", formatPercent(s.htnDmStandardizedManagementUrban)],
    [
      "Downward referrals proposed / accepted",
      `${formatCount(s.downwardProposed)} / ${formatPercent(s.downwardAcceptance)}`,
    ],
    ["Downward referrals failed for want of a step-down bed", formatCount(s.downwardBlockedByBeds)],
    [
      "Downward referral growth over the year before",
      s.downwardReferralGrowth === null ? "n/a" : formatPercent(s.downwardReferralGrowth),
    ],
    ["Referrals from alliance members kept in the alliance", formatPercent(s.referralsIntoAllianceShare)],
    [
      "Emergencies taken first to the nearest hospital (no green channel)",
      formatPercent(s.emergenciesWithoutGreenChannel),
    ],
  ];
  return [
    note(
      `Family-doctor contracts (stocks at the year's end), chronic-disease management (at least four grassroots follow-ups in the year), and referral flows in ${escapeHtml(s.label)}.`,
    ),
    table(
      "contracts",
      header,
      entries.map(([label, value]) => row([cell(escapeHtml(label)), cell(value, "num")])),
    ),
  ].join("\n");
}

/** A supply ratio or scale factor: whole numbers as counts, others with two decimals. */
function formatRatio(value: number): string {
  return Number.isInteger(value) ? formatCount(value) : formatDecimal(value, 2);
}

function regionSection(m: RunMetrics): string {
  const { region } = m;
  const facts: [string, string][] = [
    ["Real population", formatCount(region.population)],
    ["Simulated residents", formatCount(m.population)],
    ["Residents each simulated resident stands for", formatRatio(region.residentsPerSimulated)],
    ["General practitioners per 10,000 residents", formatDecimal(region.gpsPer10k, 2)],
    ["Township centres without a general practitioner", formatCount(region.townshipCentresWithoutGp)],
  ];
  const items = facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join("\n");
  const beds: Partial<Record<Tier, number>> = region.bedsPer1000ByTier;
  const header = [
    cell("Tier"),
    cell("Doctors per 1,000 residents", "num"),
    cell("Beds per 1,000 residents", "num"),
  ];
  const rows = REGION_TIERS.map((tier) => {
    const tierBeds = beds[tier];
    return row([
      cell(TIER_LABELS[tier]),
      cell(formatDecimal(region.doctorsPer1000ByTier[tier], 2), "num"),
      cell(tierBeds === undefined ? "" : formatDecimal(tierBeds, 2), "num"),
    ]);
  });
  return [
    note(
      "The real region the run stands for, and how many of its residents each simulated resident represents. Doctors and beds are the real region's, per 1,000 of its residents; visits per doctor-day and bed occupancy are computed against them. Village clinics have no beds.",
    ),
    `<dl class="facts">\n${items}\n</dl>`,
    table("supply", header, rows),
  ].join("\n");
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
      "Outpatient and emergency visits (诊疗人次), counted at the tier where they happen: village clinic, township health centre, county hospital, tertiary hospital, or out of region. Inpatient admissions are counted apart.",
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
  const headline: [string, string][] = [...HEADLINE_METRICS, ...SUPPLEMENTARY_METRICS].map((metric) => [
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
${timelineSection(m)}
<section id="checks">
<h2>Calibration checks</h2>
${checksTable(m)}
</section>
<section id="region">
<h2>Region and supply</h2>
${regionSection(m)}
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
<h3>Capacity</h3>
${capacityTable(m)}
<h3>Costs and referral-out rates</h3>
${costTable(m)}
<h3>Contracts, chronic care and referral flows</h3>
${contractTable(m)}
<h3>Where episodes first seek care</h3>
${firstContactTable(m)}
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
