/**
 * Nelder–Mead downhill simplex minimiser as an ask/tell state machine.
 *
 * The optimiser never calls the objective: `ask()` hands out the points whose values it needs next
 * and `tell(values)` takes them back in the same order. This lets `tiersim calibrate` evaluate a
 * point as an average over replicate simulations on a worker pool, and `toJSON()`/`fromJSON()`
 * checkpoint the whole state (pending points included) so that a resumed run continues exactly
 * where the interrupted one stopped. Numbers survive JSON exactly (shortest round-trip decimal
 * form); non-finite values are written as strings.
 *
 * Method. Nelder & Mead (1965) with the ordering, tie-breaking and acceptance rules of Lagarias
 * et al. (1998): vertices sorted by value, a new vertex is placed after every vertex of equal
 * value, shrinks keep the best vertex first. Coefficients: reflection ρ = 1, expansion χ = 2,
 * contraction γ = 0.5, shrink σ = 0.5; with `adaptive` and dimension n > 2 the dimension-dependent
 * values of Gao & Han (2012), ρ = 1, χ = 1 + 2/n, γ = 3/4 − 1/(2n), σ = 1 − 1/n, which keep the
 * method making progress in higher dimensions (at n = 2 they equal the standard ones; at n = 1
 * they would make σ = 0, so they are not used there).
 *
 * Batches: the initial simplex (n + 1 points), a shrink (n points) and a restart (n + 1 points)
 * are asked for together; reflection, expansion and contraction are one point each because each
 * decision depends on the previous value, and evaluating the alternatives speculatively would
 * spend simulations that are usually thrown away.
 *
 * Bounds are handled by clamping: every point the method generates is projected coordinatewise
 * into the box [lower, upper] before it is asked for (as SciPy's Nelder–Mead does since 1.7).
 * Points thus never leave the box, and a minimum outside it ends on the boundary. A clamped
 * simplex can flatten against a face; a restart rebuilds it. The initial simplex is
 * start + step_i·e_i, taking −step_i instead when +step_i would leave the box, so it is never
 * flattened by the bounds.
 *
 * Stopping: when the evaluation budget is spent (never exceeded: a move whose points do not fit
 * in the remaining budget is not asked for), or when the simplex has converged, meaning both
 * max_i ‖x_i − x_best‖_∞ ≤ xTol and max_i f_i − f_best ≤ fTol (absolute tolerances, as in SciPy).
 * Requiring both avoids stopping on a plateau with a large simplex or on a tiny simplex whose
 * values still differ; set one of them to Infinity to stop on the other alone (with a noisy
 * objective the spread of values may never fall below fTol).
 *
 * Restarts (optional, `restarts` > 0): on convergence the simplex is rebuilt around the best
 * vertex with the original steps and all n + 1 points are evaluated again, the best vertex
 * included. Re-evaluating the best point matters for noisy objectives: its stored value is the
 * minimum over many noisy evaluations and biased low (the winner's curse), so keeping it would
 * anchor the new simplex on a lucky draw. A restart also repairs a collapsed simplex, the known
 * failure of the method on McKinnon's (1998) function. `best` is the best vertex of the current
 * simplex, so after a restart it reflects the fresh value; for a deterministic objective it is
 * the best value ever evaluated.
 *
 * Values: NaN (e.g. a failed simulation) is treated as +Infinity, worse than any real value.
 * The method uses no random numbers, so it needs no seed: the same options and values give the
 * same sequence of points.
 *
 * References
 * - J. A. Nelder, R. Mead (1965). A simplex method for function minimization. The Computer
 *   Journal 7(4):308–313. doi:10.1093/comjnl/7.4.308
 * - J. C. Lagarias, J. A. Reeds, M. H. Wright, P. E. Wright (1998). Convergence properties of the
 *   Nelder–Mead simplex method in low dimensions. SIAM Journal on Optimization 9(1):112–147.
 *   doi:10.1137/S1052623496303470
 * - F. Gao, L. Han (2012). Implementing the Nelder–Mead simplex algorithm with adaptive
 *   parameters. Computational Optimization and Applications 51(1):259–277.
 *   doi:10.1007/s10589-010-9329-3
 * - K. I. M. McKinnon (1998). Convergence of the Nelder–Mead simplex method to a nonstationary
 *   point. SIAM Journal on Optimization 9(1):148–158. doi:10.1137/S1052623496303482
 * - H. H. Rosenbrock (1960). An automatic method for finding the greatest or least value of a
 *   function. The Computer Journal 3(3):175–184. doi:10.1093/comjnl/3.3.175
 */

