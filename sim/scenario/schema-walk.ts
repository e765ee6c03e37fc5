import type { z } from "zod";

/**
 * Walking the scenario schema by path: which fields a mapping allows, what a list holds, and
 * the value a missing part takes by default. Used to check `--set` paths and to suggest the
 * field a typo meant. Reads zod 4's schema definitions (`_zod.def`), which are plain data.
 */

type AnySchema = z.core.$ZodType;

interface SchemaDef {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  getter?: () => AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  keyType?: AnySchema;
  valueType?: AnySchema;
  entries?: Record<string, string | number>;
}

function defOf(schema: AnySchema): SchemaDef {
  return schema._zod.def as unknown as SchemaDef;
}

const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"]);

/** The schema under defaults, optionals and pipes: the shape a value must have. */
export function unwrapSchema(schema: AnySchema): AnySchema {
  for (let guard = 0; guard < 100; guard++) {
    const def = defOf(schema);
    if (WRAPPERS.has(def.type) && def.innerType) schema = def.innerType;
    else if (def.type === "pipe" && def.in) schema = def.in;
    else if (def.type === "lazy" && def.getter) schema = def.getter();
    else return schema;
  }
  return schema;
}

export type SchemaKind = "mapping" | "list" | "value";

export function schemaKind(schema: AnySchema): SchemaKind {
  const type = defOf(unwrapSchema(schema)).type;
  if (type === "object" || type === "record") return "mapping";
  if (type === "array") return "list";
  return "value";
}

/** Field names a mapping schema allows; undefined when it is not a mapping or takes any name. */
export function allowedKeys(schema: AnySchema): string[] | undefined {
  const def = defOf(unwrapSchema(schema));
  if (def.type === "object" && def.shape) return Object.keys(def.shape);
  if (def.type === "record" && def.keyType) {
    const key = defOf(unwrapSchema(def.keyType));
    if (key.type === "enum" && key.entries) return Object.values(key.entries).map(String);
  }
  return undefined;
}

/** The schema of field `key` of a mapping schema, or of the items of a list schema. */
export function childSchema(schema: AnySchema, key: string | number): AnySchema | undefined {
  const def = defOf(unwrapSchema(schema));
  if (def.type === "object" && def.shape) return Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
  if (def.type === "record") {
    const keys = allowedKeys(schema);
    return keys === undefined || keys.includes(String(key)) ? def.valueType : undefined;
  }
  if (def.type === "array") return def.element;
  return undefined;
}

/** The schema at a zod issue path (numbers index lists), or undefined when the path leaves it. */
export function schemaAt(root: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let schema: AnySchema | undefined = root;
  for (const seg of path) {
    if (schema === undefined || typeof seg === "symbol") return undefined;
    schema = childSchema(schema, seg);
  }
  return schema;
}

/**
 * The value a part the scenario omits takes: its default when it has one (a fresh copy, since
 * zod hands out the schema's own default objects), else an empty mapping or list.
 */
export function materialise(schema: AnySchema): unknown {
  const parsed = (schema as unknown as z.ZodType).safeParse(undefined);
  if (parsed.success && parsed.data !== undefined && parsed.data !== null)
    return structuredClone(parsed.data);
  return schemaKind(schema) === "list" ? [] : {};
}
