import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  ParameterSchema,
  type Prior,
  type TargetsFile,
  TargetsFileSchema,
  yearsOf,
} from "../../models/outcomes/targets-file.ts";
import { type Scenario, ScenarioSchema } from "../../models/scenario.ts";
import {
  describeExpected,
  formatPath,
  issueMessages,
  quote,
  ScenarioError,
  type ScenarioProblem,
  ZOD_DEFAULT_MESSAGE,
} from "./errors.ts";
import { InputFileError, readInputFile, SCENARIO_MAX_BYTES } from "./input-files.ts";
import { positionOf, readYaml } from "./loader.ts";
import { applyOverride, isTimelineParameter, parseSetPath } from "./overrides.ts";
import { allowedKeys, schemaAt } from "./schema-walk.ts";

/**
 * Reading a targets file (models/outcomes/targets-file.ts): the same YAML reading and the same
 * located problems as scenarios, so the CLI reports both alike (and exits 2). Beyond the
 * schema, each parameter must name a number field of the scenario that accepts its prior's
 * values, and the scenario file must exist; the scenario itself is not loaded.
 */

export interface LoadedTargets {
  /** The targets file, as given. */
  file: string;
  targets: TargetsFile;
  /** The scenario to calibrate, absolute, resolved relative to the targets file. */
  scenarioFile: string;
}

export interface TargetsLoadOptions {
  /**
   * The scenario to be calibrated, once loaded: parameter paths are then checked against it
   * (list items by its own ids) rather than against the defaults, and every target year
   * against its run (unless the targets file gives its own `run`).
   */
  scenario?: Scenario;
}

export async function loadTargetsFile(
  file: string,
  options: TargetsLoadOptions = {},
): Promise<LoadedTargets> {
  let text: string;
  try {
    text = readInputFile(file, SCENARIO_MAX_BYTES);
  } catch (error) {
    const why = error instanceof InputFileError ? error.message : String(error);
    throw new ScenarioError([{ file, path: "", message: `cannot read the targets file: ${why}` }]);
  }
  return parseTargetsText(text, file, options);
}

/** The targets in `text` (named `file` in messages and the base of its relative scenario path). */
export function parseTargetsText(
  text: string,
  file: string,
  options: TargetsLoadOptions = {},
): LoadedTargets {
  const source = readYaml(text, file, "targets");
  if (!source.ok) throw new ScenarioError(source.problems);
  const { doc, lineCounter, data } = source;
  const located: { path: PropertyKey[]; message: string; atKey: boolean }[] = [];

  const result = TargetsFileSchema.safeParse(data, { reportInput: true, error: () => ZOD_DEFAULT_MESSAGE });
  if (!result.success) {
    const allowedAt = (path: readonly PropertyKey[]) => {
      const schema = schemaAt(TargetsFileSchema, path);
      return schema ? allowedKeys(schema) : undefined;
    };
    located.push(...result.error.issues.flatMap((issue) => issueMessages(issue, allowedAt)));
  }

  const scenarioFile =
    typeof data.scenario === "string" && data.scenario !== ""
      ? resolve(dirname(resolve(file)), data.scenario)
      : "";
  if (scenarioFile !== "") {
    const why = fileProblem(scenarioFile);
    if (why)
      located.push({
        path: ["scenario"],
        message: `cannot read the scenario file ${quote(data.scenario)} (${scenarioFile}): ${why}`,
        atKey: false,
      });
  }

  // Checked one by one, so a valid parameter is checked even when another part of the file is not.
  const base = options.scenario ?? {};
  const parameters = Array.isArray(data.parameters) ? data.parameters : [];
  parameters.forEach((raw, i) => {
    const parameter = ParameterSchema.safeParse(raw);
    if (!parameter.success) return;
    const message = parameterProblem(base, parameter.data.path, parameter.data.prior);
    if (message !== undefined) located.push({ path: ["parameters", i, "path"], message, atKey: false });
  });

  if (result.success && options.scenario && !result.data.run) {
    const { startYear, years } = options.scenario.run;
    const last = startYear + years - 1;
    result.data.targets.forEach((t, i) => {
      for (const [year, path] of yearsOf(t))
        if (year < startYear || year > last)
          located.push({
            path: ["targets", i, ...path],
            message: `year ${year} is outside the scenario's run (${startYear}–${last}): give this file a run: { startYear, years } block, or change the scenario's run`,
            atKey: false,
          });
    });
  }

  if (located.length === 0 && result.success) return { file, targets: result.data, scenarioFile };
  const problems: (ScenarioProblem & { order: number })[] = located.map((p, order) => ({
    file,
    ...positionOf(doc, lineCounter, p.path, p.atKey),
    path: formatPath(p.path),
    message: p.message,
    order,
  }));
  problems.sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.order - b.order,
  );
  throw new ScenarioError(problems.map(({ order: _, ...p }) => p));
}

function fileProblem(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? undefined : "it is not a file";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file" : String(error);
  }
}

/**
 * Values the prior can give: for a uniform prior its ends (nudged inside, as an open bound
 * may exclude them) and an inner value that is not a whole number (so a whole-number field is
 * caught); for unbounded priors their centre, since any bounded field fails some draw.
 */
function priorValues(prior: Prior): number[] {
  if ("uniform" in prior) {
    const [a, b] = prior.uniform;
    const width = b - a;
    return [a + width * 1e-9, a + width / Math.PI, b - width * 1e-9];
  }
  if ("normal" in prior) return [prior.normal[0]];
  return [Math.exp(prior.lognormal[0])];
}

/** Why `path` cannot be calibrated with `prior` on `base`, or undefined when it can. */
function parameterProblem(base: object, path: string, prior: Prior): string | undefined {
  if (path.trim() === "") return "expected a dotted scenario path, e.g. choice.tierConstant.township";
  const segments = parseSetPath(path);
  if (!segments.ok) return segments.message;
  // A dated change's value is checked against the scenario by the calibrator, which has it.
  if (isTimelineParameter(path)) return undefined;
  for (const value of priorValues(prior)) {
    const data = structuredClone(base) as Record<string, unknown>;
    const applied = applyOverride(data, { text: path, path: segments.value, value }, ScenarioSchema);
    if (!applied.ok) return applied.message;
    const parsed = ScenarioSchema.safeParse(data, { reportInput: true, error: () => ZOD_DEFAULT_MESSAGE });
    if (parsed.success) continue;
    const issue = parsed.error.issues[0];
    const atField = formatPath(issue.path) === formatPath(applied.value);
    if (atField && issue.code === "invalid_type" && issue.expected !== "number" && issue.expected !== "int")
      return `${quote(path)} is not a number field of the scenario (it holds ${describeExpected(issue.expected)})`;
    const [first] = issueMessages(issue, () => undefined);
    const where = atField ? "" : `${formatPath(issue.path)}: `;
    return `${quote(path)} cannot take ${value}, a value its prior allows: ${where}${first.message}`;
  }
  return undefined;
}