import { decodeNumbers, encodeNumbers } from "./json-numbers.ts";

export interface NelderMeadOptions {
  /** Start point; the first vertex of the initial simplex. Must lie inside the bounds. */
  start: readonly number[];
  /** Step per dimension (or one for all) from the start point to the other vertices; non-zero. */
  step: number | readonly number[];
  /** Replaces the simplex built from `start` and `step` for the first run (not for restarts). */
  initialSimplex?: readonly (readonly number[])[];
  /** Lower bounds per dimension (−Infinity for none). */
  lower?: readonly number[];
  /** Upper bounds per dimension (+Infinity for none). */
  upper?: readonly number[];
  /** Evaluation budget; default 200·n. */
  maxEvaluations?: number;
  /** Simplex size tolerance, max_i ‖x_i − x_best‖_∞; default 1e-4. */
  xTol?: number;
  /** Spread of values tolerance, f_worst − f_best; default 1e-4. */
  fTol?: number;
  /** Use the coefficients of Gao & Han (2012) when n > 2; default false. */
  adaptive?: boolean;
  /** Number of restarts after convergence; default 0. */
  restarts?: number;
}

export type NelderMeadMove =
  | "initial"
  | "reflect"
  | "expand"
  | "contract-outside"
  | "contract-inside"
  | "shrink"
  | "restart";

export type NelderMeadStopReason = "converged" | "budget";

export interface NelderMeadEvaluation {
  x: number[];
  f: number;
  move: NelderMeadMove;
}

interface Settings {
  n: number;
  start: number[];
  step: number[];
  initialSimplex: number[][] | null;
  lower: number[];
  upper: number[];
  maxEvaluations: number;
  xTol: number;
  fTol: number;
  adaptive: boolean;
  restarts: number;
}

interface State {
  settings: Settings;
  /** Vertices sorted by value once the first simplex has been evaluated; empty before. */
  simplex: number[][];
  values: number[];
  move: NelderMeadMove;
  pending: number[][];
  /** The reflected point and its value, kept for the expansion or contraction that follows. */
  reflected: { x: number[]; f: number } | null;
  evaluations: number;
  restartsUsed: number;
  history: NelderMeadEvaluation[];
  reason: NelderMeadStopReason | null;
}

const FORMAT = "tiersim/nelder-mead";
const VERSION = 1;

export class NelderMead {
  private readonly s: State;

  constructor(options: NelderMeadOptions) {
    const settings = resolve(options);
    const first = settings.initialSimplex ?? simplexAround(settings.start, settings);
    this.s = {
      settings,
      simplex: [],
      values: [],
      move: "initial",
      pending: first,
      reflected: null,
      evaluations: 0,
      restartsUsed: 0,
      history: [],
      reason: null,
    };
  }

  /** Points to evaluate next (copies); the same points until `tell`; empty once done. */
  ask(): number[][] {
    return this.s.pending.map((x) => [...x]);
  }

  /** Values of the points of the last `ask`, in the same order. */
  tell(values: readonly number[]): void {
    const s = this.s;
    if (s.reason !== null) throw new Error("Nelder–Mead: tell after the search has stopped");
    if (values.length !== s.pending.length) {
      throw new Error(`Nelder–Mead: expected ${s.pending.length} values, got ${values.length}`);
    }
    const points = s.pending;
    const f = values.map((v) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v));
    for (let i = 0; i < points.length; i++) s.history.push({ x: points[i], f: f[i], move: s.move });
    s.evaluations += points.length;
    s.pending = [];

