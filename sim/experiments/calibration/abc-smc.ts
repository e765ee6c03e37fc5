import seedrandom from "seedrandom";
import { decodeNumbers, encodeNumbers } from "./json-numbers.ts";

/**
 * ABC-SMC: approximate Bayesian computation by sequential Monte Carlo (population Monte Carlo),
 * as an ask/tell state machine.
 *
 * The sampler never runs the model: `ask(n)` returns n parameter sets to simulate and
 * `tell(distances)` takes back, in the same order, the distance between each simulation's
 * summaries and the observed ones. `tiersim calibrate` can thus run each parameter set over K
 * seeds with common random numbers on a worker pool, and `toJSON()`/`fromJSON()` checkpoint the
 * whole state (pending proposals and the generator's state included), so a resumed run asks for
 * the same proposals and continues exactly as the uninterrupted one would. A caller that wants
 * to keep results of a half-evaluated batch across an interruption caches them itself: after
 * `fromJSON` the same batch is asked for again.
 *
 * Method: the ABC population Monte Carlo of Beaumont et al. (2009), equivalently ABC-SMC of Toni
 * et al. (2009) with a Gaussian kernel, with the tolerance schedule chosen adaptively.
 * - Generation 0 draws from the prior and accepts every finite distance ≤ ε₀ (default ε₀ = ∞,
 *   i.e. all); weights are equal.
 * - Generation t ≥ 1 uses ε_t = the α-quantile (default α = 0.5, linear interpolation between
 *   order statistics) of the accepted distances of generation t − 1, floored at
 *   `targetTolerance`: the quantile rule of Drovandi & Pettitt (2011) and Lenormand, Jabot &
 *   Deffuant (2013), a simpler relative of the adaptive schedule of Del Moral, Doucet & Jasra
 *   (2012), who pick ε_t from a target effective sample size instead. A proposal picks an ancestor θ_j of generation
 *   t − 1 with probability w_j and perturbs it with a Gaussian kernel K_t of covariance twice the
 *   weighted empirical covariance of generation t − 1 (Beaumont et al. 2009; the "standard"
 *   multivariate normal kernel of Filippi et al. 2013). A proposal outside the prior's support
 *   is discarded without simulation and both the ancestor and the perturbation are drawn again,
 *   so the proposal density is Σ_j w_j K_t(θ | θ_j) restricted to the support up to one constant,
 *   and the untruncated kernel in the weights is exact. Accepted particles (finite distance
 *   ≤ ε_t) get w ∝ π(θ) / Σ_j w_j K_t(θ | θ_j), computed in log space and normalised to sum 1.
 * - A generation is complete once it has N accepted particles. All accepted particles of the
 *   batch that completes it are kept (a generation may hold a few more than N), because the
 *   simulations are the expensive part; the stopping rule depends only on the count of
 *   acceptances, so the particles remain an importance sample of the same target.
 *
 * Priors are independent per parameter: `{ uniform: [a, b] }`, `{ normal: [μ, σ] }`,
 * `{ lognormal: [μ, σ] }` (log θ ~ N(μ, σ)). Parameters live on their natural scale throughout:
 * proposals are perturbed on that scale and rejected outside the support (a ≤ θ ≤ b; θ > 0).
 *
 * Stopping (reason in `reason`): "budget" when the simulation budget is spent (never exceeded:
 * `ask` hands out at most the remaining budget); "target" after a generation run at
 * ε ≤ `targetTolerance`; "tolerance" when the next tolerance would fall by a relative amount
 * below `minToleranceChange` (the quantile no longer discriminates); "acceptance" when a
 * generation's acceptance rate (accepted / simulated) falls below `minAcceptanceRate`, or, without
 * waiting for the generation to finish, once it has used N / `minAcceptanceRate` simulations and
 * still has fewer than N acceptances (its rate can no longer reach the minimum); "generations"
 * after `maxGenerations`. The posterior is always the last complete generation; evaluations of an
 * unfinished generation remain in `evaluations`.
 *
 * Distances that are NaN (a failed simulation) count as +Infinity and are never accepted.
 * Random numbers come from seedrandom's Alea generator, seeded from `seed`; its state is part of
 * the checkpoint. Normal deviates use the Box–Muller transform, one per pair of uniforms.
 *
 * References
 * - M. A. Beaumont, J.-M. Cornuet, J.-M. Marin, C. P. Robert (2009). Adaptive approximate
 *   Bayesian computation. Biometrika 96(4):983–990. doi:10.1093/biomet/asp052
 * - T. Toni, D. Welch, N. Strelkowa, A. Ipsen, M. P. H. Stumpf (2009). Approximate Bayesian
 *   computation scheme for parameter inference and model selection in dynamical systems.
 *   Journal of the Royal Society Interface 6(31):187–202. doi:10.1098/rsif.2008.0172
 * - S. A. Sisson, Y. Fan, M. M. Tanaka (2007). Sequential Monte Carlo without likelihoods.
 *   PNAS 104(6):1760–1765. doi:10.1073/pnas.0607208104
 * - P. Del Moral, A. Doucet, A. Jasra (2012). An adaptive sequential Monte Carlo method for
 *   approximate Bayesian computation. Statistics and Computing 22(5):1009–1020.
 *   doi:10.1007/s11222-011-9271-y
 * - C. C. Drovandi, A. N. Pettitt (2011). Estimation of parameters for macroparasite population
 *   evolution using approximate Bayesian computation. Biometrics 67(1):225–233.
 *   doi:10.1111/j.1541-0420.2010.01410.x
 * - M. Lenormand, F. Jabot, G. Deffuant (2013). Adaptive approximate Bayesian computation for
 *   complex models. Computational Statistics 28(6):2777–2796. doi:10.1007/s00180-013-0428-3
 * - S. Filippi, C. P. Barnes, J. Cornebise, M. P. H. Stumpf (2013). On optimality of kernels for
 *   approximate Bayesian computation using sequential Monte Carlo. Statistical Applications in
 *   Genetics and Molecular Biology 12(1):87–107. doi:10.1515/sagmb-2012-0069
 */

