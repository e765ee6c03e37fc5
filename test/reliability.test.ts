/**
 * Reliability of the shell (issue 15 item 8): how many threads a run uses, a failed replication
 * cancelling the others, and a worker that dies before its first day. Faults are injected with
 * the `injectFault` hook of executeRun (execute-group.ts), as in test/faults.test.ts; a worker
 * that exits is tested in a child process, so that a hang can never stall the test runner.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { describe, expect, it } from "vitest";
import { buildWorld } from "../models/world.ts";
import {
  cgroupCpuLimit,
  createPool,
  defaultThreads,
  executeRun,
  parseCfsQuota,
  parseCpuMax,
  RunFailure,
  runThreads,
  threadsForCpus,
} from "../sim/pipeline/parallel.ts";
import { runScenario } from "../sim/run.ts";
import { smallScenario } from "./helpers/small-scenario.ts";

const root = join(import.meta.dirname, "..");
/** 2 districts + 3 counties: partitions 0–4. */
const POPULATION = 10_000;

/** A reader of a fake file system: path → contents. */
const files =
  (contents: Record<string, string>) =>
  (path: string): string | undefined =>
    contents[path];

describe("the default thread count respects cgroup CPU limits", () => {
  it("reads cgroup v2 cpu.max: 'max' is no limit, '200000 100000' is 2 CPUs", () => {
    expect(parseCpuMax("max 100000\n")).toBeUndefined();
    expect(parseCpuMax("200000 100000\n")).toBe(2);
    expect(parseCpuMax("150000 100000")).toBe(1.5);
    expect(parseCpuMax("50000 100000")).toBe(0.5);
    expect(parseCpuMax("garbage")).toBeUndefined();
  });

  it("reads cgroup v1 CFS quota and period: -1 is no limit", () => {
    expect(parseCfsQuota("-1\n", "100000\n")).toBeUndefined();
    expect(parseCfsQuota("300000\n", "100000\n")).toBe(3);
    expect(parseCfsQuota("50000", "0")).toBeUndefined();
  });

  it("finds the limit in the process's own cgroup, its ancestors or the mount's root, the tightest", () => {
    // cgroup v2 under a cgroup namespace: only the root file.
    expect(
      cgroupCpuLimit(files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "200000 100000\n" })),
    ).toBe(2);
    // cgroup v2 without a namespace: the process's cgroup, with a tighter limit on an ancestor.
    expect(
      cgroupCpuLimit(
        files({
          "/proc/self/cgroup": "0::/system.slice/job.scope\n",
          "/sys/fs/cgroup/cpu.max": "max 100000\n",
          "/sys/fs/cgroup/system.slice/cpu.max": "100000 100000\n",
          "/sys/fs/cgroup/system.slice/job.scope/cpu.max": "400000 100000\n",
        }),
      ),
    ).toBe(1);
    // cgroup v1, cpu and cpuacct mounted together.
    expect(
      cgroupCpuLimit(
        files({
          "/proc/self/cgroup": "4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n",
          "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "150000\n",
          "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
        }),
      ),
    ).toBe(1.5);
    // No limit anywhere, or no cgroup files at all (not Linux).
    expect(
      cgroupCpuLimit(
        files({
          "/proc/self/cgroup": "1:cpu:/\n",
          "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
          "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
        }),
      ),
    ).toBeUndefined();
    expect(cgroupCpuLimit(files({}))).toBeUndefined();
  });

  it("uses the limit rounded up, at most the cores and at least one thread", () => {
    expect(threadsForCpus(8, undefined)).toBe(8);
    expect(threadsForCpus(8, 2)).toBe(2);
    expect(threadsForCpus(8, 1.5)).toBe(2);
    expect(threadsForCpus(8, 0.5)).toBe(1);
    expect(threadsForCpus(2, 16)).toBe(2);
    expect(defaultThreads()).toBeGreaterThanOrEqual(1);
  });
});

