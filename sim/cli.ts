/**
 * The tiersim command line: a thin shell over the pipeline in run.ts.
 * Exit codes: 0 success; 1 run failure (a worker failed: message names partition and day);
 * 2 invalid scenario or arguments (one message per problem, no stack trace).
 */

import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "@commander-js/extra-typings";
import { formatScorecard } from "../reports/scorecard.ts";
import { writeRunOutputs } from "../reports/write-report.ts";
import { compareCommand } from "./commands/compare.ts";
import { collect, positiveInt, runSets, wholeNumber } from "./commands/options.ts";
import { calibrate, formatCalibration, formatFit, validateFit } from "./experiments/calibrate.ts";
import { defaultThreads, RunFailure } from "./pipeline/parallel.ts";
import { createProgress, shouldShowProgress } from "./progress.ts";
import { runScenario } from "./run.ts";
import { loadScenario, ScenarioError, scenarioJsonSchema } from "./scenario/loader.ts";
import { TIERSIM_VERSION } from "./version.ts";

const program = new Command()
  .name("tiersim")
  .description("Agent-based simulator of patient flow under China's tiered-care policy (分级诊疗).")
  .version(TIERSIM_VERSION)
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

program
  .command("run")
  .description("Run a scenario and write metrics.json, report.html and the charts (.svg) into --out.")
  .argument("<scenario>", "scenario YAML file")
  .option("--out <dir>", "output directory (default: out/<scenario name>)")
  .option("--seed <n>", "seed of all random streams (= --set run.seed=N)", wholeNumber)
  .option(
    "--threads <n>",
    `worker threads (default: cores, here ${defaultThreads()})`,
    positiveInt("--threads"),
  )
  .option(
    "--replications <n>",
    "independent replications (= --set run.replications=N)",
    positiveInt("--replications"),
  )
  .option("--population <n>", "residents simulated (= --set run.population=N)", positiveInt("--population"))
  .option("--years <n>", "simulated years (= --set run.years=N)", positiveInt("--years"))
  .option(
    "--set <path=value>",
    "override a scenario field by its dotted path (repeatable)",
    collect,
    [] as string[],
  )
  .option("--quiet", "print nothing but errors")
  .option("--json", "print the metrics as JSON on stdout instead of the scorecard")
  .addHelpText(
    "after",
    `
Examples:
  tiersim run scenarios/baseline.yaml
  tiersim run scenarios/baseline.yaml --population 200000 --years 2 --out out/small
  tiersim run scenarios/baseline.yaml --set insurance.schemes.resident.outpatient.gaps.county=15`,
  )
  .action(async (file, opts) => {
    const { scenario } = await loadScenario(file, { sets: runSets(opts) });
    const threads = opts.threads ?? defaultThreads();
    const outDir = opts.out ?? join("out", scenario.name.replace(/[^\w.-]+/g, "_"));
    const progress = createProgress("simulating", 1, shouldShowProgress(opts.quiet || opts.json));
    const outcome = await runScenario(scenario, {
      threads,
      onProgress: (done, total) => progress.update(done, total),
    }).finally(() => progress.stop());
    const { files } = await writeRunOutputs(outDir, outcome.metrics);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(outcome.metrics, null, 2)}\n`);
    } else if (!opts.quiet) {
      const p = outcome.performance;
      process.stdout.write(`${formatScorecard(outcome.metrics, { color: Boolean(process.stdout.isTTY) })}\n`);
      process.stdout.write(
        `\n${p.residents.toLocaleString("en-US")} residents × ${scenario.run.years} years × ${scenario.run.replications} replication(s): ` +
          `${p.events.toLocaleString("en-US")} events in ${p.wallSeconds.toFixed(1)} s on ${threads} thread(s)\n`,
      );
      process.stdout.write(
        `Wrote ${files.length} files to ${outDir}/ (open ${join(outDir, "report.html")})\n`,
      );
    }
  });

program.addCommand(compareCommand());

program
  .command("validate")
  .description("Check a scenario file: exit 0 when valid, 2 with one message per problem when not.")
  .argument("<scenario>", "scenario YAML file")
  .option(
    "--set <path=value>",
    "override a scenario field by its dotted path (repeatable)",
    collect,
    [] as string[],
  )
  .action(async (file, opts) => {
    const { scenario } = await loadScenario(file, { sets: opts.set });
    process.stdout.write(`${file}: valid scenario "${scenario.name}"\n`);
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
  .option(
    "--threads <n>",
    `worker threads (default: cores, here ${defaultThreads()})`,
    positiveInt("--threads"),
  )
  .option("--population <n>", "residents simulated (= --set run.population=N)", positiveInt("--population"))
  .option("--years <n>", "simulated years (= --set run.years=N)", positiveInt("--years"))
  .option(
    "--set <path=value>",
    "override a scenario field by its dotted path (repeatable)",
    collect,
    [] as string[],
  )
  .option("--quiet", "print nothing but errors")
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
    const record = await calibrate(file, {
      method: opts.method,
      budget: opts.budget,
      replicates: opts.replicates,
      particles: opts.particles,
      out: opts.out,
      resume: Boolean(opts.resume),
      threads: opts.threads ?? defaultThreads(),
      sets,
      onProgress: opts.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
    });
    if (!opts.quiet)
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
  .option(
    "--threads <n>",
    `worker threads (default: cores, here ${defaultThreads()})`,
    positiveInt("--threads"),
  )
  .option(
    "--set <path=value>",
    "override a scenario field by its dotted path (repeatable)",
    collect,
    [] as string[],
  )
  .action(async (file, opts) => {
    const result = await validateFit(file, opts.targets, {
      replicates: opts.replicates,
      out: opts.out,
      threads: opts.threads ?? defaultThreads(),
      sets: opts.set,
    });
    process.stdout.write(`${formatFit(result.fit, result.distance)}\nWrote ${opts.out}/fit.json\n`);
  });

program
  .command("schema")
  .description("Print the scenario JSON Schema (for editor completion and validation).")
  .action(() => {
    process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  });

/** Reports an error as one line (the stack only with TIERSIM_DEBUG set) and exits. */
function fail(error: unknown): never {
  if (error instanceof ScenarioError) {
    process.stderr.write(`${error.format()}\n`);
    process.exit(2);
  }
  if (error instanceof RunFailure) {
    process.stderr.write(`tiersim: run failed: ${error.message}\n`);
    process.exit(1);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tiersim: ${message}\n`);
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