export type Prior =
  | { uniform: [number, number] }
  | { normal: [number, number] }
  | { lognormal: [number, number] };

export interface AbcSmcOptions {
  priors: readonly Prior[];
  /** N, accepted particles per generation. */
  populationSize: number;
  /** Total number of simulations (parameter sets told back) allowed. */
  budget: number;
  seed: string | number;
  /** α, the quantile of the previous generation's accepted distances used as next tolerance; default 0.5. */
  quantile?: number;
  /** ε₀ for the prior generation; default Infinity (accept every finite distance). */
  initialTolerance?: number;
  /** Stop after a generation run at or below this tolerance, and never go below it; default 0. */
  targetTolerance?: number;
  /** Stop when the tolerance would fall by less than this fraction; default 0.01. */
  minToleranceChange?: number;
  /** Stop when a generation's acceptance rate is below this; default 0.01 (0 disables). */
  minAcceptanceRate?: number;
  /** Stop after this many complete generations (the prior generation included); default Infinity. */
  maxGenerations?: number;
}

export type AbcSmcStopReason = "budget" | "target" | "tolerance" | "acceptance" | "generations";

export interface AbcSmcEvaluation {
  theta: number[];
  distance: number;
  generation: number;
  accepted: boolean;
}

export interface AbcSmcGeneration {
  generation: number;
  tolerance: number;
  simulations: number;
  accepted: number;
  acceptanceRate: number;
  /** Effective sample size 1 / Σ w² of the generation's normalised weights. */
  ess: number;
}

export interface AbcSmcPosterior {
  generation: number;
  tolerance: number;
  particles: number[][];
  /** Normalised importance weights, summing to 1. */
  weights: number[];
  distances: number[];
  mean: number[];
  sd: number[];
  ess: number;
}

interface Settings {
  priors: Prior[];
  populationSize: number;
  budget: number;
  seed: string;
  quantile: number;
  initialTolerance: number;
  targetTolerance: number;
  minToleranceChange: number;
  minAcceptanceRate: number;
  maxGenerations: number;
}

interface Population {
  particles: number[][];
  weights: number[];
  distances: number[];
}

