import { z } from "zod";
import type { Prior } from "../../sim/experiments/calibration/abc-smc.ts";
import { RunSettingsSchema } from "../scenario.ts";
import { metricValue } from "./calibration-checks.ts";
import type { YearSummary } from "./metrics-schema.ts";

/**
 * Targets files: what a calibration fits (observed values with their uncertainty, each read
 * from one simulated year or from the change between two) and which scenario fields it may
 * move (dotted `--set` paths with priors). Unlike the policy targets of targets.ts, these are
 * reported outcomes the model should reproduce, weighted by how well they are known.
 */

/** zod 4 numbers refuse NaN and ±Infinity, which YAML can spell (.nan, .inf). */
const finite = z.number();

const PRIOR_FORMS = ["uniform", "normal", "lognormal"] as const;

/**
 * One mapping with optional forms rather than a union: a union would only say "matches none of
 * the allowed forms", where this names the misspelt form or the bad number.
 */
const PriorSchema = z
  .object({
    uniform: z
      .tuple([finite, finite])
      .optional()
      .describe("[low, high]: every value between equally likely; low < high."),
    normal: z
      .tuple([finite, finite])
      .optional()
      .describe("[mean, sd]: a normal distribution; sd > 0. Unbounded: the field must accept any value."),
    lognormal: z
      .tuple([finite, finite])
      .optional()
      .describe("[meanlog, sdlog]: exp of a normal(meanlog, sdlog); sdlog > 0. Positive values only."),
  })
  .strict()
  .check((ctx) => {
    const p = ctx.value;
    const problem = (message: string, path: (string | number)[]) =>
      ctx.issues.push({ code: "custom", message, input: p, path });
    const given = PRIOR_FORMS.filter((form) => p[form] !== undefined);
    if (given.length > 1) problem(`expected exactly one prior form, got ${given.join(" and ")}`, []);
    // A misspelt form is already reported as an unknown field; "no form" would repeat it.
    if (given.length === 0 && !ctx.issues.some((i) => i.code === "unrecognized_keys"))
      problem(
        "expected a prior: { uniform: [low, high] }, { normal: [mean, sd] } or { lognormal: [meanlog, sdlog] }",
        [],
      );
    if (given.length !== 1) return;
    const [form] = given;
    const [a, b] = p[form]!;
    if (form === "uniform" && !(a < b))
      problem(`a uniform prior needs low < high, got [${a}, ${b}]`, [form, 1]);
    if (form !== "uniform" && !(b > 0)) problem(`a ${form} prior needs a spread > 0, got ${b}`, [form, 1]);
  })
  .transform((p): Prior => {
    if (p.uniform) return { uniform: p.uniform };
    if (p.normal) return { normal: p.normal };
    return { lognormal: p.lognormal! };
  })
  .describe("Prior of the parameter: exactly one of uniform, normal or lognormal.");

const YearSchema = z.number().int().min(1990).max(2100);

/**
 * An enum without a default: zod reports a missing one as a wrong value ("got nothing"), so
 * the absence is worded as a missing field here; other issues keep the loader's wording.
 */
function requiredEnum<const T extends readonly [string, ...string[]]>(values: T, field: string) {
  const choices = values.map((v) => JSON.stringify(v)).join(" or ");
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined ? `required field "${field}" is missing (expected ${choices})` : undefined,
  });
}

const ChangeSchema = z
  .object({
    from: YearSchema.describe("Calendar year of the starting level."),
    to: YearSchema.describe("Calendar year of the final level; after `from`."),
    kind: requiredEnum(["absolute", "relative"], "kind").describe(
      "absolute: level(to) − level(from); relative: (level(to) − level(from)) ÷ level(from).",
    ),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!(c.from < c.to))
      ctx.addIssue({
        code: "custom",
        message: `a change runs forward in time: expected from < to, got from ${c.from}, to ${c.to}`,
        path: ["to"],
      });
  });