    switch (s.move) {
      case "initial":
      case "restart": {
        const order = points.map((_, i) => i).sort((a, b) => f[a] - f[b] || a - b);
        s.simplex = order.map((i) => points[i]);
        s.values = order.map((i) => f[i]);
        this.endIteration();
        return;
      }
      case "reflect":
        this.afterReflection(points[0], f[0]);
        return;
      case "expand": {
        const r = s.reflected!;
        if (f[0] < r.f) this.replaceWorst(points[0], f[0]);
        else this.replaceWorst(r.x, r.f);
        this.endIteration();
        return;
      }
      case "contract-outside":
        if (f[0] <= s.reflected!.f) {
          this.replaceWorst(points[0], f[0]);
          this.endIteration();
        } else this.shrink();
        return;
      case "contract-inside":
        if (f[0] < s.values[s.settings.n]) {
          this.replaceWorst(points[0], f[0]);
          this.endIteration();
        } else this.shrink();
        return;
      case "shrink": {
        const xs = [s.simplex[0], ...points];
        const fs = [s.values[0], ...f];
        const order = xs.map((_, i) => i).sort((a, b) => fs[a] - fs[b] || a - b);
        s.simplex = order.map((i) => xs[i]);
        s.values = order.map((i) => fs[i]);
        this.endIteration();
        return;
      }
    }
  }

  get done(): boolean {
    return this.s.reason !== null;
  }

  /** Why the search stopped, or null while it runs. */
  get reason(): NelderMeadStopReason | null {
    return this.s.reason;
  }

  /** Best vertex of the current simplex; undefined until the first simplex has been evaluated. */
  get best(): { x: number[]; f: number } | undefined {
    const s = this.s;
    if (s.simplex.length === 0) return undefined;
    return { x: [...s.simplex[0]], f: s.values[0] };
  }

  /** Every evaluation so far, in the order told. */
  get history(): readonly NelderMeadEvaluation[] {
    return this.s.history;
  }

  get evaluations(): number {
    return this.s.evaluations;
  }

  get restartsUsed(): number {
    return this.s.restartsUsed;
  }

  /** Current simplex (sorted, best first) with its values. */
  get simplex(): { x: number[][]; f: number[] } {
    return { x: this.s.simplex.map((v) => [...v]), f: [...this.s.values] };
  }

  toJSON(): unknown {
    return { format: FORMAT, version: VERSION, state: encodeNumbers(this.s) };
  }

  static fromJSON(json: unknown): NelderMead {
    const j = json as { format?: unknown; version?: unknown; state?: unknown };
    if (j?.format !== FORMAT || j.version !== VERSION) {
      throw new Error(`Nelder–Mead: not a ${FORMAT} version ${VERSION} checkpoint`);
    }
    const state = decodeNumbers(j.state) as State;
    const nm = Object.create(NelderMead.prototype) as NelderMead;
    (nm as unknown as { s: State }).s = state;
    return nm;
  }

  private coefficients(): { rho: number; chi: number; gamma: number; sigma: number } {
    const { n, adaptive } = this.s.settings;
    if (adaptive && n > 2) return { rho: 1, chi: 1 + 2 / n, gamma: 0.75 - 1 / (2 * n), sigma: 1 - 1 / n };
    return { rho: 1, chi: 2, gamma: 0.5, sigma: 0.5 };
  }

  /** Point (1 + t)·c − t·x_worst, clamped: t = ρ reflects, ρχ expands, ργ and −γ contract. */
  private along(t: number): number[] {
    const { simplex, settings } = this.s;
    const n = settings.n;
    const worst = simplex[n];
    const x = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += simplex[i][k];
      c /= n;
      x[k] = (1 + t) * c - t * worst[k];
    }
    return clamp(x, settings);
  }

  private afterReflection(xr: number[], fr: number): void {
    const s = this.s;
    const n = s.settings.n;
    const { rho, chi, gamma } = this.coefficients();
    s.reflected = { x: xr, f: fr };
    if (fr < s.values[0]) {
      if (!this.request("expand", [this.along(rho * chi)])) this.replaceWorst(xr, fr);
    } else if (fr < s.values[n - 1]) {
      this.replaceWorst(xr, fr);
      this.endIteration();
    } else if (fr < s.values[n]) {
      this.request("contract-outside", [this.along(rho * gamma)]);
    } else {
      this.request("contract-inside", [this.along(-gamma)]);
    }
  }

  private shrink(): void {
    const s = this.s;
    const { sigma } = this.coefficients();
    const best = s.simplex[0];
    const points = s.simplex.slice(1).map((v) =>
      clamp(
        v.map((vk, k) => best[k] + sigma * (vk - best[k])),
        s.settings,
      ),
    );
    this.request("shrink", points);
  }

  /** Asks for points if they fit in the budget; otherwise stops for the budget. */
  private request(move: NelderMeadMove, points: number[][]): boolean {
    const s = this.s;
    if (s.evaluations + points.length > s.settings.maxEvaluations) {
      s.reason = "budget";
      s.pending = [];
      return false;
    }
    s.move = move;
    s.pending = points;
    return true;
  }

  /** Replaces the worst vertex, placing the new one after all vertices of equal value (Lagarias). */
  private replaceWorst(x: number[], f: number): void {
    const s = this.s;
    s.simplex.pop();
    s.values.pop();
    let j = 0;
    while (j < s.values.length && s.values[j] <= f) j++;
    s.simplex.splice(j, 0, x);
    s.values.splice(j, 0, f);
  }

  private endIteration(): void {
    const s = this.s;
    s.reflected = null;
    if (s.reason !== null) return;
    const { n, xTol, fTol, restarts } = s.settings;
    if (this.converged(xTol, fTol)) {
      if (s.restartsUsed < restarts && s.evaluations + n + 1 <= s.settings.maxEvaluations) {
        s.restartsUsed++;
        this.request("restart", simplexAround(s.simplex[0], s.settings));
      } else {
        s.reason = "converged";
        s.pending = [];
      }
      return;
    }
    const { rho } = this.coefficients();
    this.request("reflect", [this.along(rho)]);
  }

  private converged(xTol: number, fTol: number): boolean {
    const { simplex, values, settings } = this.s;
    const n = settings.n;
    if (!(values[n] - values[0] <= fTol)) return false;
    const best = simplex[0];
    for (let i = 1; i <= n; i++) {
      for (let k = 0; k < n; k++) if (Math.abs(simplex[i][k] - best[k]) > xTol) return false;
    }
    return true;
  }
}

