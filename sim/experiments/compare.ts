/**
 * What-if comparison: two or more scenarios (or finished runs) side by side, each metric's
 * difference from the first with its 95% interval.
 *
 * Scenarios compared here are run with the same seed, replications, population and years, so
 * replication r of every scenario draws the same random numbers (common random numbers): the
 * same residents fall ill on the same days and weigh their options with the same draws. Their
 * difference, replication by replication, is the policy's effect with most of the noise
 * cancelled, and its interval (paired t) is far narrower than the interval of two independent
 * runs (Welch). Both are computed so that the report can show why pairing matters.
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Piscina } from "piscina";
import { metricValue } from "../../models/outcomes/calibration-checks.ts";
import { meanInterval, studentTQuantile } from "../../models/outcomes/intervals.ts";
import type { RunMetrics } from "../../models/outcomes/metrics-schema.ts";
import { scoreTarget, TARGET_CATALOGUE, type TargetDefinition } from "../../models/outcomes/targets.ts";
import { type Scenario, ScenarioSchema } from "../../models/scenario.ts";
import { createPool } from "../pipeline/parallel.ts";
import { runScenario } from "../run.ts";
import { loadScenario, ScenarioError } from "../scenario/loader.ts";
import { timelinePhases } from "../scenario/timeline-phases.ts";

/** A difference between two runs' means with its 95% interval. */
export interface DiffInterval {
  diff: number;
  lower: number;
  upper: number;
}

/**
 * Paired by replication: the t interval of the mean of the replications' differences b_r − a_r.
 * Needs the same number of replications in both, drawn with common random numbers.
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): DiffInterval {
  if (a.length !== b.length) throw new RangeError("paired differences need as many values on each side");
  const { mean, lower, upper } = meanInterval(b.map((v, r) => v - a[r]));
  return { diff: mean, lower, upper };
}

/**
 * Unpaired (Welch): the interval the same difference would have if the two runs were
 * independent. Welch's degrees of freedom are rounded down to a whole number (a slightly wider,
 * conservative interval), as the t quantile here is exact for whole degrees of freedom.
 */
export function unpairedDifference(a: readonly number[], b: readonly number[]): DiffInterval {
  const sa = meanInterval(a);
  const sb = meanInterval(b);
  const diff = sb.mean - sa.mean;
  const va = sa.n > 1 ? sa.sd ** 2 / sa.n : 0;
  const vb = sb.n > 1 ? sb.sd ** 2 / sb.n : 0;
  const se = Math.sqrt(va + vb);
  if (se === 0 || sa.n < 2 || sb.n < 2) return { diff, lower: diff, upper: diff };
  const df = (va + vb) ** 2 / (va ** 2 / (sa.n - 1) + vb ** 2 / (sb.n - 1));
  const half = studentTQuantile(0.95, Math.max(1, Math.floor(df))) * se;
  return { diff, lower: diff - half, upper: diff + half };
}

/**
 * A leaf of the scenario that differs between two scenarios. Lists count as one field, except a
 * timeline against a scenario without one: each field a dated change sets is then its own
 * difference (`timeline.<i>.set.<field>`), applied alone from the change's date.
 */
export interface FieldDifference {
  path: string;
  from: unknown;
  to: unknown;
  /** For a field of a dated change: the change's date. */
  date?: string;
}

/** Fields that describe a run rather than the region or its policy: never levers. */
const NOT_LEVERS = new Set(["name", "description", "run", "targets", "calibrationChecks"]);

/** The fields whose values differ between two validated scenarios, in the scenario's key order. */
export function differingFields(a: Scenario, b: Scenario): FieldDifference[] {
  const out: FieldDifference[] = [];
  const walk = (x: unknown, y: unknown, path: string[]) => {
    const isMap = (v: unknown): v is Record<string, unknown> =>
      v !== null && typeof v === "object" && !Array.isArray(v);
    if (isMap(x) && isMap(y)) {
      for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (path.length === 0 && NOT_LEVERS.has(key)) continue;
        walk(x[key], y[key], [...path, key]);
      }
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ path: path.join("."), from: x, to: y });
  };
  walk(a, b, []);
  const timeline = out.findIndex((d) => d.path === "timeline");
  if (timeline >= 0 && a.timeline.length === 0) {
    const fields = b.timeline.flatMap((change, i) =>
      Object.entries(change.set).map(([key, value]) => ({
        path: `timeline.${i}.set.${key}`,
        from: undefined,
        to: value,
        date: change.date,
      })),
    );
    out.splice(timeline, 1, ...fields);
  }
  return out;
}

const TIMELINE_FIELD = /^timeline\.(\d+)\.set\.(.+)$/;

