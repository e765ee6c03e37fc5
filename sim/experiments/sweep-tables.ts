/**
 * A sweep's tables, in long format: one row per run and metric — the run's index, its value of
 * each varied field (one column per field, named by its path), the metric's dotted path and its
 * value (the summary's: ratios of the replications' mean counts), and, with two replications or
 * more, the mean over replications and its 95% Student-t interval. runs.csv and runs.parquet hold
 * the same rows; numbers are written in full (JavaScript's shortest round-trip form), so the CSV
 * reads back to the Parquet file's doubles exactly.
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import type { FieldValue } from "./sweep-design.ts";

export interface SweepRow {
  run: number;
  /** The run's value of each varied field, in field order. */
  values: readonly FieldValue[];
  metric: string;
  value: number;
  mean?: number;
  lower?: number;
  upper?: number;
}

/** Parquet type of a field's column: numbers as DOUBLE, true/false as BOOLEAN, anything else as text. */
export type FieldColumnType = "DOUBLE" | "BOOLEAN" | "STRING";

export function fieldColumnType(values: readonly FieldValue[]): FieldColumnType {
  const present = values.filter((v) => v !== null);
  if (present.every((v) => typeof v === "number")) return "DOUBLE";
  if (present.every((v) => typeof v === "boolean")) return "BOOLEAN";
  return "STRING";
}

const INTERVAL = ["mean", "lower", "upper"] as const;

/** A field's value in its column's type (null stays null). */
function typed(value: FieldValue, type: FieldColumnType): FieldValue {
  if (value === null) return null;
  return type === "STRING" ? String(value) : value;
}

function csvCell(value: FieldValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function runsCsv(
  fields: readonly string[],
  types: readonly FieldColumnType[],
  rows: readonly SweepRow[],
  withInterval: boolean,
): string {
  const header = ["run", ...fields, "metric", "value", ...(withInterval ? INTERVAL : [])];
  const lines = [header.map(csvCell).join(",")];
  for (const r of rows)
    lines.push(
      [
        r.run,
        ...r.values.map((v, i) => typed(v, types[i])),
        r.metric,
        r.value,
        ...(withInterval ? INTERVAL.map((k) => r[k]) : []),
      ]
        .map(csvCell)
        .join(","),
    );
  return `${lines.join("\n")}\n`;
}

/** The same rows as Parquet, each column with an explicit type; `metadata` goes into the file's key-value metadata. */
export function runsParquet(
  fields: readonly string[],
  types: readonly FieldColumnType[],
  rows: readonly SweepRow[],
  withInterval: boolean,
  metadata: Record<string, string> = {},
): Uint8Array {
  const number = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: "run", data: rows.map((r) => r.run), type: "INT32", nullable: false },
      ...fields.map((name, i) => ({
        name,
        data: rows.map((r) => typed(r.values[i], types[i])),
        type: types[i],
      })),
      { name: "metric", data: rows.map((r) => r.metric), type: "STRING", nullable: false },
      { name: "value", data: rows.map((r) => number(r.value)), type: "DOUBLE" },
      ...(withInterval
        ? INTERVAL.map((k) => ({ name: k, data: rows.map((r) => number(r[k])), type: "DOUBLE" as const }))
        : []),
    ],
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return new Uint8Array(buffer);
}

export interface ScreeningRow {
  metric: string;
  /** 1 = the largest μ* for this metric. */
  rank: number;
  field: string;
  muStar: number;
  mu: number;
  sigma: number;
  trajectories: number;
  lo: number;
  hi: number;
}

export function screeningCsv(rows: readonly ScreeningRow[]): string {
  const header = ["metric", "rank", "field", "mu_star", "mu", "sigma", "trajectories", "lo", "hi"];
  const lines = [header.join(",")];
  for (const r of rows)
    lines.push(
      [r.metric, r.rank, r.field, r.muStar, r.mu, r.sigma, r.trajectories, r.lo, r.hi].map(csvCell).join(","),
    );
  return `${lines.join("\n")}\n`;
}
