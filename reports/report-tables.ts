/**
 * Every table of a run's report, built from its metrics with labels in the reader's language.
 * report.html shows them (html-report.ts) and each is also written as `tables/<name>.csv`.
 * Rows keyed by a name from the code (a tier, a summary field) carry it in a CSV-only first
 * column `key`, which does not change with the language.
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
  metricLabel,
  SUPPLEMENTARY_METRICS,
} from "./headline-metrics.ts";
import { escapeHtml } from "./html-escape.ts";
import { type LabelKey, type Lang, modelName, t, tierLabel } from "./labels.ts";
import { formatCount, formatDecimal, formatPercent, NOT_AVAILABLE } from "./number-format.ts";
import {
  blankCell,
  codeCell,
  csvOnlyCell,
  htmlOnlyCell,
  numberCell,
  type ReportTable,
  type TableCell,
  type TableColumn,
  tableRow,
  textCell,
} from "./report-table.ts";
import { hasSeveralYears, yearsInOrder } from "./year-charts.ts";

/** The CSV-only column naming each row by its key in metrics.json. */
const KEY_COLUMN: TableColumn = { label: "key", only: "csv" };

const REGION_TIERS = ["village", "township", "county", "tertiary"] as const satisfies readonly Tier[];

function column(lang: Lang, key: LabelKey, options: Omit<TableColumn, "label"> = {}): TableColumn {
  return { label: t(lang, key), ...options };
}

function percentCell(value: number | null | undefined): TableCell {
  return numberCell(value, formatPercent(value ?? Number.NaN));
}

function decimalCell(value: number | null | undefined, decimals: number): TableCell {
  return numberCell(value, formatDecimal(value ?? Number.NaN, decimals));
}

function countCell(value: number | null | undefined): TableCell {
  return numberCell(value, formatCount(value ?? Number.NaN));
}

/** A summary key's value in its unit. */
function metricCell(metric: string, value: number | null | undefined): TableCell {
  return numberCell(value, formatMetricValue(metric, value ?? Number.NaN));
}

/** ✓ or ✗ with a tooltip, classed "met" or "not-met"; true or false in the CSV. */
function statusCell(ok: boolean, yes: string, no: string): TableCell {
  return ok
    ? { value: true, html: `<span title="${escapeHtml(yes)}">✓</span>`, className: "met" }
    : { value: false, html: `<span title="${escapeHtml(no)}">✗</span>`, className: "not-met" };
}

/** The 95% interval of a mean over replications, shown when there are two or more. */
export function hasInterval(spread: Spread | undefined): spread is Spread {
  return (
    spread !== undefined && spread.n >= 2 && Number.isFinite(spread.lower) && Number.isFinite(spread.upper)
  );
}

export function targetsTable(m: RunMetrics, lang: Lang): ReportTable {
  return {
    name: "targets",
    columns: [
      column(lang, "common.id"),
      column(lang, "common.description"),
      column(lang, "common.source"),
      column(lang, "common.simulated", { numeric: true }),
      column(lang, "report.targets.comparator", { only: "csv" }),
      column(lang, "report.targets.target", { numeric: true }),
      column(lang, "common.met"),
    ],
    rows: m.targets.map((target) =>
      tableRow([
        codeCell(target.id),
        textCell(target.description),
        textCell(target.source),
        metricCell(target.metric, target.value),
        csvOnlyCell(target.comparator),
        numberCell(
          target.target,
          `${comparatorSymbol(target.comparator)} ${formatMetricValue(target.metric, target.target)}`,
        ),
        statusCell(target.met, t(lang, "common.met"), t(lang, "common.notMet")),
      ]),
    ),
  };
}

export function timelineTable(m: RunMetrics, lang: Lang): ReportTable {
  return {
    name: "timeline",
    columns: [
      column(lang, "report.timeline.date"),
      column(lang, "report.timeline.month", { only: "csv" }),
      column(lang, "report.timeline.change"),
      column(lang, "report.timeline.fields"),
    ],
    rows: (m.timeline ?? []).map((change) =>
      tableRow([
        textCell(change.date),
        csvOnlyCell(change.month),
        textCell(change.note),
        {
          value: change.fields.join("; "),
          html: change.fields.map((field) => `<code>${escapeHtml(field)}</code>`).join(", "),
        },
      ]),
    ),
  };
}