/** `scenario` with one field (a dotted path from differingFields) set to `value`, validated. */
export function withField(
  scenario: Scenario,
  path: string,
  value: unknown,
  date?: string,
): Scenario | string {
  const data = structuredClone(scenario) as unknown as Record<string, unknown>;
  const dated = TIMELINE_FIELD.exec(path);
  if (dated && date !== undefined) {
    // One field of a dated change, alone, from its date.
    const note = `${dated[2]} (alone)`;
    data.timeline = [...scenario.timeline, { date, note, set: { [dated[2]]: structuredClone(value) } }];
    return validated(data);
  }
  const keys = path.split(".");
  let node = data;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
  return validated(data);
}

/** `scenario` with one differing field reset to the other scenario's value (or dated change removed). */
export function withoutField(scenario: Scenario, field: FieldDifference): Scenario | string {
  const dated = TIMELINE_FIELD.exec(field.path);
  if (!dated) return withField(scenario, field.path, field.from);
  const data = structuredClone(scenario) as unknown as { timeline: { set: Record<string, unknown> }[] };
  const index = Number(dated[1]);
  delete data.timeline[index].set[dated[2]];
  if (Object.keys(data.timeline[index].set).length === 0) data.timeline.splice(index, 1);
  return validated(data);
}

function validated(data: unknown): Scenario | string {
  const checked = ScenarioSchema.safeParse(data);
  if (!checked.success)
    return checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  const problems = timelinePhases(checked.data).problems;
  if (problems.length > 0) return problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("; ");
  return checked.data;
}

export interface CompareInput {
  /** Short name shown in tables and charts: the scenario's name, or the run folder's. */
  label: string;
  /** The scenario file or run folder given. */
  source: string;
  kind: "scenario" | "run";
  metrics: RunMetrics;
  scenario?: Scenario;
}

export interface MetricComparison {
  /** Dotted path into the last year's summary. */
  path: string;
  /** Each input's mean over replications, in input order. */
  means: number[];
  /** Each input after the first against the first: paired (when runs pair) and unpaired. */
  versusFirst: { paired: DiffInterval | null; unpaired: DiffInterval }[];
}

/** A target of the catalogue scored in every run, in input order. */
export interface TargetComparison extends Omit<TargetDefinition, "tolerance"> {
  values: number[];
  met: boolean[];
}

/**
 * One differing field's effect, both ways, so that fields that only act together show up: a
 * field added alone to the first scenario may do nothing (rotation of specialists without an
 * alliance to rotate in), while removing it from the second undoes much of the difference.
 */
export interface TornadoBar {
  field: string;
  from: unknown;
  to: unknown;
  /** Metric change when only this field of the first scenario takes the other's value. */
  effect: DiffInterval;
  /** Metric change the field makes within the other scenario: other − (other with it reset). */
  removed: DiffInterval | null;
}

export interface Tornado {
  /** The scenario whose fields are applied one at a time to the first. */
  versus: string;
  metric: string;
  /** The whole difference, all fields at once. */
  total: DiffInterval;
  bars: TornadoBar[];
  /** Fields that could not be applied alone (their scenario fails validation without the others). */
  skipped: { field: string; reason: string }[];
}

export interface Comparison {
  inputs: {
    label: string;
    source: string;
    kind: "scenario" | "run";
    seed: number;
    replications: number;
    population: number;
    years: number;
    startYear: number;
  }[];
  /** True when every input shares seed, replications, population and years: differences pair. */
  paired: boolean;
  /** Why the runs do not pair, when they do not. */
  pairingNote?: string;
  metrics: MetricComparison[];
  targets: TargetComparison[];
  tornado: Tornado[];
}

