/**
 * Where the simulations of an experiment (a sweep's points, a calibration's parameter sets) run:
 * on this machine's warm worker pool, or on any number of machines through a Redis queue. Both
 * give the same metrics for the same scenario, byte for byte: a run depends on its scenario and
 * seed only.
 */
import type { RunMetrics } from "../../models/outcomes/metrics-schema.ts";
import type { Scenario } from "../../models/scenario.ts";

export interface SimulationBackend {
  /** How many runs to keep in flight at once (pool threads here; many on a cluster). */
  readonly lanes: number;
  /** Runs a validated scenario and returns its metrics. */
  run(scenario: Scenario): Promise<RunMetrics>;
  /** Releases workers or connections; the backend cannot run afterwards. */
  close(): Promise<void>;
}
