/**
 * `npm run bench`: runs every benchmark case in its own child process (bench/case.ts), prints a
 * row as each case finishes, then the tables as Markdown, and writes bench/results/latest.json.
 *
 *   npm run bench                    # all cases (the 10-million-resident case needs minutes and GBs)
 *   npm run bench -- --quick         # the small cases only: 100k baseline, engine up to 1 M events
 *   npm run bench -- --only sweep-50k-100   # sweep throughput: 100 runs of 50,000 residents × 2 years
 *   npm run bench -- --only <name>   # one case, or several: --only baseline-1m,baseline-1m-1thread
 *   npm run bench -- --list          # the cases and their commands
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { EngineResult, SimulationResult, SweepBenchResult } from "./case.ts";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const cores = availableParallelism();

interface Case {
  name: string;
  /** Arguments of bench/case.ts. */
  args: string[];
  /** Part of --quick. */
  quick: boolean;
}

const count = (n: number) => (n >= 1e6 ? `${n / 1e6}m` : `${n / 1e3}k`);

const simulationCase = (population: number, threads: number, quick: boolean, suffix = ""): Case => ({
  name: `baseline-${count(population)}${suffix}`,
  args: ["--population", String(population), "--years", "1", "--threads", String(threads)],
  quick,
});

const CASES: Case[] = [
  simulationCase(100_000, cores, true),
  simulationCase(1_000_000, cores, false),
  simulationCase(1_000_000, 1, false, "-1thread"),
  {
    // The yardstick: a plain typed-array kernel of the same shape (bench/kernel.ts), 1 thread.
    name: "kernel-1m",
    args: ["--kernel", "--population", "1000000", "--years", "1"],
    quick: false,
  },
  simulationCase(10_000_000, cores, false),
  {
    // A national-size population (1.4 billion) as a 1% sample: 14 million residents.
    name: "national-1pct-14m",
    args: [
      "--scenario",
      "bench/national-1pct.yaml",
      "--population",
      "14000000",
      "--years",
      "1",
      "--threads",
      String(cores),
    ],
    quick: false,
  },
  ...[1e3, 1e4, 1e5, 1e6, 1e7].flatMap((pending) =>
    (["heap", "fel"] as const).map((structure) => ({
      name: `hold-${structure}-${count(pending)}`,
      args: ["--engine", structure, "--pending", String(pending)],
      quick: pending <= 1e6,
    })),
  ),
  {
    name: "sweep-50k-100",
    args: ["--sweep-runs", "100", "--population", "50000", "--years", "2", "--threads", String(cores)],
    quick: false,
  },
];

/** The speed-up of `cores` threads over 1 on the 1-million case, when both have run. */
const SPEEDUP = { parallel: "baseline-1m", serial: "baseline-1m-1thread" };

type Result = (SimulationResult | EngineResult | SweepBenchResult) & {
  case: string;
  command: string;
  measuredAt: string;
};

const commandOf = (c: Case) => `npx tsx bench/case.ts ${c.args.join(" ")}`;

function runCase(c: Case): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "case.ts"), ...c.args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const line = stdout
        .split("\n")
        .reverse()
        .find((l) => l.startsWith("{"));
      if (code !== 0 || !line) {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        const last = stderr.trim().split("\n").slice(-3).join(" | ");
        reject(new Error(`${why}${last ? `: ${last}` : ""}`));
        return;
      }
      const result = JSON.parse(line) as SimulationResult | EngineResult | SweepBenchResult;
      resolve({ ...result, case: c.name, command: commandOf(c), measuredAt: new Date().toISOString() });
    });
  });
}

// ---- Formatting -----------------------------------------------------------------------------

const whole = (n: number) => Math.round(n).toLocaleString("en-US");
const millions = (n: number) => `${(n / 1e6).toFixed(2)} M`;
const fixed = (n: number, digits: number) => n.toFixed(digits);

interface Column<R> {
  title: string;
  cell: (r: R) => string;
  left?: boolean;
}

const SIMULATION_COLUMNS: Column<SimulationResult & Result>[] = [
  { title: "case", cell: (r) => r.case, left: true },
  { title: "residents", cell: (r) => whole(r.residents) },
  { title: "years", cell: (r) => String(r.years) },
  { title: "threads", cell: (r) => String(r.threads) },
  { title: "visits", cell: (r) => whole(r.visits) },
  { title: "events", cell: (r) => whole(r.events) },
  { title: "wall s", cell: (r) => fixed(r.wallSeconds, 2) },
  { title: "events/s", cell: (r) => millions(r.eventsPerSecond) },
  { title: "peak RSS MB", cell: (r) => whole(r.peakRssMB) },
  { title: "state B/resident", cell: (r) => fixed(r.stateBytesPerResident, 1) },
  { title: "command", cell: (r) => r.command, left: true },
];

