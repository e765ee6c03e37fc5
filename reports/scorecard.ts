/**
 * The few lines a run prints to the terminal: headline figures, bed occupancy and waits, one line
 * per target and one per calibration check.
 * Plain text unless asked for colour; control characters from the scenario are neutralised so a
 * scenario name cannot move the cursor or recolour the terminal.
 */

import type { RunMetrics, Tier } from "../models/outcomes/metrics-schema.ts";
import { comparatorSymbol, formatMetricValue, HEADLINE_METRICS, metricLabel } from "./headline-metrics.ts";
import { type LabelKey, type Lang, t } from "./labels.ts";
import { formatCount, formatDecimal, formatPercent } from "./number-format.ts";
import { isWide } from "./text-width.ts";

export interface ScorecardOptions {
  /** Colour ✓ green and ✗ red with ANSI escapes. Off by default. */
  color?: boolean;
  /** Language of the labels. Default English. */
  lang?: Lang;
}

const GREEN = "\u001b[32m";
const RED = "\u001b[31m";
const RESET_COLOR = "\u001b[39m";

/** Replaces control characters (escapes, newlines, tabs …) with U+FFFD so text stays on its line. */
export function terminalSafe(text: string): string {
  return text.replace(/\p{Cc}/gu, "\uFFFD");
}

/** The tiers inside the region, and those of them with beds, as named on the compact lines. */
const REGION_TIERS = ["village", "township", "county", "tertiary"] as const;
const BED_TIERS = ["township", "county", "tertiary"] as const;

/**
 * Terminal columns a text takes: two for each CJK character (as wide as two Latin ones in a
 * terminal's fixed-width font), one for anything else.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += isWide(char.codePointAt(0)!) ? 2 : 1;
  return width;
}

function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

function padStart(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - displayWidth(text))) + text;
}

function columnWidth(values: readonly string[]): number {
  return Math.max(0, ...values.map(displayWidth));
}

/** "township 55.2% · county 85.3%": each tier's short name and its figure. */
function tierList<T extends Tier>(lang: Lang, tiers: readonly T[], format: (tier: T) => string): string {
  return tiers.map((tier) => `${t(lang, `tierShort.${tier}` as LabelKey)} ${format(tier)}`).join(" · ");
}

