import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricValue } from "../models/outcomes/calibration-checks.ts";
import { canonicalJson, type Manifest, scenarioHash } from "../sim/experiments/manifest.ts";
import { type SweepOptions, type SweepResult, sweep } from "../sim/experiments/sweep.ts";
import { DEFAULT_SWEEP_METRICS, parseVary, planDesign } from "../sim/experiments/sweep-design.ts";
import { runScenario } from "../sim/run.ts";
import { loadScenario, ScenarioError } from "../sim/scenario/loader.ts";
import { TIERSIM_VERSION } from "../sim/version.ts";

/**
 * `tiersim sweep` end to end on a small world (4,000 residents, one year): the tables' shape and
 * agreement, a lever's direction across a grid, common random numbers and world reuse (a run is
 * byte for byte the run `tiersim run --set` gives), resume after an interruption, the manifest,
 * Morris screening of a lever the run never reads, and validation before any run.
 */

const root = resolve(import.meta.dirname, "..");
const BASE = join(root, "scenarios", "baseline.yaml");
const SETS = ["run.population=4000", "run.years=1"];
const NCMS_GAP = "insurance.schemes.ncms.outpatient.gaps.county";
const RESIDENT_GAP = "insurance.schemes.resident.outpatient.gaps.county";
const GRID = [`${NCMS_GAP}=0,10,20`, `${RESIDENT_GAP}=0,20`];
const THREADS = 2;
const dir = mkdtempSync(join(tmpdir(), "tiersim-sweep-"));
const COMMAND = ["node", "tiersim", "sweep", "baseline.yaml"];

const gridOptions = (out: string, extra: Partial<SweepOptions> = {}): SweepOptions => ({
  vary: GRID,
  sets: SETS,
  threads: THREADS,
  out: join(dir, out),
  command: COMMAND,
  ...extra,
});

const csvRows = (path: string): Record<string, string>[] =>
  parseCsv(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true });

let grid: SweepResult;

beforeAll(async () => {
  grid = await sweep(BASE, gridOptions("grid"));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tiersim sweep: a grid", () => {
  it("writes one row per run and metric, the same rows in runs.csv and runs.parquet", async () => {
    const metrics = DEFAULT_SWEEP_METRICS.length;
    expect(grid.runs).toBe(6);
    const csv = csvRows(join(grid.out, "runs.csv"));
    expect(csv).toHaveLength(6 * metrics);
    expect(Object.keys(csv[0])).toEqual(["run", NCMS_GAP, RESIDENT_GAP, "metric", "value"]);
    // The grid in order, the first --vary varying slowest.
    const points = [0, 1, 2, 3, 4, 5].map((run) => {
      const row = csv.find((r) => Number(r.run) === run) as Record<string, string>;
      return [Number(row[NCMS_GAP]), Number(row[RESIDENT_GAP])];
    });
    expect(points).toEqual([
      [0, 0],
      [0, 20],
      [10, 0],
      [10, 20],
      [20, 0],
      [20, 20],
    ]);
    const file = await asyncBufferFromFile(join(grid.out, "runs.parquet"));
    const parquet = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(parquet).toHaveLength(csv.length);
    parquet.forEach((p, i) => {
      const c = csv[i];
      expect(p.run).toBe(Number(c.run));
      expect(p[NCMS_GAP]).toBe(Number(c[NCMS_GAP]));
      expect(p[RESIDENT_GAP]).toBe(Number(c[RESIDENT_GAP]));
      expect(p.metric).toBe(c.metric);
      expect(p.value).toBe(Number(c.value));
    });
    const schema = (await parquetMetadataAsync(file)).schema.slice(1).map((s) => [s.name, s.type]);
    expect(schema).toEqual([
      ["run", "INT32"],
      [NCMS_GAP, "DOUBLE"],
      [RESIDENT_GAP, "DOUBLE"],
      ["metric", "BYTE_ARRAY"],
      ["value", "DOUBLE"],
    ]);
  });

  it("draws each metric against each field, as SVG, PNG and vega-lite spec", () => {
    for (const metric of DEFAULT_SWEEP_METRICS)
      for (const field of [NCMS_GAP, RESIDENT_GAP])
        for (const ext of ["svg", "png", "vl.json"])
          expect(
            existsSync(join(grid.out, `sweep-${metric}-${field}.${ext}`)),
            `${metric} ${field} ${ext}`,
          ).toBe(true);
    const spec = JSON.parse(
      readFileSync(join(grid.out, `sweep-grassrootsShare-${NCMS_GAP}.vl.json`), "utf8"),
    );
    expect(spec.layer[0].data?.values ?? spec.data.values).toHaveLength(6);
  });

  it("a wider county gap raises the grassroots share at every point of the grid", () => {
    const share = (ncms: number, resident: number) =>
      Number(
        csvRows(join(grid.out, "runs.csv")).find(
          (r) =>
            r.metric === "grassrootsShare" &&
            Number(r[NCMS_GAP]) === ncms &&
            Number(r[RESIDENT_GAP]) === resident,
        )?.value,
      );
    for (const resident of [0, 20]) {
      expect(share(10, resident)).toBeGreaterThan(share(0, resident));
      expect(share(20, resident)).toBeGreaterThan(share(10, resident));
    }
    for (const ncms of [0, 10, 20]) expect(share(ncms, 20)).toBeGreaterThan(share(ncms, 0));
    // Rural residents (NCMS) kept in their county's grassroots also stay in their county.
    const domestic = (ncms: number) =>
      Number(
        csvRows(join(grid.out, "runs.csv")).find(
          (r) =>
            r.metric === "countyDomesticRate" &&
            Number(r[NCMS_GAP]) === ncms &&
            Number(r[RESIDENT_GAP]) === 0,
        )?.value,
      );
    expect(domestic(20)).toBeGreaterThan(domestic(0));
  });

  it("runs each point as `tiersim run --set` does, with the same results with and without world reuse", async () => {
    // Run 4 (NCMS gap 20, resident gap 0) on its own: a fresh world, in this thread, no pool.
    const { scenario } = await loadScenario(BASE, { sets: [...SETS, `${NCMS_GAP}=20`, `${RESIDENT_GAP}=0`] });
    const { metrics } = await runScenario(scenario, { threads: 1 });
    const run4 = JSON.parse(readFileSync(join(grid.out, "runs", "4.json"), "utf8"));
    for (const m of DEFAULT_SWEEP_METRICS)
      expect(run4.metrics[m].value, m).toBe(metricValue(metrics.summary, m));
    // The whole sweep again without reusing worlds in this thread: the same bytes.
    const fresh = await sweep(BASE, gridOptions("grid-no-reuse", { reuseWorlds: false, charts: false }));
    expect(readFileSync(join(fresh.out, "runs.csv"), "utf8")).toBe(
      readFileSync(join(grid.out, "runs.csv"), "utf8"),
    );
    // Policy levers only: one world for the six runs; without reuse, one per run.
    expect(grid.worldsBuilt).toBe(1);
    expect(fresh.worldsBuilt).toBe(6);
  }, 120_000);
});