export const TargetSchema = z
  .object({
    id: z.string().min(1).describe("Stable identifier, unique in the file."),
    metric: z
      .string()
      .min(1)
      .describe(
        'Dotted path of a number inside a year summary (byYear.<year>), e.g. "grassrootsShare" or "visitsShareByTier.tertiary".',
      ),
    year: YearSchema.optional().describe("Calendar year whose level is the target (or give `change`)."),
    change: ChangeSchema.optional().describe("The target is the change of the metric between two years."),
    value: finite.describe("Observed value, in the metric's units (fractions for shares)."),
    sd: finite.positive().describe("Standard deviation of the observed value: the weight of the target."),
    source: z.string().min(1).describe("Where the observed value comes from."),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.year === undefined) === (t.change === undefined))
      ctx.addIssue({
        code: "custom",
        message:
          t.year === undefined
            ? 'expected exactly one of "year" (a level) or "change" (between two years), got neither'
            : 'expected exactly one of "year" (a level) or "change" (between two years), got both',
        path: [],
      });
  });

export const ParameterSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .describe('Dotted scenario path of a number field, as for --set, e.g. "choice.tierConstant.township".'),
    prior: PriorSchema,
  })
  .strict();

const runShape = RunSettingsSchema.shape;

export const TargetsRunSchema = z
  .object({
    startYear: runShape.startYear.unwrap().describe("Calendar year of the run's day 0."),
    years: runShape.years.unwrap().describe("Simulated years."),
  })
  .strict()
  .describe(
    "The run the targets need, applied to the scenario before calibrating (overriding its run.startYear and run.years) so every target year is simulated.",
  );

export const TargetsFileSchema = z
  .object({
    name: z.string().min(1).max(200).describe("Name of the calibration."),
    scenario: z.string().min(1).describe("The scenario file to calibrate, relative to this file."),
    grassrootsDefinition: requiredEnum(["all", "thcChc"], "grassrootsDefinition").describe(
      'Which facilities the observed grassroots shares count: "all" (基层: village clinics and stations plus township and community centres, private clinics included) or "thcChc" (township and community health centres only).',
    ),
    run: TargetsRunSchema.optional(),
    targets: z.array(TargetSchema).min(1).describe("Observed outcomes to fit."),
    parameters: z
      .array(ParameterSchema)
      .default([])
      .describe("Scenario fields the calibration may move, each with its prior."),
  })
  .strict()
  .superRefine((f, ctx) => {
    const duplicates = (values: readonly unknown[], field: string, list: "targets" | "parameters") => {
      const first = new Map<unknown, number>();
      values.forEach((v, i) => {
        if (typeof v !== "string") return;
        const earlier = first.get(v);
        if (earlier === undefined) first.set(v, i);
        else
          ctx.addIssue({
            code: "custom",
            message: `duplicate ${field} ${JSON.stringify(v)} (already at ${list}.${earlier})`,
            path: [list, i, field],
          });
      });
    };
    duplicates(
      f.targets.map((t) => t?.id),
      "id",
      "targets",
    );
    duplicates(
      f.parameters.map((p) => p?.path),
      "path",
      "parameters",
    );
    if (!f.run || typeof f.run.startYear !== "number" || typeof f.run.years !== "number") return;
    const first = f.run.startYear;
    const last = f.run.startYear + f.run.years - 1;
    f.targets.forEach((t, i) => {
      for (const [year, path] of yearsOf(t))
        if (typeof year === "number" && (year < first || year > last))
          ctx.addIssue({
            code: "custom",
            message: `year ${year} is outside the run (${first}–${last}, from run.startYear and run.years)`,
            path: ["targets", i, ...path],
          });
    });
  })
  .describe("Targets file: observed outcomes to fit and the scenario fields to fit them with.");

export type TargetsFile = z.output<typeof TargetsFileSchema>;
export type Target = z.output<typeof TargetSchema>;
export type TargetParameter = z.output<typeof ParameterSchema>;
export type TargetsRun = z.output<typeof TargetsRunSchema>;
export type GrassrootsDefinition = TargetsFile["grassrootsDefinition"];
export type { Prior };

