/**
 * Option parsers and option sets shared by the commands. Each command lives in its own module
 * under sim/commands/ and is registered in sim/cli.ts.
 */
import { InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { LANGS } from "../../reports/labels.ts";
import { defaultThreads } from "../pipeline/parallel.ts";

/** Accumulates a repeatable option (`--set a=1 --set b=2`). */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const positiveInt =
  (what: string) =>
  (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1)
      throw new InvalidArgumentError(`${what} must be a whole number ≥ 1`);
    return Number(value);
  };

export const wholeNumber = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("must be a whole number ≥ 0");
  return Number(value);
};

/** The `--set` strings that the shorthand run options stand for, then the explicit `--set`s. */
export function runSets(opts: {
  seed?: number;
  replications?: number;
  population?: number;
  years?: number;
  set?: string[];
}): string[] {
  return [
    ...(opts.seed !== undefined ? [`run.seed=${opts.seed}`] : []),
    ...(opts.replications !== undefined ? [`run.replications=${opts.replications}`] : []),
    ...(opts.population !== undefined ? [`run.population=${opts.population}`] : []),
    ...(opts.years !== undefined ? [`run.years=${opts.years}`] : []),
    ...(opts.set ?? []),
  ];
}

/** `--lang en|zh`: the language of reports' labels (the policy documents' own terms in Chinese). */
export function langOption() {
  return new Option("--lang <lang>", "language of the report's labels").choices(LANGS).default("en" as const);
}

/** `--threads N`: worker threads (the commands clamp it to the cores). */
export function threadsOption(description = `worker threads (default: cores, here ${defaultThreads()})`) {
  return new Option("--threads <n>", description).argParser(positiveInt("--threads"));
}

/** `--population N`, shorthand for `--set run.population=N`. */
export function populationOption() {
  return new Option("--population <n>", "residents simulated (= --set run.population=N)").argParser(
    positiveInt("--population"),
  );
}

/** `--years N`, shorthand for `--set run.years=N`. */
export function yearsOption() {
  return new Option("--years <n>", "simulated years (= --set run.years=N)").argParser(positiveInt("--years"));
}

/** `--set path=value`, repeatable. */
export function setOption(description = "override a scenario field by its dotted path (repeatable)") {
  return new Option("--set <path=value>", description).argParser(collect).default([] as string[]);
}
