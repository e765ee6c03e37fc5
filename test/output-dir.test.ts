/**
 * The output folder of a run (issue 15 item 8, sim/output-dir.ts): its default name stays inside
 * out/ and keeps Chinese letters; a folder that cannot be written is refused before simulating;
 * a rerun replaces the folder whole, leaving no file of the earlier run.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkOutDir, defaultOutDir, MARKER, replaceDirAtomically } from "../sim/output-dir.ts";
import { ScenarioError } from "../sim/scenario/errors.ts";

const HAN = /\p{Script=Han}/u;
const han = (s: string) => [...s].filter((c) => HAN.test(c)).join("");

describe("defaultOutDir", () => {
  /** The folder `dir` names, relative to out/, checked to lie inside it. */
  function insideOut(dir: string): string {
    const rel = relative(resolve("out"), resolve(dir));
    expect(rel).not.toBe("");
    expect(isAbsolute(rel)).toBe(false);
    expect(rel.split(sep)[0]).not.toBe("..");
    expect(rel.split(sep)).toHaveLength(1); // one folder, directly in out/
    return rel;
  }

  it("keeps Chinese letters and turns what is not a letter, digit, '.', '-' or '_' into '_'", () => {
    expect(defaultOutDir("温州 2014")).toBe(join("out", "温州_2014"));
    expect(defaultOutDir("九江/分级诊疗")).toBe(join("out", "九江_分级诊疗"));
    expect(defaultOutDir("baseline")).toBe(join("out", "baseline"));
  });

  it("never names out/ itself or a folder outside it", () => {
    for (const name of [
      "..",
      ".",
      "../../etc",
      "../..",
      "/etc/passwd",
      "a/../../b",
      "...",
      "",
      " ",
      "\u0000",
      "\\..\\..",
    ])
      insideOut(defaultOutDir(name));
    expect(defaultOutDir("..")).toBe(join("out", "unnamed"));
    expect(defaultOutDir("../../etc")).toBe(join("out", "_.._etc"));
  });

  it("property: any name gives one non-empty folder inside out/", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (name) => {
        const folder = insideOut(defaultOutDir(name));
        expect(folder.length).toBeGreaterThan(0);
        expect(Buffer.byteLength(folder)).toBeLessThanOrEqual(120);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: the Chinese letters of a name are kept, in order", () => {
    const cjk = fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c));
    const other = fc.constantFrom(" ", "/", ".", "..", "-", "_", "a", "Z", "9", "（", "）", "·", "\u001b[2J");
    fc.assert(
      fc.property(fc.array(fc.oneof(cjk, other), { maxLength: 30 }), (parts) => {
        const name = parts.join("");
        expect(han(defaultOutDir(name))).toBe(han(name));
      }),
      { numRuns: 2000 },
    );
  });
});

/** The one problem checkOutDir reports for `path`, formatted as the CLI prints it. */
function refusal(path: string): string {
  try {
    checkOutDir(path);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    expect(error.problems).toHaveLength(1);
    return error.format();
  }
  throw new Error(`expected --out ${path} to be refused`);
}

