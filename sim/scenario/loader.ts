import { existsSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node as YamlNode,
} from "yaml";
import { z } from "zod";
import { type Scenario, ScenarioSchema } from "../../models/scenario.ts";
import { UNIT_COLUMNS, unitsFromRecords } from "../../models/supply/geography-units.ts";
import {
  formatPath,
  issueMessages,
  quote,
  ScenarioError,
  type ScenarioProblem,
  ZOD_DEFAULT_MESSAGE,
} from "./errors.ts";
import { InputFileError, readInputFile, SCENARIO_MAX_BYTES, UNITS_MAX_BYTES } from "./input-files.ts";
import { applyOverride, isCoreTag, parseOverride, shortTag, unshared } from "./overrides.ts";
import { allowedKeys, schemaAt } from "./schema-walk.ts";

/**
 * Reading a scenario: YAML text → plain data (safe core schema: no code, no custom tags,
 * bounded aliases, each alias a copy of its anchor's block) → `--set` overrides → the units file
 * → validation by `ScenarioSchema` (defaults fill what the file omits). Every problem found is
 * reported at once, each at its line and column. Files are read only if regular and not too
 * large (input-files.ts).
 */

export { ScenarioError, type ScenarioProblem } from "./errors.ts";

import { timelinePhases } from "./timeline-phases.ts";

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  /** The `--set` overrides applied, in order. */
  overrides: string[];
}

/** Alias expansions allowed in one file: plenty for sharing a block, too few for a "billion laughs". */
const MAX_ALIAS_COUNT = 100;

/**
 * Reads a file a scenario names: `path` relative to the scenario file's folder, or, for a path
 * given on the command line (`--set geography.unitsFile=…`), to the current folder; at most
 * `maxBytes` bytes. Throws when it cannot (an InputFileError or an error with an errno `code`).
 */
export type ReadText = (path: string, options: { maxBytes: number; fromCommandLine?: boolean }) => string;

export async function loadScenario(file: string, options: { sets?: string[] } = {}): Promise<LoadedScenario> {
  let text: string;
  try {
    text = readInputFile(file, SCENARIO_MAX_BYTES);
  } catch (error) {
    throw new ScenarioError([
      { file, path: "", message: `cannot read the scenario file: ${readProblem(error)}` },
    ]);
  }
  return parseScenarioText(text, file, options.sets, (path, { maxBytes, fromCommandLine }) =>
    readInputFile(fromCommandLine ? resolve(path) : resolve(dirname(file), path), maxBytes),
  );
}

