/**
 * What a sweep runs: the fields it varies (`--vary path=v1,v2,…` or `--vary path=lo:hi`), the
 * design over them — a full grid of the listed values, a Latin hypercube of `--samples` points over
 * the ranges, or Morris trajectories (`--screen`) over the ranges or the main levers' catalogue —
 * and the metrics each run records. Everything is checked before any simulation: every problem of
 * every --vary argument, then every design point's scenario, validated like `--set` (the
 * overrides' path walk, the scenario schema with the loader's wording, the timeline's phases).
 */
import seedrandom from "seedrandom";
import { COUNTER_COUNT } from "../../models/outcomes/counters.ts";
import { buildMetrics } from "../../models/outcomes/metrics.ts";
import { type Scenario, ScenarioSchema } from "../../models/scenario.ts";
import { supplyTotals } from "../../models/supply/supply.ts";
import { buildWorld } from "../../models/world.ts";
import {
  formatPath,
  issueMessages,
  quote,
  type ScenarioProblem,
  suggestionSuffix,
  ZOD_DEFAULT_MESSAGE,
} from "../scenario/errors.ts";
import { applyParameter, parseOverride } from "../scenario/overrides.ts";
import { allowedKeys, schemaAt } from "../scenario/schema-walk.ts";
import { timelinePhases } from "../scenario/timeline-phases.ts";
import { TIERSIM_VERSION } from "../version.ts";
import { latinHypercube } from "./latin-hypercube.ts";
import { LEVER_RANGES } from "./lever-ranges.ts";
import { morrisDesign } from "./morris.ts";

/** A value a sweep gives a field: plain YAML scalars, as `--set` reads them. */
export type FieldValue = number | string | boolean | null;

export type SweepMethod = "grid" | "latin-hypercube" | "morris";

export interface DesignField {
  path: string;
  /** The --vary argument as given ("catalogue" for the built-in levers). */
  argument: string;
  /** Grid: the values, in the order given. */
  values?: FieldValue[];
  /** Latin hypercube and Morris: the range sampled. */
  range?: [number, number];
  /** Catalogue levers: where the range comes from. */
  source?: string;
}

export interface SweepDesign {
  method: SweepMethod;
  fields: DesignField[];
  /** Summary metrics (dotted paths) each run records. */
  metrics: string[];
  /** Latin hypercube: points. */
  samples?: number;
  /** Morris: trajectories r, levels p, step Δ, random candidates the trajectories were chosen from. */
  trajectories?: number;
  levels?: number;
  delta?: number;
  candidates?: number;
  /** Latin hypercube and Morris: the seed of the design's random numbers (the scenario's seed). */
  seed?: number;
  /** Each run's value of each field, in field order (Morris: trajectory by trajectory, k + 1 points each). */
  points: FieldValue[][];
}

export interface DesignRequest {
  /** The --vary arguments. */
  vary: readonly string[];
  samples?: number;
  screen?: boolean;
  trajectories?: number;
  levels?: number;
  metrics?: readonly string[];
}

/** The metrics recorded by default: the headline policy rates and the volumes that explain them. */
export const DEFAULT_SWEEP_METRICS = [
  "grassrootsShare",
  "countyDomesticRate",
  "countyDomesticAdmissionRate",
  "countyHospitalReferralOutRate",
  "visitsShareByTier.tertiary",
  "visitsPerPersonYear",
  "admissionsPer100",
  "outOfPocketShare",
  "bedOccupancyByTier.tertiary",
] as const;

export const DEFAULT_TRAJECTORIES = 10;
export const DEFAULT_LEVELS = 4;

/** Fields a sweep must not vary: every run shares the seed (common random numbers). */
const FIXED_FIELDS: Record<string, string> = {
  "run.seed":
    "every run of a sweep uses the same seed (common random numbers), so that differences between runs are the levers' effects; use --replications for independent replications",
  "run.replications": "use --replications: every run has the same replications",
};

const RANGE = /^([^:]*):([^:]*)$/;

type Parsed = { problems: ScenarioProblem[]; fields: DesignField[] };

