/**
 * `tiersim sweep`: runs a scenario over a design of field values — a full grid, a Latin hypercube
 * or Morris screening (sweep-design.ts) — and tabulates each run's metrics. Read top to bottom:
 *
 *   1. the scenario, merged and validated as `tiersim run` reads it (extends, --set);
 *   2. the design and every problem of it, and every design point's scenario, before any run;
 *   3. the manifest (manifest.json), or, with --resume, the runs a previous invocation finished;
 *   4. the runs left, `threads` at a time on one warm worker pool, each with the same seed (common
 *      random numbers: differences between runs are the levers' effects, not noise), each run's
 *      record written atomically as it finishes (runs/<index>.json), so an interrupted sweep
 *      resumes with no run lost or repeated;
 *   5. the tables (runs.csv, runs.parquet), the charts, and for Morris the screening
 *      (screening.csv, a μ*–σ chart per metric).
 *
 * Start-up is paid once: one pool for all runs (each run is one task per replication on it, so
 * `threads` runs proceed side by side), and one world per distinct set of the fields a world is
 * built from (pipeline/world-reuse.ts), in this thread and in each worker — the local backend
 * (backends/local.ts). A BullMQ backend sends the runs to `tiersim worker`s instead.
 */
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { metricValue } from "../../models/outcomes/calibration-checks.ts";
import { meanInterval } from "../../models/outcomes/intervals.ts";
import type { RunMetrics } from "../../models/outcomes/metrics-schema.ts";
import { ensureDir, writeFileAtomic } from "../../reports/atomic-write.ts";
import { screeningChart, sweepFieldChart, sweepMetricLabel } from "../../reports/sweep-charts.ts";
import { writeChartFiles } from "../../reports/write-report.ts";
import type { SimulationBackend } from "../backends/backend.ts";
import { LocalBackend } from "../backends/local.ts";
import { loadScenario, ScenarioError } from "../scenario/loader.ts";
import { buildManifest, canonicalJson, type Manifest, readManifest, writeManifest } from "./manifest.ts";
import { elementaryEffects } from "./morris.ts";
import {
  checkMetrics,
  checkPoints,
  DEFAULT_SWEEP_METRICS,
  type DesignRequest,
  type FieldValue,
  parseVary,
  planDesign,
  type SweepDesign,
  unitValue,
} from "./sweep-design.ts";
import {
  fieldColumnType,
  runsCsv,
  runsParquet,
  type ScreeningRow,
  type SweepRow,
  screeningCsv,
} from "./sweep-tables.ts";

export interface SweepOptions extends DesignRequest {
  /** `--set` overrides (and the run shorthands) applied to the scenario before the design. */
  sets?: string[];
  threads: number;
  /** Output folder (default out/sweep-<scenario name>). */
  out?: string;
  resume?: boolean;
  /** The command line recorded in the manifest (default process.argv). */
  command?: readonly string[];
  /** Reuse built worlds across runs in this thread (default true; off only to measure or test it). */
  reuseWorlds?: boolean;
  /**
   * Where the runs go: by default this machine's warm pool of `threads` workers (LocalBackend);
   * a BullMQ backend spreads them over the machines running `tiersim worker`. The caller closes
   * a backend it passes.
   */
  backend?: SimulationBackend;
  /** Write the charts (default true). */
  charts?: boolean;
  /** Runs finished so far (this invocation's and a resumed sweep's), of all the runs. */
  onProgress?: (done: number, total: number) => void;
  /** Called after each run's record is written (tests use it to interrupt a sweep). */
  onRunWritten?: (index: number, finishedThisInvocation: number) => void;
}

/** What one finished run leaves in runs/<index>.json. */
export interface RunRecord {
  index: number;
  /** The run's value of each varied field, by path. */
  values: Record<string, FieldValue>;
  replications: number;
  /** Per recorded metric: the summary's value and, with ≥ 2 replications, the mean and its 95% interval. */
  metrics: Record<string, { value: number; mean?: number; lower?: number; upper?: number }>;
}

export interface SweepResult {
  out: string;
  design: SweepDesign;
  manifest: Manifest;
  /** Runs in the design. */
  runs: number;
  /** Runs simulated by this invocation (the rest were finished by an earlier one, when resuming). */
  simulated: number;
  /** Wall time of this invocation's runs, from the pool's start to the last run written. */
  runSeconds: number;
  /** simulated ÷ runSeconds × 60 (NaN when nothing was simulated). */
  simulationsPerMinute: number;
  /** Distinct worlds built in this thread (with reuse: one per set of world fields); local runs only. */
  worldsBuilt?: number;
  /** Morris only: fields ranked by μ* per metric. */
  screening?: ScreeningRow[];
  files: string[];
}

