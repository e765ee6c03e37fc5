/**
 * Number formatting for reports. The locale is fixed to en-US so that a report is byte-identical
 * on every machine, whatever its locale settings.
 */

const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Placeholder for a value that is missing or not a finite number. */
export const NOT_AVAILABLE = "—";

/** A fraction as a percentage with one decimal: 0.6234 → "62.3%". */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return NOT_AVAILABLE;
  const text = (fraction * 100).toFixed(1);
  return `${text === "-0.0" ? "0.0" : text}%`;
}

/** A count rounded to a whole number, with thousands separators: 12345.6 → "12,346". */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return NOT_AVAILABLE;
  const text = countFormat.format(count);
  return text === "-0" ? "0" : text;
}

/** A rate or mean with a fixed number of decimals and thousands separators. */
export function formatDecimal(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return NOT_AVAILABLE;
  const text = new Intl.NumberFormat("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
