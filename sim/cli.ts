/**
 * The tiersim command line: a thin shell over the pipeline in run.ts.
 * Exit codes: 0 success; 1 run failure (a worker failed: message names partition and day, or
 * that it died before any day); 2 invalid scenario, input file or arguments, or an --out that
 * cannot be written (one message per problem, no stack trace).
 */

import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "@commander-js/extra-typings";
import { formatScorecard } from "../reports/scorecard.ts";
import { writeRunOutputs } from "../reports/write-report.ts";
import { DEFAULT_QUEUE } from "./backends/bullmq.ts";
import { BACKENDS, checkBackendChoice, openBackend } from "./backends/open.ts";
import { compareCommand } from "./commands/compare.ts";
import {
  langOption,
  populationOption,
  positiveInt,
  runSets,
  setOption,
  threadsOption,
  wholeNumber,
  yearsOption,
} from "./commands/options.ts";
import { sweepCommand } from "./commands/sweep.ts";
import { workerCommand } from "./commands/worker.ts";
import { calibrate, formatCalibration, formatFit, validateFit } from "./experiments/calibrate.ts";
import { buildManifest, writeManifest } from "./experiments/manifest.ts";
import { checkOutDir, defaultOutDir, replaceDirAtomically } from "./output-dir.ts";
import { defaultThreads, RunFailure } from "./pipeline/parallel.ts";
import { createProgress, shouldShowProgress } from "./progress.ts";
import { runScenario } from "./run.ts";
import { loadScenario, ScenarioError, scenarioJsonSchema } from "./scenario/loader.ts";
import { terminalText } from "./scenario/terminal-text.ts";
import { TIERSIM_VERSION } from "./version.ts";

const program = new Command()
  .name("tiersim")
  .description("Agent-based simulator of patient flow under China's tiered-care policy (分级诊疗).")
  .version(TIERSIM_VERSION)
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  })
  .addHelpText(
    "after",
    `
Every command takes --json (results as JSON on stdout) and --help (its options and examples).
Progress goes to stderr, as a bar on a terminal only.

Exit codes:
  0  success
  1  the run failed (a worker failed: the message names the replication, partition and day)
  2  invalid scenario, targets file or arguments (one message per problem, with file, line and
     field path), or an output folder that cannot be written

Examples:
  tiersim run scenarios/baseline.yaml
  tiersim compare scenarios/baseline.yaml scenarios/wenzhou-2014.yaml --population 50000
  tiersim sweep scenarios/baseline.yaml --vary insurance.schemes.resident.outpatient.gaps.county=5,10,15
  tiersim calibrate scenarios/targets/national-2014-2015.yaml --budget 200`,
  );

