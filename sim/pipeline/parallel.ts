import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { Scenario } from "../../models/scenario.ts";
import { slotQuotas, type World } from "../../models/world.ts";
import { Barrier } from "../engine/barrier.ts";
import { PartitionFailure } from "../engine/group-runner.ts";
import { executeGroup, type GroupResult, type GroupTask } from "./execute-group.ts";
import { workerEntry } from "./worker-bundle.ts";

/**
 * Plans and executes the tasks of a run. Partitions are the unit of work and of randomness;
 * threads only decide which partitions share a thread, so results do not depend on them.
 * - threads = 1: every replication runs in the calling thread, or, given a pool, as one task on it
 *   (a sweep runs several such runs side by side, one per worker);
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
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RunFailure";
  }
}

// ---------------------------------------------------------------------------------------------
// How many threads

/**
 * CPUs allowed by a cgroup v2 `cpu.max` ("<quota> <period>" in µs; quota "max" is no limit), or
 * undefined when it sets none or cannot be read.
 */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period = "100000"] = text.trim().split(/\s+/);
  if (quota === undefined || quota === "max") return undefined;
  return cpusOf(Number(quota), Number(period));
}

/** CPUs allowed by cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us` (quota -1: no limit). */
export function parseCfsQuota(quotaUs: string, periodUs: string): number | undefined {
  return cpusOf(Number(quotaUs.trim()), Number(periodUs.trim()));
}

function cpusOf(quota: number, period: number): number | undefined {
  return Number.isFinite(quota) && quota > 0 && Number.isFinite(period) && period > 0
    ? quota / period
    : undefined;
}

const CGROUP_ROOT = "/sys/fs/cgroup";

/** `dir/path` and each of its ancestors up to `dir` (a cgroup's limits bind all below it). */
function withAncestors(dir: string, path: string): string[] {
  const parts = path.split("/").filter((p) => p !== "" && p !== "." && p !== "..");
  return parts.map((_, i) => [dir, ...parts.slice(0, parts.length - i)].join("/")).concat(dir);
}

/**
 * The CPU limit of this process's cgroups, the tightest of those found (cgroup v2 `cpu.max`, v1
 * CFS quota, in the process's own cgroup as `/proc/self/cgroup` names it, its ancestors and the
 * mount's root, which is the container's own cgroup under a cgroup namespace), or undefined when
 * none is set. `read` returns a file's text or undefined; tests give it file contents.
 */
