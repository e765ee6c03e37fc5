import { parseDocument } from "yaml";
import type { z } from "zod";
import { describeValue, quote, suggest, suggestionSuffix } from "./errors.ts";
import { allowedKeys, childSchema, materialise, schemaKind } from "./schema-walk.ts";

/**
 * `--set path.to.field=value` overrides. The path is dotted; on a list, a numeric segment is
 * an index and any other segment selects the item whose `id` equals it
 * (`episodes.kinds.minor.visits.mean=2`). The value is read as YAML (`15` a number, `true` a
 * boolean, `[1, 2]` a list, `"15"` text). Parts of the path the scenario omits are created
 * from their defaults, so any path of the schema can be set.
 */

export interface SetOverride {
  /** The override as given, for messages. */
  text: string;
  path: string[];
  value: unknown;
}

type Result<T> = { ok: true; value: T } | { ok: false; message: string; path?: string };

const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"]);

/** Dotted path to segments; a segment is any run of characters but dots and whitespace. */
export function parseSetPath(path: string): Result<string[]> {
  if (path.trim() === "") return { ok: false, message: "empty path before '='" };
  const segments = path.trim().split(".");
  for (const seg of segments) {
    if (seg === "") return { ok: false, message: `empty segment in path ${quote(path.trim())}` };
    if (/\s/.test(seg)) return { ok: false, message: `a path segment cannot contain spaces: ${quote(seg)}` };
    if (FORBIDDEN.has(seg)) return { ok: false, message: `${quote(seg)} is not a scenario field` };
  }
  return { ok: true, value: segments };
}

export function formatSetPath(segments: readonly string[]): string {
  return segments.join(".");
}

/** Reads `path=value`; the value is YAML data (plain values, flow lists and mappings), never code. */
export function parseOverride(text: string): Result<SetOverride> {
  const eq = text.indexOf("=");
  if (eq < 0) return { ok: false, message: "expected path=value, e.g. run.population=50000 (no '=' found)" };
  const path = parseSetPath(text.slice(0, eq));
  if (!path.ok)
    return { ok: false, message: `${path.message}; expected path=value, e.g. run.population=50000` };
  const value = parseYamlValue(text.slice(eq + 1));
  if (!value.ok) return { ok: false, message: value.message, path: formatSetPath(path.value) };
  return { ok: true, value: { text, path: path.value, value: value.value } };
}

const CORE_TAGS = /^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/;

function parseYamlValue(source: string): Result<unknown> {
  const doc = parseDocument(source, { schema: "core", prettyErrors: false, merge: false, uniqueKeys: true });
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first) {
    const tag = /Unresolved tag: (\S+)/.exec(first.message);
    return {
      ok: false,
      message: tag
        ? `custom tag ${quote(shortTag(tag[1]))} is not allowed: values are plain data`
        : `cannot read the value ${quote(source)} as YAML: ${first.message}`,
    };
  }
  try {
    return { ok: true, value: unshared(doc.toJS({ maxAliasCount: 100 })) };
  } catch (error) {
    return { ok: false, message: `cannot read the value ${quote(source)}: ${(error as Error).message}` };
  }
}

/**
 * A copy of plain data (YAML read into mappings, lists and values) in which no object appears in
 * two places: the yaml library hands every alias (`*a`) its anchor's (`&a`) very object, so that
 * changing one aliased block would change all of them. The copy is a tree; its size is bounded by
 * the alias limit of the reading.
 */