describe("a run uses no more threads than it has tasks", () => {
  it("clamps the threads to the replications side by side or one replication's partitions", () => {
    expect(runThreads(64, 1, 5)).toBe(5); // 5 partitions of one replication, one group each
    expect(runThreads(64, 12, 5)).toBe(12); // 12 replications side by side
    expect(runThreads(2, 1, 5)).toBe(2);
    expect(runThreads(4, 3, 2)).toBe(3); // 3 replications side by side beat 2 groups of one
    expect(runThreads(0, 1, 5)).toBe(1);
  });

  it("reports the threads used, not those asked for", async () => {
    // 8 threads asked for a run of one replication of 5 partitions: 5 are used.
    const outcome = await runScenario(smallScenario({ population: 2_000 }), { threads: 8 });
    expect(outcome.performance.threads).toBe(5);
  }, 30_000);
});

describe("the first failed replication cancels the others", () => {
  it("4 replications on 2 threads, replication 0 failing on day 5: the run fails at once and no other replication completes", async () => {
    const pool = await createPool(2);
    // Count the tasks (replications) that complete, at the pool itself.
    let completed = 0;
    const run = pool.run.bind(pool);
    pool.run = ((task: unknown, options?: Parameters<Piscina["run"]>[1]) =>
      run(task, options).then((result: unknown) => {
        completed++;
        return result;
      })) as Piscina["run"];
    try {
      const t0 = performance.now();
      const error = await runScenario(smallScenario({ population: POPULATION, replications: 4 }), {
        threads: 2,
        pool,
        injectFault: { partition: 3, day: 5, kind: "throw", replication: 0 },
      }).then(
        () => {
          throw new Error("the run succeeded although a fault was injected");
        },
        (e: unknown) => e as Error,
      );
      const settleMs = performance.now() - t0;
      expect(error).toBeInstanceOf(RunFailure);
      expect(error.message).toMatch(/^partition 3 failed on simulated day 5: injected fault/);
      // Replication 1 ran beside replication 0, and 2 and 3 were queued: without cancelling, all
      // three ran to their end before the run reported the failure. With it, none starts after the
      // failure; only replication 1 could have ended before it (when replication 0's thread was
      // held up for most of a replication's time on this shared machine).
      const atFailure = completed;
      expect(atFailure).toBeLessThanOrEqual(1);
      // Nor do they finish later: the running one's worker was stopped, the queued ones dropped.
      await new Promise((r) => setTimeout(r, Math.max(2_000, settleMs)));
      expect(completed).toBe(atFailure);
    } finally {
      await pool.destroy();
    }
  }, 60_000);
});

describe("the first failed replication stops the run's own pool", () => {
  it("4 replications on 2 threads, replication 0 failing on day 5: the run fails sooner than one healthy replication runs", async () => {
    // Large enough that simulating a replication, not starting the pool, dominates a run's time.
    const scenario = smallScenario({ population: 80_000 });
    const t0 = performance.now();
    await runScenario(scenario, { threads: 2 });
    const healthyMs = performance.now() - t0;
    const t1 = performance.now();
    const error = await failureOf(
      runScenario(smallScenario({ population: 80_000, replications: 4 }), {
        threads: 2,
        injectFault: { partition: 3, day: 5, kind: "throw", replication: 0 },
      }),
    );
    const failedMs = performance.now() - t1;
    expect(error).toBeInstanceOf(RunFailure);
    expect(error.message).toMatch(/^partition 3 failed on simulated day 5: injected fault/);
    // Both start a pool and build the world; the failed run then simulates 5 days, where without
    // cancelling it ran replications 1–3 to their end (about twice the healthy run's time).
    expect(failedMs).toBeLessThan(healthyMs);
  }, 90_000);
});

/** The rejection of `run`, which must reject. */
async function failureOf(run: Promise<unknown>): Promise<Error> {
  return run.then(
    () => {
      throw new Error("the run succeeded although a fault was injected");
    },
    (e: unknown) => e as Error,
  );
}

const BEFORE_FIRST_DAY =
  /^worker running partitions (\d+(, \d+)*) \(replication 0\) died before simulating any day \(while loading or building its partitions\): injected fault$/;