/** Reads the --vary arguments (values as YAML scalars, ranges as lo:hi), checking paths on `base`. */
export function parseVary(vary: readonly string[], base: Scenario): Parsed {
  const problems: ScenarioProblem[] = [];
  const fields: DesignField[] = [];
  const problem = (argument: string, path: string, message: string) => {
    const file = `--vary ${argument}`;
    if (!problems.some((p) => p.file === file && p.path === path && p.message === message))
      problems.push({ file, path, message });
  };
  for (const argument of vary) {
    const eq = argument.indexOf("=");
    if (eq < 0) {
      problem(argument, "", "expected path=v1,v2,… (a grid) or path=lo:hi (a range), no '=' found");
      continue;
    }
    const path = argument.slice(0, eq).trim();
    const text = argument.slice(eq + 1);
    const pieces = text.split(",").map((s) => s.trim());
    const range = pieces.length === 1 ? RANGE.exec(pieces[0]) : null;
    let field: DesignField;
    if (range) {
      const [lo, hi] = [range[1], range[2]].map((s) => (s.trim() === "" ? Number.NaN : Number(s)));
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
        problem(argument, path, `a range is lo:hi with two numbers, got ${quote(pieces[0])}`);
        continue;
      }
      if (!(lo < hi)) {
        problem(argument, path, `a range needs lo < hi, got ${pieces[0]}`);
        continue;
      }
      field = { path, argument, range: [lo, hi] };
    } else {
      const values: FieldValue[] = [];
      let bad = false;
      for (const piece of pieces) {
        if (piece === "") {
          problem(argument, path, "an empty value in the list (values are separated by single commas)");
          bad = true;
          continue;
        }
        const parsed = parseOverride(`${path}=${piece}`);
        if (!parsed.ok) {
          problem(argument, parsed.path ?? path, parsed.message);
          bad = true;
          continue;
        }
        const v = parsed.value.value;
        if (v !== null && typeof v === "object") {
          problem(
            argument,
            path,
            `${quote(piece)} is not a single value: a --vary value is a number, true/false or text`,
          );
          bad = true;
          continue;
        }
        values.push(v as FieldValue);
      }
      if (bad) continue;
      field = { path, argument, values };
    }
    if (Object.hasOwn(FIXED_FIELDS, path)) {
      problem(argument, path, FIXED_FIELDS[path]);
      continue;
    }
    if (fields.some((f) => f.path === path)) {
      problem(argument, path, "this field is varied twice: give each field one --vary");
      continue;
    }
    // The path itself, checked as --set checks it (unknown fields, list items by id).
    const probe = structuredClone(base) as unknown as Record<string, unknown>;
    const applied = applyParameter(probe, path, field.values?.[0] ?? field.range?.[0], ScenarioSchema);
    if (!applied.ok) {
      problem(argument, applied.path ?? path, applied.message);
      continue;
    }
    const invalid = checkValues(base, field);
    for (const p of invalid) problem(argument, p.path, p.message);
    if (invalid.length === 0) fields.push(field);
  }
  return { problems, fields };
}

/**
 * The field alone at each of its values (a range at both ends and inside, where a whole-number
 * field fails), on the base scenario: what is wrong with the values themselves.
 */
function checkValues(base: Scenario, field: DesignField): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const range = field.range;
  const probes: FieldValue[] = field.values ?? [
    ...(range as [number, number]),
    naturalValue(range as [number, number], 0.3819660112501051),
  ];
  for (const v of probes) {
    const at = scenarioAtPoint(base, [field.path], [v]);
    if (at.ok) continue;
    for (const p of at.problems) {
      const message =
        range && v !== range[0] && v !== range[1]
          ? `${p.message} (at ${v}, inside the range: a range is sampled at fractional values; for whole numbers give a list, e.g. ${field.path}=${range[0]},${range[1]})`
          : `${p.message} (at ${quote(v)})`;
      if (!problems.some((q) => q.path === p.path && q.message === message))
        problems.push({ path: p.path, message });
    }
  }
  return problems;
}

