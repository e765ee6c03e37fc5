/**
 * Charts of the summary year by tier, one per report section: occupancy and waits, out of pocket
 * and fund spending, family-doctor contract coverage, and two-way referral. Each panel is a bar
 * chart with its value written at the bar's end; panels side by side share the tier order and
 * colours of every other chart.
 */
import type { TopLevelSpec } from "vega-lite";
import { type RunMetrics, TIERS, type Tier } from "../models/outcomes/metrics-schema.ts";
import { CHART_CONFIG, CHART_WIDTH, VEGA_LITE_SCHEMA } from "./chart-style.ts";
import { type LabelKey, type Lang, modelName, replicationsNote, t, tierLabel } from "./labels.ts";
import { formatCount, formatDecimal, formatPercent } from "./number-format.ts";
import { TIER_COLORS } from "./tier-labels.ts";

/** One bar: a category (a tier, a group, a kind of referral), its value and the text at its end. */
interface Bar {
  category: string;
  value: number;
  label: string;
  color: string;
}

interface PanelOptions {
  title: string;
  /** Category order, top to bottom; categories without a bar keep their row empty. */
  categories: string[];
  width: number;
  /** Show the category names (only on the first of panels side by side). */
  categoryAxis: boolean;
  /** d3 format of the value axis. */
  format?: string;
}

/** Headroom past the longest bar for its label, as a share of the longest bar. */
const LABEL_HEADROOM = 0.3;

/** A horizontal bar chart of `bars`, each labelled at its end, colours taken from the bars. */
function barPanel(bars: readonly Bar[], options: PanelOptions) {
  const finite = bars.filter((bar) => Number.isFinite(bar.value));
  const largest = Math.max(0, ...finite.map((bar) => bar.value));
  const y = {
    field: "category",
    type: "nominal" as const,
    title: null,
    sort: options.categories,
    scale: { domain: options.categories },
    axis: options.categoryAxis ? {} : null,
  };
  const x = {
    field: "value",
    type: "quantitative" as const,
    title: options.title,
    scale: { domain: [0, largest > 0 ? largest * (1 + LABEL_HEADROOM) : 1], nice: false },
    axis: { format: options.format ?? ",~f", tickCount: 4 },
  };
  return {
    width: options.width,
    height: { step: 22 },
    data: { values: finite },
    layer: [
      {
        mark: { type: "bar" as const },
        encoding: { y, x, color: { field: "color", type: "nominal" as const, scale: null } },
      },
      {
        mark: {
          type: "text" as const,
          align: "left" as const,
          baseline: "middle" as const,
          dx: 3,
          fontSize: 10,
        },
        encoding: { y, x, text: { field: "label" } },
      },
    ],
  };
}

/** One bar per tier in `tiers`, skipping those without a value. */
function tierBars(
  lang: Lang,
  tiers: readonly Tier[],
  value: (tier: Tier) => number | undefined,
  label: (value: number) => string,
): Bar[] {
  return tiers.flatMap((tier) => {
    const v = value(tier);
    return v === undefined
      ? []
      : [{ category: tierLabel(lang, tier), value: v, label: label(v), color: TIER_COLORS[tier] }];
  });
}

const REGION_TIERS = ["village", "township", "county", "tertiary"] as const satisfies readonly Tier[];
const BED_TIERS = ["township", "county", "tertiary"] as const satisfies readonly Tier[];
const PANEL_WIDTH = 150;

function percentPoints(fraction: number): number {
  return fraction * 100;
}

function panelsSideBySide(
  m: RunMetrics,
  lang: Lang,
  titleKey: LabelKey,
  subtitleKey: LabelKey,
  panels: { bars: Bar[]; title: string; format?: string }[],
): TopLevelSpec {
  const categories = TIERS.map((tier) => tierLabel(lang, tier));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: t(lang, titleKey, { year: m.summary.label }),
      subtitle: t(lang, subtitleKey, { replications: replicationsNote(lang, m.replications) }),
    },
    config: CHART_CONFIG,
    spacing: 24,
    hconcat: panels.map((panel, index) =>
      barPanel(panel.bars, {
        title: panel.title,
        categories,
        width: PANEL_WIDTH,
        categoryAxis: index === 0,
        format: panel.format,
      }),
    ),
  } as TopLevelSpec;
}