/** The calendar years a target reads, with where each is written. */
export function yearsOf(target: Pick<Target, "year" | "change">): [number, (string | number)[]][] {
  if (target.year !== undefined) return [[target.year, ["year"]]];
  if (target.change) {
    return [
      [target.change.from, ["change", "from"]],
      [target.change.to, ["change", "to"]],
    ];
  }
  return [];
}

/** The `--set` overrides that give the scenario the run a targets file asks for (none without `run`). */
export function runOverrides(file: Pick<TargetsFile, "run">): string[] {
  return file.run ? [`run.startYear=${file.run.startYear}`, `run.years=${file.run.years}`] : [];
}

/** A target that cannot be read from the simulated years (so a fit never scores NaN silently). */
export class TargetValueError extends Error {
  override readonly name = "TargetValueError";
}

/**
 * The metric as the observed value counts it. THC + CHC (乡镇卫生院 + 社区卫生服务中心) leaves
 * out village clinics and community stations; the model's township tier is exactly those
 * centres (township and community centres; clinics and stations form the village tier, see
 * TIER_OF_TYPE in models/supply/facility-placement.ts), so under "thcChc" the grassroots share
 * is the township tier's share of all visits.
 */
export function metricPath(metric: string, definition: GrassrootsDefinition): string {
  return definition === "thcChc" && metric === "grassrootsShare" ? "visitsShareByTier.township" : metric;
}

function levelIn(
  byYear: Readonly<Record<string, YearSummary>>,
  target: Target,
  year: number,
  definition: GrassrootsDefinition,
): number {
  const summary = Object.hasOwn(byYear, String(year)) ? byYear[String(year)] : undefined;
  if (summary === undefined) {
    const years = Object.keys(byYear).sort();
    const covered = years.length === 0 ? "no years" : `${years[0]}–${years[years.length - 1]}`;
    throw new TargetValueError(
      `target ${JSON.stringify(target.id)}: year ${year} was not simulated (the run covers ${covered})`,
    );
  }
  const path = metricPath(target.metric, definition);
  const value = metricValue(summary, path);
  if (!Number.isFinite(value))
    throw new TargetValueError(
      `target ${JSON.stringify(target.id)}: ${JSON.stringify(path)} in ${year} is not a number${
        Number.isNaN(value) ? " (no such metric, or not numeric)" : ` (${value})`
      }`,
    );
  return value;
}

/** The simulated counterpart of `target`: its metric's level in a year, or its change between two. */
export function targetValue(
  byYear: Readonly<Record<string, YearSummary>>,
  target: Target,
  definition: GrassrootsDefinition,
): number {
  if (target.year !== undefined) return levelIn(byYear, target, target.year, definition);
  if (!target.change)
    throw new TargetValueError(`target ${JSON.stringify(target.id)}: gives neither a year nor a change`);
  const { from, to, kind } = target.change;
  const start = levelIn(byYear, target, from, definition);
  const end = levelIn(byYear, target, to, definition);
  if (kind === "absolute") return end - start;
  if (start === 0)
    throw new TargetValueError(
      `target ${JSON.stringify(target.id)}: a relative change from ${from} is undefined, the level there is 0`,
    );
  return (end - start) / start;
}

export interface TargetFit {
  id: string;
  simulated: number;
  observed: number;
  sd: number;
  /** (simulated − observed) ÷ sd */
  z: number;
}

/**
 * How far the simulated years are from the targets: the root mean square of the z-scores, so
 * it reads in standard deviations whatever the number of targets.
 */
export function fitDistance(
  byYear: Readonly<Record<string, YearSummary>>,
  targets: readonly Target[],
  definition: GrassrootsDefinition,
): { perTarget: TargetFit[]; distance: number } {
  if (targets.length === 0) throw new TargetValueError("no targets to fit");
  const perTarget = targets.map((t) => {
    const simulated = targetValue(byYear, t, definition);
    return { id: t.id, simulated, observed: t.value, sd: t.sd, z: (simulated - t.value) / t.sd };
  });
  const meanSquare = perTarget.reduce((sum, t) => sum + t.z * t.z, 0) / perTarget.length;
  return { perTarget, distance: Math.sqrt(meanSquare) };
}
