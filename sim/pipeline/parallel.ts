import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { Scenario } from "../../models/scenario.ts";
import type { World } from "../../models/world.ts";
import { Barrier } from "../engine/barrier.ts";
import { PartitionFailure } from "../engine/group-runner.ts";
import { executeGroup, type GroupResult, type GroupTask } from "./execute-group.ts";
import { workerEntry } from "./worker-bundle.ts";

/**
 * Plans and executes the tasks of a run. Partitions are the unit of work and of randomness;
 * threads only decide which partitions share a thread, so results do not depend on them.
 * - threads = 1: every replication runs in the calling thread;
 * - replications ≥ threads: each replication is one task, replications run side by side;
 * - otherwise each replication's partitions are split into groups run by concurrent workers
 *   that meet at a barrier every simulated day.
 */
export interface ExecuteOptions {
  threads?: number;
  /**
   * A warm worker pool shared by many runs (calibration, sweeps): used as is and left open.
   * Without one, each run starts its own pool of `threads` workers and closes it.
   */
  pool?: Piscina;
  onProgress?: (daysDone: number, daysTotal: number) => void;
  injectFault?: GroupTask["injectFault"];
}

export class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunFailure";
  }
}

export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * A pool of `threads` workers running simulation tasks. A worker failing outside a task is an
 * 'error' event: each run listens while it runs, and this listener, always there, keeps one that
 * comes between runs or after the run has failed from ending the process unheard.
 */
export async function createPool(threads: number): Promise<Piscina> {
  const pool = new Piscina({
    ...(await workerEntry()),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
  });
  pool.on("error", () => {});
  return pool;
}

/**
 * Splits partitions into `groups` groups of nearly equal population: largest partitions first,
 * each to the least-loaded group (ties by group index), members kept in partition order. Only
 * speed depends on this; results do not.
 */
export function planGroups(populations: number[], groups: number): number[][] {
  const load = new Float64Array(groups);
  const members: number[][] = Array.from({ length: groups }, () => []);
  const order = populations.map((_, p) => p).sort((a, b) => populations[b] - populations[a] || a - b);
  for (const p of order) {
    let target = 0;
    for (let g = 1; g < groups; g++) if (load[g] < load[target]) target = g;
    members[target].push(p);
    load[target] += populations[p];
  }
  return members.filter((m) => m.length > 0).map((m) => m.sort((a, b) => a - b));
}

function makeTasks(scenario: Scenario, world: World, replication: number, groups: number): GroupTask[] {
  const P = world.geography.areas.length;
  const plan = planGroups(
    world.geography.areas.map((a) => a.population),
    Math.max(1, Math.min(groups, P)),
  );
  const outboxBuffers = Array.from({ length: P }, () => [
    new SharedArrayBuffer(8 * 6 * 1024, { maxByteLength: 512 * 1024 * 1024 }),
    new SharedArrayBuffer(8 * 6 * 1024, { maxByteLength: 512 * 1024 * 1024 }),
  ]);
  const outboxCounts = new SharedArrayBuffer(4 * 2 * P);
  const barrier = new Barrier(plan.length).buffer;
  const progress = new SharedArrayBuffer(8 * plan.length);
  return plan.map((partitions, groupIndex) => ({
    scenario,
    replication,
    partitions,
    outboxBuffers,
    outboxCounts,
    barrier,
    parties: plan.length,
    groupIndex,
    progress,
  }));
}

export async function executeRun(
  scenario: Scenario,
  world: World,
  options: ExecuteOptions = {},
): Promise<GroupResult[]> {
  const threads = Math.max(1, Math.floor(options.threads ?? defaultThreads()));
  const R = scenario.run.replications;
  const days = scenario.run.years * 365;
  if (threads === 1) {
    const results: GroupResult[] = [];
    for (let r = 0; r < R; r++) {
      const [task] = makeTasks(scenario, world, r, 1);
      if (options.injectFault) task.injectFault = options.injectFault;
      try {
        results.push(executeGroup(task, world));
      } catch (error) {
        if (error instanceof PartitionFailure) throw new RunFailure(`${error.message} (replication ${r})`);
        throw error;
      }
      options.onProgress?.((r + 1) * days, R * days);
    }
    return results;
  }
  const pool = options.pool ?? (await createPool(threads));
  // Piscina reports a worker that fails outside a task (e.g. its module does not load) as an
  // 'error' event; unheard, that would crash the process with a stack trace, and the queued
  // tasks would never settle. It fails the run instead, with one message.
  let poolFailed: (error: unknown) => void = () => {};
  const poolFailure = new Promise<never>((_, reject) => {
    poolFailed = reject;
  });
  poolFailure.catch(() => {});
  const onPoolError = (error: unknown) => poolFailed(error);
  pool.on("error", onPoolError);
  try {
    const results: GroupResult[] = [];
    const runBatch = async (tasks: GroupTask[]) => {
      if (options.injectFault) for (const t of tasks) t.injectFault = options.injectFault;
      // The first failure wakes every worker still waiting at the barrier, so none hangs on a
      // partner that died (a worker that exits never reaches the barrier again).
      const abortBarrier = (t: GroupTask) => {
        const at = new Int32Array(t.progress);
        new Barrier(t.parties, t.barrier).abort(at[2 * t.groupIndex + 1], at[2 * t.groupIndex]);
      };
      const running = Promise.allSettled(
        tasks.map((t) =>
          (pool.run(t) as Promise<GroupResult>).catch((error: unknown) => {
            abortBarrier(t);
            throw error;
          }),
        ),
      );
      const settled = await Promise.race([running, poolFailure]).catch((error: unknown) => {
        for (const t of tasks) abortBarrier(t);
        throw new RunFailure(`the worker pool failed: ${errorMessage(error)}`);
      });
      const failed = settled.findIndex((s) => s.status === "rejected");
      if (failed >= 0) {
        const reasons = settled.flatMap((s, i) =>
          s.status === "rejected" ? [describeFailure(tasks[i], s.reason)] : [],
        );
        throw new RunFailure(reasons.find((r) => !r.includes("run aborted")) ?? reasons[0]);
      }
      for (const s of settled) if (s.status === "fulfilled") results.push(s.value);
    };
    if (R >= threads) {
      await runBatch(Array.from({ length: R }, (_, r) => makeTasks(scenario, world, r, 1)[0]));
      options.onProgress?.(R * days, R * days);
    } else {
      for (let r = 0; r < R; r++) {
        await runBatch(makeTasks(scenario, world, r, Math.floor(threads / 1)));
        options.onProgress?.((r + 1) * days, R * days);
      }
    }
    return results;
  } finally {
    pool.off("error", onPoolError);
    if (!options.pool) await pool.destroy();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeFailure(task: GroupTask, reason: unknown): string {
  const message = errorMessage(reason);
  if (/partition \d+ failed on simulated day/.test(message)) return message;
  const at = new Int32Array(task.progress);
  const day = at[2 * task.groupIndex];
  const partition = at[2 * task.groupIndex + 1];
  return `worker running partitions ${task.partitions.join(", ")} (replication ${task.replication}) died in partition ${partition} on simulated day ${day}: ${message}`;
}
