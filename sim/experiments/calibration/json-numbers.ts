/**
 * Checkpoints of the inference methods are JSON, which has no Infinity or NaN (a distance of a
 * set that cannot be simulated, an unbounded side of a box): such numbers are kept as strings.
 */

/** Deep copy with non-finite numbers as strings. */
export function encodeNumbers(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(encodeNumbers);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, encodeNumbers(e)]));
  }
  return v;
}

/** The inverse of `encodeNumbers`. */
export function decodeNumbers(v: unknown): unknown {
  if (v === "Infinity" || v === "-Infinity" || v === "NaN") return Number(v);
  if (Array.isArray(v)) return v.map(decodeNumbers);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decodeNumbers(e)]));
  }
  return v;
}