export function checksTable(m: RunMetrics, lang: Lang): ReportTable {
  return {
    name: "checks",
    columns: [
      column(lang, "common.id"),
      column(lang, "report.checks.reported"),
      column(lang, "common.source"),
      column(lang, "common.simulated", { numeric: true }),
      column(lang, "report.checks.reportedValue", { only: "csv" }),
      column(lang, "report.checks.band", { numeric: true, only: "html" }),
      column(lang, "report.checks.bandLow", { only: "csv" }),
      column(lang, "report.checks.bandHigh", { only: "csv" }),
      column(lang, "report.checks.within"),
    ],
    rows: m.checks.map((c) =>
      tableRow([
        codeCell(c.id),
        textCell(c.description),
        textCell(c.source),
        metricCell(c.metric, c.value),
        csvOnlyCell(c.reported),
        htmlOnlyCell(
          escapeHtml(`${formatMetricValue(c.metric, c.low)} – ${formatMetricValue(c.metric, c.high)}`),
        ),
        csvOnlyCell(c.low),
        csvOnlyCell(c.high),
        statusCell(c.pass, t(lang, "report.checks.inside"), t(lang, "report.checks.outside")),
      ]),
    ),
  };
}

function withinCell(within: boolean): TableCell {
  return { value: within, html: within ? "✓" : "✗", className: within ? "met" : "not-met" };
}

/** A population count lies "within" when it is less than 4 standard deviations from its expectation. */
export const POPULATION_Z_LIMIT = 4;

export function populationTable(m: RunMetrics, lang: Lang): ReportTable {
  return {
    name: "population",
    columns: [
      column(lang, "report.population.check"),
      column(lang, "report.population.generated", { numeric: true }),
      column(lang, "report.population.expected", { numeric: true }),
      { label: "z", numeric: true },
      column(lang, "report.population.within"),
    ],
    rows: m.populationChecks.map((r) =>
      tableRow([
        textCell(r.check),
        countCell(r.observed),
        decimalCell(r.expected, 1),
        decimalCell(r.z, 2),
        withinCell(Math.abs(r.z) < POPULATION_Z_LIMIT),
      ]),
    ),
  };
}

export function supplyTable(m: RunMetrics, lang: Lang): ReportTable {
  const beds: Partial<Record<Tier, number>> = m.region.bedsPer1000ByTier;
  return {
    name: "supply",
    columns: [
      KEY_COLUMN,
      column(lang, "common.tier"),
      column(lang, "measure.doctorsPer1000", { numeric: true }),
      column(lang, "measure.bedsPer1000", { numeric: true }),
    ],
    rows: REGION_TIERS.map((tier) =>
      tableRow([
        csvOnlyCell(tier),
        textCell(tierLabel(lang, tier)),
        decimalCell(m.region.doctorsPer1000ByTier[tier], 2),
        beds[tier] === undefined ? blankCell() : decimalCell(beds[tier], 2),
      ]),
    ),
  };
}

function spreadText(lang: Lang, spread: Spread | undefined, metric: string): string {
  if (!spread) return "";
  const format = (value: number) => formatMetricValue(metric, value);
  return t(lang, "report.summary.spreadText", {
    sd: format(spread.sd),
    min: format(spread.min),
    max: format(spread.max),
  });
}

