/**
 * Morris elementary-effects screening (Morris, Technometrics 1991), with the μ* of Campolongo,
 * Cariboni & Saltelli (Environ Model Softw 2007) and their spread-out choice of trajectories.
 * Written by hand: no maintained JavaScript library does it.
 *
 * - Factors live in the unit cube on a grid of p levels {0, 1/(p−1), …, 1}, p even. A step moves
 *   one factor by Δ = p / (2(p − 1)) (2/3 for p = 4), so every level is reached equally often.
 * - A trajectory starts at a random grid point (each factor at one of the p/2 levels ≤ 1 − Δ, or
 *   Δ above it when it will step down) and moves every factor once, in random order and
 *   direction: k + 1 points for k factors (Morris's B* matrix, drawn directly).
 * - Trajectories: `candidates` random ones, of which r are kept to spread over the cube
 *   (Campolongo et al. 2007 maximise D² = Σ d² over the chosen pairs, d being the sum of the
 *   Euclidean distances between all points of two trajectories). Choosing the best r exactly is
 *   combinatorial; this keeps the farthest pair, then greedily the candidate adding most to D²
 *   (the idea of Ruano et al.'s local approach, Environ Model Softw 2012, in its simplest form).
 * - The elementary effect of factor i on a trajectory is (y after − y before) ÷ (x after −
 *   x before), its step in unit coordinates: the change per whole range of the factor. For an
 *   output linear in natural units, y = Σ βᵢ vᵢ with vᵢ over [loᵢ, hiᵢ], it is exactly
 *   βᵢ (hiᵢ − loᵢ). Over the r trajectories: μ (mean effect), μ* (mean absolute effect, the
 *   importance: effects of opposite signs do not cancel) and σ (sample sd: how much the effect
 *   depends on where it is measured, i.e. non-linearity or interactions).
 */

export interface MorrisOptions {
  factors: number;
  /** r, the trajectories kept. */
  trajectories: number;
  /** p, an even number ≥ 2. */
  levels: number;
  /** Random trajectories drawn to choose from (default 20 r; at least r). */
  candidates?: number;
}

export interface MorrisDesign {
  factors: number;
  levels: number;
  /** Step of a factor in unit coordinates, p / (2(p − 1)). */
  delta: number;
  /** The chosen trajectories, each k + 1 points of k unit coordinates. */
  trajectories: number[][][];
  /** How many random trajectories they were chosen from. */
  candidates: number;
}

export interface FactorEffects {
  /** Mean elementary effect. */
  mu: number;
  /** Mean absolute elementary effect (importance). */
  muStar: number;
  /** Sample standard deviation of the effects (NaN with one trajectory). */
  sigma: number;
  /** The effect on each trajectory, in trajectory order. */
  effects: number[];
}

export function morrisDelta(levels: number): number {
  if (!Number.isInteger(levels) || levels < 2 || levels % 2 !== 0)
    throw new RangeError(`Morris levels must be an even whole number ≥ 2, got ${levels}`);
  return levels / (2 * (levels - 1));
}