/**
 * Occupancy and waits in the summary year: bed occupancy (tiers with beds), the mean outpatient
 * wait, and the share of visits that found no slot within the patient's patience.
 */
export function capacityChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  const s = m.summary;
  const occupancy: Partial<Record<Tier, number>> = s.bedOccupancyByTier;
  return panelsSideBySide(m, lang, "chart.capacity.title", "chart.capacity.subtitle", [
    {
      title: t(lang, "chart.capacity.occupancy"),
      bars: tierBars(lang, BED_TIERS, (tier) => occupancy[tier], formatPercent).map((bar) => ({
        ...bar,
        value: percentPoints(bar.value),
      })),
      format: "~r",
    },
    {
      title: t(lang, "chart.capacity.wait"),
      bars: tierBars(
        lang,
        TIERS,
        (tier) => s.meanOutpatientWaitDaysByTier[tier],
        (v) => formatDecimal(v, 2),
      ),
      format: "~r",
    },
    {
      title: t(lang, "chart.capacity.turnedAway"),
      bars: tierBars(lang, TIERS, (tier) => s.turnedAwayShareByTier[tier], formatPercent).map((bar) => ({
        ...bar,
        value: percentPoints(bar.value),
      })),
      format: "~r",
    },
  ]);
}

/** What patients paid per visit and per stay, and what the fund paid per resident, by tier. */
export function costsChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  const s = m.summary;
  const yuan = (v: number) => formatDecimal(v, 0);
  return panelsSideBySide(m, lang, "chart.costs.title", "chart.costs.subtitle", [
    {
      title: t(lang, "measure.oopPerVisit"),
      bars: tierBars(lang, TIERS, (tier) => s.outOfPocketPerVisitByTier[tier], yuan),
    },
    {
      // Village clinics have no beds.
      title: t(lang, "measure.oopPerStay"),
      bars: tierBars(
        lang,
        TIERS.filter((tier) => tier !== "village"),
        (tier) => s.outOfPocketPerStayByTier[tier],
        yuan,
      ),
    },
    {
      title: t(lang, "measure.fundPerCapita"),
      bars: tierBars(lang, TIERS, (tier) => s.fundPerCapitaByTier[tier], yuan),
    },
  ]);
}

const AGGREGATE_COLOR = "#08519c";
const GROUP_COLOR = "#6baed6";

/** Contract coverage at the summary year's end: all residents, urban residents, key populations, each group. */
export function contractCoverageChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  const s = m.summary;
  const bar = (category: string, value: number, color: string): Bar => ({
    category,
    value: percentPoints(value),
    label: formatPercent(value),
    color,
  });
  const bars = [
    bar(t(lang, "contract.seriesAll"), s.contractCoverage, AGGREGATE_COLOR),
    bar(t(lang, "contract.seriesUrban"), s.contractCoverageUrban, AGGREGATE_COLOR),
    bar(t(lang, "contract.seriesKey"), s.contractCoverageKeyPopulations, AGGREGATE_COLOR),
    ...Object.entries(s.contractCoverageByGroup ?? {}).map(([group, value]) =>
      bar(modelName(lang, "group", group), value, GROUP_COLOR),
    ),
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: t(lang, "chart.contracts.title", { year: s.label }),
      subtitle: t(lang, "chart.contracts.subtitle", { replications: replicationsNote(lang, m.replications) }),
    },
    config: CHART_CONFIG,
    ...barPanel(bars, {
      title: t(lang, "chart.contracts.axis"),
      categories: bars.map((b) => b.category),
      width: CHART_WIDTH - 260,
      categoryAxis: true,
      format: "~r",
    }),
  } as TopLevelSpec;
}

const UP_COLOR = "#2171b5";
const UP_PATIENTS_COLOR = "#6baed6";
const DOWN_COLOR = "#238b45";
const DOWN_MUTED_COLOR = "#a1d99b";