/** Why a file could not be read, in plain words. */
function readProblem(error: unknown): string {
  if (error instanceof InputFileError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : String(error);
}

const MAX_EXTENDS_DEPTH = 10;

/**
 * The bundled scenarios folder: beside sim/ in a clone (sources), beside dist/ when installed.
 * Undefined when neither holds baseline.yaml.
 */
const BUNDLED_SCENARIOS = [
  fileURLToPath(new URL("../../scenarios", import.meta.url)),
  fileURLToPath(new URL("../scenarios", import.meta.url)),
].find((dir) => existsSync(join(dir, "baseline.yaml")));

/** The bundled scenario of a bare file name (`baseline.yaml`), when there is one. */
export function bundledScenario(name: string): string | undefined {
  if (!BUNDLED_SCENARIOS || name !== basename(name) || !name.endsWith(".yaml")) return undefined;
  const path = join(BUNDLED_SCENARIOS, name);
  return existsSync(path) ? path : undefined;
}

/**
 * `extends: <file>`: the scenario is that file (relative to this one; it may extend another)
 * with this one's fields on top. Mappings merge field by field; lists and values replace. The
 * merged result is what is validated and run.
 */
function resolveExtends(
  data: unknown,
  file: string,
  relative: string,
  readText: ReadText | undefined,
  chain: string[],
): { ok: true; data: unknown } | { ok: false; problems: ScenarioProblem[] } {
  if (!isPlainObject(data) || !("extends" in data)) return { ok: true, data };
  const { extends: parentName, ...own } = data;
  const fail = (message: string) => ({ ok: false as const, problems: [{ file, path: "extends", message }] });
  if (typeof parentName !== "string" || parentName.trim() === "")
    return fail("expected the path of the scenario file this one extends");
  if (!readText) return fail("a scenario can only extend another when loaded from a file");
  const parentRelative = isAbsolute(parentName) ? parentName : join(dirname(relative), parentName);
  if (chain.includes(parentRelative) || chain.length >= MAX_EXTENDS_DEPTH)
    return fail(
      `extends ${parentName} again: a chain of extends must end (${[...chain, parentRelative].join(" → ")})`,
    );
  let text: string;
  let parentPath = parentRelative;
  try {
    text = readText(parentRelative, { maxBytes: SCENARIO_MAX_BYTES });
  } catch (error) {
    // A bare name that is not beside the file is one of tiersim's bundled scenarios, so that a
    // copy of a library scenario (`extends: baseline.yaml`) runs from any folder.
    const bundled = bundledScenario(parentName);
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || !bundled)
      return fail(`cannot read "${parentName}": ${readProblem(error)}`);
    parentPath = bundled;
    text = readText(bundled, { maxBytes: SCENARIO_MAX_BYTES });
  }
  const parentFile = parentPath === parentRelative ? join(dirname(file), parentName) : parentPath;
  const parent = readYaml(text, parentFile);
  if (!parent.ok) return { ok: false, problems: parent.problems };
  // A units file named by the parent is relative to the parent.
  const geography = parent.data.geography;
  if (isPlainObject(geography) && typeof geography.unitsFile === "string")
    geography.unitsFile = join(dirname(parentPath), geography.unitsFile);
  const resolved = resolveExtends(parent.data, parentFile, parentPath, readText, [...chain, parentPath]);
  if (!resolved.ok) return resolved;
  return { ok: true, data: mergeScenario(resolved.data, own) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** `over` on top of `base`: mappings merged field by field, anything else replaced. */
export function mergeScenario(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeScenario(base[k], v) : v;
  return out;
}

/** `geography.unitsFile` of scenario data, if it names one. */
function unitsFileOf(data: unknown): string | undefined {
  const geography = (data as { geography?: unknown } | null)?.geography;
  const unitsFile = isPlainObject(geography) ? geography.unitsFile : undefined;
  return typeof unitsFile === "string" ? unitsFile : undefined;
}

/**
 * Fills `geography.units` from the CSV named by `geography.unitsFile`, read with `readText`
 * (relative to the scenario file, or to the current folder when a `--set` named it, `file` then
 * being that `--set`). Problems name the CSV file, line and column.
 */
function attachUnits(
  data: unknown,
  file: string,
  readText?: ReadText,
  fromCommandLine = false,
): ScenarioProblem[] {
  const geography = (data as { geography?: Record<string, unknown> } | null)?.geography;
  const unitsFile = geography?.unitsFile;
  if (!geography || typeof unitsFile !== "string") return [];
  if (!readText)
    return [
      {
        file,
        path: "geography.unitsFile",
        message: "units files can only be read when loading a scenario file",
      },
    ];
  let text: string;
  try {
    text = readText(unitsFile, { maxBytes: UNITS_MAX_BYTES, fromCommandLine });
  } catch (error) {
    return [
      { file, path: "geography.unitsFile", message: `cannot read "${unitsFile}": ${readProblem(error)}` },
    ];
  }
  let records: Record<string, string>[];
  let lines: number[];
  try {
    const rows: { record: Record<string, string>; info: { lines: number } }[] = parseCsv(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
    });
    records = rows.map((r) => r.record);
    lines = rows.map((r) => r.info.lines);
  } catch (error) {
    return [
      {
        file: unitsFile,
        path: "geography.unitsFile",
        message: `not a valid CSV: ${(error as Error).message}`,
      },
    ];
  }
  const header = records.length > 0 ? Object.keys(records[0]) : [];
  const missing = UNIT_COLUMNS.filter((c) => c !== "urban" && !header.includes(c));
  if (missing.length > 0 || records.length === 0)
    return [
      {
        file: unitsFile,
        line: 1,
        path: "geography.unitsFile",
        message:
          records.length === 0
            ? "no rows"
            : `missing column(s) ${missing.join(", ")} (expected ${UNIT_COLUMNS.join(", ")})`,
      },
    ];
  const { units, problems } = unitsFromRecords(records, lines);
  geography.units = units;
  return problems.map((p) => ({
    file: unitsFile,
    line: p.line,
    path: "geography.unitsFile",
    message: p.message,
  }));
}

/**
 * Pure: the scenario in `text` (named `file` in messages) with `sets` applied, or a ScenarioError.
 * `readText` reads the files it names (those it extends, its units file).
 */
export function parseScenarioText(
  text: string,
  file: string,
  sets: readonly string[] = [],
  readText?: ReadText,
): LoadedScenario {
  const source = readYaml(text, file);
  if (!source.ok) throw new ScenarioError(source.problems);
  const { doc, lineCounter } = source;
  const extended = resolveExtends(source.data, file, ".", readText, []);
  if (!extended.ok) throw new ScenarioError(extended.problems);
  const data = extended.data as typeof source.data;

  // Problems of each override, in the order given; then those of the file, in file order.
  const setProblems = new Map<string, ScenarioProblem[]>(sets.map((text) => [text, []]));
  const applied: { text: string; path: (string | number)[] }[] = [];
  const withSets = sets.length > 0 ? structuredClone(data) : undefined;
  if (withSets) {
    for (const text of sets) {
      const parsed = parseOverride(text);
      const outcome = parsed.ok ? applyOverride(withSets, parsed.value, ScenarioSchema) : parsed;
      if (outcome.ok) applied.push({ text, path: outcome.value });
      else
        setProblems
          .get(text)
          ?.push({ file: `--set ${text}`, path: outcome.path ?? "", message: outcome.message });
    }
  }
  // The units are read from the file the run names: the scenario's own (relative to it), or the
  // one a --set names instead (relative to the current folder), never the first in its place.
  const ownUnitsFile = unitsFileOf(data);
  if (withSets && unitsFileOf(withSets) !== ownUnitsFile) {
    const setter = applied.findLast((o) => o.path[0] === "geography");
    const unitProblems = attachUnits(withSets, setter ? `--set ${setter.text}` : file, readText, true);
    if (unitProblems.length > 0) throw new ScenarioError(unitProblems);
  } else {
    const unitProblems = attachUnits(data, file, readText);
    if (unitProblems.length > 0) throw new ScenarioError(unitProblems);
    const geography = withSets?.geography;
    if (ownUnitsFile !== undefined && isPlainObject(geography))
      geography.units = structuredClone((data.geography as Record<string, unknown>).units);
  }

  const fileIssues = validate(data);
  const final = withSets ? validate(withSets) : fileIssues;
  if (final.ok && applied.length === sets.length) {
    // Every dated change must apply to the scenario as it then stands.
    const { problems } = timelinePhases(final.data);
    if (problems.length > 0)
      throw new ScenarioError(
        problems.map((p) => ({
          file,
          ...positionOf(doc, lineCounter, p.path, false),
          path: formatPath(p.path),
          message: p.message,
        })),
      );
    // A fresh copy: zod hands out the schema's own default objects, which must stay untouched.
    return { scenario: structuredClone(final.data), file, overrides: [...sets] };
  }

  const fileProblems: (ScenarioProblem & { order: number })[] = [];
  const inFile = new Set(fileIssues.ok ? [] : fileIssues.problems.map(issueKey));
  for (const p of final.ok ? [] : final.problems) {
    if (applied.length > 0 && !inFile.has(issueKey(p))) {
      // Appeared with the overrides: blame the one whose path shares most with the issue.
      const culprit = closestOverride(applied, p.path);
      setProblems
        .get(culprit.text)
        ?.push({ file: `--set ${culprit.text}`, path: formatPath(p.path), message: p.message });
    } else {
      const pos = positionOf(doc, lineCounter, p.path, p.atKey);
      fileProblems.push({
        file,
        ...pos,
        path: formatPath(p.path),
        message: p.message,
        order: fileProblems.length,
      });
    }
  }
  fileProblems.sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.order - b.order,
  );
  const problems = [...fileProblems.map(({ order: _, ...p }) => p), ...[...setProblems.values()].flat()];
  throw new ScenarioError(problems);
}

