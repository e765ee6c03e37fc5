/**
 * Everything a run leaves on disk: metrics.json, each chart three ways (`<name>.svg`,
 * `<name>.png`, `<name>.vl.json`), each table of the report as `tables/<name>.csv`, and
 * report.html. Everything is rendered before the first byte is written, so a rendering failure
 * leaves no outputs; each file is then replaced atomically.
 *
 * `renderChartFiles`, `writeChartFiles` and `writeCsvTable` are the same steps for other commands
 * (compare, sweep) that write charts and tables of their own.
 */
import { join } from "node:path";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { ensureDir, writeFileAtomic } from "./atomic-write.ts";
import { allCharts, type NamedChart } from "./charts.ts";
import { buildHtmlReport, type RenderedChart } from "./html-report.ts";
import type { Lang } from "./labels.ts";
import { type RenderOptions, renderPng, renderSvg } from "./render.ts";
import { type ReportTable, tableCsv } from "./report-table.ts";
import { allTables } from "./report-tables.ts";

export interface WriteReportOptions extends RenderOptions {
  /** Language of the report's, charts' and tables' labels (`tiersim run --lang`). Default English. */
  lang?: Lang;
}

/** A chart rendered and ready to write: its files in write order (SVG, PNG, vega-lite spec). */
export interface ChartFiles {
  chart: NamedChart;
  svg: string;
  files: [fileName: string, content: string | Uint8Array][];
}

/** Where the CSV copies of a report's tables go, under the output directory. */
export const TABLES_DIR = "tables";

/** Pretty JSON with a trailing newline; keys in the object's own order, so output is stable. */
function toJsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Renders a chart to SVG and PNG and serialises its spec; writes nothing. */
export async function renderChartFiles(chart: NamedChart, options: RenderOptions = {}): Promise<ChartFiles> {
  const svg = await renderSvg(chart.spec, options);
  return {
    chart,
    svg,
    files: [
      [`${chart.name}.svg`, svg],
      [`${chart.name}.png`, renderPng(svg)],
      [`${chart.name}.vl.json`, toJsonFile(chart.spec)],
    ],
  };
}

/** Writes files into `dir` (created if missing), each atomically; returns their paths in order. */
async function writeAll(dir: string, files: readonly [string, string | Uint8Array][]): Promise<string[]> {
  await ensureDir(dir);
  const paths: string[] = [];
  for (const [fileName, content] of files) {
    const path = join(dir, fileName);
    await writeFileAtomic(path, content);
    paths.push(path);
  }
  return paths;
}

/** Renders a chart and writes `<name>.svg`, `<name>.png` and `<name>.vl.json` into `dir`. */
export async function writeChartFiles(
  dir: string,
  chart: NamedChart,
  options: RenderOptions = {},
): Promise<string[]> {
  return writeAll(dir, (await renderChartFiles(chart, options)).files);
}

/** Writes a table as `<dir>/tables/<name>.csv` and returns the path. */
export async function writeCsvTable(dir: string, table: ReportTable): Promise<string> {
  const [path] = await writeAll(join(dir, TABLES_DIR), [[`${table.name}.csv`, tableCsv(table)]]);
  return path!;
}

/**
 * Writes a run's outputs into `outDir` (created if missing) and returns the paths written, in
 * write order: metrics.json, then each chart's `.svg`, `.png` and `.vl.json`, then
 * `tables/<name>.csv` per table, report.html last.
 */
export async function writeRunOutputs(
  outDir: string,
  m: RunMetrics,
  options: WriteReportOptions = {},
): Promise<{ files: string[] }> {
  const lang = options.lang ?? "en";
  const rendered: ChartFiles[] = [];
  for (const chart of allCharts(m, lang)) rendered.push(await renderChartFiles(chart, options));
  const tables = allTables(m, lang);
  const charts: RenderedChart[] = rendered.map(({ chart, svg }) => ({
    name: chart.name,
    title: chart.title,
    section: chart.section,
    svg,
  }));
  const html = buildHtmlReport(m, charts, { lang });

  const files = await writeAll(outDir, [
    ["metrics.json", toJsonFile(m)],
    ...rendered.flatMap((chart) => chart.files),
  ]);
  files.push(
    ...(await writeAll(
      join(outDir, TABLES_DIR),
      tables.map((table): [string, string] => [`${table.name}.csv`, tableCsv(table)]),
    )),
  );
  files.push(...(await writeAll(outDir, [["report.html", html]])));
  return { files };
}
