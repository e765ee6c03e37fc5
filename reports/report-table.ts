/**
 * A table of the report, built once and written twice: as HTML (formatted figures) in
 * report.html and as CSV (`tables/<name>.csv`: the same columns, numbers unformatted at full
 * precision, plus columns the HTML folds into one cell, such as an interval's bounds).
 */
import { escapeHtml } from "./html-escape.ts";

/** What a CSV field holds: text, a number (written at full precision) or nothing (empty). */
export type CsvValue = string | number | boolean | null;

export interface TableColumn {
  label: string;
  /** Right-aligned figures. */
  numeric?: boolean;
  /** A column written to only one of the two forms. */
  only?: "html" | "csv";
}

export interface TableCell {
  /** The CSV field. */
  value: CsvValue;
  /** The HTML cell content, already escaped. */
  html: string;
  /** A class for the HTML cell (met, not-met …). */
  className?: string;
}

export interface TableRow {
  cells: TableCell[];
  className?: string;
}

export interface ReportTable {
  /** File-name stem of the CSV and class of the HTML table: lower-case letters, digits, dashes. */
  name: string;
  columns: TableColumn[];
  rows: TableRow[];
}

/** A text cell: the same text in both forms, escaped for HTML. */
export function textCell(text: string, className?: string): TableCell {
  return { value: text, html: escapeHtml(text), className };
}

/** A figure: the raw number in the CSV, `shown` (formatted, trusted) in the HTML. */
export function numberCell(value: number | null | undefined, shown: string): TableCell {
  return { value: value ?? null, html: escapeHtml(shown) };
}

/** Text shown in `<code>`, as ids and field paths are. */
export function codeCell(text: string): TableCell {
  return { value: text, html: `<code>${escapeHtml(text)}</code>` };
}

/** An empty cell: the figure does not apply. */
export function blankCell(): TableCell {
  return { value: null, html: "" };
}

/** A cell of a column written to one form only: `value` for the CSV, or `html` for the page. */
export function csvOnlyCell(value: CsvValue): TableCell {
  return { value, html: "" };
}

export function htmlOnlyCell(html: string, className?: string): TableCell {
  return { value: null, html, className };
}

export function tableRow(cells: TableCell[], className?: string): TableRow {
  return { cells, className };
}

function classAttribute(className: string | undefined): string {
  return className ? ` class="${className}"` : "";
}

/** The table as HTML, csv-only columns left out. */
export function tableHtml(table: ReportTable): string {
  const shown = table.columns
    .map((column, index) => ({ column, index }))
    .filter((c) => c.column.only !== "csv");
  const numeric = (column: TableColumn) => (column.numeric ? "num" : undefined);
  const header = shown
    .map(({ column }) => `<th${classAttribute(numeric(column))}>${escapeHtml(column.label)}</th>`)
    .join("");
  const rows = table.rows.map((row) => {
    const cells = shown.map(({ column, index }) => {
      const cell = row.cells[index]!;
      const className = [numeric(column), cell.className].filter(Boolean).join(" ") || undefined;
      return `<td${classAttribute(className)}>${cell.html}</td>`;
    });
    return `<tr${classAttribute(row.className)}>${cells.join("")}</tr>`;
  });
  return [
    `<table class="${table.name}">`,
    `<thead><tr>${header}</tr></thead>`,
    "<tbody>",
    ...rows,
    "</tbody>",
    "</table>",
  ].join("\n");
}

/**
 * One CSV field (RFC 4180): numbers as JavaScript writes them (the shortest text that reads back
 * to the same double, so full precision), non-finite numbers and null as an empty field, text
 * quoted when it holds a comma, a quote, CR or LF, with quotes doubled.
 */
export function csvField(value: CsvValue): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value === 0 ? 0 : value) : "";
  // Text from scenario files that a spreadsheet would run as a formula (=, +, -, @, or a tab or
  // carriage return before one) is written with a leading apostrophe, as OWASP advises for CSV.
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of fields as RFC 4180 CSV: CRLF after every record, the first being the header. */
export function toCsv(records: readonly (readonly CsvValue[])[]): string {
  return records.map((record) => `${record.map(csvField).join(",")}\r\n`).join("");
}

/** The table as CSV, html-only columns left out. UTF-8 without a byte-order mark. */
export function tableCsv(table: ReportTable): string {
  const kept = table.columns
    .map((column, index) => ({ column, index }))
    .filter((c) => c.column.only !== "html");
  return toCsv([
    kept.map(({ column }) => column.label),
    ...table.rows.map((row) => kept.map(({ index }) => row.cells[index]!.value)),
  ]);
}