/** The headline and supplementary figures with their 95% interval and spread over replications. */
export function headlineTable(m: RunMetrics, lang: Lang): ReportTable {
  const rows = [...HEADLINE_METRICS, ...SUPPLEMENTARY_METRICS].map((metric) => {
    const label = metricLabel(lang, metric.key);
    // In English, the policy term in Chinese beside the label, marked as Chinese for screen readers.
    const zh = lang === "en" && metric.zh ? ` <span lang="zh-CN">${escapeHtml(metric.zh)}</span>` : "";
    const spread: Spread | undefined = m.summary.spread?.[metric.key];
    const interval = hasInterval(spread) ? spread : undefined;
    const format = (value: number) => formatMetricValue(metric.key, value);
    return tableRow([
      csvOnlyCell(metric.key),
      { value: label, html: `${escapeHtml(label)}${zh}` },
      metricCell(metric.key, m.summary[metric.key] as number),
      htmlOnlyCell(
        interval ? escapeHtml(`${format(interval.lower)} – ${format(interval.upper)}`) : NOT_AVAILABLE,
      ),
      csvOnlyCell(interval?.lower ?? null),
      csvOnlyCell(interval?.upper ?? null),
      csvOnlyCell(spread?.n ?? null),
      htmlOnlyCell(escapeHtml(spreadText(lang, spread, metric.key))),
      csvOnlyCell(spread?.sd ?? null),
      csvOnlyCell(spread?.min ?? null),
      csvOnlyCell(spread?.max ?? null),
    ]);
  });
  return {
    name: "headline",
    columns: [
      KEY_COLUMN,
      column(lang, "report.summary.metric"),
      column(lang, "common.value", { numeric: true }),
      column(lang, "common.interval95", { numeric: true, only: "html" }),
      column(lang, "common.intervalLower", { only: "csv" }),
      column(lang, "common.intervalUpper", { only: "csv" }),
      column(lang, "common.replications", { only: "csv" }),
      column(lang, "report.summary.spread", { only: "html" }),
      column(lang, "common.sd", { only: "csv" }),
      column(lang, "common.min", { only: "csv" }),
      column(lang, "common.max", { only: "csv" }),
    ],
    rows,
  };
}

function sumOverTiers(byTier: ByTier): number {
  return TIERS.reduce((sum, tier) => sum + byTier[tier], 0);
}

export function tiersTable(m: RunMetrics, lang: Lang): ReportTable {
  const s = m.summary;
  const share = (visits: number) => (s.totalVisits > 0 ? visits / s.totalVisits : Number.NaN);
  return {
    name: "tiers",
    columns: [
      KEY_COLUMN,
      column(lang, "common.tier"),
      column(lang, "common.visits", { numeric: true }),
      column(lang, "common.shareOfVisits", { numeric: true }),
      column(lang, "common.admissions", { numeric: true }),
      column(lang, "measure.meanWaitDays", { numeric: true }),
    ],
    rows: [
      ...TIERS.map((tier) =>
        tableRow([
          csvOnlyCell(tier),
          textCell(tierLabel(lang, tier)),
          countCell(s.visitsByTier[tier]),
          percentCell(share(s.visitsByTier[tier])),
          countCell(s.admissionsByTier[tier]),
          decimalCell(s.meanOutpatientWaitDaysByTier[tier], 2),
        ]),
      ),
      tableRow(
        [
          csvOnlyCell("total"),
          textCell(t(lang, "common.allTiers")),
          countCell(s.totalVisits),
          percentCell(share(s.totalVisits)),
          countCell(sumOverTiers(s.admissionsByTier)),
          blankCell(),
        ],
        "total",
      ),
    ],
  };
}

export function firstContactTable(m: RunMetrics, lang: Lang): ReportTable {
  const { firstContactByKind, capableFirstContactByKind } = m.summary;
  const kinds = [...new Set([...Object.keys(firstContactByKind), ...Object.keys(capableFirstContactByKind)])];
  return {
    name: "first-contact",
    columns: [
      column(lang, "common.episodeKind"),
      ...TIERS.map((tier) => ({ label: tierLabel(lang, tier), numeric: true })),
      column(lang, "common.notSeekingCare", { numeric: true }),
      column(lang, "measure.capableFirstContact", { numeric: true }),
    ],
    rows: kinds.map((kind) => {
      const shares = firstContactByKind[kind];
      return tableRow([
        textCell(kind),
        ...TIERS.map((tier) => percentCell(shares?.[tier])),
        percentCell(shares?.optOut),
        percentCell(capableFirstContactByKind[kind]),
      ]);
    }),
  };
}