interface State {
  settings: Settings;
  rng: seedrandom.State.Alea;
  /** Index of the generation being filled. */
  generation: number;
  tolerance: number;
  /** The last complete generation; null while the prior generation is filled. */
  previous: Population | null;
  current: { particles: number[][]; distances: number[]; simulations: number };
  pending: number[][];
  simulations: number;
  evaluations: AbcSmcEvaluation[];
  generations: AbcSmcGeneration[];
  reason: AbcSmcStopReason | null;
}

interface Kernel {
  /** Lower Cholesky factor of the kernel covariance. */
  chol: number[][];
  /** log of the normal density's constant, −½ d log 2π − log det L. */
  logNorm: number;
  cumulative: number[];
}

const FORMAT = "tiersim/abc-smc";
const VERSION = 1;
const LOG_2PI = Math.log(2 * Math.PI);
/** Proposals outside the support are redrawn; this many in a row means the support is unreachable. */
const MAX_REDRAWS = 100_000;

export class AbcSmc {
  private readonly s: State;
  private rng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;
  /** Derived from `s.previous`, so not checkpointed; rebuilt on demand. */
  private kernel: Kernel | null = null;

  constructor(options: AbcSmcOptions) {
    const settings = resolve(options);
    this.rng = seedrandom.alea(`tiersim:abc-smc:${settings.seed}`, { state: true });
    this.s = {
      settings,
      rng: this.rng.state(),
      generation: 0,
      tolerance: settings.initialTolerance,
      previous: null,
      current: { particles: [], distances: [], simulations: 0 },
      pending: [],
      simulations: 0,
      evaluations: [],
      generations: [],
      reason: null,
    };
  }

  /**
   * Parameter sets to simulate next. `n` defaults to the acceptances the generation still needs
   * and is cut to the remaining budget. While a batch is outstanding (asked, not told), the same
   * batch is returned whatever `n`; once stopped, an empty list.
   */
  ask(n?: number): number[][] {
    const s = this.s;
    if (s.reason !== null) return [];
    if (s.pending.length === 0) {
      const want = n ?? s.settings.populationSize - s.current.particles.length;
      if (!Number.isInteger(want) || want < 1) throw new Error(`ABC-SMC: ask(${n}) needs a positive integer`);
      const count = Math.min(want, s.settings.budget - s.simulations);
      const batch: number[][] = [];
      for (let i = 0; i < count; i++) batch.push(this.propose());
      s.pending = batch;
      s.rng = this.rng.state();
    }
    return s.pending.map((theta) => [...theta]);
  }

  /** Distances for the parameter sets of the last `ask`, in the same order. */
  tell(distances: readonly number[]): void {
    const s = this.s;
    if (s.reason !== null) throw new Error("ABC-SMC: tell after the sampler has stopped");
    if (distances.length !== s.pending.length || s.pending.length === 0) {
      throw new Error(`ABC-SMC: expected ${s.pending.length} distances, got ${distances.length}`);
    }
    for (let i = 0; i < distances.length; i++) {
      const theta = s.pending[i];
      const d = Number.isNaN(distances[i]) ? Number.POSITIVE_INFINITY : distances[i];
      const accepted = Number.isFinite(d) && d <= s.tolerance;
      s.evaluations.push({ theta, distance: d, generation: s.generation, accepted });
      if (accepted) {
        s.current.particles.push(theta);
        s.current.distances.push(d);
      }
    }
    s.simulations += distances.length;
    s.current.simulations += distances.length;
    s.pending = [];

    const { populationSize, budget, minAcceptanceRate } = s.settings;
    if (s.current.particles.length >= populationSize) this.completeGeneration();
    else if (s.simulations >= budget) s.reason = "budget";
    else if (minAcceptanceRate > 0 && s.current.simulations >= populationSize / minAcceptanceRate) {
      s.reason = "acceptance";
    }
  }

  get done(): boolean {
    return this.s.reason !== null;
  }

  get reason(): AbcSmcStopReason | null {
    return this.s.reason;
  }

  /** Index of the generation being filled (or that was being filled when the sampler stopped). */
  get generation(): number {
    return this.s.generation;
  }