const RUNS_DIR = "runs";
const RUN_FILE = /^(\d+)\.json$/;

export async function sweep(file: string, options: SweepOptions): Promise<SweepResult> {
  // 1. The scenario, as `tiersim run` would run it (extends, --set, validation).
  const { scenario } = await loadScenario(file, { sets: options.sets ?? [] });

  // 2. The design and every point's scenario, all checked before anything runs.
  const parsed = parseVary(options.vary, scenario);
  const metricProblems = checkMetrics(options.metrics ?? DEFAULT_SWEEP_METRICS, scenario);
  if (parsed.problems.length > 0 || metricProblems.length > 0)
    throw new ScenarioError([...parsed.problems, ...metricProblems]);
  const planned = planDesign(parsed.fields, options, scenario.run.seed);
  if (!planned.design) throw new ScenarioError(planned.problems);
  const design = planned.design;
  const checked = checkPoints(scenario, design);
  if (!checked.scenarios) throw new ScenarioError(checked.problems);
  const scenarios = checked.scenarios;

  // 3. The manifest; with --resume, the runs already finished under the same scenario and design.
  const manifest = buildManifest({
    scenario,
    command: options.command ?? process.argv,
    seeds: {
      simulation: scenario.run.seed,
      replications: scenario.run.replications,
      ...(design.seed !== undefined ? { design: design.seed } : {}),
    },
    design,
  });
  const out = options.out ?? join("out", `sweep-${scenario.name.replace(/[^\w.-]+/g, "_")}`);
  if ((await stat(out).catch(() => undefined))?.isDirectory() === false)
    throw new ScenarioError([
      { file: "--out", path: "", message: `${out} is a file: expected a folder for the sweep's outputs` },
    ]);
  const runsDir = join(out, RUNS_DIR);
  const previous = options.resume ? await readManifest(out) : undefined;
  let finished = new Map<number, RunRecord>();
  if (previous) finished = await finishedRuns(out, previous, manifest, design);
  else {
    await clearOutputs(out);
    await writeManifest(out, manifest);
  }
  await ensureDir(runsDir);

  // 4. The runs left, side by side on one warm pool (or on the backend given).
  const todo = design.points.map((_, i) => i).filter((i) => !finished.has(i));
  const total = design.points.length;
  options.onProgress?.(finished.size, total);
  const started = performance.now();
  const local = options.backend
    ? undefined
    : new LocalBackend(options.threads, { reuseWorlds: options.reuseWorlds });
  const backend = options.backend ?? (local as LocalBackend);
  let simulated = 0;
  try {
    await runAll(todo, backend.lanes, async (index) => {
      const metrics = await backend.run(scenarios[index]);
      const record = runRecord(index, design, metrics);
      await writeFileAtomic(join(runsDir, `${index}.json`), `${JSON.stringify(record)}\n`);
      finished.set(index, record);
      simulated++;
      options.onProgress?.(finished.size, total);
      options.onRunWritten?.(index, simulated);
    });
  } finally {
    await local?.close();
  }
  const runSeconds = (performance.now() - started) / 1000;

  // 5. Tables, charts and screening, from every run in index order.
  const records = design.points.map((_, i) => finished.get(i) as RunRecord);
  const files = await writeTables(out, design, records, manifest.scenarioHash);
  const screening = design.method === "morris" ? screen(design, records) : undefined;
  if (screening) {
    const path = join(out, "screening.csv");
    await writeFileAtomic(path, screeningCsv(screening));
    files.push(path);
  }
  if (options.charts !== false) files.push(...(await writeCharts(out, design, records, screening)));
  return {
    out,
    design,
    manifest,
    runs: total,
    simulated,
    runSeconds,
    simulationsPerMinute: simulated > 0 ? (simulated / runSeconds) * 60 : Number.NaN,
    worldsBuilt: local?.worldsBuilt,
    screening,
    files,
  };
}

/**
 * Runs `task` on every index, `lanes` at a time. The first failure stops new runs; the runs
 * already under way finish (their records are kept) before it is rethrown, so the pool is never
 * closed under a running task.
 */
async function runAll(todo: number[], lanes: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < todo.length) {
      const index = todo[next++];
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, todo.length) }, lane));
  if (failure) throw failure.error;
}

