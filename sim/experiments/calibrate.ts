/**
 * `tiersim calibrate`: fits scenario parameters to reported outcomes. A targets file names the
 * scenario, the targets (levels in a year, or changes between years, each with its sd) and the
 * parameters with their priors. Each parameter set is scored by running the scenario with K
 * replications — the same K seeds for every set (common random numbers), so two sets differ only
 * by their parameters — and measuring the distance √(mean z²) of the simulated targets from the
 * reported ones. The inference methods (sim/calibration/) are ask/tell state machines; this
 * driver evaluates what they ask for on one warm worker pool, and checkpoints after every
 * evaluation, so `--resume` continues an interrupted calibration without losing one.
 */
import { readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { Document, parseDocument } from "yaml";
import { metricValue } from "../../models/outcomes/calibration-checks.ts";
import { COUNTER_COUNT } from "../../models/outcomes/counters.ts";
import { buildMetrics } from "../../models/outcomes/metrics.ts";
import type { RunMetrics } from "../../models/outcomes/metrics-schema.ts";
import {
  fitDistance,
  metricPath,
  type TargetFit,
  type TargetsFile,
} from "../../models/outcomes/targets-file.ts";
import { type Scenario, ScenarioSchema } from "../../models/scenario.ts";
import { supplyTotals } from "../../models/supply/supply.ts";
import { buildWorld } from "../../models/world.ts";
import { ensureDir, writeFileAtomic } from "../../reports/atomic-write.ts";
import {
  type FitPoint,
  fitChart,
  posteriorChart,
  traceChart,
  weightedQuantile,
} from "../../reports/calibration-charts.ts";
import { renderSvg } from "../../reports/render.ts";
import type { SimulationBackend } from "../backends/backend.ts";
import { createPool } from "../pipeline/parallel.ts";
import { runScenario } from "../run.ts";
import { loadScenario, ScenarioError } from "../scenario/loader.ts";
import { applyParameter } from "../scenario/overrides.ts";
import { loadTargetsFile } from "../scenario/targets-loader.ts";
import { timelinePhases } from "../scenario/timeline-phases.ts";
import { TIERSIM_VERSION } from "../version.ts";
import { AbcSmc, type Prior } from "./calibration/abc-smc.ts";
import { NelderMead } from "./calibration/nelder-mead.ts";

export type { TargetFit };

export type CalibrationMethod = "abc-smc" | "nelder-mead";

export interface CalibrateOptions {
  method: CalibrationMethod;
  /** Simulations allowed: parameter sets evaluated (each over `replicates` seeds). */
  budget: number;
  /** K: replications (seeds) per parameter set, the same seeds for every set. */
  replicates: number;
  /** ABC-SMC: accepted particles per generation. */
  particles?: number;
  out: string;
  resume: boolean;
  threads: number;
  /** `--set` overrides of the scenario (after the targets file's own `run` settings). */
  sets?: string[];
  /** Progress lines (one per batch of evaluations). */
  onProgress?: (line: string) => void;
  /** Called after each evaluation is checkpointed (tests use it to interrupt a calibration). */
  onEvaluation?: (count: number) => void;
  /** Where simulations run: by default this machine's warm pool of `threads`. */
  backend?: SimulationBackend;
}

export interface Evaluation {
  /** Parameter path → value. */
  theta: Record<string, number>;
  distance: number;
  fit: TargetFit[];
  /** ABC-SMC generation the set was proposed in; Nelder–Mead: 0. */
  generation: number;
  /** Why the set could not be simulated (a value outside the scenario's valid range). */
  invalid?: string;
}

export interface ParameterSummary {
  path: string;
  prior: Prior;
  priorMean: number;
  priorSd: number;
  /** ABC-SMC only. */
  posteriorMean?: number;
  posteriorSd?: number;
  /** posteriorSd ÷ priorSd: how much the targets narrowed the parameter. */
  widthRatio?: number;
  /** "constrained" (< 0.5), "weakly constrained" (< 0.9) or "free"; "point fit" for Nelder–Mead. */
  identified: string;
}

export interface CalibrationRecord {
  tiersim: string;
  targetsFile: string;
  scenarioFile: string;
  method: CalibrationMethod;
  budget: number;
  replicates: number;
  seed: number;
  parameters: ParameterSummary[];
  evaluations: Evaluation[];
  /** The evaluated set with the smallest distance. */
  best: Record<string, number>;
  bestDistance: number;
  bestFit: TargetFit[];
  /** What calibrated.yaml sets: the posterior mean (ABC-SMC) or the best set (Nelder–Mead). */
  fitted: Record<string, number>;
  posterior?: {
    generation: number;
    tolerance: number;
    ess: number;
    mean: Record<string, number>;
    sd: Record<string, number>;
    sample: { theta: Record<string, number>; weight: number; distance: number }[];
  };
  generations?: {
    generation: number;
    tolerance: number;
    simulations: number;
    acceptanceRate: number;
    ess: number;
  }[];
  stopReason: string | null;
}

interface Checkpoint {
  version: 1;
  targetsFile: string;
  method: CalibrationMethod;
  budget: number;
  replicates: number;
  particles: number;
  algorithm: unknown;
  evaluations: Evaluation[];
  /** The batch being evaluated when the checkpoint was written, and what is done of it. */
  pending: { batch: number[][]; results: (Evaluation | null)[] } | null;
}

const CHECKPOINT = "checkpoint.json";

/** Mean and sd of a prior on its natural scale. */
export function priorMoments(p: Prior): { mean: number; sd: number } {
  if ("uniform" in p) {
    const [a, b] = p.uniform;
    return { mean: (a + b) / 2, sd: (b - a) / Math.sqrt(12) };
  }
  if ("normal" in p) return { mean: p.normal[0], sd: p.normal[1] };
  const [mu, sigma] = p.lognormal;
  const mean = Math.exp(mu + (sigma * sigma) / 2);
  return { mean, sd: mean * Math.sqrt(Math.expm1(sigma * sigma)) };
}

function identification(ratio: number): string {
  return ratio < 0.5 ? "constrained" : ratio < 0.9 ? "weakly constrained" : "free";
}

export async function calibrate(targetsPath: string, options: CalibrateOptions): Promise<CalibrationRecord> {
  const loaded = await loadTargetsFile(targetsPath);
  const spec: TargetsFile = loaded.targets;
  const base = await loadScenario(loaded.scenarioFile, { sets: options.sets ?? [] });
  const scenario = withRun(loaded.scenarioFile, base.scenario, spec.run);
  checkYears(targetsPath, scenario, spec);
  checkMetrics(targetsPath, scenario, spec);
  const paths = spec.parameters.map((p) => p.path);
  // Every parameter settable at its prior's centre (dated changes' values are checked only here).
  const centre = scenarioAt(
    scenario,
    paths,
    spec.parameters.map((p) => priorMoments(p.prior as Prior).mean),
    1,
  );
  if ("invalid" in centre)
    throw new ScenarioError([{ file: targetsPath, path: "parameters", message: centre.invalid }]);
  if (paths.length === 0)
    throw new ScenarioError([
      { file: targetsPath, path: "parameters", message: "expected at least one parameter to calibrate" },
    ]);
  const priors = spec.parameters.map((p) => p.prior as Prior);
  const particles = options.particles ?? Math.max(10, Math.min(200, Math.floor(options.budget / 8)));
  const seed = scenario.run.seed;

  await ensureDir(options.out);
  const checkpointPath = join(options.out, CHECKPOINT);
  const checkpoint: Checkpoint | null = options.resume ? await readCheckpoint(checkpointPath) : null;
  if (checkpoint) {
    const same =
      checkpoint.targetsFile === resolve(targetsPath) &&
      checkpoint.method === options.method &&
      checkpoint.replicates === options.replicates;
    if (!same)
      throw new ScenarioError([
        {
          file: checkpointPath,
          path: "",
          message: `it holds a ${checkpoint.method} calibration of ${checkpoint.targetsFile} with ${checkpoint.replicates} replicates: resume it with the same targets file, --method and --replicates`,
        },
      ]);
  }
  const algorithm = checkpoint
    ? options.method === "abc-smc"
      ? AbcSmc.fromJSON(checkpoint.algorithm)
      : NelderMead.fromJSON(checkpoint.algorithm)
    : newAlgorithm(options.method, priors, options.budget, particles, seed);
  const budget = checkpoint?.budget ?? options.budget;
  const evaluations: Evaluation[] = checkpoint?.evaluations ?? [];
  let pending = checkpoint?.pending ?? null;

  // Local runs go one at a time, each over the warm pool's threads; a backend (a Redis queue
  // and its workers) takes as many at once as it has lanes.
  const pool = !options.backend && options.threads > 1 ? await createPool(options.threads) : undefined;
  const simulate = options.backend
    ? (s: Scenario) => (options.backend as SimulationBackend).run(s)
    : async (s: Scenario) => (await runScenario(s, { threads: options.threads, pool })).metrics;
  const lanes = options.backend?.lanes ?? 1;
  const evaluate = (theta: number[], generation: number) =>
    evaluateSet(scenario, paths, theta, generation, spec, options.replicates, simulate);
  const save = () =>
    writeFileAtomic(
      checkpointPath,
      JSON.stringify({
        version: 1,
        targetsFile: resolve(targetsPath),
        method: options.method,
        budget,
        replicates: options.replicates,
        particles,
        algorithm: algorithm.toJSON(),
        evaluations,
        pending,
      } satisfies Checkpoint),
    );
  try {
    while (!algorithm.done) {
      const batch = pending?.batch ?? algorithm.ask();
      if (batch.length === 0) break;
      const generation = algorithm instanceof AbcSmc ? algorithm.generation : 0;
      pending = pending ?? { batch, results: batch.map(() => null) };
      const open = pending;
      const todo = batch.map((_, i) => i).filter((i) => !open.results[i]);
      let next = 0;
      // Results land by index, so the algorithm sees the batch in its order whatever finishes first.
      const lane = async () => {
        while (next < todo.length) {
          const i = todo[next++];
          open.results[i] = await evaluate(batch[i], generation);
          await save();
          options.onEvaluation?.(evaluations.length + open.results.filter(Boolean).length);
        }
      };
      await Promise.all(Array.from({ length: Math.min(lanes, todo.length) }, lane));
      const results = pending.results as Evaluation[];
      algorithm.tell(results.map((r) => r.distance));
      evaluations.push(...results);
      pending = null;
      await save();
      options.onProgress?.(progressLine(algorithm, evaluations, budget));
    }
  } finally {
    await pool?.destroy();
  }

  const record = buildRecord(
    targetsPath,
    loaded.scenarioFile,
    options,
    budget,
    seed,
    spec,
    priors,
    evaluations,
    algorithm,
  );
  // calibrated.yaml keeps the scenario's own run (the targets' run block only shapes the fit: a
  // trend fitted to two years projects over all of its years); the caller's overrides stay.
  await writeOutputs(options.out, record, loaded.scenarioFile, base.scenario, options.sets ?? []);
  return record;
}

function newAlgorithm(
  method: CalibrationMethod,
  priors: Prior[],
  budget: number,
  particles: number,
  seed: number,
): AbcSmc | NelderMead {
  if (method === "abc-smc") return new AbcSmc({ priors, populationSize: particles, budget, seed });
  const moments = priors.map(priorMoments);
  const lower = priors.map((p) =>
    "uniform" in p ? p.uniform[0] : "lognormal" in p ? 0 : Number.NEGATIVE_INFINITY,
  );
  const upper = priors.map((p) => ("uniform" in p ? p.uniform[1] : Number.POSITIVE_INFINITY));
  return new NelderMead({
    start: moments.map((m) => m.mean),
    step: moments.map((m) => m.sd),
    lower,
    upper,
    maxEvaluations: budget,
    // Distances are in target standard deviations: a hundredth of one is below replication noise.
    fTol: 0.01,
    xTol: 1e-3,
  });
}

/**
 * The scenario over the years a targets file needs (its `run` block): the run's start and length
 * replaced, and the timeline's changes dated after the new end dropped, as they would never take
 * effect (a trend fitted to its first two years keeps its later changes for the projection).
 */
export function withRun(file: string, scenario: Scenario, run: TargetsFile["run"]): Scenario {
  if (!run) return scenario;
  const data = structuredClone(scenario);
  data.run.startYear = run.startYear;
  data.run.years = run.years;
  const end = run.startYear + run.years;
  data.timeline = data.timeline.filter((c) => Number(c.date.slice(0, 4)) < end);
  const checked = ScenarioSchema.safeParse(data);
  const problems = checked.success
    ? timelinePhases(checked.data).problems.map((p) => ({ file, path: p.path.join("."), message: p.message }))
    : checked.error.issues.map((i) => ({ file, path: i.path.join("."), message: i.message }));
  if (problems.length > 0 || !checked.success) throw new ScenarioError(problems);
  return checked.data;
}

/**
 * Every target's metric must be a number of a year's summary: checked before any simulation on
 * the summary of an empty two-year run of the scenario, which has every field a run has.
 */
export function checkMetrics(
  file: string,
  scenario: Scenario,
  spec: Pick<TargetsFile, "targets" | "grassrootsDefinition">,
): void {
  const shape = structuredClone(scenario);
  shape.run.years = 2;
  shape.run.replications = 1;
  shape.timeline = [];
  const world = buildWorld(shape);
  const empty = {
    counters: new Float64Array(25 * COUNTER_COUNT),
    openByKind: new Float64Array(world.kinds.count),
    sharedRequests: 0,
    sharedResults: 0,
  };
  const supply = supplyTotals(world);
  const summary = buildMetrics(shape, world.kinds.ids, [supply, supply], [empty], TIERSIM_VERSION).summary;
  const problems = spec.targets.flatMap((t, i) => {
    const path = metricPath(t.metric, spec.grassrootsDefinition);
    return typeof metricValue(summary, path) === "number" && !Number.isNaN(metricValue(summary, path))
      ? []
      : [
          {
            file,
            path: `targets.${i}.metric`,
            message: `no numeric metric "${t.metric}" in a year's summary: expected a dotted path such as grassrootsShare, visitsShareByTier.county or firstContactByKind.minor.township (see metrics.json byYear)`,
          },
        ];
  });
  if (problems.length > 0) throw new ScenarioError(problems);
}

/** Every target year must be simulated: the scenario's years cover them. */
export function checkYears(file: string, scenario: Scenario, spec: Pick<TargetsFile, "targets">): void {
  const first = scenario.run.startYear;
  const last = first + scenario.run.years - 1;
  const problems = spec.targets.flatMap((t, i) => {
    const years = t.year !== undefined ? [t.year] : t.change ? [t.change.from, t.change.to] : [];
    return years
      .filter((y) => y < first || y > last)
      .map((y) => ({
        file,
        path: `targets.${i}`,
        message: `target ${t.id} needs the year ${y}, but the scenario simulates ${first}–${last}: set run.startYear and run.years (the targets file's run block, or --set)`,
      }));
  });
  if (problems.length > 0) throw new ScenarioError(problems);
}

/** The scenario with the parameters set to theta (validated), or why it cannot be. */
export function scenarioAt(
  scenario: Scenario,
  paths: readonly string[],
  theta: readonly number[],
  replicates: number,
): { scenario: Scenario } | { invalid: string } {
  const data = structuredClone(scenario) as unknown as Record<string, unknown>;
  for (let i = 0; i < paths.length; i++) {
    const applied = applyParameter(data, paths[i], theta[i], ScenarioSchema);
    if (!applied.ok) return { invalid: `${paths[i]}: ${applied.message}` };
  }
  (data.run as Record<string, unknown>).replications = replicates;
  const checked = ScenarioSchema.safeParse(data);
  if (!checked.success)
    return { invalid: checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  // A dated change must apply to the scenario as it then stands.
  const phases = timelinePhases(checked.data).problems;
  if (phases.length > 0)
    return { invalid: phases.map((p) => `${p.path.join(".")}: ${p.message}`).join("; ") };
  return { scenario: checked.data };
}

async function evaluateSet(
  scenario: Scenario,
  paths: readonly string[],
  theta: number[],
  generation: number,
  spec: TargetsFile,
  replicates: number,
  simulate: (scenario: Scenario) => Promise<RunMetrics>,
): Promise<Evaluation> {
  const named = Object.fromEntries(paths.map((p, i) => [p, theta[i]]));
  const at = scenarioAt(scenario, paths, theta, replicates);
  if ("invalid" in at)
    return { theta: named, distance: Number.POSITIVE_INFINITY, fit: [], generation, invalid: at.invalid };
  const metrics = await simulate(at.scenario);
  const fit = fitDistance(metrics.byYear, spec.targets, spec.grassrootsDefinition);
  return { theta: named, distance: fit.distance, fit: fit.perTarget, generation };
}

function progressLine(algorithm: AbcSmc | NelderMead, evaluations: Evaluation[], budget: number): string {
  const best = Math.min(...evaluations.map((e) => e.distance));
  if (algorithm instanceof AbcSmc)
    return `calibrate: generation ${algorithm.generation}, tolerance ${algorithm.tolerance.toPrecision(3)}, ${evaluations.length} of ${budget} simulations, best distance ${best.toPrecision(3)}`;
  return `calibrate: ${evaluations.length} of ${budget} simulations, best distance ${best.toPrecision(3)}`;
}

async function readCheckpoint(path: string): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  const parsed = JSON.parse(text) as Checkpoint;
  if (parsed.version !== 1) throw new Error(`${path}: not a checkpoint this version of tiersim reads`);
  return parsed;
}

function buildRecord(
  targetsPath: string,
  scenarioFile: string,
  options: CalibrateOptions,
  budget: number,
  seed: number,
  spec: TargetsFile,
  priors: Prior[],
  evaluations: Evaluation[],
  algorithm: AbcSmc | NelderMead,
): CalibrationRecord {
  const paths = spec.parameters.map((p) => p.path);
  const finite = evaluations.filter((e) => Number.isFinite(e.distance));
  const bestEval = finite.reduce<Evaluation | undefined>(
    (b, e) => (!b || e.distance < b.distance ? e : b),
    undefined,
  );
  if (!bestEval) throw new Error("calibrate: no parameter set could be simulated");
  const named = (xs: readonly number[]) => Object.fromEntries(paths.map((p, i) => [p, xs[i]]));
  const posterior = algorithm instanceof AbcSmc ? algorithm.posterior() : undefined;
  const parameters: ParameterSummary[] = spec.parameters.map((p, i) => {
    const m = priorMoments(priors[i]);
    if (!posterior)
      return { path: p.path, prior: priors[i], priorMean: m.mean, priorSd: m.sd, identified: "point fit" };
    const ratio = posterior.sd[i] / m.sd;
    return {
      path: p.path,
      prior: priors[i],
      priorMean: m.mean,
      priorSd: m.sd,
      posteriorMean: posterior.mean[i],
      posteriorSd: posterior.sd[i],
      widthRatio: ratio,
      identified: identification(ratio),
    };
  });
  return {
    tiersim: TIERSIM_VERSION,
    targetsFile: relative(options.out, resolve(targetsPath)),
    scenarioFile: relative(options.out, scenarioFile),
    method: options.method,
    budget,
    replicates: options.replicates,
    seed,
    parameters,
    evaluations,
    best: bestEval.theta,
    bestDistance: bestEval.distance,
    bestFit: bestEval.fit,
    fitted: posterior ? named(posterior.mean) : bestEval.theta,
    posterior: posterior && {
      generation: posterior.generation,
      tolerance: posterior.tolerance,
      ess: posterior.ess,
      mean: named(posterior.mean),
      sd: named(posterior.sd),
      sample: posterior.particles.map((x, i) => ({
        theta: named(x),
        weight: posterior.weights[i],
        distance: posterior.distances[i],
      })),
    },
    generations:
      algorithm instanceof AbcSmc
        ? algorithm.generations.map((g) => ({
            generation: g.generation,
            tolerance: g.tolerance,
            simulations: g.simulations,
            acceptanceRate: g.acceptanceRate,
            ess: g.ess,
          }))
        : undefined,
    stopReason: algorithm.reason,
  };
}

/**
 * calibration.json, the charts, and calibrated.yaml: a scenario that `extends` the input and sets
 * the caller's overrides and the fitted values, runnable as is from the output folder.
 */
async function writeOutputs(
  out: string,
  record: CalibrationRecord,
  scenarioFile: string,
  scenario: Scenario,
  sets: string[],
): Promise<void> {
  await writeFileAtomic(join(out, "calibration.json"), `${JSON.stringify(record, null, 2)}\n`);
  await writeCharts(out, record);
  // The fitted scenario extends the input and sets what the calibration changed: a field by its
  // path, or, where the path runs through a list (a dated change, an episode kind), the whole list
  // as fitted, since a list is replaced, not merged, by extends.
  const full = structuredClone(scenario) as unknown as Record<string, unknown>;
  const child: Record<string, unknown> = {};
  const assignments: [string, unknown][] = [
    ...sets.map((s): [string, unknown] => {
      const at = s.indexOf("=");
      return [s.slice(0, at), parseDocument(s.slice(at + 1)).toJS()];
    }),
    ...Object.entries(record.fitted),
  ];
  for (const [path, value] of assignments) {
    const applied = applyParameter(full, path, value, ScenarioSchema);
    if (!applied.ok) throw new Error(`calibrated.yaml: cannot set ${path}: ${applied.message}`);
    const list = applied.value.findIndex((segment) => typeof segment === "number");
    const keep = (list < 0 ? applied.value : applied.value.slice(0, list)) as string[];
    setIn(child, keep, structuredClone(getIn(full, keep)));
  }
  const doc = new Document({ extends: relative(out, scenarioFile), ...child });
  const header = [
    `# Calibrated by tiersim ${record.tiersim} (${record.method}, ${record.evaluations.length} simulations of ${record.replicates} replicates)`,
    `# against ${record.targetsFile}; fitted: ${record.method === "abc-smc" ? "posterior mean" : "best set"}`,
    ...Object.entries(record.fitted).map(([p, v]) => `#   ${p} = ${v}`),
    "",
  ].join("\n");
  await writeFileAtomic(join(out, "calibrated.yaml"), `${header}${doc.toString({ lineWidth: 100 })}`);
}

function getIn(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], data);
}