program
  .command("run")
  .description("Run a scenario and write metrics.json, report.html and the charts (.svg) into --out.")
  .argument("<scenario>", "scenario YAML file")
  .option("--out <dir>", "output directory (default: out/<scenario name>)")
  .option("--seed <n>", "seed of all random streams (= --set run.seed=N)", wholeNumber)
  .addOption(threadsOption())
  .option(
    "--replications <n>",
    "independent replications (= --set run.replications=N)",
    positiveInt("--replications"),
  )
  .addOption(populationOption())
  .addOption(yearsOption())
  .addOption(setOption())
  .option("--quiet", "print nothing but errors")
  .option("--json", "print the metrics as JSON on stdout instead of the scorecard")
  .addOption(langOption())
  .addHelpText(
    "after",
    `
Examples:
  tiersim run scenarios/baseline.yaml
  tiersim run scenarios/wenzhou-2014.yaml --lang zh --out out/温州
  tiersim run scenarios/baseline.yaml --population 200000 --years 2 --out out/small
  tiersim run scenarios/baseline.yaml --set insurance.schemes.resident.outpatient.gaps.county=15`,
  )
  .action(async (file, opts) => {
    const { scenario } = await loadScenario(file, { sets: runSets(opts) });
    // No more threads than cores (nor than tasks: executeRun), whatever --threads asks.
    const threads = Math.min(opts.threads ?? defaultThreads(), defaultThreads());
    const outDir = opts.out ?? defaultOutDir(scenario.name);
    checkOutDir(outDir); // before simulating: a run that cannot write its outputs fails at once
    const progress = createProgress("simulating", 1, shouldShowProgress(opts.quiet || opts.json));
    const outcome = await runScenario(scenario, {
      threads,
      onProgress: (done, total) => progress.update(done, total),
    }).finally(() => progress.stop());
    let files: string[] = [];
    await replaceDirAtomically(outDir, async (tempDir) => {
      ({ files } = await writeRunOutputs(tempDir, outcome.metrics, { lang: opts.lang }));
      const manifest = buildManifest({
        scenario,
        command: process.argv,
        seeds: { simulation: scenario.run.seed, replications: scenario.run.replications },
      });
      files.push(await writeManifest(tempDir, manifest));
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(outcome.metrics, null, 2)}\n`);
    } else if (!opts.quiet) {
      const p = outcome.performance;
      process.stdout.write(
        `${formatScorecard(outcome.metrics, { color: Boolean(process.stdout.isTTY), lang: opts.lang })}\n`,
      );
      process.stdout.write(
        `\n${p.residents.toLocaleString("en-US")} residents × ${scenario.run.years} years × ${scenario.run.replications} replication(s): ` +
          `${p.events.toLocaleString("en-US")} events in ${p.wallSeconds.toFixed(1)} s on ${p.threads} thread(s)\n`,
      );
      process.stdout.write(
        terminalText(`Wrote ${files.length} files to ${outDir}/ (open ${join(outDir, "report.html")})\n`),
      );
    }
  });

program.addCommand(compareCommand());
program.addCommand(workerCommand());
program.addCommand(sweepCommand());

program
  .command("validate")
  .description("Check a scenario file: exit 0 when valid, 2 with one message per problem when not.")
  .argument("<scenario>", "scenario YAML file")
  .addOption(setOption())
  .option("--json", "print the merged, validated scenario as JSON on stdout")
  .addHelpText(
    "after",
    `
Examples:
  tiersim validate scenarios/wenzhou-2014.yaml
  tiersim validate my.yaml --set insurance.schemes.resident.outpatient.gaps.county=15 --json`,
  )
  .action(async (file, opts) => {
    const { scenario } = await loadScenario(file, { sets: opts.set });
    if (opts.json) process.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`);
    else process.stdout.write(terminalText(`${file}: valid scenario "${scenario.name}"\n`));
  });

