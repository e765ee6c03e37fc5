import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type CalibrationRecord, calibrate, validateFit, withRun } from "../sim/experiments/calibrate.ts";
import { runScenario } from "../sim/run.ts";
import { loadScenario, ScenarioError } from "../sim/scenario/loader.ts";
import { loadTargetsFile } from "../sim/scenario/targets-loader.ts";

/**
 * Calibration recovers a parameter from targets the model itself produced at a known value: the
 * township tier constant at TRUE_VALUE, observed through the grassroots and county shares of visits
 * in a small world. Expected values come from the run at TRUE_VALUE, never from the calibrator.
 */
const TRUE_VALUE = 0.6;
const dir = mkdtempSync(join(tmpdir(), "tiersim-calibrate-"));
const scenarioFile = join(dir, "small.yaml");
const targetsFile = join(dir, "targets.yaml");
const THREADS = 2;

beforeAll(async () => {
  writeFileSync(
    scenarioFile,
    "# A small world for calibration tests\nname: small\nrun: { population: 6000, years: 1, startYear: 2015 }\n",
  );
  const { scenario } = await loadScenario(scenarioFile, {
    sets: [`choice.tierConstant.township=${TRUE_VALUE}`, "run.replications=2"],
  });
  const { metrics } = await runScenario(scenario, { threads: THREADS });
  const year = metrics.byYear["2015"];
  writeFileSync(
    targetsFile,
    stringify({
      name: "recovery",
      scenario: "small.yaml",
      grassrootsDefinition: "all",
      targets: [
        {
          id: "grassroots",
          metric: "grassrootsShare",
          year: 2015,
          value: year.grassrootsShare,
          sd: 0.004,
          source: "the model at the true value",
        },
        {
          id: "county",
          metric: "visitsShareByTier.county",
          year: 2015,
          value: year.visitsShareByTier.county,
          sd: 0.004,
          source: "the model at the true value",
        },
      ],
      parameters: [{ path: "choice.tierConstant.township", prior: { uniform: [-1, 1] } }],
    }),
  );
}, 60_000);

describe("the shipped national calibration", () => {
  it("fits the trend over 2014–2015 only: changes dated later are dropped for the fit and kept in the file", async () => {
    const { targets, scenarioFile } = await loadTargetsFile(
      "scenarios/calibrated/national-2014-2015.targets.yaml",
    );
    const { scenario } = await loadScenario(scenarioFile);
    expect(scenario.timeline.length).toBe(4);
    const fitted = withRun(scenarioFile, scenario, targets.run);
    expect(fitted.run.startYear).toBe(2014);
    expect(fitted.run.years).toBe(2);
    expect(fitted.timeline).toEqual([]); // every change is dated 2016 or later
    for (const t of targets.targets) expect(t.year ?? 0).toBeLessThanOrEqual(2015);
    const calibrated = await loadScenario("scenarios/calibrated/national-2014-2015.yaml");
    expect(calibrated.scenario.run.years).toBe(6);
    expect(calibrated.scenario.timeline.length).toBe(4);
  });

  it("writes a fitted reform size into the dated change it belongs to (Shenzhen)", async () => {
    const record = JSON.parse(
      readFileSync("scenarios/calibrated/shenzhen-2012-2014.calibration.json", "utf8"),
    );
    const { scenario } = await loadScenario("scenarios/calibrated/shenzhen-2012-2014.yaml");
    const set = scenario.timeline[0].set as Record<string, number>;
    expect(set["choice.tierConstant.township"]).toBe(
      record.fitted["timeline.0.set.choice.tierConstant.township"],
    );
    expect(set["choice.tierConstant.village"]).toBe(
      record.fitted["timeline.0.set.choice.tierConstant.village"],
    );
    expect(scenario.choice.tierConstant.tertiary).toBe(record.fitted["choice.tierConstant.tertiary"]);
  });
});

