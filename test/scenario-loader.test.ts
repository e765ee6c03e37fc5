import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScenarioSchema } from "../models/scenario.ts";
import {
  loadScenario,
  parseScenarioText,
  ScenarioError,
  type ScenarioProblem,
  scenarioJsonSchema,
} from "../sim/scenario/loader.ts";
import { formatSetPath, parseSetPath } from "../sim/scenario/overrides.ts";

const INVALID_DIR = join(import.meta.dirname, "..", "scenarios", "invalid");
const BASELINE = join(import.meta.dirname, "..", "scenarios", "baseline.yaml");
const MINIMAL = "name: x\nrun: { population: 1000 }\n";

/** The ScenarioError that parsing throws (fails the test when it does not throw one). */
function errorOf(text: string, sets: string[] = [], file = "test.yaml"): ScenarioError {
  try {
    parseScenarioText(text, file, sets);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error("expected the scenario to be rejected");
}

function onlyProblem(text: string, sets: string[] = []): ScenarioProblem {
  const { problems } = errorOf(text, sets);
  expect(problems).toHaveLength(1);
  return problems[0];
}

describe("invalid scenario files", () => {
  const files = readdirSync(INVALID_DIR).filter((f) => f.endsWith(".yaml"));

  it("cover every kind of error the loader words", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of files) {
    it(`${name} fails with the message its header expects`, async () => {
      const path = join(INVALID_DIR, name);
      const header = readFileSync(path, "utf8");
      const expected = /^# expect: (.+)$/m.exec(header)?.[1];
      const line = /^# expect-line: (\d+)$/m.exec(header)?.[1];
      expect(expected, `${name} needs a '# expect:' line`).toBeDefined();
      const error = await loadScenario(path).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ScenarioError);
      const err = error as ScenarioError;
      const matching = err.problems.filter((p) => p.message.includes(expected!));
      expect(matching, err.format()).toHaveLength(1);
      expect(matching[0].file).toBe(path);
      if (line !== undefined) expect(matching[0].line).toBe(Number(line));
      expect(err.format()).toContain(`${path}:`);
    });
  }
});