/** One random trajectory: k + 1 points, consecutive ones differing in one factor by ±Δ. */
export function morrisTrajectory(factors: number, levels: number, random: () => number): number[][] {
  morrisDelta(levels);
  const half = levels / 2;
  const grid = levels - 1;
  // Level indices: a factor moves between base and base + p/2 (= Δ in unit coordinates).
  const low = Array.from({ length: factors }, () => Math.floor(random() * half));
  const up = Array.from({ length: factors }, () => random() < 0.5);
  const order = Array.from({ length: factors }, (_, i) => i);
  for (let i = factors - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const level = low.map((b, i) => (up[i] ? b : b + half));
  const points = [level.map((l) => l / grid)];
  for (const i of order) {
    level[i] = up[i] ? low[i] + half : low[i];
    points.push(level.map((l) => l / grid));
  }
  return points;
}

/** d: the sum of the Euclidean distances between every point of one trajectory and every point of the other. */
export function trajectoryDistance(a: readonly number[][], b: readonly number[][]): number {
  let d = 0;
  for (const p of a)
    for (const q of b) {
      let s = 0;
      for (let i = 0; i < p.length; i++) s += (p[i] - q[i]) ** 2;
      d += Math.sqrt(s);
    }
  return d;
}

/** Campolongo's D²: Σ d² over all pairs of the trajectories. */
export function dispersion(trajectories: readonly number[][][]): number {
  let total = 0;
  for (let a = 0; a < trajectories.length; a++)
    for (let b = a + 1; b < trajectories.length; b++)
      total += trajectoryDistance(trajectories[a], trajectories[b]) ** 2;
  return total;
}

/** r trajectories chosen from `candidates` random ones to spread over the unit cube. */
export function morrisDesign(options: MorrisOptions, random: () => number): MorrisDesign {
  const { factors, trajectories: r, levels } = options;
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`Morris needs r ≥ 1 trajectories, got ${r}`);
  const m = Math.max(r, options.candidates ?? 20 * r);
  const pool = Array.from({ length: m }, () => morrisTrajectory(factors, levels, random));
  const d2 = pool.map(() => new Float64Array(m));
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) {
      const d = trajectoryDistance(pool[a], pool[b]) ** 2;
      d2[a][b] = d;
      d2[b][a] = d;
    }
  const chosen: number[] = [];
  if (r >= m) chosen.push(...pool.keys());
  else if (r === 1) chosen.push(0);
  else {
    let best = [0, 1];
    for (let a = 0; a < m; a++)
      for (let b = a + 1; b < m; b++) if (d2[a][b] > d2[best[0]][best[1]]) best = [a, b];
    chosen.push(...best);
    const gain = Float64Array.from(pool, (_, c) => d2[c][best[0]] + d2[c][best[1]]);
    while (chosen.length < r) {
      let next = -1;
      for (let c = 0; c < m; c++) if (!chosen.includes(c) && (next < 0 || gain[c] > gain[next])) next = c;
      chosen.push(next);
      for (let c = 0; c < m; c++) gain[c] += d2[c][next];
    }
  }
  return {
    factors,
    levels,
    delta: morrisDelta(levels),
    trajectories: chosen.map((c) => pool[c]),
    candidates: m,
  };
}

/**
 * μ, μ* and σ of each factor from the outputs at the points of each trajectory
 * (`outputs[t][s]` at `trajectories[t][s]`, unit coordinates of the points actually run).
 */
export function elementaryEffects(
  trajectories: readonly (readonly number[])[][],
  outputs: readonly (readonly number[])[],
  factors: number,
): FactorEffects[] {
  const effects: number[][] = Array.from({ length: factors }, () => []);
  trajectories.forEach((points, t) => {
    for (let s = 0; s + 1 < points.length; s++) {
      const before = points[s];
      const after = points[s + 1];
      const moved = before.flatMap((x, i) => (after[i] !== x ? [i] : []));
      if (moved.length !== 1)
        throw new RangeError(
          `trajectory ${t}, step ${s}: ${moved.length} factors change, a Morris step changes one`,
        );
      const i = moved[0];
      effects[i].push((outputs[t][s + 1] - outputs[t][s]) / (after[i] - before[i]));
    }
  });
  return effects.map((e) => {
    const n = e.length;
    const mu = n > 0 ? e.reduce((a, b) => a + b, 0) / n : Number.NaN;
    const muStar = n > 0 ? e.reduce((a, b) => a + Math.abs(b), 0) / n : Number.NaN;
    const sigma = n > 1 ? Math.sqrt(e.reduce((a, b) => a + (b - mu) ** 2, 0) / (n - 1)) : Number.NaN;
    return { mu, muStar, sigma, effects: e };
  });
}