export function unshared(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unshared);
  if (value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = {};
  // defineProperty: a field named "__proto__" stays a field and never sets the prototype.
  for (const [key, item] of Object.entries(value))
    Object.defineProperty(copy, key, {
      value: unshared(item),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

/** `tag:yaml.org,2002:js/function` → `!!js/function`, as it was written. */
export function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

export function isCoreTag(tag: string): boolean {
  return CORE_TAGS.test(tag);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Applies one override to `data` (the scenario as read, changed in place) following `schema`.
 * Returns the path it set with list items as indexes (as zod reports issue paths).
 */
export function applyOverride(
  data: Record<string, unknown>,
  override: SetOverride,
  schema: z.core.$ZodType,
): Result<(string | number)[]> {
  const { path, value } = override;
  const resolved: (string | number)[] = [];
  let container: unknown = data;
  let current: z.core.$ZodType = schema;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const here = formatSetPath(path.slice(0, i));
    const at = here === "" ? "" : ` in ${here}`;
    const fail = (message: string): Result<(string | number)[]> => ({
      ok: false,
      message,
      path: formatSetPath(path.slice(0, i + 1)),
    });
    const kind = schemaKind(current);
    let key: string | number;
    if (kind === "mapping") {
      const allowed = allowedKeys(current);
      const child = childSchema(current, seg);
      if (child === undefined)
        return fail(`unknown field ${quote(seg)}${at}${suggestionSuffix(seg, allowed ?? [])}`);
      if (!isMapping(container))
        return fail(`cannot set a field of ${here}: the scenario gives it ${describeValue(container)}`);
      key = seg;
      current = child;
    } else if (kind === "list") {
      if (!Array.isArray(container))
        return fail(`cannot select an item of ${here}: the scenario gives it ${describeValue(container)}`);
      if (/^\d+$/.test(seg)) {
        key = Number(seg);
        if (key >= container.length)
          return fail(`index ${seg} is out of range: ${here} has ${container.length} items`);
      } else {
        const ids = container.map((item) => (isMapping(item) ? item.id : undefined));
        key = ids.indexOf(seg);
        if (key < 0) {
          const known = ids.filter((id): id is string => typeof id === "string");
          const hint = suggest(seg, known);
          const list = hint
            ? ` (did you mean ${quote(hint)}?)`
            : known.length
              ? ` (ids: ${known.join(", ")})`
              : "";
          return fail(`no item with id ${quote(seg)}${at}${list}`);
        }
      }
      current = childSchema(current, key) ?? current;
    } else {
      return fail(`${here} is a single value, it has no field ${quote(seg)}`);
    }
    resolved.push(key);
    const target = container as Record<string | number, unknown>;
    if (i === path.length - 1) {
      target[key] = structuredClone(value);
    } else {
      if (target[key] === undefined || target[key] === null) target[key] = materialise(current);
      container = target[key];
    }
  }
  return { ok: true, value: resolved };
}

/** A path into a dated change of the timeline: timeline.<index>.set.<the change's field path>. */
const TIMELINE_PARAMETER = /^timeline\.(\d+)\.set\.(.+)$/;

export function isTimelineParameter(path: string): boolean {
  return TIMELINE_PARAMETER.test(path);
}

/**
 * Sets a calibration parameter: a scenario field by its dotted path, or the value of a field a
 * dated change sets (`timeline.0.set.choice.tierConstant.township`: the change's key is the rest
 * of the path), so that a reform's size can be fitted.
 */
export function applyParameter(
  data: Record<string, unknown>,
  path: string,
  value: unknown,
  schema: z.core.$ZodType,
): Result<(string | number)[]> {
  const timeline = TIMELINE_PARAMETER.exec(path);
  if (timeline) {
    const index = Number(timeline[1]);
    const changes = data.timeline;
    const change = Array.isArray(changes) ? (changes[index] as { set?: Record<string, unknown> }) : undefined;
    if (!change?.set)
      return { ok: false, message: `the scenario has no timeline entry ${index} to set`, path };
    if (!(timeline[2] in change.set))
      return { ok: false, message: `timeline entry ${index} does not set ${quote(timeline[2])}`, path };
    change.set[timeline[2]] = value;
    return { ok: true, value: ["timeline", index, "set", timeline[2]] };
  }
  const parsed = parseSetPath(path);
  if (!parsed.ok) return parsed;
  return applyOverride(data, { text: path, path: parsed.value, value }, schema);
}
