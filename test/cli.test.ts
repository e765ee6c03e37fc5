import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const tiersim = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin", "tiersim.js"), ...args], { cwd: root, encoding: "utf8" });

describe("tiersim CLI", () => {
  it("runs a scenario and writes metrics.json, report.html and the charts", () => {
    const out = mkdtempSync(join(tmpdir(), "tiersim-cli-"));
    const r = tiersim(
      "run",
      "scenarios/baseline.yaml",
      "--population",
      "20000",
      "--years",
      "1",
      "--threads",
      "1",
      "--out",
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Grassroots share of visits/);
    expect(r.stdout).toMatch(/grassroots-share-2017-national/);
    for (const f of ["metrics.json", "report.html", "tier-share.svg", "visits-by-tier.svg"])
      expect(existsSync(join(out, f)), f).toBe(true);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.population).toBe(20000);
    expect(metrics.years).toBe(1);
    expect(metrics.summary.visitsByTier.village).toBeGreaterThan(0);
  });

  it("validates a good scenario with exit code 0", () => {
    const r = tiersim("validate", "scenarios/baseline.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/valid scenario "baseline"/);
  });

  it("rejects a bad scenario with exit code 2, one line per problem and no stack trace", () => {
    const r = tiersim("validate", "scenarios/invalid/wrong-type.yaml");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^scenarios\/invalid\/wrong-type\.yaml:\d+:\d+: run\.population: expected a number/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a bad --set on run with exit code 2 before simulating", () => {
    const r = tiersim(
      "run",
      "scenarios/baseline.yaml",
      "--set",
      "run.populaton=5",
      "--out",
      join(tmpdir(), "never"),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--set run\.populaton=5: run\.populaton: unknown field "populaton".*population/);
    expect(existsSync(join(tmpdir(), "never", "metrics.json"))).toBe(false);
  });

  it("rejects a bad flag value with exit code 2", () => {
    const r = tiersim("run", "scenarios/baseline.yaml", "--threads", "0");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--threads must be a whole number/);
  });
});
