import type { z } from "zod";
import { terminalText } from "./terminal-text.ts";

/**
 * Scenario problems and their wording. A problem says where (file, line, column, dotted path)
 * and what was expected, in plain words; `ScenarioError` carries every problem found, so a
 * user fixes a file in one pass. The CLI prints `format()` (one line per problem) and exits 2.
 */

export interface ScenarioProblem {
  /** The scenario file, or `--set <override text>` for a problem caused by an override. */
  file: string;
  /** 1-based, when known. */
  line?: number;
  /** 1-based, when known. */
  column?: number;
  /** Dotted path of the field (`episodes.kinds.0.visits.mean`); "" for the whole file. */
  path: string;
  message: string;
}

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  readonly problems: ScenarioProblem[];

  constructor(problems: ScenarioProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.problems = problems;
  }

  /** One line per problem: `<file>:<line>:<col>: <dotted.path>: <message>`. */
  format(): string {
    return this.problems.map(formatProblem).join("\n");
  }
}

export function formatProblem(p: ScenarioProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  const path = p.path === "" ? "" : `${oneLine(p.path)}: `;
  return `${oneLine(where)}: ${path}${oneLine(p.message)}`;
}

/** On one line, and safe to print: file names and values come from users (terminal-text.ts). */
function oneLine(s: string): string {
  return terminalText(s.replace(/\s*[\r\n]+\s*/g, " "));
}

/**
 * A zod or YAML path as dotted text. Symbols (zod paths may hold them) print by description;
 * a segment that would read ambiguously (empty, containing a dot or a space) is quoted.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((seg) => {
      const s = typeof seg === "symbol" ? (seg.description ?? "symbol") : String(seg);
      return s === "" || /[.\s"]/.test(s) ? JSON.stringify(s) : s;
    })
    .join(".");
}

/** How a value given in a scenario reads in a message: `string "abc"`, `1.5`, `a list of 3 items`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "an empty value (null)";
  if (typeof v === "string") return `string ${quote(v)}`;
  if (typeof v === "number") return yamlNumber(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? "" : "s"}`;
  if (typeof v === "object") return "a mapping";
  return typeof v;
}

/** A value quoted as it would be written: strings in double quotes (shortened), numbers as YAML writes them. */
export function quote(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v);
  if (typeof v === "number") return yamlNumber(v);
  return String(v);
}

function yamlNumber(v: number): string {
  if (Number.isNaN(v)) return ".nan";
  if (v === Number.POSITIVE_INFINITY) return ".inf";
  if (v === Number.NEGATIVE_INFINITY) return "-.inf";
  return String(v);
}

const EXPECTED: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "text",
  boolean: "true or false",
  object: "a mapping (field: value)",
  array: "a list",
  null: "an empty value",
};

export function describeExpected(expected: string): string {
  return EXPECTED[expected] ?? `a ${expected}`;
}

/**
 * The candidate closest to `name` by edit distance (with transpositions), or undefined when
 * none is close enough to be a plausible typo. Case-only differences always match.
 */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean "x"?)`, or the allowed names when there are few and none is close. */
export function suggestionSuffix(name: string, candidates: readonly string[]): string {
  const best = suggest(name, candidates);
  if (best !== undefined) return ` (did you mean ${quote(best)}?)`;
  if (candidates.length > 0 && candidates.length <= 12) return ` (expected one of: ${candidates.join(", ")})`;
  return "";
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1];
}

/**
 * Marker message for issues the schema gives no wording of its own; the loader passes
 * `error: () => ZOD_DEFAULT_MESSAGE` to zod and words those issues itself (`issueMessages`),
 * while messages written in the schema (refinements, regex hints) are kept as they are.
 */
export const ZOD_DEFAULT_MESSAGE = "\u0000tiersim-default";

/** One zod issue as located problems: unknown fields give one each, pointing at the key. */
export interface IssueProblem {
  path: PropertyKey[];
  message: string;
  /** The problem is the key itself (unknown field), not its value. */
  atKey: boolean;
}

type Issue = z.core.$ZodIssue & { input?: unknown };

export function issueMessages(
  issue: Issue,
  allowedKeysAt: (path: readonly PropertyKey[]) => readonly string[] | undefined,
): IssueProblem[] {
  const path = [...issue.path];
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(path) ?? [];
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown field ${quote(key)}${suggestionSuffix(key, allowed)}`,
      atKey: true,
    }));
  }
  const message = issue.message === ZOD_DEFAULT_MESSAGE ? defaultWording(issue, path) : issue.message;
  return [{ path, message, atKey: issue.code === "invalid_key" }];
}

function defaultWording(issue: Issue, path: readonly PropertyKey[]): string {
  const input = issue.input;
  const got = typeof input === "string" ? quote(input) : describeValue(input);
  switch (issue.code) {
    case "invalid_type": {
      if (input === undefined) {
        const field = path.length > 0 ? formatPath(path.slice(-1)) : "value";
        return `required field ${JSON.stringify(field)} is missing`;
      }
      return `expected ${describeExpected(issue.expected)}, got ${describeValue(input)}`;
    }
    case "too_small":
    case "too_big":
      return boundWording(issue, input);
    case "invalid_value": {
      const values = issue.values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v)));
      const expected = values.length === 1 ? values[0] : `one of ${values.join(" | ")}`;
      const strings = issue.values.filter((v): v is string => typeof v === "string");
      const hint = typeof input === "string" ? suggest(input, strings) : undefined;
      return `expected ${expected}, got ${got}${hint === undefined ? "" : ` (did you mean ${quote(hint)}?)`}`;
    }
    case "invalid_format":
      return issue.format === "regex" && issue.pattern
        ? `expected text matching ${issue.pattern}, got ${got}`
        : `expected ${issue.format} text, got ${got}`;
    case "not_multiple_of":
      return `expected a multiple of ${issue.divisor}, got ${got}`;
    case "invalid_union":
      return `${describeValue(input)} matches none of the allowed forms`;
    case "invalid_key":
      return `field name ${quote(path[path.length - 1])} is not allowed here`;
    case "invalid_element":
      return `invalid item ${quote(issue.key)}`;
    default:
      return input === undefined ? "invalid value" : `invalid value ${got}`;
  }
}

function boundWording(issue: Issue & { code: "too_small" | "too_big" }, input: unknown): string {
  const small = issue.code === "too_small";
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === "array" || issue.origin === "set") {
    const n = Array.isArray(input) ? input.length : undefined;
    const items = (k: number) => `${k} item${k === 1 ? "" : "s"}`;
    const limit = issue.exact ? "exactly" : small ? "at least" : "at most";
    return `expected ${limit} ${items(bound)}${n === undefined ? "" : `, got ${n}`}`;
  }
  if (issue.origin === "string") {
    const n = typeof input === "string" ? input.length : undefined;
    if (small && bound === 1 && !issue.exact) return "expected non-empty text, got empty text";
    const limit = issue.exact ? "exactly" : small ? "at least" : "at most";
    return `expected ${limit} ${bound} character${bound === 1 ? "" : "s"}${n === undefined ? "" : `, got ${n}`}`;
  }
  const op = small ? (inclusive ? "≥" : ">") : inclusive ? "≤" : "<";
  return `expected a number ${op} ${bound}, got ${describeValue(input)}`;
}
