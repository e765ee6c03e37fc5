/**
 * Latin hypercube sampling (McKay, Beckman & Conover, Technometrics 1979): n points in the unit
 * cube [0, 1)^d such that, in every dimension, each of the n equal strata [i/n, (i+1)/n) holds
 * exactly one point. Each dimension is an independent random permutation of the strata, and each
 * point lies uniformly at random inside its stratum. Written by hand: no maintained JavaScript
 * library does it (checked in /work/shared/docs/ECOSYSTEM.md).
 */

/**
 * Keeps a point this far (in stratum widths) from its stratum's edges, so that rounding in
 * (stratum + u) ÷ n can never carry it into the next stratum.
 */
const EDGE = 1e-9;

/**
 * `n` points of a Latin hypercube in `dimensions` dimensions, `points[i][j]` in [0, 1), drawn
 * with `random` (uniform on [0, 1)): per dimension, a Fisher–Yates shuffle of the strata, then one
 * uniform draw per point.
 */
export function latinHypercube(n: number, dimensions: number, random: () => number): number[][] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`a Latin hypercube needs n ≥ 1 points, got ${n}`);
  const points = Array.from({ length: n }, () => new Array<number>(dimensions));
  for (let j = 0; j < dimensions; j++) {
    const strata = shuffled(n, random);
    for (let i = 0; i < n; i++) points[i][j] = (strata[i] + EDGE + random() * (1 - 2 * EDGE)) / n;
  }
  return points;
}

/** 0 … n − 1 in random order (Fisher–Yates). */
function shuffled(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