/**
 * Two-way referral (双向转诊) in the summary year: the referral-out rate of each tier of the
 * region, and the year's referrals up (hops and patients) and down (proposed, done, to
 * rehabilitation and nursing, failed for want of a step-down bed).
 */
export function referralsChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  const s = m.summary;
  const rates = tierBars(lang, REGION_TIERS, (tier) => s.referralOutRateByTier[tier], formatPercent).map(
    (bar) => ({ ...bar, value: percentPoints(bar.value) }),
  );
  const count = (key: LabelKey, value: number, color: string): Bar => ({
    category: t(lang, key),
    value,
    label: formatCount(value),
    color,
  });
  const counts = [
    count("referral.upwardHops", s.upwardReferrals, UP_COLOR),
    count("referral.upwardPatients", s.upwardReferralPatients, UP_PATIENTS_COLOR),
    count("referral.downwardProposed", s.downwardProposed, DOWN_MUTED_COLOR),
    count("referral.downward", s.downwardReferrals, DOWN_COLOR),
    count("referral.downwardToRehab", s.downwardToRehab, DOWN_MUTED_COLOR),
    count("referral.downwardBlocked", s.downwardBlockedByBeds, DOWN_MUTED_COLOR),
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: t(lang, "chart.referrals.title", { year: s.label }),
      subtitle: t(lang, "chart.referrals.subtitle", { replications: replicationsNote(lang, m.replications) }),
    },
    config: CHART_CONFIG,
    spacing: 28,
    vconcat: [
      barPanel(rates, {
        title: t(lang, "chart.referrals.rateAxis"),
        categories: REGION_TIERS.map((tier) => tierLabel(lang, tier)),
        width: CHART_WIDTH - 300,
        categoryAxis: true,
        format: "~r",
      }),
      barPanel(counts, {
        title: t(lang, "chart.referrals.countAxis"),
        categories: counts.map((c) => c.category),
        width: CHART_WIDTH - 300,
        categoryAxis: true,
        format: ",~f",
      }),
    ],
  } as TopLevelSpec;
}

/**
 * Who refers to whom: upward hops and downward moves of the year as two from × to matrices,
 * each cell shaded by its count and labelled with it (empty cells left blank).
 */
export function referralFlowsChart(m: RunMetrics, lang: Lang = "en"): TopLevelSpec {
  const s = m.summary;
  const values = (["upward", "downward"] as const).flatMap((direction) =>
    TIERS.flatMap((from) =>
      TIERS.map((to) => {
        const count = s.referralFlows[direction][from][to];
        return {
          direction: t(lang, direction === "upward" ? "referral.flow.upward" : "referral.flow.downwardMoves"),
          from: tierLabel(lang, from),
          to: tierLabel(lang, to),
          count,
          label: count > 0 ? formatCount(count) : "",
        };
      }),
    ),
  );
  const tiers = TIERS.map((tier) => tierLabel(lang, tier));
  const encoding = {
    x: {
      field: "to",
      type: "nominal",
      title: t(lang, "referral.flow.to"),
      sort: tiers,
      axis: { labelAngle: -30 },
    },
    y: { field: "from", type: "nominal", title: t(lang, "referral.flow.from"), sort: tiers },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: t(lang, "chart.referralFlows.title", { year: s.label }),
      subtitle: t(lang, "chart.referralFlows.subtitle", {
        replications: replicationsNote(lang, m.replications),
      }),
    },
    config: CHART_CONFIG,
    data: { values },
    facet: {
      column: {
        field: "direction",
        type: "nominal",
        title: null,
        sort: [t(lang, "referral.flow.upward"), t(lang, "referral.flow.downwardMoves")],
      },
    },
    spec: {
      width: 240,
      height: 200,
      layer: [
        {
          mark: { type: "rect" },
          encoding: {
            ...encoding,
            color: {
              field: "count",
              type: "quantitative",
              title: null,
              scale: { scheme: "blues", type: "sqrt" },
            },
          },
        },
        { mark: { type: "text", fontSize: 10 }, encoding: { ...encoding, text: { field: "label" } } },
      ],
    },
  } as TopLevelSpec;
}