describe("tiersim sweep: resume", () => {
  it("resumes an interrupted sweep with no run lost or repeated, and the same runs.csv", async () => {
    const options = gridOptions("resume", { charts: false });
    await expect(
      sweep(BASE, {
        ...options,
        onRunWritten: (_, n) => {
          if (n === 2) throw new Error("interrupted");
        },
      }),
    ).rejects.toThrow("interrupted");
    const runsDir = join(options.out as string, "runs");
    const before = readdirSync(runsDir).filter((f) => /^\d+\.json$/.test(f));
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(6);
    expect(existsSync(join(options.out as string, "runs.csv"))).toBe(false);

    const rerun: number[] = [];
    const resumed = await sweep(BASE, {
      ...options,
      resume: true,
      onRunWritten: (index) => rerun.push(index),
    });
    const done = before.map((f) => Number.parseInt(f, 10));
    expect(resumed.simulated).toBe(6 - before.length);
    expect([...rerun, ...done].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(readdirSync(runsDir).filter((f) => /^\d+\.json$/.test(f))).toHaveLength(6);
    expect(readFileSync(join(resumed.out, "runs.csv"), "utf8")).toBe(
      readFileSync(join(grid.out, "runs.csv"), "utf8"),
    );

    // Resumed once more, there is nothing left to run.
    const again = await sweep(BASE, { ...options, resume: true });
    expect(again.simulated).toBe(0);
  }, 120_000);

  it("refuses to resume a sweep of another design or scenario, touching nothing", async () => {
    const out = grid.out;
    const csv = readFileSync(join(out, "runs.csv"), "utf8");
    const attempt = (extra: Partial<SweepOptions>) =>
      sweep(BASE, { ...gridOptions("grid"), resume: true, ...extra }).then(
        () => undefined,
        (e: unknown) => e,
      );
    const design = await attempt({ vary: [`${NCMS_GAP}=0,10`, `${RESIDENT_GAP}=0,20`] });
    expect(design).toBeInstanceOf(ScenarioError);
    expect((design as ScenarioError).format()).toMatch(
      /manifest\.json: design: the sweep in .* has another design \(its fields, points differ\)/,
    );
    const scenario = await attempt({ sets: [...SETS, "run.seed=5"] });
    expect(scenario).toBeInstanceOf(ScenarioError);
    expect((scenario as ScenarioError).format()).toMatch(
      /scenarioHash: the sweep in .* ran another scenario/,
    );
    const metrics = await attempt({ metrics: ["grassrootsShare"] });
    expect((metrics as ScenarioError).format()).toMatch(/its metrics differs/);
    expect(readFileSync(join(out, "runs.csv"), "utf8")).toBe(csv);
  });
});

describe("tiersim sweep: manifest", () => {
  it("records the merged scenario, its hash, seeds, versions, command and design", async () => {
    const manifest = JSON.parse(readFileSync(join(grid.out, "manifest.json"), "utf8")) as Manifest;
    const { scenario } = await loadScenario(BASE, { sets: SETS });
    expect(manifest.scenario).toEqual(JSON.parse(JSON.stringify(scenario)));
    expect(manifest.tiersim).toBe(TIERSIM_VERSION);
    expect(manifest.node).toBe(process.version);
    expect(manifest.command).toEqual(COMMAND);
    expect(manifest.seeds).toEqual({ simulation: 20150101, replications: 1 });
    const design = manifest.design as Record<string, unknown>;
    expect(design.method).toBe("grid");
    expect(design.fields).toEqual([
      { path: NCMS_GAP, argument: GRID[0], values: [0, 10, 20] },
      { path: RESIDENT_GAP, argument: GRID[1], values: [0, 20] },
    ]);
    expect(design.points).toHaveLength(6);
    expect(design.metrics).toEqual([...DEFAULT_SWEEP_METRICS]);
    // The hash: of the canonical JSON, so the same whatever the route to the same scenario.
    expect(manifest.scenarioHash).toBe(scenarioHash(manifest.scenario));
    expect(manifest.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    const child = join(dir, "child.yaml");
    writeFileSync(child, `extends: ${relative(dir, BASE)}\nrun: { years: 1, population: 4000 }\n`);
    const viaExtends = (await loadScenario(child)).scenario;
    expect(canonicalJson(viaExtends)).toBe(canonicalJson(scenario));
    expect(scenarioHash(viaExtends)).toBe(manifest.scenarioHash);
    expect(scenarioHash((await loadScenario(BASE, { sets: [...SETS, "run.seed=2"] })).scenario)).not.toBe(
      manifest.scenarioHash,
    );
  });
});

describe("tiersim sweep: replications", () => {
  it("adds the mean over replications and its 95% interval", async () => {
    const result = await sweep(BASE, {
      vary: ["referral.compliance=0.6,0.9"],
      sets: [...SETS, "run.replications=2"],
      metrics: ["grassrootsShare", "visitsPerPersonYear"],
      threads: THREADS,
      out: join(dir, "replications"),
      charts: false,
    });
    const csv = csvRows(join(result.out, "runs.csv"));
    expect(csv).toHaveLength(4);
    expect(Object.keys(csv[0])).toEqual([
      "run",
      "referral.compliance",
      "metric",
      "value",
      "mean",
      "lower",
      "upper",
    ]);
    for (const r of csv) {
      expect(Number(r.lower)).toBeLessThan(Number(r.mean));
      expect(Number(r.mean)).toBeLessThan(Number(r.upper));
    }
    const parquet = (await parquetReadObjects({
      file: await asyncBufferFromFile(join(result.out, "runs.parquet")),
    })) as Record<string, unknown>[];
    parquet.forEach((p, i) => {
      for (const k of ["value", "mean", "lower", "upper"]) expect(p[k]).toBe(Number(csv[i][k]));
    });
  }, 120_000);
});

describe("tiersim sweep: Morris screening", () => {
  it("ranks a lever the run reads above one it never reads, whose effect is exactly 0", async () => {
    // Under fee-for-service payment the per-case cost factor is never read: with common random
    // numbers every run that changes only it gives the same results, so its μ* and σ are 0.
    const result = await sweep(BASE, {
      vary: [`${NCMS_GAP}=0:20`, "payment.perCaseCostFactor=0.9:1"],
      screen: true,
      trajectories: 2,
      metrics: ["grassrootsShare"],
      sets: SETS,
      threads: THREADS,
      out: join(dir, "screen"),
    });
    expect(result.runs).toBe(6);
    const rows = csvRows(join(result.out, "screening.csv"));
    expect(rows.map((r) => [r.rank, r.field])).toEqual([
      ["1", NCMS_GAP],
      ["2", "payment.perCaseCostFactor"],
    ]);
    expect(Number(rows[0].mu_star)).toBeGreaterThan(0.002);
    expect(Number(rows[0].mu)).toBeGreaterThan(0);
    expect(rows[1].mu_star).toBe("0");
    expect(rows[1].sigma).toBe("0");
    expect(existsSync(join(result.out, "screening-grassrootsShare.svg"))).toBe(true);
  }, 120_000);

  it("with no --vary, screens the lever catalogue, r × (k + 1) runs", async () => {
    const { scenario } = await loadScenario(BASE, { sets: SETS });
    const { design, problems } = planDesign(
      [],
      { vary: [], screen: true, trajectories: 3 },
      scenario.run.seed,
    );
    expect(problems).toEqual([]);
    expect(design?.method).toBe("morris");
    const k = design?.fields.length ?? 0;
    expect(k).toBeGreaterThanOrEqual(10);
    expect(design?.points).toHaveLength(3 * (k + 1));
    for (const f of design?.fields ?? []) expect(f.source).toBeTruthy();
  });
});

describe("tiersim sweep: Latin hypercube", () => {
  it("draws N points, one in each of N strata of every range, the same for the same seed", async () => {
    const { scenario } = await loadScenario(BASE, { sets: SETS });
    const request = {
      vary: ["referral.compliance=0.6:0.95", "contracting.coverage.all=0.2:0.6"],
      samples: 8,
    };
    const { fields } = parseVary(request.vary, scenario);
    const { design } = planDesign(fields, request, 1);
    expect(design?.points).toHaveLength(8);
    const strata = (j: number, lo: number, hi: number) =>
      design?.points.map((p) => Math.floor((((p[j] as number) - lo) / (hi - lo)) * 8)).sort((a, b) => a - b);
    expect(strata(0, 0.6, 0.95)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(strata(1, 0.2, 0.6)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(planDesign(fields, request, 1).design?.points).toEqual(design?.points);
    expect(planDesign(fields, request, 2).design?.points).not.toEqual(design?.points);
  });
});

describe("tiersim sweep: validation before any run", () => {
  it("exits 2 with one line per problem, each naming its --vary argument, and runs nothing", () => {
    const out = join(dir, "never");
    const r = spawnSync(
      process.execPath,
      [
        join(root, "bin", "tiersim.js"),
        "sweep",
        BASE,
        "--vary",
        "insurance.schemes.ncms.outpatient.gaps.cuonty=0,5",
        "--vary",
        "referral.compliance=0.5,abc",
        "--vary",
        "referral.downward=0.5:0.2",
        "--population",
        "4000",
        "--out",
        out,
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^--vary insurance\.schemes\.ncms\.outpatient\.gaps\.cuonty=0,5: .*cuonty.*did you mean "county"/,
    );
    expect(lines[1]).toMatch(
      /^--vary referral\.compliance=0\.5,abc: referral\.compliance: expected a number, got string "abc"/,
    );
    expect(lines[2]).toMatch(
      /^--vary referral\.downward=0\.5:0\.2: referral\.downward: a range needs lo < hi/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  const problemsOf = async (options: Partial<SweepOptions>): Promise<string> => {
    const error = await sweep(BASE, {
      vary: [],
      sets: SETS,
      threads: 1,
      out: join(dir, "never"),
      ...options,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).format();
  };

  it("says which design point or value is invalid, and why", async () => {
    expect(await problemsOf({ vary: ["referral.compliance=0.5,1.5"] })).toMatch(
      /^--vary referral\.compliance=0\.5,1\.5: referral\.compliance: .*1\.5/,
    );
    expect(await problemsOf({ vary: ["alliances.rotation.capabilityLevels=0:2"], samples: 4 })).toMatch(
      /capabilityLevels: .*inside the range.*give a list, e\.g\. alliances\.rotation\.capabilityLevels=0,2/,
    );
    expect(await problemsOf({ vary: ["referral.downward=0.2:0.5"] })).toMatch(
      /add --samples N .* or --screen/,
    );
    expect(
      await problemsOf({ vary: ["referral.downward=0.2:0.5", "referral.compliance=0.6,0.9"], samples: 4 }),
    ).toMatch(
      /--vary referral\.compliance=0\.6,0\.9: referral\.compliance: a list of values .* cannot be mixed with ranges/,
    );
    expect(await problemsOf({ vary: ["run.seed=1,2"] })).toMatch(/common random numbers/);
    expect(await problemsOf({ vary: ["referral.downward=0.2,0.5"], metrics: ["grasrootsShare"] })).toMatch(
      /^--metrics: grasrootsShare: no numeric metric "grasrootsShare" .*did you mean "grassrootsShare"/,
    );
    expect(await problemsOf({ screen: true, levels: 3 })).toMatch(
      /--levels: Morris levels must be an even number/,
    );
    expect(await problemsOf({})).toMatch(/^--vary: nothing to vary/);
  });
});
