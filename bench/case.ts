/**
 * One benchmark case, run in its own process (so that its peak RSS is its own). Prints one line of
 * JSON on stdout. `bench/run.ts` runs every case through this file; it is also usable alone:
 *
 *   npx tsx bench/case.ts --population 1000000 --years 1 --threads 2     # the simulation
 *   npx tsx bench/case.ts --engine fel --pending 1000000                  # the engine's hold benchmark
 *   npx tsx bench/case.ts --sweep-runs 100 --population 50000 --years 2 --threads 2   # sweep throughput
 *   npx tsx bench/case.ts --kernel --population 1000000 --years 1        # the yardstick kernel
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { EventQueue } from "../sim/engine/event-queue.ts";
import { FutureEventList } from "../sim/engine/future-event-list.ts";
import { sweep } from "../sim/experiments/sweep.ts";
import { runScenario } from "../sim/run.ts";
import { loadScenario } from "../sim/scenario/loader.ts";
import { runKernel } from "./kernel.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface SimulationResult {
  kind: "simulation";
  scenario: string;
  residents: number;
  years: number;
  threads: number;
  replications: number;
  /** Outpatient visits of the whole run (metrics.ledger.outpatientVisits), all years. */
  visits: number;
  events: number;
  /** Load the scenario + build the world + synthesise the population + run (in this process). */
  wallSeconds: number;
  /** The part of it inside runScenario (its performance.wallSeconds). */
  runSeconds: number;
  eventsPerSecond: number;
  peakRssMB: number;
  stateBytes: number;
  stateBytesPerResident: number;
}

export interface EngineResult {
  kind: "engine";
  structure: "EventQueue" | "FutureEventList";
  pending: number;
  holds: number;
  /** A push or a pop is one operation: 2 per hold. */
  operations: number;
  /** Time of the hold loop alone (the initial fill is `fillSeconds`). */
  seconds: number;
  fillSeconds: number;
  millionOpsPerSecond: number;
  meanIncrementDays: number;
  peakRssMB: number;
  /** Sum of popped payloads, so that no work can be optimised away. */
  checksum: number;
}

export interface SweepBenchResult {
  kind: "sweep";
  scenario: string;
  /** Runs of the sweep (a Latin hypercube over two policy levers). */
  runs: number;
  residents: number;
  years: number;
  threads: number;
  /** The sweep's runs, from the pool's start to the last run written (SweepResult.runSeconds). */
  runSeconds: number;
  /** The whole case: load, validate the design, run, write the tables (no charts). */
  wallSeconds: number;
  simulationsPerMinute: number;
  /** CPU seconds of the process, all threads: on a shared machine, what the sweep actually got. */
  cpuSeconds: number;
  peakRssMB: number;
}

const peakRssMB = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB

async function simulationCase(
  scenarioFile: string,
  population: number,
  years: number,
  threads: number,
): Promise<SimulationResult> {
  const t0 = performance.now();
  const { scenario } = await loadScenario(scenarioFile, {
    sets: [`run.population=${population}`, `run.years=${years}`],
  });
  const { metrics, performance: perf } = await runScenario(scenario, { threads });
  const wallSeconds = (performance.now() - t0) / 1000;
  return {
    kind: "simulation",
    scenario: scenario.name,
    residents: perf.residents,
    years: scenario.run.years,
    threads,
    replications: scenario.run.replications,
    visits: metrics.ledger.outpatientVisits,
    events: perf.events,
    wallSeconds,
    runSeconds: perf.wallSeconds,
    eventsPerSecond: perf.events / wallSeconds,
    peakRssMB: peakRssMB(),
    stateBytes: perf.stateBytes,
    stateBytesPerResident: perf.stateBytes / perf.residents,
  };
}

/**
 * Exponential increments from a 32-bit linear congruential generator (Numerical Recipes
 * constants): deterministic and far cheaper than the simulation's Philox streams.
 */
function exponentialIncrements(mean: number, seed = 12345): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return -mean * Math.log((state + 0.5) / 4294967296);
  };
}

const MEAN_INCREMENT_DAYS = 30;

/**
 * The classic "hold" benchmark: keep `pending` events in the list; each hold pops the earliest
 * event and pushes a new one at its time + a random increment. Increments are exponential with a
 * mean of 30 days for both structures, so events spread over about a month of day buckets.
 */
