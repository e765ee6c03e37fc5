/**
 * The read-first pipeline: scenario → world → partitions → run → collect → metrics.
 * The CLI is a thin shell around `runScenario`; tests call it directly.
 */
import { COUNTER_COUNT } from "../models/outcomes/counters.ts";
import { buildMetrics, type ReplicationCounts } from "../models/outcomes/metrics.ts";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { mergeMarginals, type PopulationMarginals } from "../models/population/population-marginals.ts";
import type { Scenario } from "../models/scenario.ts";
import { averageSupply, type SupplyTotals, supplyTotals } from "../models/supply/supply.ts";
import { buildWorld, type World } from "../models/world.ts";
import type { GroupResult } from "./pipeline/execute-group.ts";
import { type ExecuteOptions, executeRun, runThreads } from "./pipeline/parallel.ts";
import { timelinePhases } from "./scenario/timeline-phases.ts";
import { TIERSIM_VERSION } from "./version.ts";

export interface RunPerformance {
  wallSeconds: number;
  events: number;
  residents: number;
  /** Bytes of resident, episode and event-list state at the end of the run (all replications). */
  stateBytes: number;
  /** Threads the run used (those asked for, at most its tasks: `runThreads`). */
  threads: number;
}

export interface RunOutcome {
  metrics: RunMetrics;
  performance: RunPerformance;
}

/**
 * The region's supply in each simulated year: the scenario's, or, where the timeline changes
 * doctors or beds, the phases' weighted by the days of the year each holds.
 */
function supplyByYear(scenario: Scenario, world: World): SupplyTotals[] {
  const { phases } = timelinePhases(scenario);
  const years = scenario.run.years;
  if (phases.length === 1) return Array.from({ length: years }, () => supplyTotals(world));
  const worlds = phases.map((p, i) => (i === 0 ? world : buildWorld(p.scenario)));
  return Array.from({ length: years }, (_, y) => {
    const start = y * 365;
    const weights = phases.map((p, i) => {
      const from = Math.max(start, p.day);
      const to = Math.min(start + 365, i + 1 < phases.length ? phases[i + 1].day : Number.POSITIVE_INFINITY);
      return Math.max(0, to - from) / 365;
    });
    return averageSupply(worlds, weights);
  });
}

export interface RunOptions extends ExecuteOptions {
  /** The world of this scenario, when the caller has it (sweeps reuse one: pipeline/world-reuse.ts). */
  world?: World;
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunOutcome> {
  const started = performance.now();
  // 1. The world: geography, facilities, catchments and lookup tables, from the scenario alone.
  const world = options.world ?? buildWorld(scenario);
  // 2. Run every replication's partitions (in this thread or on the worker pool).
  const groups = await executeRun(scenario, world, options);
  // 3. Collect: sum each replication's partitions in partition order.
  const reps = collectReplications(groups, scenario.run.replications, scenario.run.years * 12);
  // 4. Metrics and target scores.
  // Population marginals merged in partition order (floating-point sums independent of threads).
  const population = groups
    .flatMap((g) => (g.population ?? []).map((m, i) => ({ partition: g.partitions[i], m })))
    .sort((a, b) => a.partition - b.partition)
    .reduce<PopulationMarginals | undefined>((acc, { m }) => (acc ? mergeMarginals(acc, m) : m), undefined);
  const metrics = buildMetrics(
    scenario,
    world.kinds.ids,
    supplyByYear(scenario, world),
    reps,
    TIERSIM_VERSION,
    population,
  );
  // 5. Nothing lost: every episode started has ended in one outcome or is still open, and every
  //    request for shared capacity got its answer. A broken ledger is a bug, never a result.
  assertLedger(metrics);
  return {
    metrics,
    performance: {
      wallSeconds: (performance.now() - started) / 1000,
      events: groups.reduce((s, g) => s + g.events, 0),
      residents: scenario.run.population,
      stateBytes: groups.reduce((s, g) => s + g.stateBytes, 0),
      threads: runThreads(options.threads, scenario.run.replications, world.geography.areas.length),
    },
  };
}

function collectReplications(
  groups: GroupResult[],
  replications: number,
  months: number,
): ReplicationCounts[] {
  const reps: ReplicationCounts[] = [];
  for (let r = 0; r < replications; r++) {
    const parts = groups
      .filter((g) => g.replication === r)
      .flatMap((g) =>
        g.partitions.map((p, i) => ({
          p,
          counters: g.counters[i],
          open: g.openByKind[i],
          requests: g.sharedRequests[i],
          results: g.sharedResults[i],
        })),
      )
      .sort((a, b) => a.p - b.p);
    const counters = new Float64Array((months + 1) * COUNTER_COUNT);
    const openByKind = new Float64Array(parts[0]?.open.length ?? 0);
    let sharedRequests = 0;
    let sharedResults = 0;
    for (const part of parts) {
      for (let i = 0; i < counters.length; i++) counters[i] += part.counters[i];
      for (let k = 0; k < openByKind.length; k++) openByKind[k] += part.open[k];
      sharedRequests += part.requests;
      sharedResults += part.results;
    }
    reps.push({ counters, openByKind, sharedRequests, sharedResults });
  }
  return reps;
}

export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LedgerError";
  }
}

function assertLedger(m: RunMetrics): void {
  const l = m.ledger;
  const problems: string[] = [];
  if (l.episodesStarted !== l.episodesEnded + l.episodesOpenAtEnd)
    problems.push(
      `episodes started ${l.episodesStarted} ≠ ended ${l.episodesEnded} + open ${l.episodesOpenAtEnd}`,
    );
  if (l.episodesEnded !== l.episodesEndedOutpatient + l.episodesEndedInpatient + l.episodesOptedOut)
    problems.push(`episodes ended ${l.episodesEnded} ≠ the sum of their outcomes`);
  if (l.sharedRequests !== l.sharedResults)
    problems.push(`shared requests ${l.sharedRequests} ≠ results ${l.sharedResults}`);
  for (const [kind, k] of Object.entries(m.ledgerByKind))
    if (k.started !== k.ended + k.open) problems.push(`kind ${kind}: started ${k.started} ≠ ended + open`);
  if (problems.length > 0)
    throw new LedgerError(`the conservation ledger does not reconcile: ${problems.join("; ")}`);
}