describe("calibrate", () => {
  it("refuses, before simulating, a metric no summary has and a year the run does not simulate", async () => {
    const bad = join(dir, "bad-targets.yaml");
    writeFileSync(
      bad,
      stringify({
        name: "bad",
        scenario: "small.yaml",
        grassrootsDefinition: "all",
        targets: [
          { id: "typo", metric: "grassrootShare", year: 2015, value: 0.5, sd: 0.1, source: "-" },
          { id: "later", metric: "grassrootsShare", year: 2016, value: 0.5, sd: 0.1, source: "-" },
        ],
        parameters: [{ path: "choice.tierConstant.township", prior: { uniform: [-1, 1] } }],
      }),
    );
    const options = {
      method: "nelder-mead" as const,
      budget: 2,
      replicates: 1,
      out: join(dir, "bad"),
      resume: false,
      threads: 1,
    };
    const error = await calibrate(bad, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).format()).toMatch(
      /targets\.1: target later needs the year 2016, but the scenario simulates 2015–2015/,
    );
    const yearsFixed = bad.replace(".yaml", "-2.yaml");
    writeFileSync(yearsFixed, readFileSync(bad, "utf8").replace("year: 2016", "year: 2015"));
    const metric = await calibrate(yearsFixed, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((metric as ScenarioError).problems.map((p) => p.path)).toEqual(["targets.0.metric"]);
    expect((metric as ScenarioError).format()).toContain('no numeric metric "grassrootShare"');
  }, 60_000);

  it("Nelder–Mead recovers the tier constant that made the targets", async () => {
    const out = join(dir, "nm");
    const r = await calibrate(targetsFile, {
      method: "nelder-mead",
      budget: 30,
      replicates: 2,
      out,
      resume: false,
      threads: THREADS,
    });
    expect(Math.abs(r.best["choice.tierConstant.township"] - TRUE_VALUE)).toBeLessThan(0.1);
    // The same seeds as the targets' run: at the true value the fit would be exact.
    expect(r.bestDistance).toBeLessThan(1);
    expect(r.evaluations.length).toBeLessThanOrEqual(30);
    for (const f of ["calibration.json", "calibrated.yaml", "calibration-fit.svg", "calibration-trace.svg"])
      expect(existsSync(join(out, f)), f).toBe(true);
    // calibrated.yaml extends the input and sets the fitted value, runnable as is.
    const calibrated = await loadScenario(join(out, "calibrated.yaml"));
    expect(calibrated.scenario.choice.tierConstant.township).toBe(r.fitted["choice.tierConstant.township"]);
    expect(calibrated.scenario.run.population).toBe(6000); // from the input it extends
    expect(readFileSync(join(out, "calibrated.yaml"), "utf8")).toContain("extends: ../small.yaml");
  }, 120_000);

  let abc: CalibrationRecord;
  it("ABC-SMC's posterior covers the true value, and the targets constrain the parameter", async () => {
    abc = await calibrate(targetsFile, {
      method: "abc-smc",
      budget: 60,
      particles: 12,
      replicates: 2,
      out: join(dir, "abc"),
      resume: false,
      threads: THREADS,
    });
    const [p] = abc.parameters;
    expect(p.posteriorMean).toBeDefined();
    expect(Math.abs((p.posteriorMean ?? 0) - TRUE_VALUE)).toBeLessThan(3 * (p.posteriorSd ?? 0) + 0.05);
    // Prior U(−1, 1) has sd 2/√12 ≈ 0.577: the targets narrow it by more than half.
    expect(p.priorSd).toBeCloseTo(2 / Math.sqrt(12), 12);
    expect(p.widthRatio).toBeLessThan(0.5);
    expect(p.identified).toBe("constrained");
    expect(abc.evaluations.length).toBeLessThanOrEqual(60);
    expect(existsSync(join(dir, "abc", "calibration-posterior.svg"))).toBe(true);
  }, 240_000);

  it("resumes an interrupted calibration without losing or repeating an evaluation", async () => {
    const out = join(dir, "resume");
    const options = {
      method: "abc-smc" as const,
      budget: 60,
      particles: 12,
      replicates: 2,
      out,
      threads: THREADS,
    };
    await expect(
      calibrate(targetsFile, {
        ...options,
        resume: false,
        onEvaluation: (n) => {
          if (n === 17) throw new Error("interrupted");
        },
      }),
    ).rejects.toThrow("interrupted");
    const resumed = await calibrate(targetsFile, { ...options, resume: true });
    // The same sequence as the uninterrupted run above: every set and distance, in order.
    expect(resumed.evaluations.map((e) => [e.theta, e.distance])).toEqual(
      abc.evaluations.map((e) => [e.theta, e.distance]),
    );
    expect(resumed.fitted).toEqual(abc.fitted);
  }, 240_000);

  it("validate-fit scores a calibrated scenario against targets it was not fitted to", async () => {
    const out = join(dir, "validate");
    const result = await validateFit(join(dir, "nm", "calibrated.yaml"), targetsFile, {
      replicates: 2,
      out,
      threads: THREADS,
    });
    expect(result.fit.map((f) => f.id)).toEqual(["grassroots", "county"]);
    expect(result.distance).toBeLessThan(2);
    expect(existsSync(join(out, "fit.json"))).toBe(true);
  }, 120_000);
});