const ENGINE_COLUMNS: Column<EngineResult & Result>[] = [
  { title: "case", cell: (r) => r.case, left: true },
  { title: "structure", cell: (r) => r.structure, left: true },
  { title: "pending events", cell: (r) => whole(r.pending) },
  { title: "holds", cell: (r) => whole(r.holds) },
  { title: "operations", cell: (r) => whole(r.operations) },
  { title: "seconds", cell: (r) => fixed(r.seconds, 3) },
  { title: "M ops/s", cell: (r) => fixed(r.millionOpsPerSecond, 2) },
  { title: "peak RSS MB", cell: (r) => whole(r.peakRssMB) },
  { title: "command", cell: (r) => r.command, left: true },
];

const SWEEP_COLUMNS: Column<SweepBenchResult & Result>[] = [
  { title: "case", cell: (r) => r.case, left: true },
  { title: "runs", cell: (r) => whole(r.runs) },
  { title: "residents", cell: (r) => whole(r.residents) },
  { title: "years", cell: (r) => String(r.years) },
  { title: "threads", cell: (r) => String(r.threads) },
  { title: "run s", cell: (r) => fixed(r.runSeconds, 1) },
  { title: "sims/min", cell: (r) => fixed(r.simulationsPerMinute, 1) },
  { title: "CPU s", cell: (r) => fixed(r.cpuSeconds, 1) },
  { title: "peak RSS MB", cell: (r) => whole(r.peakRssMB) },
  { title: "command", cell: (r) => r.command, left: true },
];

/** Fixed column widths for the rows printed as cases finish (wide enough for the largest case). */
const WIDTHS: Record<string, number> = {
  case: 20,
  structure: 15,
  residents: 10,
  years: 5,
  threads: 7,
  visits: 11,
  events: 11,
  "wall s": 7,
  "events/s": 8,
  "peak RSS MB": 11,
  "state B/resident": 16,
  "pending events": 14,
  holds: 10,
  operations: 10,
  seconds: 7,
  "M ops/s": 7,
  runs: 5,
  "run s": 7,
  "sims/min": 8,
  "CPU s": 7,
};

function pad<R>(column: Column<R>, text: string): string {
  const width = WIDTHS[column.title] ?? 0;
  return column.left ? text.padEnd(width) : text.padStart(width);
}

const textRow = <R>(columns: Column<R>[], r: R) => columns.map((c) => pad(c, c.cell(r))).join("  ");
const textHeader = <R>(columns: Column<R>[]) => columns.map((c) => pad(c, c.title)).join("  ");

function markdown<R>(columns: Column<R>[], rows: R[]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(columns.map((c) => c.title)),
    line(columns.map((c) => (c.left ? "---" : "---:"))),
    ...rows.map((r) => line(columns.map((c) => (c.title === "command" ? `\`${c.cell(r)}\`` : c.cell(r))))),
  ].join("\n");
}

// ---- Main -----------------------------------------------------------------------------------

const isSimulation = (r: Result): r is SimulationResult & Result => r.kind === "simulation";
const isEngine = (r: Result): r is EngineResult & Result => r.kind === "engine";
const isSweep = (r: Result): r is SweepBenchResult & Result => r.kind === "sweep";

function speedup(results: Map<string, Result>): string | undefined {
  const parallel = results.get(SPEEDUP.parallel);
  const serial = results.get(SPEEDUP.serial);
  if (!parallel || !serial || !isSimulation(parallel) || !isSimulation(serial)) return undefined;
  return (
    `speed-up on ${whole(parallel.residents)} residents, ${parallel.threads} threads over 1: ` +
    `${fixed(serial.wallSeconds / parallel.wallSeconds, 2)}× wall ` +
    `(${fixed(serial.wallSeconds, 2)} s → ${fixed(parallel.wallSeconds, 2)} s; ` +
    `inside runScenario ${fixed(serial.runSeconds / parallel.runSeconds, 2)}×)`
  );
}

/** The full model's 1-million case against the yardstick kernel's, when both have run. */
function againstKernel(results: Map<string, Result>): string | undefined {
  const model = results.get(SPEEDUP.parallel);
  const kernel = results.get("kernel-1m");
  if (!model || !kernel || !isSimulation(model) || !isSimulation(kernel)) return undefined;
  return (
    `full model on ${model.threads} threads ÷ yardstick kernel on 1, ${whole(model.residents)} residents: ` +
    `${fixed(model.wallSeconds / kernel.wallSeconds, 2)}× wall (${fixed(model.wallSeconds, 2)} s against ` +
    `${fixed(kernel.wallSeconds, 2)} s; ${whole(model.events)} against ${whole(kernel.events)} events)`
  );
}