export function cgroupCpuLimit(read: (path: string) => string | undefined): number | undefined {
  const limits: number[] = [];
  const add = (cpus: number | undefined) => {
    if (cpus !== undefined) limits.push(cpus);
  };
  const self = (read("/proc/self/cgroup") ?? "").split("\n").map((line) => line.split(":"));
  const v2Path = self.find((f) => f.length >= 3 && f[0] === "0" && f[1] === "")?.[2] ?? "/";
  for (const dir of withAncestors(CGROUP_ROOT, v2Path)) {
    const text = read(`${dir}/cpu.max`);
    if (text !== undefined) add(parseCpuMax(text));
  }
  const v1Path = self.find((f) => f.length >= 3 && f[1].split(",").includes("cpu"))?.[2] ?? "/";
  for (const mount of ["cpu", "cpu,cpuacct", "cpuacct,cpu"])
    for (const dir of withAncestors(`${CGROUP_ROOT}/${mount}`, v1Path)) {
      const quota = read(`${dir}/cpu.cfs_quota_us`);
      const period = read(`${dir}/cpu.cfs_period_us`);
      if (quota !== undefined && period !== undefined) add(parseCfsQuota(quota, period));
    }
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

/**
 * Threads for `cores` processors under a CPU limit: the limit rounded up (a share of 1.5 CPUs
 * keeps two threads busy between them; rounding down would leave half a CPU idle), never more
 * than the cores and never fewer than one.
 */
export function threadsForCpus(cores: number, cpuLimit: number | undefined): number {
  const byLimit = cpuLimit === undefined ? cores : Math.ceil(cpuLimit);
  return Math.max(1, Math.min(cores, byLimit));
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

let cachedDefaultThreads: number | undefined;

/**
 * The processors this process may use: `os.availableParallelism()` (the CPUs it may be scheduled
 * on), lowered to a container's cgroup CPU quota, which availableParallelism ignores on Node 20.
 */
export function defaultThreads(): number {
  cachedDefaultThreads ??= threadsForCpus(availableParallelism(), cgroupCpuLimit(readIfPresent));
  return cachedDefaultThreads;
}

/**
 * The threads a run uses: those asked for (default: `defaultThreads()`), but no more than it has
 * tasks to run at once — its replications side by side, or one replication's partitions split
 * into groups. More would only start idle workers. Results do not depend on it.
 */
export function runThreads(requested: number | undefined, replications: number, partitions: number): number {
  const asked = Math.floor(requested ?? defaultThreads());
  return Math.max(1, Math.min(asked, Math.max(replications, partitions)));
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
  const f = world.facilities;
  const sharedWaits = new SharedArrayBuffer(8 * slotQuotas(world, f.sharedFirst, f.sharedCount).length);
  const barrier = new Barrier(plan.length).buffer;
  // Per group: the day and partition being simulated; -1 until the first day starts.
  const progress = new SharedArrayBuffer(8 * plan.length);
  new Int32Array(progress).fill(-1);
  return plan.map((partitions, groupIndex) => ({
    scenario,
    replication,
    partitions,
    outboxBuffers,
    outboxCounts,
    sharedWaits,
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
  const R = scenario.run.replications;
  const threads = runThreads(options.threads, R, world.geography.areas.length);
  const days = scenario.run.years * 365;
  if (threads === 1 && !options.pool) {
    const results: GroupResult[] = [];
    for (let r = 0; r < R; r++) {
      const [task] = makeTasks(scenario, world, r, 1);
      if (options.injectFault) task.injectFault = options.injectFault;
      try {
        results.push(executeGroup(task, world));
      } catch (error) {
        if (error instanceof PartitionFailure)
          throw new RunFailure(`${error.message} (replication ${r})`, { cause: error });
        throw new RunFailure(describeFailure(task, error), { cause: error });
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
  let destroyed: Promise<void> | undefined;
  try {
    const results: GroupResult[] = [];
    // Stops the tasks still queued or running once one has failed. The run's own pool is
    // destroyed (its workers stopped and awaited, none started in their place); a shared pool
    // (sweeps, calibration) stays open and only this run's tasks are aborted.
    const cancelTasks = (cancel: AbortController) => {
      if (options.pool) cancel.abort();
      else destroyed ??= pool.destroy();
    };
    /**
     * Runs tasks side by side. The barrier of a replication split into groups stops its other
     * groups when one fails; independent tasks (replications side by side) are cancelled, so a
     * failed run ends at once instead of after every other replication has run to its end.
     */
    const runBatch = async (tasks: GroupTask[], independent: boolean, onTaskDone?: () => void) => {
      if (options.injectFault) for (const t of tasks) t.injectFault = options.injectFault;
      const cancel = new AbortController();
      let first: { task: GroupTask; reason: unknown } | undefined;
      // The first failure wakes every worker still waiting at the barrier, so none hangs on a
      // partner that died (a worker that exits never reaches the barrier again).
      const abortBarrier = (t: GroupTask) => {
        const at = new Int32Array(t.progress);
        new Barrier(t.parties, t.barrier).abort(at[2 * t.groupIndex + 1], at[2 * t.groupIndex]);
      };
      const running = Promise.allSettled(
        tasks.map((t) =>
          (pool.run(t, { signal: cancel.signal }) as Promise<GroupResult>).then(
            (result) => {
              onTaskDone?.();
              return result;
            },
            (error: unknown) => {
              abortBarrier(t);
              // A partner woken by that barrier reports "run aborted": the failure itself is
              // still on its way. What fails after the first failure was cancelled by it.
              if (!first && !isAbortEcho(error)) {
                first = { task: t, reason: error };
                if (independent) cancelTasks(cancel);
              }
              throw error;
            },
          ),
        ),
      );
      const settled = await Promise.race([running, poolFailure]).catch((error: unknown) => {
        cancelTasks(cancel);
        for (const t of tasks) abortBarrier(t);
        throw new RunFailure(describePoolFailure(tasks, error), { cause: error });
      });
      const failed = settled.findIndex((s) => s.status === "rejected");
      if (failed >= 0) {
        const { task, reason } = first ?? {
          task: tasks[failed],
          reason: (settled[failed] as PromiseRejectedResult).reason,
        };
        throw new RunFailure(describeFailure(task, reason), { cause: reason });
      }
      for (const s of settled) if (s.status === "fulfilled") results.push(s.value);
    };
    if (R >= threads) {
      let done = 0;
      await runBatch(
        Array.from({ length: R }, (_, r) => makeTasks(scenario, world, r, 1)[0]),
        true,
        () => options.onProgress?.(++done * days, R * days),
      );
    } else {
      for (let r = 0; r < R; r++) {
        await runBatch(makeTasks(scenario, world, r, threads), false);
        options.onProgress?.((r + 1) * days, R * days);
      }
    }
    return results;
  } finally {
    pool.off("error", onPoolError);
    if (!options.pool) await (destroyed ?? pool.destroy());
  }
}

/** A worker's report that it stopped because another one failed (the barrier was aborted). */
function isAbortEcho(reason: unknown): boolean {
  return errorMessage(reason).includes("run aborted");
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
  const worker = `worker running partitions ${task.partitions.join(", ")} (replication ${task.replication})`;
  if (day < 0)
    return `${worker} died before simulating any day (while loading or building its partitions): ${message}`;
  return `${worker} died in partition ${partition} on simulated day ${day}: ${message}`;
}

/** A worker lost outside any task: before the first day if no task of the batch had begun one. */
function describePoolFailure(tasks: GroupTask[], reason: unknown): string {
  const started = tasks.some((t) => new Int32Array(t.progress)[2 * t.groupIndex] >= 0);
  if (started) return `the worker pool failed: ${errorMessage(reason)}`;
  const replications = [...new Set(tasks.map((t) => t.replication))].join(", ");
  const partitions = [...new Set(tasks.flatMap((t) => t.partitions))].sort((a, b) => a - b).join(", ");
  return `a worker died before simulating any day (replication ${replications}, partitions ${partitions}): ${errorMessage(reason)}`;
}