function resolve(o: NelderMeadOptions): Settings {
  const n = o.start.length;
  if (n < 1) throw new Error("Nelder–Mead: the start point needs at least one dimension");
  const vec = (v: number | readonly number[] | undefined, fill: number, name: string): number[] => {
    if (v === undefined) return new Array<number>(n).fill(fill);
    if (typeof v === "number") return new Array<number>(n).fill(v);
    if (v.length !== n) throw new Error(`Nelder–Mead: ${name} has ${v.length} entries, expected ${n}`);
    return [...v];
  };
  const step = vec(o.step, 0, "step");
  const lower = vec(o.lower, Number.NEGATIVE_INFINITY, "lower");
  const upper = vec(o.upper, Number.POSITIVE_INFINITY, "upper");
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(step[k]) || step[k] === 0)
      throw new Error(`Nelder–Mead: step[${k}] must be non-zero`);
    if (!(lower[k] < upper[k])) throw new Error(`Nelder–Mead: bounds of dimension ${k} are empty`);
    if (!(o.start[k] >= lower[k] && o.start[k] <= upper[k])) {
      throw new Error(`Nelder–Mead: start[${k}] = ${o.start[k]} lies outside its bounds`);
    }
  }
  const maxEvaluations = o.maxEvaluations ?? 200 * n;
  if (!(maxEvaluations >= n + 1)) {
    throw new Error(`Nelder–Mead: a budget of ${maxEvaluations} cannot evaluate the ${n + 1} initial points`);
  }
  const settings: Settings = {
    n,
    start: [...o.start],
    step,
    initialSimplex: null,
    lower,
    upper,
    maxEvaluations,
    xTol: o.xTol ?? 1e-4,
    fTol: o.fTol ?? 1e-4,
    adaptive: o.adaptive ?? false,
    restarts: o.restarts ?? 0,
  };
  if (o.initialSimplex) {
    if (o.initialSimplex.length !== n + 1 || o.initialSimplex.some((v) => v.length !== n)) {
      throw new Error(`Nelder–Mead: the initial simplex needs ${n + 1} points of dimension ${n}`);
    }
    settings.initialSimplex = o.initialSimplex.map((v) => clamp([...v], settings));
  }
  return settings;
}

/** x and x ± step_k·e_k, the sign chosen so the vertex stays in the box (else the roomier side, clamped). */
function simplexAround(x: readonly number[], s: Settings): number[][] {
  const points = [[...x]];
  for (let k = 0; k < s.n; k++) {
    const v = [...x];
    const h = s.step[k];
    if (x[k] + h >= s.lower[k] && x[k] + h <= s.upper[k]) v[k] = x[k] + h;
    else if (x[k] - h >= s.lower[k] && x[k] - h <= s.upper[k]) v[k] = x[k] - h;
    else v[k] = s.upper[k] - x[k] >= x[k] - s.lower[k] ? s.upper[k] : s.lower[k];
    points.push(v);
  }
  return points;
}

function clamp(x: number[], s: Settings): number[] {
  for (let k = 0; k < x.length; k++) x[k] = Math.min(Math.max(x[k], s.lower[k]), s.upper[k]);
  return x;
}