/** The scenario JSON Schema (input side: every field optional where a default fills it), for editors. */
export function scenarioJsonSchema(): object {
  return z.toJSONSchema(ScenarioSchema, { io: "input" });
}

// ---------------------------------------------------------------------------------------------
// YAML

export type YamlSource =
  | { ok: true; doc: Document; lineCounter: LineCounter; data: Record<string, unknown> }
  | { ok: false; problems: ScenarioProblem[] };

/** `kind` names the file in messages ("scenario", "targets"). */
export function readYaml(text: string, file: string, kind = "scenario"): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    schema: "core",
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: false,
  });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: ScenarioProblem[] = [];
  const seenLines = new Set<number>();
  for (const e of doc.errors) {
    const pos = at(e.pos[0]);
    if (seenLines.has(pos.line)) continue; // one cause often trips several errors on a line
    seenLines.add(pos.line);
    if (e.code === "DUPLICATE_KEY") {
      const dup = keyAt(doc, e.pos[0]);
      const name = dup ? `duplicate field ${quote(String(dup.key))}` : "duplicate field";
      problems.push({
        file,
        ...pos,
        path: dup ? formatPath(dup.path) : "",
        message: `${name} (a field may appear only once in a mapping)`,
      });
    } else {
      problems.push({ file, ...pos, path: "", message: `YAML syntax error: ${e.message}` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  // Custom tags (`!!js/function`, `!anything`) never resolve in the core schema, which would
  // read them as text with a warning; refuse them instead. A warning points at its tag, the
  // tagged node after it gives the field's path.
  const tagged: { start: number; path: Segment[]; tag: string }[] = [];
  walkNodes(doc.contents, [], (node, path) => {
    const start = node.range?.[0] ?? 0;
    if (isAlias(node)) {
      if (!node.resolve(doc))
        problems.push({
          file,
          ...at(start),
          path: formatPath(path),
          message: `unknown anchor: *${node.source} is used before any &${node.source} is set`,
        });
    } else if (node.tag && !isCoreTag(node.tag)) {
      tagged.push({ start, path, tag: node.tag });
    }
  });
  const tagMessage = (tag: string) =>
    `custom tag ${quote(shortTag(tag))} is not allowed: ${kind} files hold plain data (numbers, text, lists, mappings)`;
  for (const w of doc.warnings) {
    if (w.code !== "TAG_RESOLVE_FAILED") {
      problems.push({ file, ...at(w.pos[0]), path: "", message: `YAML: ${w.message}` });
      continue;
    }
    const i = tagged.findIndex((t) => t.start >= w.pos[1]);
    const node = i >= 0 ? tagged.splice(i, 1)[0] : undefined;
    const tag = node?.tag ?? /Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? "?";
    problems.push({
      file,
      ...at(w.pos[0]),
      path: node ? formatPath(node.path) : "",
      message: tagMessage(tag),
    });
  }
  for (const t of tagged)
    problems.push({ file, ...at(t.start), path: formatPath(t.path), message: tagMessage(t.tag) });
  walkPairs(doc.contents, [], (pair, path) => {
    if (pair.key !== null && !isScalar(pair.key)) {
      const start = (pair.key as YamlNode).range?.[0] ?? 0;
      problems.push({
        file,
        ...at(start),
        path: formatPath(path),
        message: "a field name must be plain text",
      });
    }
  });
  if (problems.length > 0) {
    problems.sort((x, y) => (x.line ?? 0) - (y.line ?? 0) || (x.column ?? 0) - (y.column ?? 0));
    return { ok: false, problems };
  }

  if (doc.contents === null)
    return {
      ok: false,
      problems: [
        {
          file,
          path: "",
          message: `the file is empty: expected a mapping of ${kind} fields, e.g. name: my-${kind}`,
        },
      ],
    };
  let data: unknown;
  try {
    // toJS gives every alias its anchor's very object; copied apart, a --set on one aliased
    // block changes that block alone.
    data = unshared(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
  } catch (error) {
    const message = (error as Error).message;
    return {
      ok: false,
      problems: [
        {
          file,
          path: "",
          message: /alias count/i.test(message)
            ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): aliases may share a block, not multiply it`
            : `cannot read the YAML: ${message}`,
        },
      ],
    };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return {
      ok: false,
      problems: [
        {
          file,
          ...at(doc.contents.range?.[0] ?? 0),
          path: "",
          message: `expected a mapping of ${kind} fields (field: value) at the top level, got ${
            Array.isArray(data)
              ? "a list"
              : data === null
                ? "an empty value"
                : `${typeof data} ${quote(data)}`
          }`,
        },
      ],
    };
  }
  return { ok: true, doc, lineCounter, data: data as Record<string, unknown> };
}

type Segment = string | number;

/** Calls `visit` on every node below `node` (aliases are not followed) with its path. */
function walkNodes(node: unknown, path: Segment[], visit: (node: YamlNode, path: Segment[]) => void): void {
  if (!node || typeof node !== "object") return;
  visit(node as YamlNode, path);
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) || pair.key === null) {
        const key = isScalar(pair.key) ? String(pair.key.value) : "";
        if (isScalar(pair.key)) visit(pair.key, [...path, key]);
        walkNodes(pair.value, [...path, key], visit);
      }
      if (pair.key && !isScalar(pair.key)) walkNodes(pair.key, path, visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      walkNodes(item, [...path, i], visit);
    });
  }
}

function walkPairs(
  node: unknown,
  path: Segment[],
  visit: (pair: { key: unknown; value: unknown }, path: Segment[]) => void,
): void {
  walkNodes(node, path, (n, p) => {
    if (isMap(n)) for (const pair of n.items) if (isPair(pair)) visit(pair, p);
  });
}

/** The key that starts at `offset` (a duplicate key's position) and its path. */
function keyAt(doc: Document, offset: number): { key: unknown; path: Segment[] } | undefined {
  let found: { key: unknown; path: Segment[] } | undefined;
  walkPairs(doc.contents, [], (pair, path) => {
    if (found === undefined && isScalar(pair.key) && pair.key.range?.[0] === offset)
      found = { key: pair.key.value, path: [...path, String(pair.key.value)] };
  });
  return found;
}

/**
 * Where a zod issue path lies in the file: the node itself; for an unknown field, its key; for a
 * missing field (or one a default filled), the nearest enclosing node that is in the file.
 */
export function positionOf(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  atKey: boolean,
): { line?: number; column?: number } {
  const linePos = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (atKey && path.length > 0) {
    const parent = nodeAt(doc, path.slice(0, -1));
    const name = String(path[path.length - 1]);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
      const start = (pair?.key as YamlNode | undefined)?.range?.[0];
      if (start !== undefined) return linePos(start);
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(doc, path.slice(0, n));
    const start = (node as YamlNode | undefined)?.range?.[0];
    if (start !== undefined) return linePos(start);
  }
  return {};
}

function nodeAt(doc: Document, path: readonly PropertyKey[]): unknown {
  if (path.length === 0) return doc.contents;
  if (path.some((seg) => typeof seg === "symbol")) return undefined;
  try {
    const node = doc.getIn(path as Segment[], true);
    return isCollection(node) || isScalar(node) || isAlias(node) ? node : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

interface LocatedIssue {
  path: PropertyKey[];
  message: string;
  atKey: boolean;
}

type Validation = { ok: true; data: Scenario } | { ok: false; problems: LocatedIssue[] };

function validate(data: unknown): Validation {
  const result = ScenarioSchema.safeParse(data, { reportInput: true, error: () => ZOD_DEFAULT_MESSAGE });
  if (result.success) return { ok: true, data: result.data };
  const allowedAt = (path: readonly PropertyKey[]) => {
    const schema = schemaAt(ScenarioSchema, path);
    return schema ? allowedKeys(schema) : undefined;
  };
  return { ok: false, problems: result.error.issues.flatMap((issue) => issueMessages(issue, allowedAt)) };
}

function issueKey(p: LocatedIssue): string {
  return `${formatPath(p.path)}\u0000${p.message}`;
}

function closestOverride<T extends { path: (string | number)[] }>(
  applied: T[],
  path: readonly PropertyKey[],
): T {
  let best = applied[applied.length - 1];
  let bestShared = -1;
  for (const o of applied) {
    let shared = 0;
    while (shared < o.path.length && shared < path.length && String(o.path[shared]) === String(path[shared]))
      shared++;
    if (shared >= bestShared) {
      best = o;
      bestShared = shared;
    }
  }
  return best;
}
