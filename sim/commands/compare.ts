/**
 * `tiersim compare <a> <b> [...]`: scenarios or finished run folders side by side, with paired
 * difference intervals, target scores, overlay charts and a tornado of the differing fields.
 */
import { join } from "node:path";
import { Command } from "@commander-js/extra-typings";
import type { Scenario } from "../../models/scenario.ts";
import { ensureDir, writeFileAtomic } from "../../reports/atomic-write.ts";
import {
  comparisonCharts,
  comparisonCsv,
  comparisonHtml,
  formatComparison,
  targetsCsv,
} from "../../reports/compare-report.ts";
import type { Lang } from "../../reports/labels.ts";
import { renderChartFiles, writeRunOutputs } from "../../reports/write-report.ts";
import { type CompareResult, compare } from "../experiments/compare.ts";
import { buildManifest, scenarioHash, writeManifest } from "../experiments/manifest.ts";
import { checkOutDir, defaultOutDir, replaceDirAtomically } from "../output-dir.ts";
import { defaultThreads } from "../pipeline/parallel.ts";
import { createProgress, shouldShowProgress } from "../progress.ts";
import {
  langOption,
  populationOption,
  positiveInt,
  runSets,
  setOption,
  threadsOption,
  wholeNumber,
  yearsOption,
} from "./options.ts";

/** Replications a comparison runs unless told otherwise: enough for a paired interval. */
export const DEFAULT_COMPARE_REPLICATIONS = 5;

const slug = (text: string) => text.replace(/[^\p{L}\p{N}._-]+/gu, "_").replace(/^[._]+/, "") || "run";

/** Writes compare.json, the CSV tables, the charts (SVG + spec), compare.html and each run's outputs. */
export async function writeComparison(
  outDir: string,
  result: CompareResult,
  command: readonly string[] = process.argv,
  lang: Lang = "en",
): Promise<string[]> {
  const { comparison, runs } = result;
  const charts = comparisonCharts(
    comparison,
    runs.map((r) => r.metrics),
    lang,
  );
  // Every chart as SVG, PNG and its vega-lite spec, rendered before anything is written.
  const rendered = [];
  for (const chart of charts) rendered.push(await renderChartFiles(chart));
  await ensureDir(outDir);
  const files: [string, string | Uint8Array][] = [
    ["compare.json", `${JSON.stringify(comparison, null, 2)}\n`],
    ["comparison.csv", comparisonCsv(comparison)],
    ["targets.csv", targetsCsv(comparison)],
    ...rendered.flatMap((c) => c.files),
    [
      "compare.html",
      comparisonHtml(
        comparison,
        rendered.map((c) => ({ name: c.chart.name, title: c.chart.title, svg: c.svg })),
        lang,
      ),
    ],
  ];
  const written: string[] = [];
  // Each scenario run's own report, so a comparison's runs can be opened (or compared again).
  for (const run of runs) {
    if (run.kind !== "scenario") continue;
    const dir = join(outDir, "runs", slug(run.label));
    await writeRunOutputs(dir, run.metrics, { lang });
    if (run.scenario) await writeManifest(dir, manifestOf(run.scenario, command));
    written.push(dir);
  }
  // The folder's manifest: the reference scenario, and every input in the design.
  const reference = runs.find((r) => r.scenario)?.scenario;
  if (reference)
    await writeManifest(
      outDir,
      manifestOf(reference, command, {
        method: "compare",
        inputs: comparison.inputs.map((i, k) => ({
          ...i,
          ...(runs[k].scenario ? { scenarioHash: scenarioHash(runs[k].scenario) } : {}),
        })),
      }),
    );
  for (const [name, content] of files) {
    await writeFileAtomic(join(outDir, name), content);
    written.push(join(outDir, name));
  }
  return written;
}

function manifestOf(scenario: Scenario, command: readonly string[], design?: unknown) {
  return buildManifest({
    scenario,
    command,
    seeds: { simulation: scenario.run.seed, replications: scenario.run.replications },
    design,
  });
}

export function compareCommand() {
  return new Command("compare")
    .description(
      "Compare scenarios (or finished run folders) side by side: each metric's difference from the first with its 95% interval, paired by replication (common random numbers), target scores, overlay charts and a tornado of the fields that differ.",
    )
    .argument(
      "<inputs...>",
      "two or more scenario YAML files or run output folders (the first is the reference)",
    )
    .option("--out <dir>", "output directory (default: out/compare-<first>-vs-<second>)")
    .option(
      "--seed <n>",
      "seed of all random streams, the same for every scenario (= --set run.seed=N)",
      wholeNumber,
    )
    .option(
      "--replications <n>",
      `replications of each scenario (default ${DEFAULT_COMPARE_REPLICATIONS}; the difference interval needs 2 or more)`,
      positiveInt("--replications"),
    )
    .addOption(populationOption())
    .addOption(yearsOption())
    .addOption(setOption("override a field in every scenario (repeatable)"))
    .addOption(threadsOption())
    .option("--no-tornado", "skip the one-field-at-a-time runs behind the tornado chart")
    .option("--tornado-metric <path>", "the metric the tornado ranks fields by", "grassrootsShare")
    .option(
      "--tornado-max-fields <n>",
      "run the tornado only when at most this many fields differ",
      positiveInt("--tornado-max-fields"),
      16,
    )
    .option("--quiet", "print nothing but errors")
    .option("--json", "print the comparison as JSON on stdout instead of the table")
    .addOption(langOption())
    .addHelpText(
      "after",
      `
Scenario inputs run with the first input's seed, replications, population and years, so that
replication r of each draws the same random numbers; differences are then paired by replication.
The tornado runs the first scenario once more per differing field, with that field alone set to
the second's value.

Examples:
  tiersim compare scenarios/baseline.yaml scenarios/wenzhou-2014.yaml --population 50000
  tiersim compare scenarios/baseline.yaml my-reform.yaml --replications 10 --out out/reform
  tiersim compare out/baseline out/reform          # two finished runs (paired when seeds match)`,
    )
    .action(async (inputs, opts) => {
      if (opts.out !== undefined) checkOutDir(opts.out); // before simulating
      const sets = runSets({ ...opts, replications: opts.replications ?? DEFAULT_COMPARE_REPLICATIONS });
      const progress = createProgress("comparing", 1, shouldShowProgress(opts.quiet || opts.json));
      const result = await compare(inputs, {
        sets,
        threads: Math.min(opts.threads ?? defaultThreads(), defaultThreads()),
        tornado: opts.tornado,
        tornadoMetric: opts.tornadoMetric,
        tornadoMaxFields: opts.tornadoMaxFields,
        onProgress: (done, total) => progress.update(done, total),
      }).finally(() => progress.stop());
      const labels = result.comparison.inputs.map((i) => slug(i.label));
      const outDir = opts.out ?? defaultOutDir(`compare-${labels[0]}-vs-${labels[1]}`);
      // The whole folder is replaced at once: no outputs of an earlier comparison remain beside these.
      await replaceDirAtomically(outDir, async (temp) => {
        await writeComparison(temp, result, process.argv, opts.lang);
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(result.comparison, null, 2)}\n`);
      else if (!opts.quiet)
        process.stdout.write(
          `${formatComparison(result.comparison, opts.lang)}\n\nWrote ${outDir}/ (open ${join(outDir, "compare.html")})\n`,
        );
    });
}
