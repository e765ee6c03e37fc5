import type { TopLevelSpec } from "vega-lite";

/**
 * Charts of a calibration: the fit (what the fitted model simulates for each target, in the
 * target's reported standard deviations, against the ±2 sd band; for ABC-SMC with the 5–95% range
 * over the final generation's accepted sets, a posterior predictive check), and the parameters (ABC-SMC: each marginal posterior as a weighted
 * histogram; Nelder–Mead: the distance of each evaluation in order, a trace).
 */

export interface FitPoint {
  id: string;
  observed: number;
  sd: number;
  simulated: number;
  /** Posterior predictive range (ABC-SMC), when available. */
  low?: number;
  high?: number;
}

export function fitChart(points: readonly FitPoint[]): TopLevelSpec {
  // Targets differ in scale (shares, visits per person, admissions per 100): each is drawn in its
  // own reported standard deviations, the reported value at 0 with its ±2 sd band.
  const z = (p: FitPoint, v: number) => (v - p.observed) / p.sd;
  const values = points.map((p) => ({
    id: p.id,
    zero: 0,
    bandLow: -2,
    bandHigh: 2,
    simulated: z(p, p.simulated),
    simulatedLow: z(p, p.low ?? p.simulated),
    simulatedHigh: z(p, p.high ?? p.simulated),
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Simulated targets in reported sd from the reported value (grey: ±2 sd; blue: posterior 5–95%)",
    width: 420,
    height: { step: 28 },
    data: { values },
    layer: [
      {
        mark: { type: "rule", color: "#bbbbbb", strokeWidth: 8 },
        encoding: {
          y: { field: "id", type: "nominal", title: null },
          x: { field: "bandLow", type: "quantitative", title: "(simulated − reported) ÷ sd" },
          x2: { field: "bandHigh" },
        },
      },
      {
        mark: { type: "tick", color: "black" },
        encoding: { y: { field: "id", type: "nominal" }, x: { field: "zero", type: "quantitative" } },
      },
      {
        mark: { type: "rule", color: "#1f77b4", strokeWidth: 3, opacity: 0.6 },
        encoding: {
          y: { field: "id", type: "nominal" },
          x: { field: "simulatedLow", type: "quantitative" },
          x2: { field: "simulatedHigh" },
        },
      },
      {
        mark: { type: "point", color: "#1f77b4", filled: true },
        encoding: { y: { field: "id", type: "nominal" }, x: { field: "simulated", type: "quantitative" } },
      },
    ],
  };
}

/** Weighted histograms of each parameter's posterior sample, one panel per parameter. */
export function posteriorChart(
  sample: readonly { theta: Record<string, number>; weight: number }[],
): TopLevelSpec {
  const values = sample.flatMap((s) =>
    Object.entries(s.theta).map(([parameter, value]) => ({ parameter, value, weight: s.weight })),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Marginal posteriors (weighted particles of the final generation)",
    data: { values },
    facet: { row: { field: "parameter", type: "nominal", title: null } },
    resolve: { scale: { x: "independent" } },
    spec: {
      width: 420,
      height: 90,
      mark: "bar",
      encoding: {
        x: { field: "value", type: "quantitative", bin: { maxbins: 30 }, title: null },
        y: { aggregate: "sum", field: "weight", type: "quantitative", title: "posterior weight" },
      },
    },
  };
}

/** The distance of each evaluation in order (a Nelder–Mead trace). */
export function traceChart(distances: readonly number[]): TopLevelSpec {
  const values = distances.map((d, i) => ({ evaluation: i + 1, distance: Number.isFinite(d) ? d : null }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Distance of each evaluation (√ mean z²)",
    width: 420,
    height: 200,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "evaluation", type: "quantitative" },
      y: { field: "distance", type: "quantitative", scale: { type: "symlog" } },
    },
  };
}

/** Weighted quantile of values (weights need not be normalised). */
export function weightedQuantile(values: readonly number[], weights: readonly number[], q: number): number {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (const i of order) {
    acc += weights[i];
    if (acc >= q * total) return values[i];
  }
  return values[order[order.length - 1]];
}
