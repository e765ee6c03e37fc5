/**
 * Failure of a worker (issue requirement): "a worker that throws or dies makes the run fail with a
 * clear message naming the partition and the simulated day, leaves no partial output files, and
 * leaves no threads running". Faults are injected with the `injectFault` test hook of executeRun
 * (execute-group.ts): on the given day, the partition's model throws "injected fault" or its thread
 * calls process.exit.
 *
 * A worker that dies is tested in a child process: if the run hangs, or settles but leaves threads
 * alive, the child is killed after a deadline and the test fails saying which — the test runner
 * itself is never left with stuck threads.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { buildWorld } from "../models/world.ts";
import { writeRunOutputs } from "../reports/write-report.ts";
import { planGroups, RunFailure } from "../sim/pipeline/parallel.ts";
import { runScenario } from "../sim/run.ts";
import { smallScenario } from "./helpers/small-scenario.ts";

const root = join(import.meta.dirname, "..");
const POPULATION = 10_000;
/** 2 districts + 3 counties: partitions 0–4. */
const scenario = smallScenario({ population: POPULATION });
const PARTITION = 3;
const DAY = 10;
const FAILED_MESSAGE = new RegExp(
  `^partition ${PARTITION} failed on simulated day ${DAY}: injected fault\\b`,
);

/** Handles that belong to worker threads (a Worker and its MessagePorts). */
function threadHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "MessagePort" || r === "Worker").length;
}

/** Waits until no more thread handles than `baseline` remain; returns the count left at the deadline. */
async function threadHandlesAfter(baseline: number, ms = 2_000): Promise<number> {
  const until = Date.now() + ms;
  while (threadHandles() > baseline && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return threadHandles();
}

/** The rejection reason of `run`; fails if it resolves or does not settle within `ms` (a hang). */
async function rejection(run: Promise<unknown>, ms: number): Promise<Error> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the run did not settle within ${ms} ms (hang)`)), ms);
  });
  try {
    await Promise.race([run, deadline]);
  } catch (error) {
    if (error instanceof Error && /did not settle/.test(error.message)) throw error;
    return error as Error;
  } finally {
    clearTimeout(timer);
  }
  throw new Error("the run succeeded although a fault was injected");
}

/** The partitions that run on one thread together with `partition`, as executeRun plans them. */
function groupOf(partition: number, threads: number): number[] {
  const populations = buildWorld(scenario).geography.areas.map((a) => a.population);
  const group = planGroups(populations, Math.min(threads, populations.length)).find((g) =>
    g.includes(partition),
  );
  if (!group) throw new Error(`partition ${partition} is in no group`);
  return group;
}

interface ChildReport {
  status: "resolved" | "rejected";
  name?: string;
  message?: string;
  /** From the start of the child's run to its settling. */
  settleMs: number;
}

interface ChildOutcome {
  report?: ChildReport;
  /** Exit code when the child ended by itself, null when it had to be killed. */
  exitCode: number | null;
  /** Why the child was killed, if it was. */
  killed?: string;
  stderr: string;
}

/**
 * Runs the CLI's sequence (runScenario, then writeRunOutputs into `out`) with a fault injected, in a
 * child process. The child prints how the run settled and must then exit by itself: a worker thread
 * still alive would keep it running.
 */
function runInChild(
  threads: number,
  fault: { partition: number; day: number; kind: "throw" | "exit" },
  out: string,
  deadlines = { settleMs: 20_000, exitMs: 5_000 },
): Promise<ChildOutcome> {
  const url = (path: string) => JSON.stringify(pathToFileURL(join(root, path)).href);
  const code = `
    const { runScenario } = await import(${url("sim/run.ts")});
    const { writeRunOutputs } = await import(${url("reports/write-report.ts")});
    const { smallScenario } = await import(${url("test/helpers/small-scenario.ts")});
    const t0 = performance.now();
    let report;
    try {
      const outcome = await runScenario(smallScenario({ population: ${POPULATION} }), {
        threads: ${threads},
        injectFault: ${JSON.stringify(fault)},
      });
      await writeRunOutputs(${JSON.stringify(out)}, outcome.metrics);
      report = { status: "resolved" };
    } catch (error) {
      report = { status: "rejected", name: error?.name, message: String(error?.message ?? error) };
    }
    report.settleMs = performance.now() - t0;
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
    let report: ChildReport | undefined;
    const kill = (why: string) => {
      killed = why;
      child.kill("SIGKILL");
    };
    let timer = setTimeout(
      () => kill(`the run did not settle within ${deadlines.settleMs} ms (hang)`),
      deadlines.settleMs,
    );
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      if (line && !report) {
        report = JSON.parse(line) as ChildReport;
        clearTimeout(timer);
        timer = setTimeout(
          () => kill(`the run settled but the process did not exit within ${deadlines.exitMs} ms`),
          deadlines.exitMs,
        );
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("exit", (exitCode) => {
      clearTimeout(timer);
      resolve({ report, exitCode: killed ? null : exitCode, killed, stderr });
    });
  });
}