/** The design of a sweep over `fields` (or the lever catalogue), drawn from `seed` where random. */
export function planDesign(
  fields: DesignField[],
  request: DesignRequest,
  seed: number,
): { design?: SweepDesign; problems: ScenarioProblem[] } {
  const problems: ScenarioProblem[] = [];
  const metrics = [...(request.metrics ?? DEFAULT_SWEEP_METRICS)];
  const ranges = fields.filter((f) => f.range);
  const lists = fields.filter((f) => f.values);
  const option = (file: string, message: string) => problems.push({ file, path: "", message });
  if (request.samples !== undefined && request.screen)
    option("--samples", "--samples (Latin hypercube) and --screen (Morris) are two designs: choose one");
  if (!request.screen && (request.trajectories !== undefined || request.levels !== undefined))
    option(
      request.trajectories !== undefined ? "--trajectories" : "--levels",
      "applies to Morris screening only: add --screen",
    );
  if (request.levels !== undefined && (request.levels < 2 || request.levels % 2 !== 0))
    option(
      "--levels",
      `Morris levels must be an even number ≥ 2 (the step is p ÷ 2(p − 1)), got ${request.levels}`,
    );
  if (request.trajectories !== undefined && request.trajectories < 2)
    option("--trajectories", "Morris needs at least 2 trajectories (σ is a standard deviation over them)");
  if (fields.length === 0 && !request.screen)
    option(
      "--vary",
      "nothing to vary: give --vary path=v1,v2,… (a grid) or --vary path=lo:hi with --samples N or --screen, or --screen alone to screen the main levers",
    );
  if (ranges.length > 0 && lists.length > 0)
    for (const f of lists)
      problems.push({
        file: `--vary ${f.argument}`,
        path: f.path,
        message: `a list of values (a grid) cannot be mixed with ranges (a sample) in one sweep: give ${f.path} a range lo:hi, or the others lists`,
      });
  if (lists.length > 0 && ranges.length === 0 && (request.samples !== undefined || request.screen))
    option(
      request.screen ? "--screen" : "--samples",
      "samples ranges: give each --vary a range path=lo:hi (lists of values make a grid, which needs neither)",
    );
  if (ranges.length > 0 && lists.length === 0 && request.samples === undefined && !request.screen)
    for (const f of ranges)
      problems.push({
        file: `--vary ${f.argument}`,
        path: f.path,
        message: "a range lo:hi is sampled: add --samples N (Latin hypercube) or --screen (Morris screening)",
      });
  if (problems.length > 0) return { problems };

  if (lists.length > 0) {
    const points = lists.reduce<FieldValue[][]>(
      (acc, f) => acc.flatMap((p) => (f.values ?? []).map((v) => [...p, v])),
      [[]],
    );
    return { problems, design: { method: "grid", fields, metrics, points } };
  }
  const factors: DesignField[] =
    fields.length > 0
      ? fields
      : LEVER_RANGES.map((l) => ({
          path: l.path,
          argument: "catalogue",
          range: [l.lo, l.hi] as [number, number],
          source: l.source,
        }));
  const at = (f: DesignField, u: number) => naturalValue(f.range as [number, number], u);
  if (!request.screen) {
    const samples = request.samples as number;
    const random = seedrandom.alea(`tiersim:${seed}:sweep:latin-hypercube`);
    const unit = latinHypercube(samples, factors.length, random);
    const points = unit.map((u) => factors.map((f, j) => at(f, u[j])));
    return {
      problems,
      design: { method: "latin-hypercube", fields: factors, metrics, samples, seed, points },
    };
  }
  const trajectories = request.trajectories ?? DEFAULT_TRAJECTORIES;
  const levels = request.levels ?? DEFAULT_LEVELS;
  const random = seedrandom.alea(`tiersim:${seed}:sweep:morris`);
  const morris = morrisDesign({ factors: factors.length, trajectories, levels }, random);
  const points = morris.trajectories.flatMap((t) => t.map((u) => factors.map((f, j) => at(f, u[j]))));
  return {
    problems,
    design: {
      method: "morris",
      fields: factors,
      metrics,
      trajectories,
      levels,
      delta: morris.delta,
      candidates: morris.candidates,
      seed,
      points,
    },
  };
}

/**
 * A point of the unit interval in a field's range: (1 − u)·lo + u·hi (exact at both ends), to 12
 * significant digits so that values read as written (5, not 4.999999999999999).
 */
export function naturalValue([lo, hi]: readonly [number, number], u: number): number {
  return Number(((1 - u) * lo + u * hi).toPrecision(12));
}

/** Where a value lies in a field's range, in unit coordinates. */
export function unitValue([lo, hi]: readonly [number, number], value: number): number {
  return (value - lo) / (hi - lo);
}

export type PointCheck =
  | { ok: true; scenario: Scenario }
  | { ok: false; problems: { path: string; message: string }[] };

/**
 * `base` with the fields set to `values`, validated as the loader validates a scenario with
 * `--set`: each path walked by the override machinery, the result checked by the scenario schema
 * (the loader's wording) and every dated change of the timeline applied.
 */
