/**
 * Intervals over replications: the 95% interval of a mean by Student's t, and of a paired
 * difference. simple-statistics gives means and standard deviations but no t quantile; the t
 * distribution function for whole degrees of freedom has a finite closed form (Abramowitz &
 * Stegun 26.7.3–26.7.4), inverted here by bisection, which is exact to the bisection's width.
 */
import { mean, sampleStandardDeviation } from "simple-statistics";

/** P(|T| ≤ t) for Student's t with `df` (a whole number ≥ 1) degrees of freedom. */
export function studentTTwoSidedProbability(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new RangeError(`degrees of freedom must be whole ≥ 1, got ${df}`);
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  const s = Math.sin(theta);
  if (df % 2 === 1) {
    // Odd: (2/π)[θ + sinθ cosθ (1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + … up to cos^(df−3)θ)].
    if (df === 1) return (2 * theta) / Math.PI;
    let term = 1;
    let sum = 1;
    for (let k = 3; k <= df - 2; k += 2) {
      term *= ((k - 1) / k) * c2;
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * Math.cos(theta) * sum);
  }
  // Even: sinθ (1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … up to cos^(df−2)θ).
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= df - 2; k += 2) {
    term *= ((k - 1) / k) * c2;
    sum += term;
  }
  return s * sum;
}

/** The t with P(|T| ≤ t) = `level` for `df` degrees of freedom (e.g. 12.706 for 0.95 and 1). */
export function studentTQuantile(level: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTTwoSidedProbability(hi, df) < level) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSidedProbability(mid, df) < level) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface MeanInterval {
  mean: number;
  sd: number;
  n: number;
  /** The 95% interval of the mean; equal to the mean when n < 2 (no spread to measure). */
  lower: number;
  upper: number;
}

/** Mean, sample sd and the 95% t interval of the mean of `values`. */
export function meanInterval(values: readonly number[], level = 0.95): MeanInterval {
  const n = values.length;
  if (n === 0) throw new RangeError("an interval needs at least one value");
  const m = mean(values as number[]);
  if (n < 2) return { mean: m, sd: 0, n, lower: m, upper: m };
  const sd = sampleStandardDeviation(values as number[]);
  const half = studentTQuantile(level, n - 1) * (sd / Math.sqrt(n));
  return { mean: m, sd, n, lower: m - half, upper: m + half };
}
