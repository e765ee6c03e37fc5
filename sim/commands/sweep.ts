/**
 * `tiersim sweep <scenario> --vary path=… [--vary …]`: a grid, a Latin hypercube or Morris
 * screening of scenario fields, every run with the same seed; the pipeline is
 * sim/experiments/sweep.ts.
 */
import { Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { formatSweep, type SweepResult, sweep } from "../experiments/sweep.ts";
import { DEFAULT_LEVELS, DEFAULT_SWEEP_METRICS, DEFAULT_TRAJECTORIES } from "../experiments/sweep-design.ts";
import { defaultThreads } from "../pipeline/parallel.ts";
import { createProgress, shouldShowProgress } from "../progress.ts";
import { ScenarioError } from "../scenario/loader.ts";
import {
  collect,
  populationOption,
  positiveInt,
  runSets,
  setOption,
  threadsOption,
  wholeNumber,
  yearsOption,
} from "./options.ts";

const metricList = (value: string): string[] => {
  const metrics = value.split(",").map((m) => m.trim());
  if (metrics.some((m) => m === ""))
    throw new InvalidArgumentError("expected metrics separated by single commas");
  return metrics;
};

/** The --json summary: the design, the speed, where the files are, and the screening. */
function summary(result: SweepResult) {
  const d = result.design;
  return {
    out: result.out,
    method: d.method,
    fields: d.fields.map((f) => ({
      path: f.path,
      ...(f.values ? { values: f.values } : { range: f.range }),
    })),
    metrics: d.metrics,
    runs: result.runs,
    simulated: result.simulated,
    runSeconds: result.runSeconds,
    simulationsPerMinute: result.simulationsPerMinute,
    scenarioHash: result.manifest.scenarioHash,
    ...(result.screening ? { screening: result.screening } : {}),
    files: result.files,
  };
}

export function sweepCommand() {
  return new Command("sweep")
    .description(
      "Run a scenario over a grid, a Latin hypercube or Morris screening of its fields, every run with the same seed; writes runs.csv, runs.parquet, charts and manifest.json into --out.",
    )
    .argument("<scenario>", "scenario YAML file")
    .option(
      "--vary <path=values>",
      "a field and its values: path=v1,v2,… (grid) or path=lo:hi (a range, with --samples or --screen); repeatable",
      collect,
      [] as string[],
    )
    .option("--samples <n>", "Latin hypercube of N points over the ranges", positiveInt("--samples"))
    .option(
      "--screen",
      "Morris elementary-effects screening over the ranges (or, with no --vary, the main levers)",
    )
    .option(
      "--trajectories <n>",
      `Morris trajectories r (default ${DEFAULT_TRAJECTORIES}; runs = r × (fields + 1))`,
      positiveInt("--trajectories"),
    )
    .option("--levels <n>", `Morris grid levels p, even (default ${DEFAULT_LEVELS})`, positiveInt("--levels"))
    .option(
      "--metrics <a,b,...>",
      `summary metrics each run records, dotted paths (default ${DEFAULT_SWEEP_METRICS.join(",")})`,
      metricList,
    )
    .option(
      "--replications <n>",
      "replications of every run (= --set run.replications=N); ≥ 2 adds mean, lower, upper",
      positiveInt("--replications"),
    )
    .addOption(populationOption())
    .addOption(yearsOption())
    .option("--seed <n>", "the seed of every run (= --set run.seed=N); also draws the design", wholeNumber)
    .addOption(setOption("override a scenario field for every run, by its dotted path (repeatable)"))
    .addOption(threadsOption(`worker threads: runs side by side (default: cores, here ${defaultThreads()})`))
    .option("--out <dir>", "output directory (default: out/sweep-<scenario name>)")
    .option(
      "--backend <name>",
      "where runs go: local (this machine's pool) or bullmq (a Redis queue)",
      "local",
    )
    .option("--redis <url>", "with --backend bullmq: the Redis server, e.g. redis://10.0.0.5:6379")
    .option("--queue <name>", "with --backend bullmq: the queue's name (default tiersim)")
    .option("--resume", "continue an interrupted sweep in --out (same scenario and design)")
    .option("--quiet", "print nothing but errors")
    .option("--json", "print a JSON summary on stdout")
    .addHelpText(
      "after",
      `
Every run uses the scenario's seed (common random numbers), so differences between runs are the
levers' effects, not noise. A grid runs every combination of the listed values (the first --vary
varies slowest); a range lo:hi is sampled by a Latin hypercube (--samples) or Morris trajectories
(--screen, Campolongo's spread-out trajectories, μ* and σ per field and metric). --screen with no
--vary screens the main policy levers over the ranges in sim/experiments/lever-ranges.ts.
Each finished run is saved at once (runs/<index>.json): --resume skips them.

Examples:
  tiersim sweep scenarios/baseline.yaml --vary insurance.schemes.ncms.outpatient.gaps.county=0,5,10,15
  tiersim sweep scenarios/baseline.yaml --vary referral.gatekeeping.mode=free,penalty,mandatory \\
    --vary contracting.coverage.all=0.2,0.4,0.6 --population 50000 --replications 3
  tiersim sweep scenarios/baseline.yaml --vary referral.compliance=0.6:0.95 \\
    --vary contracting.effects.firstContactBonus=0.3:0.9 --samples 40
  tiersim sweep scenarios/baseline.yaml --screen --population 50000 --out out/screen
  tiersim sweep scenarios/baseline.yaml --screen --population 50000 --out out/screen --resume
  tiersim sweep scenarios/baseline.yaml --screen --backend bullmq --redis redis://10.0.0.5:6379   # runs on \`tiersim worker\`s`,
    )
    .action(async (file, opts) => {
      if (opts.backend !== "local" && opts.backend !== "bullmq")
        throw new ScenarioError([
          { file: "--backend", path: "", message: `expected local or bullmq, got ${opts.backend}` },
        ]);
      if (opts.backend === "bullmq" && !opts.redis)
        throw new ScenarioError([
          { file: "--backend", path: "", message: "bullmq needs --redis URL (the queue's Redis server)" },
        ]);
      const backend =
        opts.backend === "bullmq"
          ? new (await import("../backends/bullmq.ts")).BullmqBackend({
              redis: opts.redis as string,
              queue: opts.queue,
            })
          : undefined;
      const show = shouldShowProgress(opts.quiet || opts.json);
      const progress = createProgress("sweeping", 1, show);
      const result = await sweep(file, {
        vary: opts.vary,
        samples: opts.samples,
        screen: Boolean(opts.screen),
        trajectories: opts.trajectories,
        levels: opts.levels,
        metrics: opts.metrics,
        sets: runSets(opts),
        threads: opts.threads ?? defaultThreads(),
        out: opts.out,
        resume: Boolean(opts.resume),
        backend,
        onProgress: (done, total) => progress.update(done, total),
      }).finally(async () => {
        progress.stop();
        await backend?.close();
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(summary(result), null, 2)}\n`);
      else if (!opts.quiet) process.stdout.write(`${formatSweep(result)}\n`);
    });
}