export function formatScorecard(m: RunMetrics, options: ScorecardOptions = {}): string {
  const lang = options.lang ?? "en";
  const paint = (text: string, color: string) => (options.color ? `${color}${text}${RESET_COLOR}` : text);
  const lastYear = m.startYear + m.years - 1;
  const lines = [
    `tiersim ${terminalSafe(m.tiersim)} · ${terminalSafe(m.scenario.name)}`,
    t(lang, "scorecard.run", {
      seed: m.seed,
      replications: formatCount(m.replications),
      population: formatCount(m.population),
      years: `${m.startYear}–${lastYear}`,
      year: terminalSafe(m.summary.label),
    }),
    "",
  ];

  const headline = HEADLINE_METRICS.map((metric) => ({
    label: metricLabel(lang, metric.key),
    value: formatMetricValue(metric.key, m.summary[metric.key] as number),
  }));
  const labelWidth = columnWidth(headline.map((entry) => entry.label));
  const valueWidth = columnWidth(headline.map((entry) => entry.value));
  for (const { label, value } of headline) {
    lines.push(`  ${padEnd(label, labelWidth)}  ${padStart(value, valueWidth)}`);
  }
  const s = m.summary;
  const occupancy = s.bedOccupancyByTier;
  const wait = s.meanOutpatientWaitDaysByTier;
  lines.push(
    "",
    `  ${t(lang, "scorecard.bedOccupancy", { values: tierList(lang, BED_TIERS, (tier) => formatMetricValue(`bedOccupancyByTier.${tier}`, occupancy[tier])) })}`,
    `  ${t(lang, "scorecard.wait", { values: tierList(lang, REGION_TIERS, (tier) => formatDecimal(wait[tier], 2)) })}`,
    `  ${t(lang, "scorecard.workload", { values: tierList(lang, REGION_TIERS, (tier) => formatDecimal(s.visitsPerDoctorDayByTier[tier], 1)) })}`,
    `  ${t(lang, "scorecard.oopPerVisit", { values: tierList(lang, REGION_TIERS, (tier) => formatDecimal(s.outOfPocketPerVisitByTier[tier], 0)) })}`,
    `  ${t(lang, "scorecard.fund", {
      values: tierList(lang, REGION_TIERS, (tier) => formatDecimal(s.fundPerCapitaByTier[tier], 0)),
      oopShare: formatPercent(s.outOfPocketShare),
    })}`,
    `  ${t(lang, "scorecard.contracts", {
      all: formatPercent(s.contractCoverage),
      key: formatPercent(s.contractCoverageKeyPopulations),
      holders: formatPercent(s.grassrootsFirstContactHolders),
      others: formatPercent(s.grassrootsFirstContactNonHolders),
    })}`,
  );
  lines.push(...firstContactLines(m, lang));

  if (m.targets.length > 0) {
    const met = m.targets.filter((target) => target.met).length;
    const rows = m.targets.map((target) => ({
      mark: target.met ? paint("✓", GREEN) : paint("✗", RED),
      id: terminalSafe(target.id),
      value: formatMetricValue(target.metric, target.value),
      target: `${comparatorSymbol(target.comparator)} ${formatMetricValue(target.metric, target.target)}`,
    }));
    const simulated = t(lang, "scorecard.simulated");
    const targetHeader = t(lang, "scorecard.target");
    const idWidth = columnWidth(rows.map((entry) => entry.id));
    const simulatedWidth = columnWidth([simulated, ...rows.map((entry) => entry.value)]);
    const targetWidth = columnWidth([targetHeader, ...rows.map((entry) => entry.target)]);
    lines.push(
      "",
      t(lang, "scorecard.targets", { met, total: m.targets.length }),
      `     ${"".padEnd(idWidth)}  ${padStart(simulated, simulatedWidth)}  ${padStart(targetHeader, targetWidth)}`,
    );
    for (const entry of rows) {
      lines.push(
        `  ${entry.mark}  ${padEnd(entry.id, idWidth)}  ${padStart(entry.value, simulatedWidth)}  ${padStart(entry.target, targetWidth)}`,
      );
    }
  }
  if (m.checks.length > 0) {
    const passed = m.checks.filter((c) => c.pass).length;
    lines.push("", t(lang, "scorecard.checks", { passed, total: m.checks.length }));
    const idWidth = columnWidth(m.checks.map((c) => terminalSafe(c.id)));
    for (const c of m.checks) {
      const mark = c.pass ? paint("✓", GREEN) : paint("✗", RED);
      const band = `${formatMetricValue(c.metric, c.low)} – ${formatMetricValue(c.metric, c.high)}`;
      lines.push(
        `  ${mark}  ${padEnd(terminalSafe(c.id), idWidth)}  ${padStart(formatMetricValue(c.metric, c.value), 9)}  ${t(lang, "scorecard.checkBand", { band })}`,
      );
    }
  }
  if (m.populationChecks.length > 0) {
    const within = m.populationChecks.filter((r) => Math.abs(r.z) < 4).length;
    lines.push("", t(lang, "scorecard.population", { within, total: m.populationChecks.length }));
  }
  return `${lines.join("\n").replace(/ +$/gm, "")}\n`;
}

/** First contacts per kind, compactly: where each kind of episode first seeks care. */
function firstContactLines(m: RunMetrics, lang: Lang): string[] {
  const kinds = Object.entries(m.summary.firstContactByKind);
  if (kinds.length === 0) return [];
  const columns = ["village", "township", "county", "tertiary", "outOfRegion", "optOut"] as const;
  const header = [...columns, "able" as const].map((column) => t(lang, `tierShort.${column}`));
  const rows = kinds.map(([kind, shares]) => [
    terminalSafe(kind),
    ...columns.map((c) => formatPercent(shares[c])),
    formatPercent(m.summary.capableFirstContactByKind[kind] ?? Number.NaN),
  ]);
  const kindWidth = columnWidth(rows.map((r) => r[0]!));
  const width = Math.max(...header.map(displayWidth), ...rows.flatMap((r) => r.slice(1).map(displayWidth)));
  return [
    "",
    t(lang, "scorecard.firstContact"),
    `  ${"".padEnd(kindWidth)}  ${header.map((h) => padStart(h, width)).join(" ")}`,
    ...rows.map(
      (r) =>
        `  ${padEnd(r[0]!, kindWidth)}  ${r
          .slice(1)
          .map((v) => padStart(v, width))
          .join(" ")}`,
    ),
  ];
}