function engineCase(structure: "heap" | "fel", pending: number, holds: number): EngineResult {
  const next = exponentialIncrements(MEAN_INCREMENT_DAYS);
  let checksum = 0;
  let fillSeconds: number;
  let seconds: number;
  if (structure === "heap") {
    const q = new EventQueue(pending);
    const t0 = performance.now();
    for (let i = 0; i < pending; i++) q.push(next(), 0, i);
    const t1 = performance.now();
    for (let h = 0; h < holds; h++) {
      q.pop();
      checksum += q.poppedPayload;
      q.push(q.poppedTime + next(), 0, q.poppedPayload);
    }
    const t2 = performance.now();
    fillSeconds = (t1 - t0) / 1000;
    seconds = (t2 - t1) / 1000;
  } else {
    // Simulated time advances by about holds / pending × the mean increment; the horizon adds
    // 40 means for the exponential tail (e^-40: no event is lost past it).
    const horizon = Math.ceil(MEAN_INCREMENT_DAYS * (holds / pending + 40)) + 1;
    const fel = new FutureEventList(horizon, pending);
    let day = 0;
    const t0 = performance.now();
    for (let i = 0; i < pending; i++) fel.push(next(), 0, i);
    fel.openDay(0);
    const t1 = performance.now();
    for (let h = 0; h < holds; h++) {
      while (!fel.pop()) fel.openDay(++day);
      checksum += fel.poppedPayload;
      fel.push(fel.poppedTime + next(), 0, fel.poppedPayload);
    }
    const t2 = performance.now();
    if (fel.beyondHorizon > 0) throw new Error(`${fel.beyondHorizon} events fell past the horizon`);
    fillSeconds = (t1 - t0) / 1000;
    seconds = (t2 - t1) / 1000;
  }
  const operations = 2 * holds;
  return {
    kind: "engine",
    structure: structure === "heap" ? "EventQueue" : "FutureEventList",
    pending,
    holds,
    operations,
    seconds,
    fillSeconds,
    millionOpsPerSecond: operations / seconds / 1e6,
    meanIncrementDays: MEAN_INCREMENT_DAYS,
    peakRssMB: peakRssMB(),
    checksum,
  };
}

function wholeNumber(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} must be a whole number ≥ 1, not ${value}`);
  return n;
}

/**
 * Sweep throughput: `runs` runs of the scenario, a Latin hypercube over two policy levers (the
 * rural county gap and contract coverage), as `tiersim sweep … --samples N` runs them: one warm
 * pool, runs side by side, one world. Charts are not drawn.
 */
async function sweepCase(
  scenarioFile: string,
  runs: number,
  population: number,
  years: number,
  threads: number,
): Promise<SweepBenchResult> {
  const out = mkdtempSync(join(tmpdir(), "tiersim-bench-sweep-"));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const result = await sweep(scenarioFile, {
      vary: ["insurance.schemes.ncms.outpatient.gaps.county=0:20", "contracting.coverage.all=0.222:0.6"],
      samples: runs,
      sets: [`run.population=${population}`, `run.years=${years}`],
      threads,
      out,
      charts: false,
    });
    const cpu = process.cpuUsage(cpu0);
    return {
      kind: "sweep",
      scenario: result.manifest.scenario.name,
      runs: result.runs,
      residents: population,
      years,
      threads,
      runSeconds: result.runSeconds,
      wallSeconds: (performance.now() - t0) / 1000,
      simulationsPerMinute: result.simulationsPerMinute,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMB: peakRssMB(),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string", default: join(root, "scenarios", "baseline.yaml") },
      population: { type: "string" },
      years: { type: "string" },
      threads: { type: "string" },
      engine: { type: "string" },
      pending: { type: "string" },
      holds: { type: "string" },
      "sweep-runs": { type: "string" },
      kernel: { type: "boolean", default: false },
    },
  });
  let result: SimulationResult | EngineResult | SweepBenchResult;
  if (values.kernel) {
    // The yardstick (bench/kernel.ts), in the simulation table's shape: one thread, no state kept.
    const k = runKernel(wholeNumber("population", values.population), wholeNumber("years", values.years, 1));
    result = {
      kind: "simulation",
      scenario: "kernel (yardstick)",
      residents: k.residents,
      years: k.years,
      threads: 1,
      replications: 1,
      visits: k.visits,
      events: k.events,
      wallSeconds: k.wallSeconds,
      runSeconds: k.wallSeconds,
      eventsPerSecond: k.eventsPerSecond,
      peakRssMB: k.peakRssMB,
      stateBytes: 0,
      stateBytesPerResident: 0,
    };
  } else if (values["sweep-runs"] !== undefined) {
    result = await sweepCase(
      values.scenario,
      wholeNumber("sweep-runs", values["sweep-runs"]),
      wholeNumber("population", values.population),
      wholeNumber("years", values.years, 1),
      wholeNumber("threads", values.threads, availableParallelism()),
    );
  } else if (values.engine !== undefined) {
    if (values.engine !== "heap" && values.engine !== "fel")
      throw new Error(`--engine must be heap (EventQueue) or fel (FutureEventList), not ${values.engine}`);
    const pending = wholeNumber("pending", values.pending);
    result = engineCase(
      values.engine,
      pending,
      wholeNumber("holds", values.holds, Math.max(pending, 1_000_000)),
    );
  } else {
    result = await simulationCase(
      values.scenario,
      wholeNumber("population", values.population),
      wholeNumber("years", values.years, 1),
      wholeNumber("threads", values.threads, availableParallelism()),
    );
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench/case.ts: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