program
  .command("calibrate")
  .description(
    "Fit the parameters of a targets file to its reported outcomes; writes calibration.json, calibrated.yaml and charts into --out.",
  )
  .argument("<targets>", "targets YAML file (names the scenario, the targets and the parameters with priors)")
  .option("--method <method>", "abc-smc (posterior) or nelder-mead (quick point fit)", "abc-smc")
  .option("--budget <n>", "simulations allowed (parameter sets evaluated)", positiveInt("--budget"), 200)
  .option(
    "--replicates <n>",
    "seeds per parameter set, the same for every set",
    positiveInt("--replicates"),
    2,
  )
  .option("--particles <n>", "ABC-SMC: accepted particles per generation", positiveInt("--particles"))
  .option("--out <dir>", "output directory", "out/calibration")
  .option("--resume", "continue an interrupted calibration from --out")
  .addOption(threadsOption())
  .addOption(populationOption())
  .addOption(yearsOption())
  .addOption(setOption())
  .option("--quiet", "print nothing but errors")
  .option("--json", "print calibration.json's record on stdout instead of the summary")
  .addOption(
    new Option("--backend <backend>", "where simulations run").choices(BACKENDS).default("local" as const),
  )
  .option("--redis <url>", "with --backend bullmq: the Redis server workers take jobs from")
  .option("--queue <name>", "with --backend bullmq: the queue name", DEFAULT_QUEUE)
  .addHelpText(
    "after",
    `
Examples:
  tiersim calibrate scenarios/targets/national-2014-2015.yaml --budget 200 --out out/fit
  tiersim calibrate my-targets.yaml --method nelder-mead --budget 60 --population 50000
  tiersim calibrate my-targets.yaml --out out/fit --resume        # continue an interrupted fit`,
  )
  .action(async (file, opts) => {
    if (opts.method !== "abc-smc" && opts.method !== "nelder-mead")
      throw new ScenarioError([
        { file: "--method", path: "", message: `expected abc-smc or nelder-mead, got ${opts.method}` },
      ]);
    const sets = [
      ...(opts.population !== undefined ? [`run.population=${opts.population}`] : []),
      ...(opts.years !== undefined ? [`run.years=${opts.years}`] : []),
      ...opts.set,
    ];
    checkBackendChoice(opts);
    const backend = opts.backend === "bullmq" ? openBackend(opts, 1) : undefined;
    const showBar = shouldShowProgress(opts.quiet || opts.json);
    const bar = createProgress("calibrating", opts.budget, showBar);
    const record = await calibrate(file, {
      method: opts.method,
      budget: opts.budget,
      replicates: opts.replicates,
      particles: opts.particles,
      out: opts.out,
      resume: Boolean(opts.resume),
      threads: opts.threads ?? defaultThreads(),
      sets,
      // A bar on a terminal; one line per generation in logs.
      onEvaluation: (count) => bar.update(count),
      onProgress:
        opts.quiet || opts.json || showBar ? undefined : (line) => process.stderr.write(`${line}\n`),
      backend,
    }).finally(async () => {
      bar.stop();
      await backend?.close();
    });
    if (opts.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    else if (!opts.quiet)
      process.stdout.write(
        `${formatCalibration(record)}\nWrote ${opts.out}/calibration.json and ${opts.out}/calibrated.yaml\n`,
      );
  });

program
  .command("validate-fit")
  .description(
    "Score a (calibrated) scenario against targets it was not fitted to; writes fit.json into --out.",
  )
  .argument("<scenario>", "scenario YAML file, e.g. a calibrated.yaml")
  .requiredOption("--targets <file>", "targets YAML file (its scenario and parameters are ignored)")
  .option("--replicates <n>", "seeds", positiveInt("--replicates"), 2)
  .option("--out <dir>", "output directory", "out/validate-fit")
  .addOption(threadsOption())
  .addOption(setOption())
  .option("--json", "print the fit as JSON on stdout")
  .addHelpText(
    "after",
    `
Examples:
  tiersim validate-fit scenarios/calibrated/national-2014-2015.yaml --targets my-2016-targets.yaml`,
  )
  .action(async (file, opts) => {
    const result = await validateFit(file, opts.targets, {
      replicates: opts.replicates,
      out: opts.out,
      threads: opts.threads ?? defaultThreads(),
      sets: opts.set,
    });
    if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`${formatFit(result.fit, result.distance)}\nWrote ${opts.out}/fit.json\n`);
  });

program
  .command("schema")
  .description("Print the scenario JSON Schema (for editor completion and validation).")
  .option("--json", "the schema is JSON already; accepted so every command takes --json")
  .addHelpText(
    "after",
    `
Example:
  tiersim schema > scenario.schema.json   # then start a scenario with
                                          # # yaml-language-server: $schema=./scenario.schema.json`,
  )
  .action(() => {
    process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  });

/** Reports an error as one line (the stack only with TIERSIM_DEBUG set) and exits. */
function fail(error: unknown): never {
  if (error instanceof ScenarioError) {
    process.stderr.write(`${error.format()}\n`);
    process.exit(2);
  }
  // Messages may quote file names and values: printed without their control characters.
  if (error instanceof RunFailure) {
    process.stderr.write(`tiersim: run failed: ${terminalText(error.message)}\n`);
    if (process.env.TIERSIM_DEBUG && error.cause instanceof Error)
      process.stderr.write(`${error.cause.stack}\n`);
    process.exit(1);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tiersim: ${terminalText(message)}\n`);
  if (process.env.TIERSIM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

// Whatever escapes the pipeline (an error event, a rejection nobody awaited) ends the same way.
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);
warnIfStaleBuild();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  fail(error);
}

/**
 * In a clone, `npx tiersim` runs dist/cli.js, built by `npm ci` (`prepare`) or `npm run build`.
 * Says so when a source is newer than that build, which would otherwise run unnoticed.
 */
function warnIfStaleBuild(): void {
  const self = fileURLToPath(import.meta.url);
  const root = dirname(dirname(self));
  if (basename(dirname(self)) !== "dist" || !existsSync(join(root, "sim", "cli.ts"))) return;
  const built = statSync(self).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory()
        ? newer(join(dir, e.name))
        : e.name.endsWith(".ts") && statSync(join(dir, e.name)).mtimeMs > built,
    );
  if (["sim", "models", "reports"].some((d) => existsSync(join(root, d)) && newer(join(root, d))))
    process.stderr.write(
      "tiersim: warning: the sources changed since dist/ was built; run `npm run build`\n",
    );
}