function runRecord(index: number, design: SweepDesign, metrics: RunMetrics): RunRecord {
  const values = Object.fromEntries(design.fields.map((f, j) => [f.path, design.points[index][j]]));
  const replications = metrics.replications;
  const recorded = Object.fromEntries(
    design.metrics.map((m) => {
      const value = metricValue(metrics.summary, m);
      if (replications < 2) return [m, { value }];
      const { mean, lower, upper } = meanInterval(metrics.perReplication[m]);
      return [m, { value, mean, lower, upper }];
    }),
  );
  return { index, values, replications, metrics: recorded };
}

/**
 * The finished runs of the sweep in `out`, whose manifest is `previous`, when it has the same
 * scenario and design as this one; refuses (a ScenarioError, exit 2) when it has another.
 */
async function finishedRuns(
  out: string,
  previous: Manifest,
  manifest: Manifest,
  design: SweepDesign,
): Promise<Map<number, RunRecord>> {
  const finished = new Map<number, RunRecord>();
  const where = join(out, "manifest.json");
  if (previous.scenarioHash !== manifest.scenarioHash)
    throw new ScenarioError([
      {
        file: where,
        path: "scenarioHash",
        message: `the sweep in ${out} ran another scenario (hash ${previous.scenarioHash.slice(0, 12)}…, this one ${manifest.scenarioHash.slice(0, 12)}…): resume with the same scenario file and --set, --seed, --replications, --population and --years, or choose another --out`,
      },
    ]);
  const before = (previous.design ?? {}) as Record<string, unknown>;
  const now = design as unknown as Record<string, unknown>;
  const differing = [...new Set([...Object.keys(before), ...Object.keys(now)])].filter(
    (k) => canonicalJson(before[k]) !== canonicalJson(now[k]),
  );
  if (differing.length > 0)
    throw new ScenarioError([
      {
        file: where,
        path: "design",
        message: `the sweep in ${out} has another design (its ${differing.join(", ")} differ${differing.length === 1 ? "s" : ""}): resume with the same --vary, --samples, --screen, --trajectories, --levels and --metrics, or choose another --out`,
      },
    ]);
  let names: string[] = [];
  try {
    names = await readdir(join(out, RUNS_DIR));
  } catch {
    return finished;
  }
  for (const name of names) {
    const match = RUN_FILE.exec(name);
    if (!match) continue;
    const index = Number(match[1]);
    const record = JSON.parse(await readFile(join(out, RUNS_DIR, name), "utf8")) as RunRecord;
    const values = design.fields.map((f) => record.values?.[f.path]);
    // A record that is not this design's point (never expected: the manifest matched) is run again.
    if (
      record.index === index &&
      index < design.points.length &&
      canonicalJson(values) === canonicalJson(design.points[index]) &&
      design.metrics.every((m) => record.metrics?.[m] !== undefined)
    )
      finished.set(index, record);
  }
  return finished;
}

/** A fresh sweep replaces what a previous sweep left in `out`: its runs, tables and charts. */
async function clearOutputs(out: string): Promise<void> {
  await ensureDir(out);
  await rm(join(out, RUNS_DIR), { recursive: true, force: true });
  for (const name of await readdir(out))
    if (/^(runs\.(csv|parquet)|screening\.csv|(sweep|screening)-.+\.(svg|png|vl\.json))$/.test(name))
      await rm(join(out, name), { force: true });
}

function tableRows(design: SweepDesign, records: readonly RunRecord[]): SweepRow[] {
  return records.flatMap((r) =>
    design.metrics.map((m) => ({ run: r.index, values: design.points[r.index], metric: m, ...r.metrics[m] })),
  );
}

async function writeTables(
  out: string,
  design: SweepDesign,
  records: readonly RunRecord[],
  scenarioHash: string,
): Promise<string[]> {
  const fields = design.fields.map((f) => f.path);
  const types = design.fields.map((_, j) => fieldColumnType(design.points.map((p) => p[j])));
  const rows = tableRows(design, records);
  const withInterval = records.some((r) => r.replications >= 2);
  const csv = join(out, "runs.csv");
  const parquet = join(out, "runs.parquet");
  await writeFileAtomic(csv, runsCsv(fields, types, rows, withInterval));
  await writeFileAtomic(
    parquet,
    runsParquet(fields, types, rows, withInterval, {
      "tiersim.scenarioHash": scenarioHash,
      "tiersim.method": design.method,
    }),
  );
  return [csv, parquet];
}