describe("a worker that dies before its first day", () => {
  it("in process (1 thread): fails naming the partitions and replication, before any day", async () => {
    const error = await failureOf(
      runScenario(smallScenario({ population: POPULATION }), {
        threads: 1,
        injectFault: { partition: 3, day: "build", kind: "throw" },
      }),
    );
    expect(error).toBeInstanceOf(RunFailure);
    expect(error.message).toMatch(BEFORE_FIRST_DAY);
    expect(BEFORE_FIRST_DAY.exec(error.message)?.[1]).toBe("0, 1, 2, 3, 4");
  });

  it("on 2 threads: fails naming the failed worker's partitions, before any day", async () => {
    const error = await failureOf(
      runScenario(smallScenario({ population: POPULATION }), {
        threads: 2,
        injectFault: { partition: 3, day: "build", kind: "throw" },
      }),
    );
    expect(error).toBeInstanceOf(RunFailure);
    expect(error.message).toMatch(BEFORE_FIRST_DAY);
    expect(BEFORE_FIRST_DAY.exec(error.message)?.[1].split(", ").map(Number)).toContain(3);
  }, 30_000);

  it("whose module fails to load: fails saying no day was simulated", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tiersim-bad-worker-"));
    const filename = join(dir, "worker.mjs");
    writeFileSync(filename, 'throw new Error("cannot load this worker");\n');
    const pool = new Piscina({ filename, minThreads: 2, maxThreads: 2 });
    pool.on("error", () => {});
    try {
      const scenario = smallScenario({ population: POPULATION });
      const error = await failureOf(executeRun(scenario, buildWorld(scenario), { threads: 2, pool }));
      expect(error).toBeInstanceOf(RunFailure);
      expect(error.message).toMatch(/died before simulating any day/);
      expect(error.message).toMatch(/replication 0/);
      expect(error.message).toMatch(/cannot load this worker/);
    } finally {
      await pool.destroy();
    }
  }, 30_000);

  it("whose thread exits while building its partitions: fails within seconds, before any day, and the process ends", async () => {
    const child = await runInChild({ partition: 3, day: "build", kind: "exit" });
    expect(child.killed, child.stderr).toBeUndefined();
    expect(child.report?.name).toBe("RunFailure");
    expect(child.report?.message).toMatch(
      /^worker running partitions (\d+, )*3(, \d+)* \(replication 0\) died before simulating any day \(while loading or building its partitions\): worker exited with code/,
    );
    expect(child.report?.message).not.toMatch(/\n\s+at /); // one line, no stack trace
    expect(child.exitCode).toBe(0);
  }, 60_000);
});

interface ChildOutcome {
  report?: { name?: string; message?: string };
  exitCode: number | null;
  killed?: string;
  stderr: string;
}

/** runScenario on 2 threads with `fault`, in a child process that must settle and then exit by itself. */
function runInChild(fault: object, deadlineMs = 40_000): Promise<ChildOutcome> {
  const url = (path: string) => JSON.stringify(pathToFileURL(join(root, path)).href);
  const code = `
    const { runScenario } = await import(${url("sim/run.ts")});
    const { smallScenario } = await import(${url("test/helpers/small-scenario.ts")});
    let report;
    try {
      await runScenario(smallScenario({ population: ${POPULATION} }), { threads: 2, injectFault: ${JSON.stringify(fault)} });
      report = { name: "resolved" };
    } catch (error) {
      report = { name: error?.name, message: String(error?.message ?? error) };
    }
    process.stdout.write(JSON.stringify(report) + "\\n");
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed: string | undefined;
    const timer = setTimeout(() => {
      killed = `the child did not end within ${deadlineMs} ms (hang)`;
      child.kill("SIGKILL");
    }, deadlineMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("exit", (exitCode) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      resolve({
        report: line ? JSON.parse(line) : undefined,
        exitCode: killed ? null : exitCode,
        killed,
        stderr,
      });
    });
  });
}