describe("problem reports", () => {
  const several = [
    "name: several",
    "run:",
    "  population: abc",
    "  years: 100",
    "  sed: 3",
    "referral: { compliance: -1 }",
    "",
  ].join("\n");

  it("lists every problem, one line each, at its line and column", () => {
    const err = errorOf(several, [], "several.yaml");
    expect(err.format().split("\n")).toEqual([
      'several.yaml:3:15: run.population: expected a number, got string "abc"',
      "several.yaml:4:10: run.years: expected a number ≤ 30, got 100",
      'several.yaml:5:3: run.sed: unknown field "sed" (did you mean "seed"?)',
      "several.yaml:6:25: referral.compliance: expected a number ≥ 0, got -1",
    ]);
  });

  it("is an Error named ScenarioError whose message is the formatted report", () => {
    const err = errorOf(several);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ScenarioError");
    expect(err.message).toBe(err.format());
  });

  it("points at the enclosing mapping for a missing field and at the key for an unknown one", () => {
    const text = "name: x\nepisodes:\n  kinds:\n    - id: a\n      lable: A\n";
    const problems = errorOf(text).problems;
    const unknown = problems.find((p) => p.message.startsWith("unknown field"));
    expect(unknown).toMatchObject({ line: 5, column: 7, path: "episodes.kinds.0.lable" });
    expect(unknown?.message).toBe('unknown field "lable" (did you mean "label"?)');
    const missing = problems.find((p) => p.message === 'required field "label" is missing');
    expect(missing).toMatchObject({ line: 4, column: 7, path: "episodes.kinds.0.label" });
  });

  it("says which whole number was expected", () => {
    expect(onlyProblem("run: { years: 1.5 }\n").message).toBe("expected a whole number, got 1.5");
  });

  it("words list lengths and unknown condition names", () => {
    const kind = (extra: string) =>
      `episodes:\n  kinds:\n    - { id: a, label: A, incidence: { ages: [0], values: [1] }, severity: { min: 0, mode: 0, max: 0 }, visits: { mean: 1, intervalDays: 1 }, ${extra} }\n`;
    expect(onlyProblem(kind("needLevel: [1, 0, 0, 0]")).message).toBe("expected exactly 5 items, got 4");
    expect(onlyProblem(kind("needLevel: [1, 0, 0, 0, 0], conditionIncidence: { diabetis: 1 }")).message).toBe(
      'unknown field "diabetis" (did you mean "diabetes"?)',
    );
  });

  it("rejects an alias bomb without expanding it", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const [n, prev] of [
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
      ["e", "d"],
    ])
      lines.push(`${n}: &${n} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    expect(onlyProblem(lines.join("\n")).message).toMatch(/too many alias expansions/);
  });

  it("rejects any custom tag, and never runs code", () => {
    const problems = errorOf(
      "name: !!js/function 'function () {}'\nrun: !custom { population: 5 }\n",
    ).problems;
    expect(problems.map((p) => [p.line, p.message.slice(0, 26)])).toEqual([
      [1, 'custom tag "!!js/function"'],
      [2, 'custom tag "!custom" is no'],
    ]);
  });

  it("reports a missing file as a scenario problem", async () => {
    await expect(loadScenario(join(INVALID_DIR, "no-such-file.yaml"))).rejects.toThrow(
      /cannot read the scenario file: no such file/,
    );
  });
});

describe("valid scenarios", () => {
  it("fill every omitted field with its default", () => {
    const { scenario, file, overrides } = parseScenarioText("{}\n", "empty-map.yaml");
    expect(scenario).toEqual(ScenarioSchema.parse({}));
    expect(scenario.episodes.kinds.length).toBeGreaterThan(0);
    expect(file).toBe("empty-map.yaml");
    expect(overrides).toEqual([]);
  });

  it("include the shipped baseline, which loads without problems", async () => {
    const { scenario } = await loadScenario(BASELINE);
    expect(scenario.name).toBe("baseline");
  });

  it("give a JSON Schema for editors", () => {
    const schema = scenarioJsonSchema() as { type: string; properties: Record<string, unknown> };
    expect(schema.type).toBe("object");
    expect(Object.keys(schema.properties)).toEqual(Object.keys(ScenarioSchema.shape));
  });
});

describe("--set overrides", () => {
  const load = (...sets: string[]) => parseScenarioText(MINIMAL, "min.yaml", sets).scenario;

  it("read numbers, text, booleans and lists as YAML values", () => {
    expect(load("run.population=15").run.population).toBe(15);
    expect(load('name="15"').name).toBe("15");
    expect(load("name=what-if").name).toBe("what-if");
    expect(load("episodes.kinds.minor.emergency=true").episodes.kinds[0].emergency).toBe(true);
    expect(load("targets=[grassroots-share-2015-wenzhou]").targets).toEqual([
      "grassroots-share-2015-wenzhou",
    ]);
  });

  it("apply in order, the last one winning", () => {
    expect(load("run.years=3", "run.years=4").run.years).toBe(4);
  });

  it("select a list item by id, against the default catalogue the file omits", () => {
    const kinds = load("episodes.kinds.minor.visits.mean=2").episodes.kinds;
    expect(kinds.find((k) => k.id === "minor")?.visits).toEqual({ mean: 2, intervalDays: 3 });
    expect(kinds.map((k) => k.id)).toEqual(ScenarioSchema.parse({}).episodes.kinds.map((k) => k.id));
  });

  it("select a list item by index", () => {
    expect(load("episodes.kinds.1.label=Moderate").episodes.kinds[1].label).toBe("Moderate");
  });

  it("create the intermediate mappings the file omits", () => {
    const s = load("insurance.schemes.resident.outpatient.gaps.county=15");
    expect(s.insurance.schemes.resident.outpatient.gaps).toEqual({ county: 15, city: 5, outOfRegion: 5 });
  });

  it("leave the schema's defaults untouched", () => {
    load("population.ageStructure.male.0=0.5");
    expect(ScenarioSchema.parse({}).population.ageStructure.male[0]).toBe(0.0313);
  });

  it("fix a file's problem when they set the field", () => {
    const text = "run: { population: 0 }\n";
    expect(() => parseScenarioText(text, "f.yaml")).toThrow(ScenarioError);
    expect(parseScenarioText(text, "f.yaml", ["run.population=10"]).scenario.run.population).toBe(10);
  });

  it("name an unknown path segment with a suggestion", () => {
    expect(onlyProblem(MINIMAL, ["run.populaton=15"])).toEqual({
      file: "--set run.populaton=15",
      path: "run.populaton",
      message: 'unknown field "populaton" in run (did you mean "population"?)',
    });
    expect(onlyProblem(MINIMAL, ["episodes.kinds.minr.visits.mean=2"]).message).toBe(
      'no item with id "minr" in episodes.kinds (did you mean "minor"?)',
    );
    expect(onlyProblem(MINIMAL, ["run.population.x=1"]).message).toBe(
      'run.population is a single value, it has no field "x"',
    );
  });

  it("reject malformed overrides clearly", () => {
    expect(onlyProblem(MINIMAL, ["run.population"]).message).toMatch(/^expected path=value/);
    expect(onlyProblem(MINIMAL, ["=5"]).message).toMatch(/^empty path before '='/);
    expect(onlyProblem(MINIMAL, ["run..years=5"]).message).toMatch(/^empty segment in path/);
    expect(onlyProblem(MINIMAL, ["run.years=[1"]).message).toMatch(/^cannot read the value "\[1" as YAML/);
    expect(onlyProblem(MINIMAL, ["name=!!js/function x"]).message).toMatch(/^custom tag "!!js\/function"/);
  });

  it("name the override that makes a value invalid", () => {
    const err = errorOf(MINIMAL, ["run.years=2", "referral.compliance=2"]);
    expect(err.format()).toBe(
      "--set referral.compliance=2: referral.compliance: expected a number ≤ 1, got 2",
    );
    expect(onlyProblem(MINIMAL, ["population.ageStructure.male=[0.5]"])).toEqual({
      file: "--set population.ageStructure.male=[0.5]",
      path: "population.ageStructure.male",
      message: "expected 7 values, one per age band, got 1",
    });
  });

  it("report file and override problems together", () => {
    const err = errorOf("run: { years: 0 }\n", ["run.population=abc"], "f.yaml");
    expect(err.format().split("\n")).toEqual([
      "f.yaml:1:15: run.years: expected a number ≥ 1, got 0",
      '--set run.population=abc: run.population: expected a number, got string "abc"',
    ]);
  });

  it("cannot reach the object prototype", () => {
    expect(onlyProblem(MINIMAL, ["__proto__.polluted=1"]).file).toBe("--set __proto__.polluted=1");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("properties", () => {
  it("any valid population set on the command line is the population run", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000_000 }), (v) => {
        const { scenario } = parseScenarioText(MINIMAL, "min.yaml", [`run.population=${v}`]);
        expect(scenario.run.population).toBe(v);
      }),
      { numRuns: 200 },
    );
  });

  it("set paths of identifier segments round-trip through the parser", () => {
    const segment = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,11}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (segments) => {
        const dotted = formatSetPath(segments);
        expect(parseSetPath(dotted)).toEqual({ ok: true, value: segments });
        expect(formatSetPath(segments.join(".").split("."))).toBe(dotted);
      }),
    );
  });

  it("garbage overrides raise nothing but ScenarioError", () => {
    const piece = fc.constantFrom(
      "run",
      "population",
      "episodes",
      "kinds",
      "minor",
      "visits",
      "0",
      "99",
      "-1",
      "__proto__",
      "constructor",
      "",
      ".",
      "=",
      " ",
      "[",
      "{",
      "}",
      ":",
      "!!js/function",
      "!x",
      "&a",
      "*a",
      "'",
      '"',
      "\n",
      "#",
    );
    const override = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.array(piece, { maxLength: 12 }).map((p) => p.join("")),
    );
    fc.assert(
      fc.property(fc.array(override, { maxLength: 3 }), (sets) => {
        try {
          parseScenarioText(MINIMAL, "min.yaml", sets);
        } catch (error) {
          expect(error).toBeInstanceOf(ScenarioError);
          for (const line of (error as ScenarioError).format().split("\n")) expect(line).not.toBe("");
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("extends", () => {
  const dir = mkdtempSync(join(tmpdir(), "tiersim-extends-"));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);

  it("merges the file it extends under this one: mappings field by field, lists replaced", async () => {
    write(
      "parent.yaml",
      "name: parent\nrun: { population: 5000, years: 3 }\nchoice: { waitPerDay: -0.7 }\ntargets: [grassroots-share-2015-wenzhou]\n",
    );
    mkdirSync(join(dir, "sub"), { recursive: true });
    write(
      "sub/child.yaml",
      "extends: ../parent.yaml\nname: child\nrun: { years: 1 }\ntargets: [county-domestic-2015-wenzhou]\n",
    );
    const { scenario } = await loadScenario(join(dir, "sub", "child.yaml"));
    expect(scenario.name).toBe("child");
    expect(scenario.run.population).toBe(5000); // the parent's
    expect(scenario.run.years).toBe(1); // the child's
    expect(scenario.choice.waitPerDay).toBe(-0.7);
    expect(scenario.targets).toEqual(["county-domestic-2015-wenzhou"]); // replaced, not appended
  });

  it("merges a chain of two, each file's nested mappings field by field over the one it extends", async () => {
    write(
      "grandparent.yaml",
      "name: grandparent\ninsurance: { schemes: { resident: { outpatient: { grassrootsRate: 0.7, gaps: { county: 20, city: 20 } } } } }\n",
    );
    write(
      "middle.yaml",
      "extends: grandparent.yaml\ninsurance: { schemes: { resident: { outpatient: { gaps: { city: 12 } } } } }\nalliances: { rotation: { groups: [chronic, general, surgery] } }\n",
    );
    write(
      "leaf.yaml",
      "extends: middle.yaml\nname: leaf\ninsurance: { schemes: { resident: { outpatient: { gaps: { outOfRegion: 9 } } } } }\nalliances: { rotation: { groups: [surgery] } }\n",
    );
    const { scenario } = await loadScenario(join(dir, "leaf.yaml"));
    const outpatient = scenario.insurance.schemes.resident.outpatient;
    expect(scenario.name).toBe("leaf");
    expect(outpatient.grassrootsRate).toBe(0.7); // two files up
    expect(outpatient.gaps).toEqual({ county: 20, city: 12, outOfRegion: 9 }); // one field from each file
    expect(scenario.alliances.rotation.groups).toEqual(["surgery"]); // the leaf's list replaces the middle's
    expect(scenario.insurance.schemes.employee).toEqual(ScenarioSchema.parse({}).insurance.schemes.employee);
  });

  it("refuses a chain that does not end, and a parent that is missing or invalid, naming the file", async () => {
    write("a.yaml", "extends: b.yaml\n");
    write("b.yaml", "extends: a.yaml\n");
    await expect(loadScenario(join(dir, "a.yaml"))).rejects.toThrow(/a chain of extends must end/);
    write("c.yaml", "extends: nowhere.yaml\n");
    await expect(loadScenario(join(dir, "c.yaml"))).rejects.toThrow(
      /cannot read "nowhere.yaml": no such file/,
    );
    write("d.yaml", "extends: e.yaml\n");
    write("e.yaml", "run: { population: [1 }\n");
    await expect(loadScenario(join(dir, "d.yaml"))).rejects.toThrow(/e\.yaml/);
    write("f.yaml", "extends: parent.yaml\nrun: { population: -3 }\n");
    await expect(loadScenario(join(dir, "f.yaml"))).rejects.toThrow(/run\.population/);
  });
});

describe("extends a bundled scenario by name", () => {
  it("a copy of a library scenario in another folder extends the bundled baseline, and loads as the original", async () => {
    const folder = mkdtempSync(join(tmpdir(), "tiersim-copy-"));
    const copy = join(folder, "my-reform.yaml");
    writeFileSync(copy, readFileSync(join("scenarios", "wenzhou-2014.yaml")));
    const original = await loadScenario(join("scenarios", "wenzhou-2014.yaml"));
    const copied = await loadScenario(copy);
    expect(copied.scenario).toEqual(original.scenario);
  });

  it("a name that is neither beside the file nor bundled is still refused", async () => {
    const folder = mkdtempSync(join(tmpdir(), "tiersim-copy-"));
    const file = join(folder, "a.yaml");
    writeFileSync(file, "extends: no-such-scenario.yaml\n");
    await expect(loadScenario(file)).rejects.toThrow(/cannot read "no-such-scenario.yaml": no such file/);
  });
});