function writeJson(results: Map<string, Result>): string {
  const dir = join(here, "results");
  const file = join(dir, "latest.json");
  // Cases not run this time keep their previous figures (each carries its measuredAt).
  let previous: Record<string, Result> = {};
  if (existsSync(file)) {
    try {
      previous = (JSON.parse(readFileSync(file, "utf8")) as { cases?: Record<string, Result> }).cases ?? {};
    } catch {
      previous = {};
    }
  }
  const cases: Record<string, Result> = {};
  for (const c of CASES) {
    const r = results.get(c.name) ?? previous[c.name];
    if (r) cases[c.name] = r;
  }
  const json = {
    machine: {
      node: process.version,
      platform: `${platform()} ${release()}`,
      cpu: cpus()[0]?.model ?? "unknown",
      cores,
      memoryGB: Math.round(totalmem() / 2 ** 30),
    },
    updatedAt: new Date().toISOString(),
    speedup: speedup(new Map(Object.entries(cases))) ?? null,
    againstKernel: againstKernel(new Map(Object.entries(cases))) ?? null,
    cases,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      list: { type: "boolean" },
    },
  });
  if (values.list) {
    for (const c of CASES)
      process.stdout.write(`${c.name.padEnd(22)}${commandOf(c)}${c.quick ? "  (quick)" : ""}\n`);
    return 0;
  }
  let selected = values.quick ? CASES.filter((c) => c.quick) : CASES;
  if (values.only !== undefined) {
    const names = values.only.split(",").map((n) => n.trim());
    const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
    if (unknown.length) {
      process.stderr.write(
        `bench: no case named ${unknown.join(", ")}; cases: ${CASES.map((c) => c.name).join(", ")}\n`,
      );
      return 2;
    }
    selected = CASES.filter((c) => names.includes(c.name));
  }

  process.stdout.write(
    `tiersim benchmarks: ${selected.length} case(s), each in its own process; node ${process.version}, ` +
      `${cores} cores (${cpus()[0]?.model ?? "unknown cpu"})\n`,
  );
  const results = new Map<string, Result>();
  const failures: string[] = [];
  let section: "simulation" | "engine" | "sweep" | undefined;
  for (const c of selected) {
    const kind = c.args.includes("--engine")
      ? "engine"
      : c.args.includes("--sweep-runs")
        ? "sweep"
        : "simulation";
    if (section !== kind) {
      section = kind;
      const header =
        kind === "engine"
          ? textHeader(ENGINE_COLUMNS)
          : kind === "sweep"
            ? textHeader(SWEEP_COLUMNS)
            : textHeader(SIMULATION_COLUMNS);
      process.stdout.write(`\n${header}\n`);
    }
    try {
      const r = await runCase(c);
      results.set(c.name, r);
      if (isSimulation(r)) process.stdout.write(`${textRow(SIMULATION_COLUMNS, r)}\n`);
      else if (isEngine(r)) process.stdout.write(`${textRow(ENGINE_COLUMNS, r)}\n`);
      else if (isSweep(r)) process.stdout.write(`${textRow(SWEEP_COLUMNS, r)}\n`);
      if (c.name === SPEEDUP.parallel || c.name === SPEEDUP.serial) {
        const line = speedup(results);
        if (line) process.stdout.write(`${line}\n`);
      }
      if (c.name === SPEEDUP.parallel || c.name === "kernel-1m") {
        const line = againstKernel(results);
        if (line) process.stdout.write(`${line}\n`);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${c.name}: ${message}`);
      process.stdout.write(`${c.name.padEnd(WIDTHS.case)}  FAILED (${message})  ${commandOf(c)}\n`);
    }
  }

  const all = [...results.values()];
  const simulations = all.filter(isSimulation);
  const engines = all.filter(isEngine);
  const sweeps = all.filter(isSweep);
  const speedupLine = speedup(results);
  process.stdout.write("\n## Benchmarks (Markdown)\n\n");
  process.stdout.write(
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cores} cores (${cpus()[0]?.model ?? "unknown cpu"}), node ${process.version}.\n\n`,
  );
  if (simulations.length)
    process.stdout.write(
      `Baseline scenario, one simulated year:\n\n${markdown(SIMULATION_COLUMNS, simulations)}\n\n`,
    );
  if (speedupLine) process.stdout.write(`${speedupLine}\n\n`);
  if (engines.length)
    process.stdout.write(
      `Future-event list, hold benchmark (pop the earliest, push at its time + Exp(mean 30 days)):\n\n${markdown(ENGINE_COLUMNS, engines)}\n\n`,
    );
  if (sweeps.length)
    process.stdout.write(
      `Sweep throughput (Latin hypercube over two policy levers, one warm pool, runs side by side; CPU s: what the process got, all threads):\n\n${markdown(SWEEP_COLUMNS, sweeps)}\n\n`,
    );
  const file = writeJson(results);
  process.stdout.write(`Wrote ${file.slice(root.length + 1)}\n`);
  if (failures.length) {
    process.stderr.write(
      `bench: ${failures.length} case(s) failed:\n${failures.map((f) => `  ${f}`).join("\n")}\n`,
    );
    return 1;
  }
  return 0;
}

process.exitCode = await main();