export interface CompareOptions {
  /** `--set` overrides applied to every scenario input (run.seed, run.replications, …). */
  sets?: string[];
  threads: number;
  /** Runs a tornado of the differing fields for each scenario against the first. */
  tornado?: boolean;
  /** The metric the tornado ranks fields by. */
  tornadoMetric?: string;
  /** Tornado only when no more fields than this differ (each costs one more run). */
  tornadoMaxFields?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface CompareResult {
  comparison: Comparison;
  runs: CompareInput[];
}

const RUN_KEYS = ["seed", "replications", "population", "years", "startYear"] as const;

/** Reads the inputs: scenario files are loaded (and validated), run folders' metrics.json read. */
async function readInputs(sources: readonly string[], sets: readonly string[]) {
  const problems: ScenarioError["problems"] = [];
  const inputs: (Omit<CompareInput, "metrics"> & { metrics?: RunMetrics })[] = [];
  for (const source of sources) {
    if (existsSync(source) && statSync(source).isDirectory()) {
      const file = join(source, "metrics.json");
      try {
        const metrics = JSON.parse(await readFile(file, "utf8")) as RunMetrics;
        if (!metrics.summary || !metrics.perReplication)
          throw new Error("not a tiersim metrics.json of this version (no summary or perReplication)");
        inputs.push({ label: basename(source), source, kind: "run", metrics });
      } catch (error) {
        problems.push({ file, path: "", message: `cannot read a finished run: ${(error as Error).message}` });
      }
      continue;
    }
    try {
      const { scenario } = await loadScenario(source, { sets: [...sets] });
      inputs.push({ label: scenario.name, source, kind: "scenario", scenario });
    } catch (error) {
      if (error instanceof ScenarioError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  // Labels must tell the columns apart.
  const seen = new Map<string, number>();
  for (const input of inputs) {
    const n = (seen.get(input.label) ?? 0) + 1;
    seen.set(input.label, n);
    if (n > 1) input.label = `${input.label} (${n})`;
  }
  return inputs;
}

/**
 * Scenario inputs run with the same seed, replications and population as the first input (or
 * `--set`), so that they pair. Their calendar (start year, years) is the one a dated timeline
 * needs: a scenario without a timeline (the baseline) takes the calendar of the inputs that
 * have one, so that "Wenzhou 2014 against the baseline" runs both over Wenzhou's years. Each
 * aligned scenario is validated again, its timeline against its new calendar.
 */
function alignRuns(inputs: { scenario?: Scenario; metrics?: RunMetrics; source: string }[]): void {
  const first = inputs[0];
  const reference = (first.scenario?.run ?? first.metrics) as Record<string, number>;
  const dated = inputs.filter((i) =>
    i.scenario ? i.scenario.timeline.length > 0 : (i.metrics?.timeline.length ?? 0) > 0,
  );
  const calendarOf = (i: (typeof inputs)[number]) => {
    const r = (i.scenario?.run ?? i.metrics) as Record<string, number>;
    return { startYear: r.startYear, years: r.years };
  };
  const calendars = new Set(dated.map((i) => JSON.stringify(calendarOf(i))));
  const calendar =
    calendars.size === 1 ? calendarOf(dated[0]) : { startYear: reference.startYear, years: reference.years };
  const problems: ScenarioError["problems"] = [];
  for (const input of inputs) {
    if (!input.scenario) continue;
    const run = {
      ...input.scenario.run,
      seed: reference.seed,
      replications: reference.replications,
      population: reference.population,
      ...calendar,
    };
    const aligned = withField(input.scenario, "run", run);
    if (typeof aligned === "string")
      problems.push({
        file: input.source,
        path: "run",
        message: `cannot run over ${calendar.startYear}–${calendar.startYear + calendar.years - 1} beside the other inputs: ${aligned} (set run.startYear and run.years with --set)`,
      });
    else input.scenario = aligned;
  }
  if (problems.length > 0) throw new ScenarioError(problems);
}

export async function compare(sources: readonly string[], options: CompareOptions): Promise<CompareResult> {
  if (sources.length < 2)
    throw new ScenarioError([
      { file: "tiersim compare", path: "", message: "needs at least two scenarios or run folders" },
    ]);
  const pending = await readInputs(sources, options.sets ?? []);
  alignRuns(pending);
  const scenarioInputs = pending.filter((i) => i.scenario);
  const tornadoPlans = planTornados(pending, options);
  const totalRuns = scenarioInputs.length + tornadoPlans.reduce((s, p) => s + 2 * p.fields.length, 0);
  let done = 0;
  options.onProgress?.(0, totalRuns);
  const pool: Piscina | undefined =
    totalRuns > 0 && options.threads > 1 ? await createPool(options.threads) : undefined;
  try {
    const runOne = async (scenario: Scenario) => {
      const { metrics } = await runScenario(scenario, { threads: options.threads, pool });
      options.onProgress?.(++done, totalRuns);
      return metrics;
    };
    for (const input of pending)
      if (input.scenario && !input.metrics) input.metrics = await runOne(input.scenario);
    const runs = pending as CompareInput[];
    const tornado: Tornado[] = [];
    for (const plan of tornadoPlans) {
      const base = runs[0];
      const other = runs[plan.index];
      const metricOf = (m: RunMetrics) => replicationValues(m, plan.metric);
      const bars: TornadoBar[] = [];
      const skipped: Tornado["skipped"] = [];
      for (const field of plan.fields) {
        const variant = withField(base.scenario as Scenario, field.path, field.to, field.date);
        const reverted = withoutField(other.scenario as Scenario, field);
        if (typeof variant === "string") {
          skipped.push({ field: field.path, reason: variant });
          done += 2;
          options.onProgress?.(done, totalRuns);
          continue;
        }
        const added = await runOne(variant);
        let removed: DiffInterval | null = null;
        if (typeof reverted === "string") options.onProgress?.(++done, totalRuns);
        else removed = pairedDifference(metricOf(await runOne(reverted)), metricOf(other.metrics));
        bars.push({
          field: field.path,
          from: field.from,
          to: field.to,
          effect: pairedDifference(metricOf(base.metrics), metricOf(added)),
          removed,
        });
      }
      const size = (b: TornadoBar) => Math.max(Math.abs(b.effect.diff), Math.abs(b.removed?.diff ?? 0));
      bars.sort((x, y) => size(y) - size(x) || (x.field < y.field ? -1 : 1));
      tornado.push({
        versus: other.label,
        metric: plan.metric,
        total: pairedDifference(metricOf(base.metrics), metricOf(other.metrics)),
        bars,
        skipped,
      });
    }
    return { comparison: { ...summarize(runs), tornado }, runs };
  } finally {
    await pool?.destroy();
  }
}

/** Which tornados to run: each scenario input after the first, when few enough fields differ. */
function planTornados(
  inputs: { scenario?: Scenario; label: string }[],
  options: CompareOptions,
): { index: number; metric: string; fields: FieldDifference[] }[] {
  if (options.tornado === false || !inputs[0].scenario) return [];
  const metric = options.tornadoMetric ?? "grassrootsShare";
  const max = options.tornadoMaxFields ?? 16;
  const plans: { index: number; metric: string; fields: FieldDifference[] }[] = [];
  inputs.forEach((input, index) => {
    if (index === 0 || !input.scenario) return;
    const fields = differingFields(inputs[0].scenario as Scenario, input.scenario);
    if (fields.length >= 1 && fields.length <= max) plans.push({ index, metric, fields });
  });
  return plans;
}

/** A metric's value in each replication of a run (its path in perReplication). */
function replicationValues(m: RunMetrics, path: string): number[] {
  const values = m.perReplication[path];
  if (!values)
    throw new ScenarioError([
      { file: "--tornado-metric", path: "", message: `no metric ${path} in the summary` },
    ]);
  return values;
}

function summarize(runs: CompareInput[]): Omit<Comparison, "tornado"> {
  const inputs = runs.map((r) => ({
    label: r.label,
    source: r.source,
    kind: r.kind,
    seed: r.metrics.seed,
    replications: r.metrics.replications,
    population: r.metrics.population,
    years: r.metrics.years,
    startYear: r.metrics.startYear,
  }));
  const mismatched = RUN_KEYS.filter((k) => new Set(inputs.map((i) => i[k])).size > 1);
  const paired = mismatched.length === 0 && inputs[0].replications >= 2;
  const pairingNote =
    mismatched.length > 0
      ? `the runs differ in ${mismatched.join(", ")}: they do not share random numbers, so differences are unpaired`
      : inputs[0].replications < 2
        ? "one replication: no interval can be computed (use --replications 5 or more)"
        : undefined;
  // Metrics present in every run, in the first run's order.
  const paths = Object.keys(runs[0].metrics.perReplication).filter((p) =>
    runs.every((r) => r.metrics.perReplication[p] !== undefined),
  );
  const metrics: MetricComparison[] = paths.map((path) => {
    const values = runs.map((r) => r.metrics.perReplication[path]);
    return {
      path,
      means: values.map((v) => meanInterval(v).mean),
      versusFirst: values.slice(1).map((v) => ({
        paired: paired ? pairedDifference(values[0], v) : null,
        unpaired: unpairedDifference(values[0], v),
      })),
    };
  });
  const ids = [...new Set(runs.flatMap((r) => r.metrics.targets.map((t) => t.id)))];
  const targets: TargetComparison[] = ids.flatMap((id) => {
    const def = TARGET_CATALOGUE.find((t) => t.id === id);
    if (!def) return [];
    const values = runs.map((r) =>
      def.metric.startsWith("region.")
        ? Number((r.metrics.region as unknown as Record<string, unknown>)[def.metric.slice("region.".length)])
        : metricValue(r.metrics.summary, def.metric),
    );
    return [
      {
        id,
        description: def.description,
        source: def.source,
        metric: def.metric,
        comparator: def.comparator,
        target: def.target,
        values,
        met: values.map((v) => scoreTarget(def, v)),
      },
    ];
  });
  return { inputs, paired, ...(pairingNote ? { pairingNote } : {}), metrics, targets };
}
