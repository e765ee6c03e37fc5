/**
 * Everything a run leaves on disk: metrics.json, each chart as SVG and as its vega-lite spec, and
 * report.html. All charts are rendered before the first byte is written, so a rendering failure
 * leaves no outputs; each file is then replaced atomically.
 */
import { join } from "node:path";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { ensureDir, writeFileAtomic } from "./atomic-write.ts";
import { allCharts } from "./charts.ts";
import { buildHtmlReport, type RenderedChart } from "./html-report.ts";
import { type RenderOptions, renderSvg } from "./render.ts";

/** Pretty JSON with a trailing newline; keys in the object's own order, so output is stable. */
function toJsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Writes a run's outputs into `outDir` (created if missing) and returns the paths written, in
 * write order: metrics.json, then `<chart>.svg` and `<chart>.vl.json` per chart, report.html last.
 */
export async function writeRunOutputs(
  outDir: string,
  m: RunMetrics,
  options: RenderOptions = {},
): Promise<{ files: string[] }> {
  const charts = allCharts(m);
  const rendered: RenderedChart[] = [];
  for (const chart of charts) {
    rendered.push({ name: chart.name, title: chart.title, svg: await renderSvg(chart.spec, options) });
  }

  const outputs: [fileName: string, content: string][] = [["metrics.json", toJsonFile(m)]];
  charts.forEach((chart, index) => {
    outputs.push(
      [`${chart.name}.svg`, rendered[index]!.svg],
      [`${chart.name}.vl.json`, toJsonFile(chart.spec)],
    );
  });
  outputs.push(["report.html", buildHtmlReport(m, rendered)]);

  await ensureDir(outDir);
  const files: string[] = [];
  for (const [fileName, content] of outputs) {
    const path = join(outDir, fileName);
    await writeFileAtomic(path, content);
    files.push(path);
  }
  return { files };
}