/** The partitions and the day a failure message names ("partition 3 …", "partitions 3, 4 …"). */
function named(message: string): { partitions: number[]; day: number } {
  const partitions = /\bpartitions? (\d+(?:, \d+)*)/.exec(message)?.[1];
  const day = /\bsimulated day (\d+)/.exec(message)?.[1];
  return {
    partitions: partitions ? partitions.split(", ").map(Number) : [],
    day: day === undefined ? Number.NaN : Number(day),
  };
}

describe("a worker that throws", () => {
  it.each([2, 3])(
    "with %i threads: the run rejects with a RunFailure naming partition 3 and day 10, and no thread remains",
    async (threads) => {
      const baseline = threadHandles();
      const error = await rejection(
        runScenario(scenario, { threads, injectFault: { partition: PARTITION, day: DAY, kind: "throw" } }),
        15_000,
      );
      expect(error).toBeInstanceOf(RunFailure);
      expect(error.message).toMatch(FAILED_MESSAGE);
      expect(named(error.message)).toEqual({ partitions: [PARTITION], day: DAY });
      expect(await threadHandlesAfter(baseline)).toBe(baseline);
    },
    30_000,
  );

  it("with 1 thread (in process): the failure names partition 3 and day 10", async () => {
    const error = await rejection(
      runScenario(scenario, { threads: 1, injectFault: { partition: PARTITION, day: DAY, kind: "throw" } }),
      15_000,
    );
    // The in-process path wraps runGroup's PartitionFailure in a RunFailure (adding the replication),
    // so the CLI reports it as a run failure like a worker's.
    expect(error).toBeInstanceOf(RunFailure);
    expect(error.message).toMatch(FAILED_MESSAGE);
    expect(named(error.message)).toEqual({ partitions: [PARTITION], day: DAY });
  });

  it("the CLI's sequence (runScenario, then writeRunOutputs) writes no output file", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tiersim-faults-")), "out");
    const run = async () => {
      const outcome = await runScenario(scenario, {
        threads: 2,
        injectFault: { partition: PARTITION, day: DAY, kind: "throw" },
      });
      await writeRunOutputs(out, outcome.metrics);
    };
    const error = await rejection(run(), 15_000);
    expect(error).toBeInstanceOf(RunFailure);
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  it("in a separate process: the process ends by itself once the run has failed", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tiersim-faults-")), "out");
    const child = await runInChild(2, { partition: PARTITION, day: DAY, kind: "throw" }, out);
    expect(child.killed, child.stderr).toBeUndefined();
    expect(child.report?.name).toBe("RunFailure");
    expect(named(child.report?.message ?? "")).toEqual({ partitions: [PARTITION], day: DAY });
    expect(child.exitCode).toBe(0);
    expect(existsSync(out)).toBe(false);
  }, 40_000);
});

describe("a worker that dies (its thread exits)", () => {
  it.each([2, 3])(
    "with %i threads: the run rejects within seconds with a RunFailure naming the dead worker's partitions and a day, writes nothing and leaves no thread",
    async (threads) => {
      const out = join(mkdtempSync(join(tmpdir(), "tiersim-faults-")), "out");
      const child = await runInChild(threads, { partition: PARTITION, day: DAY, kind: "exit" }, out);
      expect(child.killed, child.stderr).toBeUndefined();
      expect(child.report?.status).toBe("rejected");
      expect(child.report?.name).toBe("RunFailure");
      const message = child.report?.message ?? "";
      // "worker running partitions 3, 4 (replication 0) died in partition 3 on simulated day 10: …"
      const { partitions, day } = named(message);
      expect(partitions).toEqual(groupOf(PARTITION, threads));
      expect(message).toMatch(new RegExp(`\\bpartition ${PARTITION} on simulated day ${DAY}\\b`));
      expect(day).toBe(DAY);
      expect(child.report?.settleMs).toBeLessThan(10_000);
      expect(child.exitCode).toBe(0);
      expect(existsSync(out)).toBe(false);
    },
    40_000,
  );
});