export function capacityTable(m: RunMetrics, lang: Lang): ReportTable {
  const s = m.summary;
  const perDoctorDay: Partial<Record<Tier, number>> = s.visitsPerDoctorDayByTier;
  const occupancy: Partial<Record<Tier, number>> = s.bedOccupancyByTier;
  /** Blank where the figure does not apply to the tier (no beds, or doctors outside the region). */
  const ifApplies = (value: number | undefined, metric: string) =>
    value === undefined ? blankCell() : metricCell(metric, value);
  return {
    name: "capacity",
    columns: [
      KEY_COLUMN,
      column(lang, "common.tier"),
      column(lang, "common.shareOfVisits", { numeric: true }),
      column(lang, "measure.meanWaitDays", { numeric: true }),
      column(lang, "measure.turnedAway", { numeric: true }),
      column(lang, "measure.visitsPerDoctorDay", { numeric: true }),
      column(lang, "measure.bedOccupancy", { numeric: true }),
    ],
    rows: TIERS.map((tier) =>
      tableRow([
        csvOnlyCell(tier),
        textCell(tierLabel(lang, tier)),
        percentCell(s.visitsShareByTier[tier]),
        decimalCell(s.meanOutpatientWaitDaysByTier[tier], 2),
        percentCell(s.turnedAwayShareByTier[tier]),
        ifApplies(perDoctorDay[tier], `visitsPerDoctorDayByTier.${tier}`),
        ifApplies(occupancy[tier], `bedOccupancyByTier.${tier}`),
      ]),
    ),
  };
}

export function costsTable(m: RunMetrics, lang: Lang): ReportTable {
  const s = m.summary;
  return {
    name: "costs",
    columns: [
      KEY_COLUMN,
      column(lang, "common.tier"),
      column(lang, "measure.oopPerVisit", { numeric: true }),
      column(lang, "measure.oopPerStay", { numeric: true }),
      column(lang, "measure.fundPerCapita", { numeric: true }),
      column(lang, "measure.fundShare", { numeric: true }),
    ],
    rows: TIERS.map((tier) =>
      tableRow([
        csvOnlyCell(tier),
        textCell(tierLabel(lang, tier)),
        decimalCell(s.outOfPocketPerVisitByTier[tier], 1),
        // Village clinics have no beds.
        tier === "village" ? blankCell() : decimalCell(s.outOfPocketPerStayByTier[tier], 0),
        decimalCell(s.fundPerCapitaByTier[tier], 1),
        percentCell(s.fundShareByTier[tier]),
      ]),
    ),
  };
}

export function schemesTable(m: RunMetrics, lang: Lang): ReportTable {
  const s = m.summary;
  return {
    name: "costs-by-scheme",
    columns: [
      KEY_COLUMN,
      column(lang, "measure.scheme"),
      column(lang, "measure.fundPerCapita", { numeric: true }),
      column(lang, "measure.oopPerCapita", { numeric: true }),
    ],
    rows: Object.keys(s.fundPerCapitaByScheme ?? {}).map((scheme) =>
      tableRow([
        csvOnlyCell(scheme),
        textCell(modelName(lang, "scheme", scheme)),
        decimalCell(s.fundPerCapitaByScheme[scheme], 0),
        decimalCell(s.outOfPocketPerCapitaByScheme?.[scheme], 0),
      ]),
    ),
  };
}

/** A table of measures, one per row: key, label, value. */
function measuresTable(
  name: string,
  lang: Lang,
  entries: readonly { key: string; label: string; cell: TableCell }[],
): ReportTable {
  return {
    name,
    columns: [KEY_COLUMN, column(lang, "common.measure"), column(lang, "common.value", { numeric: true })],
    rows: entries.map((entry) => tableRow([csvOnlyCell(entry.key), textCell(entry.label), entry.cell])),
  };
}

