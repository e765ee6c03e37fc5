/**
 * The local backend: one warm worker pool for all of an experiment's runs, and one built world
 * per set of the fields a world is built from (a scenario that differs only in policy reuses the
 * heavy parts: pipeline/world-reuse.ts). Runs go side by side, one per pool thread.
 */
import type { Piscina } from "piscina";
import type { RunMetrics } from "../../models/outcomes/metrics-schema.ts";
import type { Scenario } from "../../models/scenario.ts";
import type { World } from "../../models/world.ts";
import { createPool } from "../pipeline/parallel.ts";
import { reuseWorld, worldKey } from "../pipeline/world-reuse.ts";
import { runScenario } from "../run.ts";
import type { SimulationBackend } from "./backend.ts";

export class LocalBackend implements SimulationBackend {
  readonly lanes: number;
  /** Worlds built (not reused) so far. */
  worldsBuilt = 0;
  private pool: Promise<Piscina> | undefined;
  private readonly worlds = new Map<string, World>();

  constructor(
    private readonly threads: number,
    private readonly options: {
      reuseWorlds?: boolean;
      /**
       * Run on worker threads even with one thread, leaving this thread's event loop free (a
       * queue worker must keep renewing its job's lock while it simulates).
       */
      alwaysPool?: boolean;
    } = {},
  ) {
    this.lanes = Math.max(1, threads);
  }

  async run(scenario: Scenario): Promise<RunMetrics> {
    if (this.threads > 1 || this.options.alwaysPool) this.pool ??= createPool(this.threads);
    const pool = await this.pool;
    const { metrics } = await runScenario(scenario, { threads: 1, pool, world: this.worldOf(scenario) });
    return metrics;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await (await pool)?.destroy();
  }

  private worldOf(scenario: Scenario): World | undefined {
    if (this.options.reuseWorlds === false) {
      this.worldsBuilt++;
      return undefined; // runScenario builds it
    }
    const key = worldKey(scenario);
    const previous = this.worlds.get(key);
    if (!previous) this.worldsBuilt++;
    const world = reuseWorld(previous, scenario);
    this.worlds.set(key, world);
    return world;
  }
}