  /** Tolerance of the generation being filled. */
  get tolerance(): number {
    return this.s.tolerance;
  }

  get simulations(): number {
    return this.s.simulations;
  }

  /** Every parameter set told back, with its distance, generation and acceptance. */
  get evaluations(): readonly AbcSmcEvaluation[] {
    return this.s.evaluations;
  }

  /** One summary per complete generation: tolerance, simulations, acceptance rate, ESS. */
  get generations(): readonly AbcSmcGeneration[] {
    return this.s.generations;
  }

  /** The last complete generation's particles with normalised weights; undefined before the first. */
  get particles(): { particles: number[][]; weights: number[] } | undefined {
    const p = this.s.previous;
    return p ? { particles: p.particles.map((t) => [...t]), weights: [...p.weights] } : undefined;
  }

  /** Weighted sample of the last complete generation with its moments; undefined before the first. */
  posterior(): AbcSmcPosterior | undefined {
    const p = this.s.previous;
    if (!p) return undefined;
    const d = this.s.settings.priors.length;
    const { mean, cov } = weightedMoments(p.particles, p.weights, d);
    const summary = this.s.generations.at(-1)!;
    return {
      generation: summary.generation,
      tolerance: summary.tolerance,
      particles: p.particles.map((t) => [...t]),
      weights: [...p.weights],
      distances: [...p.distances],
      mean,
      sd: cov.map((row, k) => Math.sqrt(row[k])),
      ess: summary.ess,
    };
  }

  toJSON(): unknown {
    return { format: FORMAT, version: VERSION, state: encodeNumbers(this.s) };
  }

  static fromJSON(json: unknown): AbcSmc {
    const j = json as { format?: unknown; version?: unknown; state?: unknown };
    if (j?.format !== FORMAT || j.version !== VERSION) {
      throw new Error(`ABC-SMC: not a ${FORMAT} version ${VERSION} checkpoint`);
    }
    const state = decodeNumbers(j.state) as State;
    const abc = Object.create(AbcSmc.prototype) as AbcSmc;
    const fields = abc as unknown as { s: State; rng: AbcSmc["rng"]; kernel: Kernel | null };
    fields.s = state;
    fields.rng = seedrandom.alea("", { state: state.rng });
    fields.kernel = null;
    return abc;
  }

