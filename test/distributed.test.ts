import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { BullmqBackend } from "../sim/backends/bullmq.ts";
import { calibrate } from "../sim/experiments/calibrate.ts";
import { sweep } from "../sim/experiments/sweep.ts";
import { runScenario } from "../sim/run.ts";
import { loadScenario } from "../sim/scenario/loader.ts";
import { startRedis } from "./helpers/redis-server.ts";

/**
 * The BullMQ backend against a real Redis server and real `tiersim worker` processes: results
 * byte-identical to the local pool, a worker killed (SIGKILL) in the middle of a job whose job
 * another worker then finishes, nothing lost or run twice, and a repeated sweep read back from
 * what Redis holds.
 */

const root = resolve(import.meta.dirname, "..");
const BASE = join(root, "scenarios", "baseline.yaml");
const SETS = ["run.population=4000", "run.years=1"];
const GRID = ["contracting.coverage.all=0.2,0.5", "insurance.schemes.resident.outpatient.gaps.county=5,15"];
const dir = mkdtempSync(join(tmpdir(), "tiersim-distributed-"));
const COMMAND = ["node", "tiersim", "sweep"];

let redis: Awaited<ReturnType<typeof startRedis>>;
const workers: ChildProcessWithoutNullStreams[] = [];

interface WorkerLog {
  event: string;
  job?: string;
  worker?: string;
}

/** A `tiersim worker` process logging JSON lines; `lines` fills as it logs. */
function startWorker(queue: string) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "sim", "cli.ts"),
      "worker",
      "--redis",
      redis.url,
      "--queue",
      queue,
      "--threads",
      "1",
      "--lock-seconds",
      "2",
      "--json",
    ],
    { cwd: root },
  );
  workers.push(child);
  const lines: WorkerLog[] = [];
  let buffer = "";
  const listeners: ((line: WorkerLog) => void)[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = JSON.parse(buffer.slice(0, i)) as WorkerLog;
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const l of listeners) l(line);
    }
  });
  const ready = new Promise<string>((resolve, reject) => {
    listeners.push((line) => line.event === "ready" && resolve(line.worker as string));
    child.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
  return { child, lines, ready, onLine: (f: (line: WorkerLog) => void) => listeners.push(f) };
}

beforeAll(async () => {
  redis = await startRedis();
}, 60_000);

afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await redis?.stop();
});

describe("BullMQ backend", () => {
  it("a run's metrics are byte-identical to the local run's", async () => {
    const queue = "identical";
    const w = startWorker(queue);
    await w.ready;
    const { scenario } = await loadScenario(BASE, { sets: [...SETS, "run.replications=2"] });
    const backend = new BullmqBackend({ redis: redis.url, queue });
    try {
      const remote = await backend.run(scenario);
      const local = (await runScenario(scenario, { threads: 1 })).metrics;
      expect(JSON.stringify(remote)).toBe(JSON.stringify(local));
    } finally {
      await backend.close();
      w.child.kill("SIGTERM");
    }
  }, 120_000);

  it("a sweep over two workers, one killed mid-job, equals the local sweep; nothing lost or run twice; a repeat reads Redis", async () => {
    const local = await sweep(BASE, {
      vary: GRID,
      sets: SETS,
      threads: 1,
      out: join(dir, "local"),
      command: COMMAND,
      charts: false,
    });

    expect(local.runs).toBe(4);
    const queue = "sweep";
    const a = startWorker(queue);
    const b = startWorker(queue);
    const nameA = await a.ready;
    await b.ready;
    // Worker A dies, without warning, as soon as it has started a job.
    let killedJob: string | undefined;
    a.onLine((line) => {
      if (line.event === "active" && !killedJob) {
        killedJob = line.job;
        a.child.kill("SIGKILL");
      }
    });
    const backend = new BullmqBackend({ redis: redis.url, queue });
    try {
      const distributed = await sweep(BASE, {
        vary: GRID,
        sets: SETS,
        threads: 1,
        out: join(dir, "bullmq"),
        command: COMMAND,
        charts: false,
        backend,
      });
      expect(distributed.simulated).toBe(4);
      expect(readFileSync(join(dir, "bullmq", "runs.csv"), "utf8")).toBe(
        readFileSync(join(dir, "local", "runs.csv"), "utf8"),
      );

      // A's job was taken over: stalled once, finished by B; every job finished exactly once.
      expect(killedJob).toBeDefined();
      expect(a.lines.some((l) => l.event === "completed" && l.job === killedJob)).toBe(false);
      expect(b.lines.some((l) => l.event === "completed" && l.job === killedJob)).toBe(true);
      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      const q = new Queue(queue, { connection });
      const job = await q.getJob(killedJob as string);
      expect(job?.processedBy).not.toBe(nameA);
      expect((job?.stalledCounter ?? 0) + (job?.attemptsStarted ?? 0)).toBeGreaterThanOrEqual(2);
      expect(await q.getJobCounts("completed", "failed", "waiting", "active")).toEqual({
        completed: 4,
        failed: 0,
        waiting: 0,
        active: 0,
      });
      const completions = b.lines.filter((l) => l.event === "completed").map((l) => l.job);
      expect(new Set(completions).size).toBe(completions.length);

      // The same sweep again, into a fresh folder: every run read back from Redis, none simulated.
      const before = b.lines.filter((l) => l.event === "active").length;
      await sweep(BASE, {
        vary: GRID,
        sets: SETS,
        threads: 1,
        out: join(dir, "again"),
        command: COMMAND,
        charts: false,
        backend,
      });
      expect(b.lines.filter((l) => l.event === "active").length).toBe(before);
      expect(readFileSync(join(dir, "again", "runs.csv"), "utf8")).toBe(
        readFileSync(join(dir, "local", "runs.csv"), "utf8"),
      );
      await q.close();
      connection.disconnect();
    } finally {
      await backend.close();
      b.child.kill("SIGTERM");
    }
  }, 240_000);

  it("calibrate on the queue gives the local calibration", async () => {
    const queue = "calibrate";
    const w = startWorker(queue);
    await w.ready;
    writeFileSync(
      join(dir, "small.yaml"),
      "name: small\nrun: { population: 3000, years: 1, startYear: 2015 }\n",
    );
    const targets = join(dir, "targets.yaml");
    writeFileSync(
      targets,
      stringify({
        name: "queue",
        scenario: "small.yaml",
        grassrootsDefinition: "all",
        targets: [
          { id: "g", metric: "grassrootsShare", year: 2015, value: 0.6, sd: 0.01, source: "a test value" },
        ],
        parameters: [{ path: "choice.tierConstant.township", prior: { uniform: [-1, 1] } }],
      }),
    );
    const options = { method: "nelder-mead" as const, budget: 6, replicates: 1, threads: 1, resume: false };
    const backend = new BullmqBackend({ redis: redis.url, queue });
    try {
      const local = await calibrate(targets, { ...options, out: join(dir, "cal-local") });
      const remote = await calibrate(targets, { ...options, out: join(dir, "cal-bullmq"), backend });
      expect(remote.evaluations).toEqual(local.evaluations);
    } finally {
      await backend.close();
      w.child.kill("SIGTERM");
    }
  }, 240_000);
});