export function scenarioAtPoint(
  base: Scenario,
  paths: readonly string[],
  values: readonly FieldValue[],
): PointCheck {
  const data = structuredClone(base) as unknown as Record<string, unknown>;
  for (let i = 0; i < paths.length; i++) {
    const applied = applyParameter(data, paths[i], values[i], ScenarioSchema);
    if (!applied.ok)
      return { ok: false, problems: [{ path: applied.path ?? paths[i], message: applied.message }] };
  }
  const checked = ScenarioSchema.safeParse(data, { reportInput: true, error: () => ZOD_DEFAULT_MESSAGE });
  if (!checked.success) {
    const allowedAt = (path: readonly PropertyKey[]) => {
      const schema = schemaAt(ScenarioSchema, path);
      return schema ? allowedKeys(schema) : undefined;
    };
    return {
      ok: false,
      problems: checked.error.issues
        .flatMap((issue) => issueMessages(issue, allowedAt))
        .map((p) => ({ path: formatPath(p.path), message: p.message })),
    };
  }
  const phases = timelinePhases(checked.data).problems;
  if (phases.length > 0)
    return { ok: false, problems: phases.map((p) => ({ path: formatPath(p.path), message: p.message })) };
  // A fresh copy: zod hands out the schema's own default objects, which must stay untouched.
  return { ok: true, scenario: structuredClone(checked.data) };
}

/**
 * Every design point's scenario, or every problem of the points as wholes (each field's values
 * alone were checked with the --vary arguments), naming the point.
 */
export function checkPoints(
  base: Scenario,
  design: SweepDesign,
): { scenarios?: Scenario[]; problems: ScenarioProblem[] } {
  const problems: ScenarioProblem[] = [];
  const seen = new Set<string>();
  const paths = design.fields.map((f) => f.path);
  const file = `--vary ${design.fields.map((f) => (f.argument === "catalogue" ? `${f.path} (lever catalogue)` : f.argument)).join(" --vary ")}`;
  const scenarios: Scenario[] = [];
  design.points.forEach((values, index) => {
    const at = scenarioAtPoint(base, paths, values);
    if (at.ok) {
      scenarios.push(at.scenario);
      return;
    }
    const where = paths.map((p, i) => `${p}=${values[i]}`).join(", ");
    for (const p of at.problems) {
      const key = `${p.path}\u0000${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ file, path: p.path, message: `${p.message} (design point ${index}: ${where})` });
    }
  });
  return problems.length > 0 ? { problems } : { scenarios, problems };
}

/**
 * The metrics a run of `scenario` records: every numeric leaf of the last year's summary (the
 * keys of metrics.json `perReplication`), from the metrics of an empty run of the same shape.
 */
export function recordableMetrics(scenario: Scenario): string[] {
  const shape = structuredClone(scenario);
  shape.run.replications = 1;
  shape.timeline = [];
  const world = buildWorld(shape);
  const months = shape.run.years * 12;
  const empty = {
    counters: new Float64Array((months + 1) * COUNTER_COUNT),
    openByKind: new Float64Array(world.kinds.count),
    sharedRequests: 0,
    sharedResults: 0,
  };
  const supply = supplyTotals(world);
  const metrics = buildMetrics(
    shape,
    world.kinds.ids,
    Array.from({ length: shape.run.years }, () => supply),
    [empty],
    TIERSIM_VERSION,
  );
  return Object.keys(metrics.perReplication);
}

/** Problems of the --metrics list: each must be a numeric summary metric of this run. */
export function checkMetrics(metrics: readonly string[], scenario: Scenario): ScenarioProblem[] {
  const known = recordableMetrics(scenario);
  const problems: ScenarioProblem[] = [];
  if (metrics.length === 0)
    problems.push({
      file: "--metrics",
      path: "",
      message: "expected at least one metric, e.g. grassrootsShare",
    });
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(m)) problems.push({ file: "--metrics", path: m, message: "listed twice" });
    seen.add(m);
    if (!known.includes(m))
      problems.push({
        file: "--metrics",
        path: m,
        message: `no numeric metric ${quote(m)} in the last year's summary${suggestionSuffix(m, known)}: expected a dotted path such as grassrootsShare or visitsShareByTier.county (see metrics.json summary)`,
      });
  }
  return problems;
}