  private propose(): number[] {
    const { priors } = this.s.settings;
    const previous = this.s.previous;
    if (previous === null) return priors.map((prior) => samplePrior(prior, this.rng));
    const kernel = this.ensureKernel(previous);
    const d = priors.length;
    for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
      const ancestor = previous.particles[pickIndex(kernel.cumulative, this.rng.double())];
      const z = new Array<number>(d);
      for (let k = 0; k < d; k++) z[k] = normal(this.rng);
      const theta = new Array<number>(d);
      for (let k = 0; k < d; k++) {
        let step = 0;
        for (let m = 0; m <= k; m++) step += kernel.chol[k][m] * z[m];
        theta[k] = ancestor[k] + step;
      }
      if (Number.isFinite(logPrior(priors, theta))) return theta;
    }
    throw new Error(`ABC-SMC: ${MAX_REDRAWS} proposals in a row fell outside the prior's support`);
  }

  private ensureKernel(previous: Population): Kernel {
    if (this.kernel) return this.kernel;
    const d = this.s.settings.priors.length;
    const { cov } = weightedMoments(previous.particles, previous.weights, d);
    const chol = choleskyWithRidge(cov.map((row) => row.map((v) => 2 * v)));
    let logDet = 0;
    for (let k = 0; k < d; k++) logDet += Math.log(chol[k][k]);
    const cumulative = new Array<number>(previous.weights.length);
    let total = 0;
    for (let i = 0; i < previous.weights.length; i++) cumulative[i] = total += previous.weights[i];
    this.kernel = { chol, logNorm: -0.5 * d * LOG_2PI - logDet, cumulative };
    return this.kernel;
  }

  private completeGeneration(): void {
    const s = this.s;
    const { particles, distances, simulations } = s.current;
    const weights = s.previous
      ? this.importanceWeights(s.previous, particles)
      : particles.map(() => 1 / particles.length);
    let sumSq = 0;
    for (const w of weights) sumSq += w * w;
    const acceptanceRate = particles.length / simulations;
    s.generations.push({
      generation: s.generation,
      tolerance: s.tolerance,
      simulations,
      accepted: particles.length,
      acceptanceRate,
      ess: 1 / sumSq,
    });
    s.previous = { particles, weights, distances };
    this.kernel = null;

    const o = s.settings;
    const q = quantile(distances, o.quantile);
    const next = Math.max(q, o.targetTolerance);
    if (s.tolerance <= o.targetTolerance) s.reason = "target";
    else if (acceptanceRate < o.minAcceptanceRate) s.reason = "acceptance";
    else if (Number.isFinite(s.tolerance) && (s.tolerance - q) / s.tolerance < o.minToleranceChange) {
      s.reason = "tolerance";
    } else if (s.generations.length >= o.maxGenerations) s.reason = "generations";
    else if (s.simulations >= o.budget) s.reason = "budget";
    if (s.reason !== null) return;
    s.generation++;
    s.tolerance = next;
    s.current = { particles: [], distances: [], simulations: 0 };
  }

  /** w_i ∝ π(θ_i) / Σ_j W_j K(θ_i | θ_j), normalised; in log space against under- and overflow. */
  private importanceWeights(previous: Population, particles: number[][]): number[] {
    const { priors } = this.s.settings;
    const kernel = this.ensureKernel(previous);
    const d = priors.length;
    const m = previous.particles.length;
    const logW = previous.weights.map((w) => Math.log(w));
    const terms = new Float64Array(m);
    const diff = new Float64Array(d);
    const logWeights = particles.map((theta) => {
      let top = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < m; j++) {
        const anc = previous.particles[j];
        for (let k = 0; k < d; k++) diff[k] = theta[k] - anc[k];
        let quad = 0;
        for (let k = 0; k < d; k++) {
          let v = diff[k];
          for (let l = 0; l < k; l++) v -= kernel.chol[k][l] * diff[l];
          diff[k] = v / kernel.chol[k][k];
          quad += diff[k] * diff[k];
        }
        terms[j] = logW[j] + kernel.logNorm - 0.5 * quad;
        if (terms[j] > top) top = terms[j];
      }
      let sum = 0;
      for (let j = 0; j < m; j++) sum += Math.exp(terms[j] - top);
      return logPrior(priors, theta) - (top + Math.log(sum));
    });
    let top = Number.NEGATIVE_INFINITY;
    for (const lw of logWeights) if (lw > top) top = lw;
    const raw = logWeights.map((lw) => Math.exp(lw - top));
    let total = 0;
    for (const r of raw) total += r;
    return raw.map((r) => r / total);
  }
}

function resolve(o: AbcSmcOptions): Settings {
  if (o.priors.length === 0) throw new Error("ABC-SMC: at least one prior is needed");
  o.priors.forEach(checkPrior);
  if (!Number.isInteger(o.populationSize) || o.populationSize < 2) {
    throw new Error("ABC-SMC: populationSize must be an integer ≥ 2");
  }
  if (!Number.isInteger(o.budget) || o.budget < 1)
    throw new Error("ABC-SMC: budget must be a positive integer");
  const quantileLevel = o.quantile ?? 0.5;
  if (!(quantileLevel > 0 && quantileLevel < 1)) throw new Error("ABC-SMC: quantile must lie in (0, 1)");
  return {
    priors: o.priors.map((p) => structuredClone(p)),
    populationSize: o.populationSize,
    budget: o.budget,
    seed: String(o.seed),
    quantile: quantileLevel,
    initialTolerance: o.initialTolerance ?? Number.POSITIVE_INFINITY,
    targetTolerance: o.targetTolerance ?? 0,
    minToleranceChange: o.minToleranceChange ?? 0.01,
    minAcceptanceRate: o.minAcceptanceRate ?? 0.01,
    maxGenerations: o.maxGenerations ?? Number.POSITIVE_INFINITY,
  };
}

