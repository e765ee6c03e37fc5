/**
 * The few lines a run prints to the terminal: headline figures, bed occupancy and waits, one line
 * per target and one per calibration check.
 * Plain text unless asked for colour; control characters from the scenario are neutralised so a
 * scenario name cannot move the cursor or recolour the terminal.
 */

import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { comparatorSymbol, formatMetricValue, HEADLINE_METRICS } from "./headline-metrics.ts";
import { formatCount, formatDecimal, formatPercent } from "./number-format.ts";

export interface ScorecardOptions {
  /** Colour ✓ green and ✗ red with ANSI escapes. Off by default. */
  color?: boolean;
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

function columnWidth(values: readonly string[]): number {
  return Math.max(0, ...values.map((value) => value.length));
}

export function formatScorecard(m: RunMetrics, options: ScorecardOptions = {}): string {
  const paint = (text: string, color: string) => (options.color ? `${color}${text}${RESET_COLOR}` : text);
  const lastYear = m.startYear + m.years - 1;
  const lines = [
    `tiersim ${terminalSafe(m.tiersim)} · ${terminalSafe(m.scenario.name)}`,
    `seed ${m.seed} · ${formatCount(m.replications)} replications · population ${formatCount(m.population)} · ` +
      `${m.startYear}–${lastYear} · summary year ${terminalSafe(m.summary.label)}`,
    "",
  ];

  const headline = HEADLINE_METRICS.map((metric) => ({
    label: metric.label,
    value: formatMetricValue(metric.key, m.summary[metric.key] as number),
  }));
  const labelWidth = columnWidth(headline.map((entry) => entry.label));
  const valueWidth = columnWidth(headline.map((entry) => entry.value));
  for (const { label, value } of headline) {
    lines.push(`  ${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}`);
  }
  const occupancy = m.summary.bedOccupancyByTier;
  const wait = m.summary.meanOutpatientWaitDaysByTier;
  lines.push(
    "",
    `  Bed occupancy: ${BED_TIERS.map((tier) => `${tier} ${formatMetricValue(`bedOccupancyByTier.${tier}`, occupancy[tier])}`).join(" · ")}`,
    `  Mean outpatient wait (days): ${REGION_TIERS.map((tier) => `${tier} ${formatDecimal(wait[tier], 2)}`).join(" · ")}`,
    `  Visits per doctor-day: ${REGION_TIERS.map((tier) => `${tier} ${formatDecimal(m.summary.visitsPerDoctorDayByTier[tier], 1)}`).join(" · ")}`,
  );
  const s = m.summary;
  lines.push(
    `  Out of pocket per visit (yuan): ${REGION_TIERS.map((tier) => `${tier} ${formatDecimal(s.outOfPocketPerVisitByTier[tier], 0)}`).join(" · ")}`,
    `  Fund per resident-year (yuan): ${REGION_TIERS.map((tier) => `${tier} ${formatDecimal(s.fundPerCapitaByTier[tier], 0)}`).join(" · ")} · out of pocket ${formatPercent(s.outOfPocketShare)} of costs`,
    `  Contracts: ${formatPercent(s.contractCoverage)} of residents, ${formatPercent(s.contractCoverageKeyPopulations)} of key populations · grassroots first contact ${formatPercent(s.grassrootsFirstContactHolders)} holders, ${formatPercent(s.grassrootsFirstContactNonHolders)} others`,
  );
  lines.push(...firstContactLines(m));

  if (m.targets.length > 0) {
    const met = m.targets.filter((target) => target.met).length;
    const rows = m.targets.map((target) => ({
      mark: target.met ? paint("✓", GREEN) : paint("✗", RED),
      id: terminalSafe(target.id),
      value: formatMetricValue(target.metric, target.value),
      target: `${comparatorSymbol(target.comparator)} ${formatMetricValue(target.metric, target.target)}`,
    }));
    const idWidth = columnWidth(rows.map((entry) => entry.id));
    const simulatedWidth = columnWidth(["simulated", ...rows.map((entry) => entry.value)]);
    const targetWidth = columnWidth(["target", ...rows.map((entry) => entry.target)]);
    lines.push(
      "",
      `Targets: ${met} of ${m.targets.length} met`,
      `     ${"".padEnd(idWidth)}  ${"simulated".padStart(simulatedWidth)}  ${"target".padStart(targetWidth)}`,
    );
    for (const entry of rows) {
      lines.push(
        `  ${entry.mark}  ${entry.id.padEnd(idWidth)}  ${entry.value.padStart(simulatedWidth)}  ${entry.target.padStart(targetWidth)}`,
      );
    }
  }
  if (m.checks.length > 0) {
    const passed = m.checks.filter((c) => c.pass).length;
    lines.push("", `Calibration checks: ${passed} of ${m.checks.length} within their band`);
    const idWidth = columnWidth(m.checks.map((c) => terminalSafe(c.id)));
    for (const c of m.checks) {
      const mark = c.pass ? paint("✓", GREEN) : paint("✗", RED);
      const band = `${formatMetricValue(c.metric, c.low)} – ${formatMetricValue(c.metric, c.high)}`;
      lines.push(
        `  ${mark}  ${terminalSafe(c.id).padEnd(idWidth)}  ${formatMetricValue(c.metric, c.value).padStart(9)}  in ${band}`,
      );
    }
  }
  if (m.populationChecks.length > 0) {
    const within = m.populationChecks.filter((r) => Math.abs(r.z) < 4).length;
    lines.push(
      "",
      `Population checks: ${within} of ${m.populationChecks.length} counts within 4 SD of their inputs`,
    );
  }
  return `${lines.join("\n").replace(/ +$/gm, "")}\n`;
}

/** First contacts per kind, compactly: where each kind of episode first seeks care. */
function firstContactLines(m: RunMetrics): string[] {
  const kinds = Object.entries(m.summary.firstContactByKind);
  if (kinds.length === 0) return [];
  const columns = ["village", "township", "county", "tertiary", "outOfRegion", "optOut"] as const;
  const header = ["village", "township", "county", "tertiary", "out", "no care", "able"];
  const rows = kinds.map(([kind, shares]) => [
    terminalSafe(kind),
    ...columns.map((c) => formatPercent(shares[c])),
    formatPercent(m.summary.capableFirstContactByKind[kind] ?? Number.NaN),
  ]);
  const kindWidth = columnWidth(rows.map((r) => r[0]));
  const width = Math.max(
    ...header.map((h) => h.length),
    ...rows.flatMap((r) => r.slice(1).map((v) => v.length)),
  );
  return [
    "",
    "First contact by kind (share of episodes; able = at a facility that can treat it):",
    `  ${"".padEnd(kindWidth)}  ${header.map((h) => h.padStart(width)).join(" ")}`,
    ...rows.map(
      (r) =>
        `  ${r[0].padEnd(kindWidth)}  ${r
          .slice(1)
          .map((v) => v.padStart(width))
          .join(" ")}`,
    ),
  ];
}