export function contractsTable(m: RunMetrics, lang: Lang): ReportTable {
  const s = m.summary;
  const entry = (key: string, label: LabelKey, cell: TableCell) => ({ key, label: t(lang, label), cell });
  return measuresTable("contracts", lang, [
    entry("contractCoverage", "contract.coverageAll", percentCell(s.contractCoverage)),
    entry("contractCoverageUrban", "contract.coverageUrban", percentCell(s.contractCoverageUrban)),
    entry(
      "contractCoverageKeyPopulations",
      "contract.coverageKey",
      percentCell(s.contractCoverageKeyPopulations),
    ),
    ...Object.entries(s.contractCoverageByGroup ?? {}).map(([group, value]) => ({
      key: `contractCoverageByGroup.${group}`,
      label: t(lang, "contract.coverageGroup", { group: modelName(lang, "group", group) }),
      cell: percentCell(value),
    })),
    entry("contractRenewalRate", "contract.renewal", percentCell(s.contractRenewalRate)),
    entry("contractFeesPerCapita", "contract.fees", decimalCell(s.contractFeesPerCapita, 1)),
    entry(
      "grassrootsFirstContactHolders",
      "contract.firstContactHolders",
      percentCell(s.grassrootsFirstContactHolders),
    ),
    entry(
      "grassrootsFirstContactNonHolders",
      "contract.firstContactOthers",
      percentCell(s.grassrootsFirstContactNonHolders),
    ),
    entry(
      "twoWeekIllnessGrassrootsFirstContact",
      "contract.twoWeekIllness",
      percentCell(s.twoWeekIllnessGrassrootsFirstContact),
    ),
    entry("htnDmStandardizedManagement", "contract.htnDm", percentCell(s.htnDmStandardizedManagement)),
    entry(
      "htnDmStandardizedManagementUrban",
      "contract.htnDmUrban",
      percentCell(s.htnDmStandardizedManagementUrban),
    ),
  ]);
}

export function referralsTable(m: RunMetrics, lang: Lang): ReportTable {
  const s = m.summary;
  const entry = (key: string, label: LabelKey, cell: TableCell) => ({ key, label: t(lang, label), cell });
  const growth =
    s.downwardReferralGrowth === null
      ? { value: null, html: escapeHtml(t(lang, "common.notApplicable")) }
      : percentCell(s.downwardReferralGrowth);
  return measuresTable("referrals", lang, [
    entry("upwardReferrals", "referral.upwardHops", countCell(s.upwardReferrals)),
    entry("upwardReferralPatients", "referral.upwardPatients", countCell(s.upwardReferralPatients)),
    entry(
      "countyHospitalReferralOutRate",
      "metric.countyHospitalReferralOutRate",
      percentCell(s.countyHospitalReferralOutRate),
    ),
    entry("referralOnlyVisitShare", "metric.referralOnlyVisitShare", percentCell(s.referralOnlyVisitShare)),
    entry("downwardProposed", "referral.downwardProposed", countCell(s.downwardProposed)),
    entry("downwardAcceptance", "referral.downwardAcceptance", percentCell(s.downwardAcceptance)),
    entry("downwardReferrals", "referral.downward", countCell(s.downwardReferrals)),
    entry("downwardToRehab", "referral.downwardToRehab", countCell(s.downwardToRehab)),
    entry("downwardBlockedByBeds", "referral.downwardBlocked", countCell(s.downwardBlockedByBeds)),
    entry("stepDownStays", "referral.stepDownStays", countCell(s.stepDownStays)),
    entry("familyBedAdmissions", "referral.familyBeds", countCell(s.familyBedAdmissions)),
    entry("downwardReferralGrowth", "referral.growth", growth),
    entry("referralsIntoAllianceShare", "referral.alliance", percentCell(s.referralsIntoAllianceShare)),
    entry(
      "emergenciesWithoutGreenChannel",
      "referral.greenChannel",
      percentCell(s.emergenciesWithoutGreenChannel),
    ),
    entry("admissionsRedirected", "referral.redirected", countCell(s.admissionsRedirected)),
    entry("bedTransfers", "metric.bedTransfers", countCell(s.bedTransfers)),
  ]);
}

export function referralsByTierTable(m: RunMetrics, lang: Lang): ReportTable {
  const s = m.summary;
  return {
    name: "referrals-by-tier",
    columns: [
      KEY_COLUMN,
      column(lang, "common.tier"),
      column(lang, "measure.referralOutRate", { numeric: true }),
      column(lang, "measure.retained", { numeric: true }),
    ],
    rows: TIERS.map((tier) =>
      tableRow([
        csvOnlyCell(tier),
        textCell(tierLabel(lang, tier)),
        percentCell(s.referralOutRateByTier?.[tier]),
        countCell(s.retainedByTier?.[tier]),
      ]),
    ),
  };
}