function checkPrior(p: Prior, index: number): void {
  const [a, b] = "uniform" in p ? p.uniform : "normal" in p ? p.normal : p.lognormal;
  const ok = "uniform" in p ? Number.isFinite(a) && Number.isFinite(b) && a < b : Number.isFinite(a) && b > 0;
  if (!ok || !Number.isFinite(b))
    throw new Error(`ABC-SMC: prior ${index} has invalid parameters ${JSON.stringify(p)}`);
}

function samplePrior(p: Prior, rng: seedrandom.PRNG): number {
  if ("uniform" in p) return p.uniform[0] + (p.uniform[1] - p.uniform[0]) * rng.double();
  if ("normal" in p) return p.normal[0] + p.normal[1] * normal(rng);
  return Math.exp(p.lognormal[0] + p.lognormal[1] * normal(rng));
}

/** Joint log prior density; −Infinity outside the support. */
function logPrior(priors: readonly Prior[], theta: readonly number[]): number {
  let sum = 0;
  for (let k = 0; k < priors.length; k++) {
    const p = priors[k];
    const x = theta[k];
    if ("uniform" in p) {
      const [a, b] = p.uniform;
      if (!(x >= a && x <= b)) return Number.NEGATIVE_INFINITY;
      sum -= Math.log(b - a);
    } else if ("normal" in p) {
      const [mu, sigma] = p.normal;
      if (!Number.isFinite(x)) return Number.NEGATIVE_INFINITY;
      sum += -0.5 * LOG_2PI - Math.log(sigma) - 0.5 * ((x - mu) / sigma) ** 2;
    } else {
      const [mu, sigma] = p.lognormal;
      if (!(x > 0 && Number.isFinite(x))) return Number.NEGATIVE_INFINITY;
      const lx = Math.log(x);
      sum += -0.5 * LOG_2PI - Math.log(sigma) - lx - 0.5 * ((lx - mu) / sigma) ** 2;
    }
  }
  return sum;
}

/** Standard normal deviate by Box–Muller; 1 − u keeps the logarithm's argument in (0, 1]. */
function normal(rng: seedrandom.PRNG): number {
  const u1 = 1 - rng.double();
  const u2 = rng.double();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** First index whose cumulative weight exceeds u·total. */
function pickIndex(cumulative: readonly number[], u: number): number {
  const target = u * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function weightedMoments(
  particles: readonly (readonly number[])[],
  weights: readonly number[],
  d: number,
): { mean: number[]; cov: number[][] } {
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < particles.length; i++)
    for (let k = 0; k < d; k++) mean[k] += weights[i] * particles[i][k];
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < particles.length; i++) {
    for (let k = 0; k < d; k++) {
      const dk = particles[i][k] - mean[k];
      for (let l = 0; l <= k; l++) cov[k][l] += weights[i] * dk * (particles[i][l] - mean[l]);
    }
  }
  for (let k = 0; k < d; k++) for (let l = 0; l < k; l++) cov[l][k] = cov[k][l];
  return { mean, cov };
}

/**
 * Cholesky factor of a covariance matrix. A population collapsed onto a point (or a line) gives
 * a singular matrix; a growing ridge on the diagonal then keeps the kernel proper, so the
 * sampler can still move.
 */
function choleskyWithRidge(a: number[][]): number[][] {
  const d = a.length;
  let scale = 0;
  for (let k = 0; k < d; k++) scale = Math.max(scale, Math.abs(a[k][k]));
  if (scale === 0) scale = 1;
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-12 * scale : ridge * 10) {
    const l = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    let ok = true;
    for (let k = 0; k < d && ok; k++) {
      for (let m = 0; m <= k; m++) {
        let v = a[k][m] + (k === m ? ridge : 0);
        for (let p = 0; p < m; p++) v -= l[k][p] * l[m][p];
        if (k === m) {
          if (!(v > 0)) {
            ok = false;
            break;
          }
          l[k][k] = Math.sqrt(v);
        } else l[k][m] = v / l[m][m];
      }
    }
    if (ok) return l;
  }
}

/** Quantile with linear interpolation between order statistics (Hyndman & Fan 1996, type 7). */
function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