function setIn(data: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = data;
  path.slice(0, -1).forEach((key) => {
    if (typeof at[key] !== "object" || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  });
  at[path[path.length - 1]] = value;
}

/** The fit of each target, one line each, and the distance. */
export function formatFit(fit: readonly TargetFit[], distance: number): string {
  const width = Math.max(6, ...fit.map((f) => f.id.length));
  const rows = fit.map(
    (f) =>
      `  ${f.id.padEnd(width)}  simulated ${f.simulated.toPrecision(4).padStart(9)}  observed ${f.observed.toPrecision(4).padStart(9)} ± ${f.sd.toPrecision(2)}  z ${f.z.toFixed(2).padStart(6)}`,
  );
  return [...rows, `  distance √(mean z²) = ${distance.toPrecision(3)}`].join("\n");
}

/** What a calibration found: the fitted values, how well they fit, what the targets constrain. */
export function formatCalibration(r: CalibrationRecord): string {
  const lines = [
    `${r.method}: ${r.evaluations.length} simulations (${r.replicates} replicates each), stopped: ${r.stopReason ?? "done"}`,
    "Parameters:",
    ...r.parameters.map((p) =>
      p.posteriorMean === undefined
        ? `  ${p.path} = ${r.best[p.path].toPrecision(4)} (best; prior mean ${p.priorMean.toPrecision(3)}, sd ${p.priorSd.toPrecision(3)})`
        : `  ${p.path} = ${p.posteriorMean.toPrecision(4)} ± ${(p.posteriorSd ?? 0).toPrecision(2)} (prior sd ${p.priorSd.toPrecision(3)}: ${p.identified}, width ratio ${(p.widthRatio ?? 0).toFixed(2)})`,
    ),
    `Best fit (distance ${r.bestDistance.toPrecision(3)}):`,
    formatFit(r.bestFit, r.bestDistance),
  ];
  return lines.join("\n");
}

export interface ValidateFitOptions {
  replicates: number;
  out: string;
  threads: number;
  sets?: string[];
}

/**
 * Out-of-sample validation: runs a scenario (a calibrated one) with K replications and scores it
 * against a targets file it was not fitted to. The targets file's `run` block sets the years.
 */
export async function validateFit(
  scenarioPath: string,
  targetsPath: string,
  options: ValidateFitOptions,
): Promise<{ fit: TargetFit[]; distance: number }> {
  const loaded = await loadTargetsFile(targetsPath);
  const spec = loaded.targets;
  const loadedScenario = await loadScenario(scenarioPath, {
    sets: [`run.replications=${options.replicates}`, ...(options.sets ?? [])],
  });
  const scenario = withRun(scenarioPath, loadedScenario.scenario, spec.run);
  checkYears(targetsPath, scenario, spec);
  checkMetrics(targetsPath, scenario, spec);
  const { metrics } = await runScenario(scenario, { threads: options.threads });
  const fit = fitDistance(metrics.byYear, spec.targets, spec.grassrootsDefinition);
  await ensureDir(options.out);
  await writeFileAtomic(
    join(options.out, "fit.json"),
    `${JSON.stringify({ tiersim: TIERSIM_VERSION, scenario: scenarioPath, targets: targetsPath, replicates: options.replicates, distance: fit.distance, fit: fit.perTarget }, null, 2)}\n`,
  );
  return { fit: fit.perTarget, distance: fit.distance };
}

/** The fit chart and the posterior (or trace) chart, each as SVG and as its vega-lite spec. */
async function writeCharts(out: string, record: CalibrationRecord): Promise<void> {
  // Posterior predictive ranges: the accepted sets of the final ABC-SMC generation.
  const final = record.posterior
    ? record.evaluations.filter(
        (e) => e.generation === record.posterior?.generation && e.distance <= record.posterior.tolerance,
      )
    : [];
  const points: FitPoint[] = record.bestFit.map((f) => {
    const simulated = final.map((e) => e.fit.find((g) => g.id === f.id)?.simulated ?? Number.NaN);
    const ones = simulated.map(() => 1);
    return {
      id: f.id,
      observed: f.observed,
      sd: f.sd,
      simulated: f.simulated,
      ...(simulated.length > 1
        ? { low: weightedQuantile(simulated, ones, 0.05), high: weightedQuantile(simulated, ones, 0.95) }
        : {}),
    };
  });
  const charts: [string, TopLevelSpec][] = [
    ["calibration-fit", fitChart(points)],
    record.posterior
      ? ["calibration-posterior", posteriorChart(record.posterior.sample)]
      : ["calibration-trace", traceChart(record.evaluations.map((e) => e.distance))],
  ];
  for (const [name, spec] of charts) {
    await writeFileAtomic(join(out, `${name}.vl.json`), `${JSON.stringify(spec, null, 2)}\n`);
    await writeFileAtomic(join(out, `${name}.svg`), await renderSvg(spec));
  }
}
