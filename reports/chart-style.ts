/**
 * What every chart of a run shares: the vega-lite schema, width, fonts and sizes, the two time
 * axes (months, years) and the dated policy changes drawn on every chart whose x axis is time.
 * All dates are read and shown in UTC so the output does not depend on the time zone.
 */
import type { RunMetrics, TimelineEntry } from "../models/outcomes/metrics-schema.ts";
import { type Lang, t } from "./labels.ts";
import { textWidthEm } from "./text-width.ts";

export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
export const CHART_WIDTH = 640;
export const MONTH_PARSE = { date: "utc:'%Y-%m'" } as const;
export const DAY_PARSE = { date: "utc:'%Y-%m-%d'" } as const;

/**
 * Text widths are estimated (text-width.ts), slightly wide, and vega cuts labels at their limit
 * from that estimate, so the limits are set high enough for tier names and target ids.
 */
export const CHART_CONFIG = {
  font: "sans-serif",
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  title: { fontSize: 14, subtitleFontSize: 11, anchor: "start" as const },
};

/** The x encoding of a monthly series: field `date` ("YYYY-MM"), one tick label every few months. */
export function monthAxis(lang: Lang) {
  return {
    field: "date",
    type: "temporal" as const,
    timeUnit: "utcyearmonth" as const,
    title: t(lang, "common.month"),
    axis: { format: t(lang, "chart.monthFormat"), labelAngle: 0, tickCount: 8 },
  };
}

/** Mid-year, where a calendar year's summary is drawn: "2016" → "2016-07-01". */
export function midYear(label: string): string {
  return `${label}-07-01`;
}

/** First and last calendar year of the run. */
function runYears(m: RunMetrics): [number, number] {
  return [m.startYear, m.startYear + m.years - 1];
}

/**
 * The x encoding of a by-year series: field `date` (a mid-year "YYYY-07-01"), from the run's first
 * 1 January to the day after its last 31 December, labelled at mid-year, so a change dated
 * 1 January falls between the year before and the year it first shapes.
 */
export function yearAxis(m: RunMetrics, lang: Lang) {
  const [first, last] = runYears(m);
  const years = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  return {
    field: "date",
    type: "temporal" as const,
    title: t(lang, "common.year"),
    scale: {
      type: "utc" as const,
      domain: [
        { year: first, month: 1, date: 1, utc: true },
        { year: last + 1, month: 1, date: 1, utc: true },
      ],
    },
    axis: {
      format: "%Y",
      labelAngle: 0,
      values: years.map((year) => ({ year, month: 7, date: 1, utc: true })),
    },
  };
}

/** Rows of change labels at the top of the plot, and their height in pixels. */
const LABEL_ROWS = 4;
const LABEL_ROW_HEIGHT = 12;
const LABEL_FONT_SIZE = 10;
/** Pixels; a longer note is cut with an ellipsis (the report's timeline table has it in full). */
const LABEL_LIMIT = 260;

/** A dated change as drawn: its date, label, label row, and where the label sits and how long it may be. */
export interface TimelineMark {
  date: string;
  label: string;
  row: number;
  align: "left" | "right";
  limit: number;
}

function utcDay(date: string): number {
  const [year, month, day] = date.split("-").map(Number);
  return Date.UTC(year!, (month ?? 1) - 1, day ?? 1);
}

/**
 * The dated changes of the scenario's timeline that fall inside the run, one per date (notes of
 * the same date joined), placed on a time axis `width` pixels wide from `start` to `end` (UTC
 * dates). Each label goes right of its rule, or left where there is more room, cut to fit the
 * plot, in the first row where it overlaps no earlier label (the least crowded row if none).
 */
export function timelineMarks(
  m: RunMetrics,
  axis: { start: string; end: string; width: number },
): TimelineMark[] {
  const byDate = new Map<string, string[]>();
  const months = m.years * 12;
  for (const change of (m.timeline ?? []) as TimelineEntry[]) {
    if (change.month < 0 || change.month >= months) continue;
    const notes = byDate.get(change.date) ?? [];
    notes.push(change.note || change.date);
    byDate.set(change.date, notes);
  }
  const [start, end] = [utcDay(axis.start), utcDay(axis.end)];
  const rows: [number, number][][] = Array.from({ length: LABEL_ROWS }, () => []);
  return [...byDate]
    .sort(([a], [b]) => utcDay(a) - utcDay(b))
    .map(([date, notes]) => {
      const label = notes.join("; ");
      const at = end > start ? ((utcDay(date) - start) / (end - start)) * axis.width : 0;
      const room = { left: axis.width - at - 6, right: at - 6 };
      const wanted = Math.min(LABEL_LIMIT, textWidthEm(label) * LABEL_FONT_SIZE + 4);
      const align = wanted <= room.left || room.left >= room.right ? "left" : "right";
      const limit = Math.max(20, Math.min(LABEL_LIMIT, room[align]));
      const extent: [number, number] =
        align === "left" ? [at, at + Math.min(wanted, limit) + 3] : [at - Math.min(wanted, limit) - 3, at];
      const overlaps = (row: [number, number][]) =>
        row.filter(([a, b]) => a < extent[1] && extent[0] < b).length;
      let row = rows.findIndex((taken) => overlaps(taken) === 0);
      if (row < 0)
        row = rows.reduce((best, taken, i) => (overlaps(taken) < overlaps(rows[best]!) ? i : best), 0);
      rows[row]!.push(extent);
      return { date, label, row, align, limit };
    });
}

/** The dates a time axis spans: the months of the monthly series, or the run's calendar years. */
function axisSpan(m: RunMetrics, x: ReturnType<typeof monthAxis> | ReturnType<typeof yearAxis>) {
  if ("timeUnit" in x) {
    const dates = m.monthly.map((point) => `${point.date}-01`);
    return { start: dates[0] ?? `${m.startYear}-01-01`, end: dates.at(-1) ?? `${m.startYear}-12-01` };
  }
  const [first, last] = runYears(m);
  return { start: `${first}-01-01`, end: `${last + 1}-01-01` };
}

/**
 * A dotted vertical rule at each dated policy change, with its note (cut to a short label) at
 * the top of the plot. `x` is the chart's own time encoding (months or years) and `width` its
 * plot width, so the rule lands where the chart puts that date. Empty when the run has no
 * timeline.
 */
export function timelineLayers(
  m: RunMetrics,
  x: ReturnType<typeof monthAxis> | ReturnType<typeof yearAxis>,
  width: number,
) {
  const changes = timelineMarks(m, { ...axisSpan(m, x), width });
  if (changes.length === 0) return [];
  const xOnDay = { ...x, field: "date" };
  return [
    {
      data: { values: changes.map((change, index) => ({ ...change, index })), format: { parse: DAY_PARSE } },
      layer: [
        {
          mark: { type: "rule" as const, color: "black", strokeDash: [2, 2] },
          encoding: { x: xOnDay },
        },
        // One text layer per change: the alignment and length limit are mark properties.
        ...changes.map((change, index) => ({
          transform: [{ filter: `datum.index === ${index}` }],
          mark: {
            type: "text" as const,
            align: change.align,
            baseline: "top" as const,
            dx: change.align === "left" ? 3 : -3,
            y: 2 + change.row * LABEL_ROW_HEIGHT,
            fontSize: LABEL_FONT_SIZE,
            limit: change.limit,
          },
          encoding: { x: xOnDay, text: { field: "label" } },
        })),
      ],
    },
  ];
}