describe("checkOutDir", () => {
  const base = mkdtempSync(join(tmpdir(), "tiersim-outdir-"));

  it("accepts a new folder (parents made later), an empty one and one an earlier run wrote", () => {
    checkOutDir(join(base, "new", "deeper", "run"));
    mkdirSync(join(base, "empty"));
    checkOutDir(join(base, "empty"));
    const earlier = join(base, "earlier");
    mkdirSync(earlier);
    writeFileSync(join(earlier, MARKER), "");
    writeFileSync(join(earlier, "notes.txt"), "");
    checkOutDir(earlier);
    // Written before the marker existed: metrics.json beside output files only.
    const legacy = join(base, "legacy");
    mkdirSync(legacy);
    for (const f of ["metrics.json", "report.html", "tier-share.svg", "tier-share.png", "tier-share.vl.json"])
      writeFileSync(join(legacy, f), "");
    mkdirSync(join(legacy, "tables"));
    checkOutDir(legacy);
  });

  it("refuses a file in the folder's place, naming the path and the problem", () => {
    const file = join(base, "a-file");
    writeFileSync(file, "x");
    expect(refusal(file)).toBe(
      `--out ${file}: ${file} is a file, not a folder: give a folder for the outputs, or remove the file`,
    );
    expect(refusal(join(file, "run"))).toBe(
      `--out ${join(file, "run")}: a part of ${join(file, "run")} is a file, not a folder`,
    );
  });

  it("refuses a folder it cannot write in", () => {
    expect(refusal("/sys/tiersim-out")).toBe(
      "--out /sys/tiersim-out: cannot create /sys/tiersim-out: no permission to write there (in /sys)",
    );
  });

  it.skipIf(process.getuid?.() === 0)("refuses a folder whose parent is read-only to this user", () => {
    const locked = join(base, "locked");
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    try {
      expect(refusal(join(locked, "run"))).toMatch(/no permission to write there/);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it("refuses to replace a folder of files that no run wrote (a mistaken --out . or --out ~)", () => {
    const home = join(base, "home");
    mkdirSync(home);
    writeFileSync(join(home, "thesis.docx"), "");
    expect(refusal(home)).toMatch(/holds files that no tiersim run wrote \(such as "thesis\.docx"\)/);
    expect(refusal(".")).toMatch(/holds files that no tiersim run wrote/);
  });
});

describe("replaceDirAtomically", () => {
  const base = mkdtempSync(join(tmpdir(), "tiersim-replace-"));
  const writeCharts =
    (...names: string[]) =>
    async (dir: string) => {
      for (const n of names) writeFileSync(join(dir, n), n);
    };

  it("creates the folder and its parents, with the marker", async () => {
    const out = join(base, "a", "b", "run");
    await replaceDirAtomically(out, writeCharts("metrics.json", "x.svg"));
    expect(readdirSync(out).sort()).toEqual([MARKER, "metrics.json", "x.svg"]);
  });

  it("a rerun writing fewer charts leaves none of the earlier run's files", async () => {
    const out = join(base, "rerun");
    await replaceDirAtomically(out, writeCharts("metrics.json", "old-chart.svg", "old-chart.vl.json"));
    await replaceDirAtomically(out, writeCharts("metrics.json", "new-chart.svg"));
    expect(readdirSync(out).sort()).toEqual([MARKER, "metrics.json", "new-chart.svg"]);
    // No temporary or trash folder is left beside it.
    expect(readdirSync(base).filter((n) => n.includes("rerun"))).toEqual(["rerun"]);
  });

  it("a failed write leaves the earlier outputs whole and nothing beside them", async () => {
    const out = join(base, "kept");
    await replaceDirAtomically(out, writeCharts("metrics.json", "chart.svg"));
    const failing = async (dir: string) => {
      writeFileSync(join(dir, "metrics.json"), "half");
      throw new Error("disk full");
    };
    await expect(replaceDirAtomically(out, failing)).rejects.toThrow("disk full");
    expect(readdirSync(out).sort()).toEqual([MARKER, "chart.svg", "metrics.json"]);
    expect(readFileSync(join(out, "metrics.json"), "utf8")).toBe("metrics.json");
    expect(readdirSync(base).filter((n) => n.includes("kept"))).toEqual(["kept"]);
  });

  it("replaces the folder a symbolic link points to, keeping the link", async () => {
    const real = join(base, "real");
    await replaceDirAtomically(real, writeCharts("metrics.json", "old.svg"));
    const link = join(base, "link");
    symlinkSync(real, link);
    await replaceDirAtomically(link, writeCharts("metrics.json"));
    expect(readdirSync(real).sort()).toEqual([MARKER, "metrics.json"]);
    expect(existsSync(join(link, "metrics.json"))).toBe(true);
  });

  it("refuses, before writing, a folder that is not an earlier run's", async () => {
    const foreign = join(base, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "data.xlsx"), "");
    let wrote = false;
    await expect(
      replaceDirAtomically(foreign, async () => {
        wrote = true;
      }),
    ).rejects.toThrow(ScenarioError);
    expect(wrote).toBe(false);
    expect(readdirSync(foreign)).toEqual(["data.xlsx"]);
  });
});
