/**
 * What the loader reads (issue 15 item 8): YAML aliases are copies, a units file named by --set
 * is the one read, only regular files of bounded size are read, and units CSVs are read strictly.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildWorld } from "../models/world.ts";
import { loadScenario, parseScenarioText, ScenarioError } from "../sim/scenario/loader.ts";

const OTHER_UNITS = "test/fixtures/units-other-city.csv";

async function loadError(file: string, sets: string[] = []): Promise<ScenarioError> {
  try {
    await loadScenario(file, { sets });
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error(`expected ${file} to be refused`);
}

function parseError(...args: Parameters<typeof parseScenarioText>): ScenarioError {
  try {
    parseScenarioText(...args);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error("expected the scenario to be refused");
}

describe("YAML aliases", () => {
  const ALIASED = `
name: aliases
run: { population: 1000 }
insurance:
  schemes:
    employee:
      outpatient: &op { grassrootsRate: 0.5, gapUnit: points, gaps: { county: 5, city: 5, outOfRegion: 5 } }
    resident:
      outpatient: *op
    ncms:
      outpatient: *op
`;

  it("give each alias its own copy: --set on one aliased block leaves the anchor and the other alias as written", () => {
    const { scenario } = parseScenarioText(ALIASED, "aliases.yaml", [
      "insurance.schemes.resident.outpatient.gaps.county=15",
    ]);
    const { employee, resident, ncms } = scenario.insurance.schemes as Record<
      string,
      { outpatient: { gaps: { county: number } } }
    >;
    expect(resident.outpatient.gaps.county).toBe(15);
    expect(employee.outpatient.gaps.county).toBe(5);
    expect(ncms.outpatient.gaps.county).toBe(5);
  });

  it("in a --set value too", () => {
    const { scenario } = parseScenarioText("name: x\nrun: { population: 1000 }\n", "x.yaml", [
      "insurance.schemes.resident.inpatient={deductible: &d {township: 0.5, county: 0.5, tertiary: 0.5, outOfRegion: 0.5}, rate: *d}",
      "insurance.schemes.resident.inpatient.rate.county=0.9",
    ]);
    const { inpatient } = scenario.insurance.schemes.resident;
    expect(inpatient.rate.county).toBe(0.9);
    expect(inpatient.deductible.county).toBe(0.5);
  });
});

describe("--set geography.unitsFile", () => {
  it("is the units file read, relative to the current folder, in place of the scenario's own", async () => {
    const { scenario } = await loadScenario("scenarios/example-units.yaml", {
      sets: [`geography.unitsFile=${OTHER_UNITS}`, "facilities.changes=[]"],
    });
    expect(scenario.geography.unitsFile).toBe(OTHER_UNITS);
    expect(scenario.geography.units?.map((u) => u.village)).toEqual([
      "五马-1",
      "五马-2",
      "南汇-1",
      "安阳-1",
      "安阳-2",
      "马屿-1",
      "马屿-2",
    ]);
    expect(buildWorld(scenario).geography.areas.map((a) => a.name)).toEqual(["鹿城", "瑞安"]);
  });

  it("is read for a scenario that names no units file", () => {
    const reads: { path: string; fromCommandLine?: boolean }[] = [];
    const { scenario } = parseScenarioText(
      "name: x\nrun: { population: 1000 }\n",
      "dir/x.yaml",
      ["geography.unitsFile=units.csv"],
      (path, { fromCommandLine }) => {
        reads.push({ path, fromCommandLine });
        return "area,area_type,township,village,population,x_km,y_km\nA,county,T,V,100,1,2\n";
      },
    );
    expect(reads).toEqual([{ path: "units.csv", fromCommandLine: true }]);
    expect(scenario.geography.units).toHaveLength(1);
  });

  it("that cannot be read is refused, naming the --set", async () => {
    const error = await loadError("scenarios/example-units.yaml", ["geography.unitsFile=no/such.csv"]);
    expect(error.format()).toBe(
      '--set geography.unitsFile=no/such.csv: geography.unitsFile: cannot read "no/such.csv": no such file',
    );
  });

  it("leaves the scenario's own units file, relative to it, when other fields are set", async () => {
    const { scenario } = await loadScenario("scenarios/example-units.yaml", {
      sets: ["run.population=5000"],
    });
    expect(scenario.geography.units?.[0].area).toBe("Lucheng");
  });
});

describe("only regular files of bounded size are read", () => {
  const dir = mkdtempSync(join(tmpdir(), "tiersim-inputs-"));

  it("refuses a directory as the scenario", async () => {
    const error = await loadError(dir);
    expect(error.format()).toBe(
      `${dir}: cannot read the scenario file: it is a directory, not a regular file`,
    );
  });

  it("refuses /dev/zero without reading it", async () => {
    const error = await loadError("/dev/zero");
    expect(error.format()).toBe(
      "/dev/zero: cannot read the scenario file: it is a character device, not a regular file",
    );
  });

  it("refuses a FIFO without waiting for a writer", async () => {
    const fifo = join(dir, "scenario.fifo");
    execFileSync("mkfifo", [fifo]);
    const error = await loadError(fifo);
    expect(error.format()).toBe(
      `${fifo}: cannot read the scenario file: it is a FIFO (named pipe), not a regular file`,
    );
  });

  it("refuses a scenario over 5 MB", async () => {
    const big = join(dir, "big.yaml");
    writeFileSync(big, `name: big\n#${"x".repeat(5 * 1024 * 1024)}\n`);
    const error = await loadError(big);
    expect(error.format()).toBe(
      `${big}: cannot read the scenario file: it is 5242892 bytes, more than the 5242880 bytes allowed`,
    );
  });

  it("refuses a units CSV over 50 MB, a FIFO or a directory as units file, and a FIFO as the file extended", async () => {
    const sub = join(dir, "units");
    mkdirSync(sub);
    const huge = join(sub, "huge.csv");
    writeFileSync(huge, "");
    truncateSync(huge, 51 * 1024 * 1024); // sparse: nothing is written, and nothing is read
    execFileSync("mkfifo", [join(sub, "units.fifo")]);
    execFileSync("mkfifo", [join(sub, "parent.fifo")]);
    const scenario = join(sub, "s.yaml");
    const message = async (text: string) => {
      writeFileSync(scenario, text);
      return (await loadError(scenario)).format();
    };
    expect(await message("geography: { unitsFile: huge.csv }\n")).toBe(
      `${scenario}: geography.unitsFile: cannot read "huge.csv": it is 51 MB, more than the 50 MB allowed`,
    );
    expect(await message("geography: { unitsFile: units.fifo }\n")).toMatch(
      /it is a FIFO \(named pipe\), not a regular file$/,
    );
    expect(await message("geography: { unitsFile: . }\n")).toMatch(/it is a directory, not a regular file$/);
    expect(await message("extends: parent.fifo\n")).toBe(
      `${scenario}: extends: cannot read "parent.fifo": it is a FIFO (named pipe), not a regular file`,
    );
  });
});

describe("units CSV values are read strictly", () => {
  const HEADER = "area,area_type,township,village,population,x_km,y_km,urban";
  const row = (population: string, x: string, urban: string) =>
    `A,county,T,V${Math.random().toString(36).slice(2, 6)},${population},${x},2,${urban}`;
  const load = (rows: string[]) =>
    parseScenarioText(
      "geography: { unitsFile: u.csv }\n",
      "s.yaml",
      [],
      () => `${HEADER}\n${rows.join("\n")}\n`,
    );
  const problems = (rows: string[]) =>
    parseError("geography: { unitsFile: u.csv }\n", "s.yaml", [], () => `${HEADER}\n${rows.join("\n")}\n`)
      .format()
      .split("\n");

  it("accepts true/false, 1/0 and yes/no in any case, and an empty cell for the default", () => {
    const { scenario } = load([
      row("10", "1", "true"),
      row("10", "1", "FALSE"),
      row("10", "1", "1"),
      row("10", "1", "0"),
      row("10", "1", "Yes"),
      row("10", "1", "no"),
      row("10", "1", ""),
    ]);
    expect(scenario.geography.units?.map((u) => u.urban)).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      undefined,
    ]);
  });

  it("refuses any other boolean, naming file, line and column", () => {
    expect(problems([row("10", "1", "true"), row("10", "1", "maybe"), row("10", "1", "t")])).toEqual([
      'u.csv:3:1: geography.unitsFile: column 8 (urban): expected true, false, 1, 0, yes or no (or nothing, for the default), got "maybe"',
      'u.csv:4:1: geography.unitsFile: column 8 (urban): expected true, false, 1, 0, yes or no (or nothing, for the default), got "t"',
    ]);
  });

  it("refuses a population of zero, or not a whole number", () => {
    expect(problems([row("0", "1", ""), row("2.5", "1", "")])).toEqual([
      'u.csv:2:1: geography.unitsFile: column 5 (population): expected a whole number of residents ≥ 1, got "0"',
      'u.csv:3:1: geography.unitsFile: column 5 (population): expected a whole number of residents ≥ 1, got "2.5"',
    ]);
  });

  it("refuses coordinates farther than 5,500 km from the centre (China's extent), e.g. metres for km", () => {
    expect(problems([row("10", "5500", ""), row("10", "-12000", "")])).toEqual([
      'u.csv:3:1: geography.unitsFile: column 6 (x_km): expected km from the centre, between -5500 and 5500 (metres given for km?), got "-12000"',
    ]);
  });

  it("counts lines as they are in the file, blank lines included", () => {
    const text = `${HEADER}\n${row("10", "1", "")}\n\n${row("10", "1", "never")}\n`;
    const error = parseError("geography: { unitsFile: u.csv }\n", "s.yaml", [], () => text);
    expect(error.problems[0].line).toBe(4);
  });
});
