/**
 * The command line's side of the shell's reliability (issue 15 item 8): --out checked before
 * simulating and replaced whole, --threads clamped, files that are not regular refused, and text
 * echoed to the terminal stripped of control sequences. Runs bin/tiersim.js as a user would.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MARKER } from "../sim/output-dir.ts";
import { defaultThreads } from "../sim/pipeline/parallel.ts";

const root = join(import.meta.dirname, "..");
const SMALL = "test/fixtures/small-city.yaml"; // 5 partitions, 10,000 residents, one year
const tiersim = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin", "tiersim.js"), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });

describe("tiersim run --out", () => {
  it("exits 2 at once, before simulating, when a file is in the folder's place", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tiersim-cli-out-")), "results");
    writeFileSync(file, "not a folder");
    // 5 million residents for 10 years would take many minutes to simulate: the refusal comes first.
    const r = tiersim("run", SMALL, "--population", "5000000", "--years", "10", "--out", file);
    expect(r.error).toBeUndefined(); // not killed by the timeout
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `--out ${file}: ${file} is a file, not a folder: give a folder for the outputs, or remove the file\n`,
    );
    expect(r.stdout).toBe("");
  });

  it("exits 2 at once when the folder cannot be written", () => {
    const r = tiersim("run", SMALL, "--population", "5000000", "--years", "10", "--out", "/sys/tiersim-out");
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "--out /sys/tiersim-out: cannot create /sys/tiersim-out: no permission to write there (in /sys)\n",
    );
  });

  it("a rerun replaces an earlier run's outputs whole (no stale chart), and --threads is clamped to cores and tasks", () => {
    const out = join(mkdtempSync(join(tmpdir(), "tiersim-cli-rerun-")), "out");
    // An earlier run's folder, with a chart this run does not draw.
    mkdirSync(out);
    for (const f of [MARKER, "metrics.json", "old-chart.svg", "old-chart.vl.json"])
      writeFileSync(join(out, f), "");
    const r = tiersim("run", SMALL, "--threads", "64", "--out", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const files = readdirSync(out);
    expect(files).not.toContain("old-chart.svg");
    expect(files).not.toContain("old-chart.vl.json");
    for (const f of [MARKER, "metrics.json", "report.html", "tier-share.svg"]) expect(files).toContain(f);
    // No more threads than this machine's cores, nor than the run's 5 partitions.
    const used = Math.min(64, defaultThreads(), 5);
    expect(r.stdout).toMatch(new RegExp(`events in [\\d.]+ s on ${used} thread\\(s\\)\\n`));
  }, 90_000);
});

describe("files that are not regular", () => {
  it("a FIFO as the scenario exits 2 with a message, without waiting for a writer", () => {
    const fifo = join(mkdtempSync(join(tmpdir(), "tiersim-cli-fifo-")), "scenario.yaml");
    execFileSync("mkfifo", [fifo]);
    const r = tiersim("validate", fifo);
    expect(r.error).toBeUndefined(); // a blocked read would be killed by the timeout
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `${fifo}: cannot read the scenario file: it is a FIFO (named pipe), not a regular file\n`,
    );
  });

  it("/dev/zero as the scenario exits 2 with a message", () => {
    const r = tiersim("validate", "/dev/zero");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "/dev/zero: cannot read the scenario file: it is a character device, not a regular file\n",
    );
  });
});

describe("text echoed to the terminal", () => {
  // ESC, BEL, CR, the 8-bit CSI and bidi overrides are what a terminal obeys.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it("a scenario's name is echoed without its control sequences", () => {
    const r = tiersim("validate", "test/fixtures/escape-name.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('test/fixtures/escape-name.yaml: valid scenario "evil name redmovedolleh"\n');
  });

  it("a file name in an error message is echoed without its control sequences", () => {
    const dir = mkdtempSync(join(tmpdir(), "tiersim-cli-esc-"));
    const r = tiersim("validate", join(dir, "\u001b[2J\u001b]0;pwned\u0007x\ry.yaml"));
    expect(r.status).toBe(2);
    // Escape sequences removed; the carriage return, like any line break, printed as a space.
    expect(r.stderr).toBe(`${dir}/x y.yaml: cannot read the scenario file: no such file\n`);
    expect(r.stderr).not.toMatch(CONTROL);
  });

  it("a value in an error message is echoed without its control sequences", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tiersim-cli-esc-")), "s.yaml");
    writeFileSync(file, 'name: x\nrun: { population: 1000 }\nfacilities: { "\\x9b2J\\e[31mred": 1 }\n');
    const r = tiersim("validate", file);
    expect(r.status).toBe(2);
    // The 8-bit CSI removed; ESC shown escaped, as quoted values are written ("\u001b").
    expect(r.stderr).toMatch(/: facilities\.red: unknown field "\\u001b\[31mred"/);
    expect(r.stderr).not.toMatch(CONTROL);
  });
});
