import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioSchema } from "../models/scenario.ts";
import { formatComparison } from "../reports/compare-report.ts";
import { writeComparison } from "../sim/commands/compare.ts";
import {
  compare,
  differingFields,
  pairedDifference,
  unpairedDifference,
  withField,
} from "../sim/experiments/compare.ts";

describe("difference intervals", () => {
  it("paired: the t interval of the replications' differences (hand computation)", () => {
    // d = [1, 2, 2]: mean 5/3, sd √(1/3), t(0.975, 2) = 4.302653.
    const d = pairedDifference([1, 2, 3], [2, 4, 5]);
    expect(d.diff).toBeCloseTo(5 / 3, 12);
    expect(d.upper - d.diff).toBeCloseTo((4.302653 * Math.sqrt(1 / 3)) / Math.sqrt(3), 5);
  });

  it("unpaired: Welch's interval with whole degrees of freedom (hand computation)", () => {
    // var a = 1, var b = 7/3, n = 3: se = √(10/9); Welch df = 3.45 → 3, t(0.975, 3) = 3.182446.
    const d = unpairedDifference([1, 2, 3], [2, 4, 5]);
    expect(d.diff).toBeCloseTo(5 / 3, 12);
    expect(d.upper - d.diff).toBeCloseTo(3.182446 * Math.sqrt(10 / 9), 5);
  });
});

const dir = mkdtempSync(join(tmpdir(), "tiersim-compare-"));
const baseline = join(process.cwd(), "scenarios", "baseline.yaml");
const reformFile = join(dir, "reform.yaml");
writeFileSync(
  reformFile,
  `extends: ${baseline}
name: "<b>reform</b> & co"
insurance: { schemes: { resident: { outpatient: { gaps: { county: 15 } } } } }
contracting: { coverage: { all: 0.5 } }
`,
);
const sets = ["run.population=6000", "run.years=1", "run.replications=4"];

describe("fields that differ", () => {
  it("finds the levers a scenario changes and nothing else (not its name or run block)", async () => {
    const { loadScenario } = await import("../sim/scenario/loader.ts");
    const a = (await loadScenario(baseline, { sets })).scenario;
    const b = (await loadScenario(reformFile, { sets: ["run.seed=7"] })).scenario;
    expect(differingFields(a, b).map((f) => f.path)).toEqual([
      "insurance.schemes.resident.outpatient.gaps.county",
      "contracting.coverage.all",
    ]);
    const one = withField(a, "contracting.coverage.all", 0.5);
    if (typeof one === "string") throw new Error(one);
    expect(one.contracting.coverage.all).toBe(0.5);
    expect(differingFields(one, b).map((f) => f.path)).toEqual([
      "insurance.schemes.resident.outpatient.gaps.county",
    ]);
    expect(typeof withField(ScenarioSchema.parse({}), "contracting.coverage.all", 7)).toBe("string");
  });
});

describe("tiersim compare", () => {
  it("pairs replications (common random numbers): far narrower than unpaired; tornado, targets and files", async () => {
    const result = await compare([baseline, reformFile], { sets, threads: 1 });
    const c = result.comparison;
    expect(c.paired).toBe(true);
    expect(c.inputs.map((i) => i.replications)).toEqual([4, 4]);
    const share = c.metrics.find((m) => m.path === "grassrootsShare");
    if (!share) throw new Error("no grassroots share");
    const { paired, unpaired } = share.versusFirst[0];
    if (!paired) throw new Error("not paired");
    // Both fields move first contact toward the grassroots (README lever table): the share rises.
    expect(paired.lower).toBeGreaterThan(0);
    expect(paired.upper - paired.lower).toBeLessThan(unpaired.upper - unpaired.lower);
    // Same diff either way; only the interval differs.
    expect(paired.diff).toBeCloseTo(unpaired.diff, 12);
    // The tornado ran each differing field alone.
    expect(c.tornado).toHaveLength(1);
    expect(c.tornado[0].bars.map((b) => b.field).sort()).toEqual([
      "contracting.coverage.all",
      "insurance.schemes.resident.outpatient.gaps.county",
    ]);
    for (const bar of c.tornado[0].bars) {
      expect(bar.effect.diff).toBeGreaterThan(0);
      expect(bar.removed?.diff).toBeGreaterThan(0);
    }
    // Targets scored in each run.
    expect(c.targets.length).toBeGreaterThan(0);
    for (const t of c.targets) expect(t.met).toHaveLength(2);
    const text = formatComparison(c);
    expect(text).toContain("Paired by replication");
    expect(text).toContain("contracting.coverage.all");

    const out = join(dir, "out");
    await writeComparison(out, result);
    for (const f of [
      "compare.json",
      "comparison.csv",
      "targets.csv",
      "compare.html",
      "tornado-1.svg",
      "compare-monthly-grassroots-share.svg",
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.scenario.name).toBe("baseline");
    expect(manifest.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.design.inputs.map((i: { label: string }) => i.label)).toEqual([
      "baseline",
      "<b>reform</b> & co",
    ]);
    expect(existsSync(join(out, "runs", "baseline", "manifest.json"))).toBe(true);
    const csv = readFileSync(join(out, "comparison.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(1 + c.metrics.length);
    const html = readFileSync(join(out, "compare.html"), "utf8");
    expect(html).toContain("&lt;b&gt;reform&lt;/b&gt; &amp; co");
    expect(html).not.toContain("<b>reform</b>");

    // Finished run folders compare to the same numbers as the scenarios did.
    expect(readdirSync(join(out, "runs")).sort()).toEqual(["b_reform_b_co", "baseline"]);
    const again = await compare([join(out, "runs", "baseline"), join(out, "runs", "b_reform_b_co")], {
      threads: 1,
    });
    expect(again.comparison.paired).toBe(true);
    expect(again.comparison.metrics).toEqual(c.metrics);
    expect(again.comparison.tornado).toEqual([]);
  }, 120_000);

  it("does not pair runs with different seeds, and says why", async () => {
    const a = await compare([baseline, reformFile], {
      sets: [...sets, "run.seed=1"],
      threads: 1,
      tornado: false,
    });
    const outA = join(dir, "a");
    await writeComparison(outA, a);
    const b = await compare([baseline, reformFile], {
      sets: [...sets, "run.seed=2"],
      threads: 1,
      tornado: false,
    });
    const outB = join(dir, "b");
    await writeComparison(outB, b);
    const mixed = await compare([join(outA, "runs", "baseline"), join(outB, "runs", "baseline")], {
      threads: 1,
    });
    expect(mixed.comparison.paired).toBe(false);
    expect(mixed.comparison.pairingNote).toContain("seed");
    expect(mixed.comparison.metrics[0].versusFirst[0].paired).toBeNull();
  }, 120_000);
});