/** A by-year table: one row per calendar year, one column per summary field. */
function byYearTable(
  name: string,
  m: RunMetrics,
  lang: Lang,
  fields: readonly { label: LabelKey; cell: (year: RunMetrics["summary"]) => TableCell }[],
): ReportTable {
  return {
    name,
    columns: [
      column(lang, "common.year"),
      ...fields.map((field) => column(lang, field.label, { numeric: true })),
    ],
    rows: yearsInOrder(m).map((year) =>
      tableRow([
        { value: Number(year.label) || year.label, html: escapeHtml(year.label) },
        ...fields.map((field) => field.cell(year)),
      ]),
    ),
  };
}

export function contractsByYearTable(m: RunMetrics, lang: Lang): ReportTable {
  return byYearTable("contracts-by-year", m, lang, [
    { label: "contract.coverageAll", cell: (y) => percentCell(y.contractCoverage) },
    { label: "contract.coverageUrban", cell: (y) => percentCell(y.contractCoverageUrban) },
    { label: "contract.coverageKey", cell: (y) => percentCell(y.contractCoverageKeyPopulations) },
    { label: "contract.renewal", cell: (y) => percentCell(y.contractRenewalRate) },
    { label: "contract.fees", cell: (y) => decimalCell(y.contractFeesPerCapita, 1) },
  ]);
}

export function referralsByYearTable(m: RunMetrics, lang: Lang): ReportTable {
  return byYearTable("referrals-by-year", m, lang, [
    { label: "referral.upwardHops", cell: (y) => countCell(y.upwardReferrals) },
    { label: "referral.upwardPatients", cell: (y) => countCell(y.upwardReferralPatients) },
    { label: "referral.downwardProposed", cell: (y) => countCell(y.downwardProposed) },
    { label: "referral.downward", cell: (y) => countCell(y.downwardReferrals) },
  ]);
}

/** Counts keyed by names from the model, with their share of a total. */
function countsTable(
  name: string,
  lang: Lang,
  caption: LabelKey,
  counts: Record<string, number>,
  total: number,
  displayName: (key: string) => string,
): ReportTable {
  return {
    name,
    columns: [
      KEY_COLUMN,
      column(lang, caption),
      column(lang, "common.count", { numeric: true }),
      column(lang, "common.share", { numeric: true }),
    ],
    rows: Object.entries(counts).map(([key, count]) =>
      tableRow([
        csvOnlyCell(key),
        textCell(displayName(key)),
        countCell(count),
        percentCell(total > 0 ? count / total : Number.NaN),
      ]),
    ),
  };
}

export function episodeOutcomesTable(m: RunMetrics, lang: Lang): ReportTable {
  const { episodes } = m.summary;
  return countsTable(
    "episode-outcomes",
    lang,
    "report.episodes.outcome",
    episodes.byOutcome,
    episodes.started,
    (key) => modelName(lang, "outcome", key),
  );
}

export function episodeKindsTable(m: RunMetrics, lang: Lang): ReportTable {
  const { episodes } = m.summary;
  return countsTable(
    "episode-kinds",
    lang,
    "common.episodeKind",
    episodes.byKind,
    episodes.started,
    (key) => key,
  );
}

/** Every table of the report, in report order; tables with no rows are left out. */
export function allTables(m: RunMetrics, lang: Lang = "en"): ReportTable[] {
  const tables = [
    targetsTable(m, lang),
    timelineTable(m, lang),
    checksTable(m, lang),
    supplyTable(m, lang),
    populationTable(m, lang),
    headlineTable(m, lang),
    tiersTable(m, lang),
    firstContactTable(m, lang),
    capacityTable(m, lang),
    costsTable(m, lang),
    schemesTable(m, lang),
    contractsTable(m, lang),
    ...(hasSeveralYears(m) ? [contractsByYearTable(m, lang)] : []),
    referralsTable(m, lang),
    referralsByTierTable(m, lang),
    ...(hasSeveralYears(m) ? [referralsByYearTable(m, lang)] : []),
    episodeOutcomesTable(m, lang),
    episodeKindsTable(m, lang),
  ];
  return tables.filter((table) => table.rows.length > 0);
}