/** Morris: μ*, μ and σ of each field per metric, fields ranked by μ*. */
function screen(design: SweepDesign, records: readonly RunRecord[]): ScreeningRow[] {
  const k = design.fields.length;
  const r = design.trajectories as number;
  const ranges = design.fields.map((f) => f.range as [number, number]);
  const unit = Array.from({ length: r }, (_, t) =>
    Array.from({ length: k + 1 }, (_, s) =>
      design.points[t * (k + 1) + s].map((v, j) => unitValue(ranges[j], v as number)),
    ),
  );
  return design.metrics.flatMap((metric) => {
    const outputs = Array.from({ length: r }, (_, t) =>
      Array.from({ length: k + 1 }, (_, s) => records[t * (k + 1) + s].metrics[metric].value),
    );
    const effects = elementaryEffects(unit, outputs, k);
    return design.fields
      .map((f, j) => ({ f, e: effects[j], j }))
      .sort((a, b) => b.e.muStar - a.e.muStar || a.j - b.j)
      .map(({ f, e }, rank) => ({
        metric,
        rank: rank + 1,
        field: f.path,
        muStar: e.muStar,
        mu: e.mu,
        sigma: e.sigma,
        trajectories: e.effects.length,
        lo: (f.range as [number, number])[0],
        hi: (f.range as [number, number])[1],
      }));
  });
}

/** Each metric against each field, and for Morris μ* against σ per metric: SVG, PNG and vega-lite spec. */
async function writeCharts(
  out: string,
  design: SweepDesign,
  records: readonly RunRecord[],
  screening: ScreeningRow[] | undefined,
): Promise<string[]> {
  const files: string[] = [];
  const safe = (s: string) => s.replace(/[^\w.-]+/g, "_");
  for (const metric of design.metrics)
    for (const [j, field] of design.fields.entries()) {
      const points = records.map((r) => ({
        run: r.index,
        x: design.points[r.index][j],
        ...r.metrics[metric],
      }));
      const spec = sweepFieldChart({
        metric,
        field: field.path,
        method: design.method,
        fieldCount: design.fields.length,
        points,
      });
      const name = `sweep-${safe(metric)}-${safe(field.path)}`;
      const title = `${sweepMetricLabel(metric)} against ${field.path}`;
      files.push(...(await writeChartFiles(out, { name, title, spec })));
    }
  if (screening)
    for (const metric of design.metrics) {
      const spec = screeningChart(
        metric,
        screening.filter((s) => s.metric === metric),
        design.trajectories as number,
      );
      const title = `Morris screening: ${sweepMetricLabel(metric)}`;
      files.push(...(await writeChartFiles(out, { name: `screening-${safe(metric)}`, title, spec })));
    }
  return files;
}

/** What a sweep found, for the terminal: the design, the speed, and for Morris the top fields per metric. */
export function formatSweep(result: SweepResult): string {
  const d = result.design;
  const how =
    d.method === "grid"
      ? `a grid of ${d.fields.map((f) => f.values?.length).join(" × ")}`
      : d.method === "latin-hypercube"
        ? `a Latin hypercube of ${d.samples} points`
        : `Morris screening, ${d.trajectories} trajectories of ${d.fields.length + 1} points, ${d.levels} levels`;
  const lines = [
    `Sweep of ${d.fields.length} field${d.fields.length === 1 ? "" : "s"} (${how}): ${result.runs} runs, ${result.simulated} simulated now` +
      (result.simulated > 0
        ? ` in ${result.runSeconds.toFixed(1)} s (${result.simulationsPerMinute.toFixed(1)} simulations per minute)`
        : ""),
  ];
  if (result.screening) {
    lines.push("Fields ranked by μ* (mean |effect| of moving the field over its whole range; σ its sd):");
    for (const metric of d.metrics) {
      lines.push(`  ${metric}:`);
      for (const s of result.screening.filter((x) => x.metric === metric).slice(0, 5))
        lines.push(
          `    ${s.rank}. ${s.field}  μ* ${s.muStar.toPrecision(3)}  σ ${s.sigma.toPrecision(3)}  μ ${s.mu.toPrecision(3)}`,
        );
    }
  }
  lines.push(
    `Wrote runs.csv, runs.parquet${result.screening ? ", screening.csv" : ""}, the charts and manifest.json to ${result.out}/`,
  );
  return lines.join("\n");
}
