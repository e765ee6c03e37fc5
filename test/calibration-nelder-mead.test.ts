import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NelderMead, type NelderMeadOptions } from "../sim/experiments/calibration/nelder-mead.ts";

type Objective = (x: number[]) => number;

/** Rosenbrock (1960) banana valley; minimum 0 at (1, 1). */
const rosenbrock: Objective = ([x, y]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2;

function run(nm: NelderMead, f: Objective): NelderMead {
  while (!nm.done) nm.tell(nm.ask().map(f));
  return nm;
}

/** Same loop, but the optimiser is rebuilt from its JSON checkpoint before every ask and tell. */
function runThroughJson(options: NelderMeadOptions, f: Objective): NelderMead {
  const revive = (nm: NelderMead) => NelderMead.fromJSON(JSON.parse(JSON.stringify(nm.toJSON())));
  let nm = new NelderMead(options);
  while (!nm.done) {
    nm = revive(nm);
    const points = nm.ask();
    nm = revive(nm);
    nm.tell(points.map(f));
  }
  return nm;
}

describe("Nelder–Mead", () => {
  it("finds the Rosenbrock minimum from (−1.2, 1) within 1e-4 in under 400 evaluations", () => {
    const nm = run(
      new NelderMead({ start: [-1.2, 1], step: 0.1, xTol: 1e-8, fTol: 1e-12, maxEvaluations: 1000 }),
      rosenbrock,
    );
    expect(nm.reason).toBe("converged");
    expect(nm.evaluations).toBeLessThan(400);
    const best = nm.best!;
    expect(Math.abs(best.x[0] - 1)).toBeLessThan(1e-4);
    expect(Math.abs(best.x[1] - 1)).toBeLessThan(1e-4);
    expect(best.f).toBeLessThan(1e-12);
  });

  it("follows SciPy's Nelder–Mead evaluation for evaluation on Rosenbrock", () => {
    // Reference: scipy.optimize.minimize(method="Nelder-Mead") of SciPy 1.17.1 with this initial
    // simplex, xatol=1e-8, fatol=1e-12 took 219 evaluations and ended at f = 1.0990889519195732e-18;
    // with bounds (−2, 0.5) × (−1, 2) it took 159 and ended at x = (0.5, 0.25).
    const initialSimplex = [
      [-1.2, 1],
      [-1.26, 1],
      [-1.2, 1.05],
    ];
    const free = run(
      new NelderMead({ start: [-1.2, 1], step: 0.1, initialSimplex, xTol: 1e-8, fTol: 1e-12 }),
      rosenbrock,
    );
    expect(free.evaluations).toBe(219);
    expect(free.best!.f).toBeCloseTo(1.0990889519195732e-18, 30);
    const boxed = run(
      new NelderMead({
        start: [-1.2, 1],
        step: 0.1,
        initialSimplex,
        xTol: 1e-8,
        fTol: 1e-12,
        lower: [-2, -1],
        upper: [0.5, 2],
      }),
      rosenbrock,
    );
    expect(boxed.evaluations).toBe(159);
    expect(boxed.best!.x[0]).toBe(0.5);
    expect(boxed.best!.x[1]).toBeCloseTo(0.25, 8);
  });

  it.each([false, true])("minimises a 4-D quadratic bowl (adaptive coefficients: %s)", (adaptive) => {
    const centre = [1.5, -2, 0.25, 3];
    const scale = [1, 4, 0.5, 2];
    const bowl: Objective = (x) =>
      7 +
      x.reduce((sum, xk, k) => sum + scale[k] * (xk - centre[k]) ** 2, 0) +
      (x[0] - centre[0]) * (x[1] - centre[1]);
    const nm = run(
      new NelderMead({
        start: [0, 0, 0, 0],
        step: 1,
        xTol: 1e-7,
        fTol: 1e-12,
        maxEvaluations: 2000,
        adaptive,
      }),
      bowl,
    );
    expect(nm.reason).toBe("converged");
    const best = nm.best!;
    for (let k = 0; k < 4; k++) expect(Math.abs(best.x[k] - centre[k])).toBeLessThan(1e-5);
    expect(best.f - 7).toBeLessThan(1e-10);
  });

  it("ends on the boundary when the minimum lies outside the box, never leaving the box", () => {
    const nm = run(
      new NelderMead({ start: [0, 0], step: 0.5, lower: [-1, -1], upper: [1, 1], xTol: 1e-9, fTol: 1e-12 }),
      ([x, y]) => (x - 3) ** 2 + (y + 2) ** 2,
    );
    expect(nm.best!.x).toEqual([1, -1]);
    for (const { x } of nm.history) for (const xk of x) expect(Math.abs(xk)).toBeLessThanOrEqual(1);
  });

  it("keeps every point in the box and never exceeds the budget (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 0.1, max: 5, noNaN: true })),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 5, max: 120 }),
        fc.boolean(),
        (box, target, maxEvaluations, adaptive) => {
          const n = box.length;
          const lower = box.map(([a]) => a);
          const upper = box.map(([a, w]) => a + w);
          const start = box.map(([a, w]) => a + w / 3);
          if (maxEvaluations < n + 1) return;
          const nm = run(
            new NelderMead({ start, step: 0.7, lower, upper, maxEvaluations, adaptive, restarts: 2 }),
            (x) => x.reduce((s, xk, k) => s + (xk - target[k]) ** 2, 0),
          );
          expect(nm.evaluations).toBeLessThanOrEqual(maxEvaluations);
          expect(nm.history.length).toBe(nm.evaluations);
          const outside = nm.history.filter(({ x }) => x.some((xk, k) => xk < lower[k] || xk > upper[k]));
          expect(outside).toEqual([]);
        },
      ),
      { numRuns: 200, seed: 20240611 },
    );
  });

  it("stops on the budget without exceeding it", () => {
    const nm = run(new NelderMead({ start: [-1.2, 1], step: 0.1, maxEvaluations: 40 }), rosenbrock);
    expect(nm.reason).toBe("budget");
    expect(nm.evaluations).toBeLessThanOrEqual(40);
    expect(nm.ask()).toEqual([]);
  });

  it("asks for the initial simplex and a shrink as batches", () => {
    const nm = new NelderMead({ start: [0, 0, 0], step: [1, 2, 3] });
    expect(nm.ask()).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 3],
    ]);
    // A spike: every point other than the start is equally bad, so reflection and contraction
    // both fail and each iteration shrinks towards the start.
    const spike: Objective = (x) => (x.every((xk) => xk === 0) ? 0 : 1);
    const batches: number[] = [];
    while (!nm.done) {
      const points = nm.ask();
      const before = nm.history.length;
      nm.tell(points.map(spike));
      if (nm.history[before].move === "shrink") batches.push(points.length);
    }
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((size) => size === 3)).toBe(true);
    expect(nm.best).toEqual({ x: [0, 0, 0], f: 0 });
  });

  it("continues identically when checkpointed to JSON before every ask and tell", () => {
    const options: NelderMeadOptions = {
      start: [-1.2, 1],
      step: 0.1,
      xTol: 1e-8,
      fTol: 1e-12,
      restarts: 1,
      lower: [-2, -2],
      upper: [0.9, 2],
    };
    const direct = run(new NelderMead(options), rosenbrock);
    const revived = runThroughJson(options, rosenbrock);
    expect(revived.history).toEqual(direct.history);
    expect(revived.best).toEqual(direct.best);
    expect(revived.reason).toBe(direct.reason);
  });

  it("round-trips non-finite values (failed evaluations) through JSON", () => {
    const failing: Objective = (x) => (x[0] > 0.5 ? Number.NaN : rosenbrock(x));
    const options: NelderMeadOptions = { start: [-1.2, 1], step: 0.5, maxEvaluations: 150 };
    const direct = run(new NelderMead(options), failing);
    const revived = runThroughJson(options, failing);
    expect(direct.history.some((e) => e.f === Number.POSITIVE_INFINITY)).toBe(true);
    expect(revived.history).toEqual(direct.history);
  });

  it("is deterministic", () => {
    const options: NelderMeadOptions = { start: [3, -1, 2], step: 0.5, adaptive: true, restarts: 1 };
    const f: Objective = (x) => x.reduce((s, xk, k) => s + (k + 1) * (xk - k) ** 2, 0);
    expect(run(new NelderMead(options), f).history).toEqual(run(new NelderMead(options), f).history);
  });

  it("escapes McKinnon's (1998) non-stationary limit with a restart", () => {
    // τ = 2, θ = 6, φ = 60 from McKinnon's paper; from this initial simplex the method contracts
    // onto (0, 0), where f = 0, although the minimum is f(0, −1/2) = −1/4.
    const mckinnon: Objective = ([x, y]) => (x <= 0 ? 360 * x * x : 6 * x * x) + y + y * y;
    const initialSimplex = [
      [0, 0],
      [1, 1],
      [(1 + Math.sqrt(33)) / 8, (1 - Math.sqrt(33)) / 8],
    ];
    const options = {
      start: [0, 0],
      step: 0.5,
      initialSimplex,
      xTol: 1e-8,
      fTol: 1e-8,
      maxEvaluations: 2000,
    };
    const stuck = run(new NelderMead(options), mckinnon);
    expect(stuck.best!.x[0]).toBeCloseTo(0, 6);
    expect(stuck.best!.x[1]).toBeCloseTo(0, 6);
    const restarted = run(new NelderMead({ ...options, restarts: 1 }), mckinnon);
    expect(restarted.restartsUsed).toBe(1);
    expect(restarted.best!.x[0]).toBeCloseTo(0, 6);
    expect(restarted.best!.x[1]).toBeCloseTo(-0.5, 6);
    expect(restarted.best!.f).toBeCloseTo(-0.25, 10);
  });

  it("re-evaluates the best point when a restart rebuilds the simplex", () => {
    // A noisy objective: the stored best value is a lucky draw; after the restart the best vertex
    // must carry a fresh value, not the old minimum.
    let calls = 0;
    const noisy: Objective = (x) => x[0] ** 2 + x[1] ** 2 + 0.01 * Math.sin(++calls * 12.9898);
    const nm = new NelderMead({ start: [1, 1], step: 0.5, xTol: 1e-3, fTol: Infinity, restarts: 1 });
    while (!nm.done) {
      const before = nm.best;
      const points = nm.ask();
      const moveOfBatch = () => nm.history.at(-1)?.move;
      nm.tell(points.map(noisy));
      if (moveOfBatch() === "restart") {
        expect(points[0]).toEqual(before!.x);
        const fresh = nm.history.at(-points.length)!;
        expect(fresh.x).toEqual(before!.x);
        expect(fresh.f).not.toBe(before!.f);
      }
    }
    expect(nm.restartsUsed).toBe(1);
  });

  it("rejects a start outside the bounds and a budget smaller than the simplex", () => {
    expect(() => new NelderMead({ start: [2], step: 1, upper: [1] })).toThrow(/outside/);
    expect(() => new NelderMead({ start: [0, 0], step: 1, maxEvaluations: 2 })).toThrow(/budget/);
    expect(() => new NelderMead({ start: [0, 0], step: [1, 0] })).toThrow(/step/);
  });
});
