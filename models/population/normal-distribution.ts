/**
 * The standard normal distribution function Φ and its inverse Φ⁻¹, to double precision, for
 * the Gaussian copula of population synthesis (co-occurring chronic conditions).
 */

const SQRT_2PI = 2.5066282746310002;

/**
 * Φ(x), the standard normal distribution function, computed on the smaller tail Φ(−|x|):
 * - |x| < 3: Hart's double-precision rational approximation (Hart et al., *Computer
 *   Approximations*, 1968, algorithm 5666, as set out by West, "Better approximations to
 *   cumulative normal functions", Wilmott 2005);
 * - |x| ≥ 3: Laplace's continued fraction φ(z)/(z + 1/(z + 2/(z + 3/(z + …)))), 60 terms.
 * Relative error of the tail below 1e-13 for |x| ≤ 3 and 3e-13 out to |x| = 37 (about the
 * conditioning of Φ there), checked against erfc in test/population.test.ts.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x);
  let tail: number;
  if (z < 3) {
    let num = 3.52624965998911e-2 * z + 0.700383064443688;
    num = num * z + 6.37396220353165;
    num = num * z + 33.912866078383;
    num = num * z + 112.079291497871;
    num = num * z + 221.213596169931;
    num = num * z + 220.206867912376;
    let den = 8.83883476483184e-2 * z + 1.75566716318264;
    den = den * z + 16.064177579207;
    den = den * z + 86.7807322029461;
    den = den * z + 296.564248779674;
    den = den * z + 637.333633378831;
    den = den * z + 793.826512519948;
    den = den * z + 440.413735824752;
    tail = (Math.exp(-0.5 * z * z) * num) / den;
  } else if (z > 38.5) tail = 0;
  else {
    let fraction = z;
    for (let k = 60; k > 0; k--) fraction = z + k / fraction;
    tail = Math.exp(-0.5 * z * z) / (SQRT_2PI * fraction);
  }
  return x > 0 ? 1 - tail : tail;
}

// Acklam's rational approximation of Φ⁻¹ (relative error < 1.15e-9), coefficients from
// P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution function" (2003).
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -7.784894002430293e-3, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/**
 * Φ⁻¹(p), the standard normal quantile: Acklam's approximation refined by one Halley step on
 * `normalCdf`, which brings it to double precision. Φ⁻¹(0) = −∞, Φ⁻¹(1) = +∞, NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const x = acklam(p);
  // One Halley step on e = Φ(x) − p, written through the smaller tail so it keeps its precision.
  const e = x <= 0 ? normalCdf(x) - p : 1 - p - normalCdf(-x);
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + (x * u) / 2);
}

/**
 * Bound on |normalQuantile(p) − approximateNormalQuantile(p)| for p in (0, 1): Acklam's relative
 * error is below 1.15e-9 and |Φ⁻¹(p)| < 6.5 for p of a 32-bit uniform, so the gap stays under
 * 1e-8; test/population.test.ts checks that bound, a hundredth of this one.
 */
export const APPROXIMATE_QUANTILE_ERROR = 1e-6;

/**
 * Acklam's approximation of Φ⁻¹(p) alone, for p in (0, 1): within APPROXIMATE_QUANTILE_ERROR of
 * `normalQuantile(p)`, at no exponential's cost (the Halley step's Φ and exp are most of
 * normalQuantile's time).
 */
export function approximateNormalQuantile(p: number): number {
  return acklam(p);
}

function acklam(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    return (
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
    );
  }
  const q = Math.sqrt(-2 * Math.log1p(-p));
  return (
    -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
  );
}

// Φ on a grid of step 1/8 over [−8, 8], to decide most comparisons u < Φ(x) without computing Φ.
const GRID_STEPS_PER_UNIT = 8;
const GRID_LIMIT = 8;
const GRID = Float64Array.from({ length: 2 * GRID_LIMIT * GRID_STEPS_PER_UNIT + 1 }, (_, k) =>
  normalCdf(k / GRID_STEPS_PER_UNIT - GRID_LIMIT),
);

/** The grid point at or below x, for x in [−GRID_LIMIT, GRID_LIMIT); non-decreasing in x. */
function gridBelow(x: number): number {
  const k = Math.floor((x + GRID_LIMIT) * GRID_STEPS_PER_UNIT);
  // x + GRID_LIMIT rounds (−3.6e-17 + 8 is 8): the grid point below x must not lie above it.
  return k / GRID_STEPS_PER_UNIT - GRID_LIMIT > x ? k - 1 : k;
}

/**
 * Whether u < Φ(x), for a uniform u in (0, 1). The same answer as `u < normalCdf(x)`, but Φ is
 * computed only when u falls between Φ at the grid points around x (probability < 0.05).
 */
export function isBelowNormalCdf(u: number, x: number): boolean {
  // Φ(±8) is within 7e-16 of 0 and 1, closer than any 32-bit uniform comes.
  if (x < -GRID_LIMIT) return false;
  if (x >= GRID_LIMIT) return true;
  const k = gridBelow(x);
  if (u < GRID[k]) return true;
  if (u >= GRID[k + 1]) return false;
  return u < normalCdf(x);
}

/** What `isBelowNormalCdfOver` returns when the answer may differ within the interval. */
export const UNDECIDED = -1;

/**
 * `isBelowNormalCdf(u, x)` (1 or 0) when it is the same for every x in [lo, hi], else UNDECIDED,
 * from the grid alone. As x grows, the grid point below it does not fall and Φ on the grid does not
 * either, so a u below Φ at lo's grid point is below it at every x's, and a u at or above Φ at
 * the grid point after hi's is at or above it after every x's.
 */
export function isBelowNormalCdfOver(u: number, lo: number, hi: number): number {
  if (hi < -GRID_LIMIT) return 0;
  if (lo >= GRID_LIMIT) return 1;
  if (lo < -GRID_LIMIT || hi >= GRID_LIMIT) return UNDECIDED;
  if (u < GRID[gridBelow(lo)]) return 1;
  if (u >= GRID[gridBelow(hi) + 1]) return 0;
  return UNDECIDED;
}
