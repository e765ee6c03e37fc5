import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { YearSummary } from "../models/outcomes/metrics-schema.ts";
import {
  fitDistance,
  runOverrides,
  type Target,
  type TargetsFile,
  TargetsFileSchema,
  TargetValueError,
  targetValue,
} from "../models/outcomes/targets-file.ts";
import { loadScenario, ScenarioError } from "../sim/scenario/loader.ts";
import { loadTargetsFile } from "../sim/scenario/targets-loader.ts";

const ROOT = join(import.meta.dirname, "..");
const INVALID_DIR = join(ROOT, "scenarios", "invalid-targets");
const EXAMPLE = join(ROOT, "scenarios", "targets", "national-2014-2015.yaml");

const TMP = mkdtempSync(join(tmpdir(), "tiersim-targets-"));
writeFileSync(join(TMP, "scenario.yaml"), "name: s\n");
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

let written = 0;
function writeTemp(text: string): string {
  const path = join(TMP, `t${written++}.yaml`);
  writeFileSync(path, text);
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("invalid targets files", () => {
  const files = readdirSync(INVALID_DIR).filter((f) => f.endsWith(".yaml"));

  it("cover every kind of error the loader words", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const name of files) {
    it(`${name} fails with the message its header expects, at its line`, async () => {
      const path = join(INVALID_DIR, name);
      const header = readFileSync(path, "utf8");
      const expected = /^# expect: (.+)$/m.exec(header)?.[1];
      const line = /^# expect-line: (\d+)$/m.exec(header)?.[1];
      expect(expected, `${name} needs a '# expect:' line`).toBeDefined();
      expect(line, `${name} needs a '# expect-line:' line`).toBeDefined();
      const error = await rejection(loadTargetsFile(path));
      expect(error).toBeInstanceOf(ScenarioError);
      const err = error as ScenarioError;
      const matching = err.problems.filter((p) => p.message.includes(expected!));
      expect(matching, err.format()).toHaveLength(1);
      expect(matching[0].file).toBe(path);
      expect(matching[0].line, err.format()).toBe(Number(line));
      expect(err.format()).toContain(`${path}:${line}:`);
    });
  }

  it("reports a missing targets file as a located problem", async () => {
    const error = await rejection(loadTargetsFile(join(INVALID_DIR, "no-such-file.yaml")));
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toMatch(/cannot read the targets file: no such file/);
  });

  it("lists every problem at once, in file order", async () => {
    const path = writeTemp(
      [
        "name: several",
        "scenario: scenario.yaml",
        "grassrootsDefinition: everything",
        "targets:",
        "  - { id: a, metric: m, year: 2015, value: 1, sd: -1, source: s }",
        "parameters:",
        "  - { path: choice.nope, prior: { uniform: [0, 1] } }",
        "",
      ].join("\n"),
    );
    const err = (await rejection(loadTargetsFile(path))) as ScenarioError;
    expect(err.format().split("\n")).toEqual([
      `${path}:3:23: grassrootsDefinition: expected one of "all" | "thcChc", got "everything"`,
      `${path}:5:51: targets.0.sd: expected a number > 0, got -1`,
      `${path}:7:13: parameters.0.path: unknown field "nope" in choice`,
    ]);
  });
});

describe("the example targets file", () => {
  it("loads, with its scenario resolved next to it", async () => {
    const { file, targets, scenarioFile } = await loadTargetsFile(EXAMPLE);
    expect(file).toBe(EXAMPLE);
    expect(scenarioFile).toBe(resolve(ROOT, "scenarios", "baseline.yaml"));
    expect(targets.grassrootsDefinition).toBe("all");
    expect(targets.run).toEqual({ startYear: 2014, years: 2 });
    expect(targets.targets.map((t) => [t.metric, t.year, t.value, t.sd])).toEqual([
      ["grassrootsShare", 2014, 0.574, 0.01],
      ["hospitalShare", 2014, 0.391, 0.01],
      ["visitsPerPersonYear", 2015, 5.6, 0.2],
      ["grassrootsShare", 2015, 0.564, 0.01],
      ["admissionsPer100", 2015, 15.3, 1],
    ]);
    expect(targets.parameters).toEqual([
      { path: "choice.tierConstant.township", prior: { uniform: [-1, 1] } },
      { path: "choice.tierConstant.county", prior: { uniform: [-1, 1] } },
      { path: "choice.costPerYuan", prior: { uniform: [-0.01, 0] } },
    ]);
  });

  it("gives the run its 2014 targets need, which the baseline then accepts", async () => {
    const loaded = await loadTargetsFile(EXAMPLE);
    expect(runOverrides(loaded.targets)).toEqual(["run.startYear=2014", "run.years=2"]);
    const { scenario } = await loadScenario(loaded.scenarioFile, { sets: runOverrides(loaded.targets) });
    expect(scenario.run).toMatchObject({ startYear: 2014, years: 2 });
    await expect(loadTargetsFile(EXAMPLE, { scenario })).resolves.toBeDefined();
  });

  it("without a run block, is checked against the scenario's own run when given one", async () => {
    const baseline = join(ROOT, "scenarios", "baseline.yaml");
    const text = readFileSync(EXAMPLE, "utf8")
      .replace(/^run: .*$/m, "")
      .replace(/^scenario: .*$/m, `scenario: ${JSON.stringify(baseline)}`);
    const path = writeTemp(text);
    await expect(loadTargetsFile(path)).resolves.toBeDefined();
    const { scenario } = await loadScenario(baseline);
    const err = (await rejection(loadTargetsFile(path, { scenario }))) as ScenarioError;
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err.format().split("\n")).toEqual([
      `${path}:17:11: targets.0.year: year 2014 is outside the scenario's run (2015–2016): give this file a run: { startYear, years } block, or change the scenario's run`,
      `${path}:23:11: targets.1.year: year 2014 is outside the scenario's run (2015–2016): give this file a run: { startYear, years } block, or change the scenario's run`,
    ]);
  });

  it("checks parameter paths against the scenario given, by its own list ids", async () => {
    const body = (path: string) =>
      `name: x\nscenario: scenario.yaml\ngrassrootsDefinition: all\ntargets:\n  - { id: a, metric: m, year: 2015, value: 1, sd: 1, source: s }\nparameters:\n  - { path: ${path}, prior: { lognormal: [0, 0.5] } }\n`;
    await expect(loadTargetsFile(writeTemp(body("episodes.kinds.minor.visits.mean")))).resolves.toBeDefined();
    const { scenario } = await loadScenario(join(ROOT, "scenarios", "baseline.yaml"));
    const renamed = structuredClone(scenario);
    renamed.episodes.kinds[0].id = "mild";
    const path = writeTemp(body("episodes.kinds.mild.visits.mean"));
    await expect(loadTargetsFile(path, { scenario: renamed })).resolves.toBeDefined();
    const err = (await rejection(loadTargetsFile(path))) as ScenarioError;
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ line: 7, path: "parameters.0.path" });
    expect(err.problems[0].message).toMatch(/^no item with id "mild" in episodes\.kinds/);
  });
});

// ---------------------------------------------------------------------------------------------
// Simulated values

const tiers = (village: number, township: number, county: number, tertiary: number, outOfRegion: number) => ({
  village,
  township,
  county,
  tertiary,
  outOfRegion,
});

/** Only the fields the targets read; the rest of a summary plays no part. */
const BY_YEAR = {
  "2014": {
    grassrootsShare: 0.6,
    hospitalShare: 0.4,
    visitsShareByTier: tiers(0.25, 0.35, 0.25, 0.1, 0.05),
    admissionsPer100: 14,
    episodes: { byKind: { minor: 10 } },
  },
  "2015": {
    grassrootsShare: 0.5,
    hospitalShare: 0.5,
    visitsShareByTier: tiers(0.2, 0.3, 0.3, 0.15, 0.05),
    admissionsPer100: 16,
    downwardReferralGrowth: null,
  },
  "2016": { admissionsPer100: 0 },
} as unknown as Record<string, YearSummary>;

const level = (metric: string, year: number, id = "t"): Target => ({
  id,
  metric,
  year,
  value: 0,
  sd: 1,
  source: "s",
});
const change = (
  metric: string,
  from: number,
  to: number,
  kind: "absolute" | "relative",
  id = "t",
): Target => ({ id, metric, change: { from, to, kind }, value: 0, sd: 1, source: "s" });

describe("targetValue", () => {
  it("reads a level in a year, by key or dotted path", () => {
    expect(targetValue(BY_YEAR, level("grassrootsShare", 2014), "all")).toBe(0.6);
    expect(targetValue(BY_YEAR, level("visitsShareByTier.tertiary", 2015), "all")).toBe(0.15);
    expect(targetValue(BY_YEAR, level("episodes.byKind.minor", 2014), "all")).toBe(10);
  });

  it("reads an absolute change as to − from", () => {
    // 0.5 − 0.4 = 0.1; 16 − 14 = 2
    expect(targetValue(BY_YEAR, change("hospitalShare", 2014, 2015, "absolute"), "all")).toBeCloseTo(0.1, 12);
    expect(targetValue(BY_YEAR, change("admissionsPer100", 2014, 2015, "absolute"), "all")).toBe(2);
  });

  it("reads a relative change as (to − from) ÷ from", () => {
    // (16 − 14) / 14 = 1/7; (0.5 − 0.6) / 0.6 = −1/6
    expect(targetValue(BY_YEAR, change("admissionsPer100", 2014, 2015, "relative"), "all")).toBeCloseTo(
      1 / 7,
      12,
    );
    expect(targetValue(BY_YEAR, change("grassrootsShare", 2014, 2015, "relative"), "all")).toBeCloseTo(
      -1 / 6,
      12,
    );
  });

  it("reads the grassroots share as the township tier's under thcChc, and nothing else differently", () => {
    expect(targetValue(BY_YEAR, level("grassrootsShare", 2014), "thcChc")).toBe(0.35);
    expect(targetValue(BY_YEAR, level("grassrootsShare", 2015), "thcChc")).toBe(0.3);
    // (0.3 − 0.35) / 0.35 = −1/7
    expect(targetValue(BY_YEAR, change("grassrootsShare", 2014, 2015, "relative"), "thcChc")).toBeCloseTo(
      -1 / 7,
      12,
    );
    expect(targetValue(BY_YEAR, level("hospitalShare", 2014), "thcChc")).toBe(0.4);
  });

  it("refuses, naming the target, what it cannot read", () => {
    const fails = (t: Target, pattern: RegExp) => {
      expect(() => targetValue(BY_YEAR, t, "all")).toThrow(TargetValueError);
      expect(() => targetValue(BY_YEAR, t, "all")).toThrow(pattern);
    };
    fails(
      level("grassrootsShare", 2013, "early"),
      /^target "early": year 2013 was not simulated \(the run covers 2014–2016\)/,
    );
    fails(
      change("grassrootsShare", 2015, 2017, "absolute", "late"),
      /^target "late": year 2017 was not simulated/,
    );
    fails(level("grassrootsShar", 2014, "typo"), /^target "typo": "grassrootsShar" in 2014 is not a number/);
    fails(
      level("visitsShareByTier", 2014, "object"),
      /^target "object": "visitsShareByTier" in 2014 is not a number/,
    );
    fails(level("downwardReferralGrowth", 2015, "null"), /^target "null": .* is not a number/);
    fails(level("constructor", 2014, "proto"), /^target "proto": "constructor" in 2014 is not a number/);
    fails(level("toString", 2014, "inherited"), /not a number/);
    fails(change("admissionsPer100", 2016, 2017, "relative", "zero"), /year 2017 was not simulated/);
    expect(() =>
      targetValue(
        { "2016": BY_YEAR["2016"], "2017": BY_YEAR["2014"] },
        change("admissionsPer100", 2016, 2017, "relative", "zero"),
        "all",
      ),
    ).toThrow(/^target "zero": a relative change from 2016 is undefined, the level there is 0/);
  });
});

describe("fitDistance", () => {
  it("is the root mean square of the targets' z-scores", () => {
    const targets: Target[] = [
      { ...level("grassrootsShare", 2014, "g"), value: 0.58, sd: 0.01 }, // (0.6 − 0.58) / 0.01 = 2
      { ...change("hospitalShare", 2014, 2015, "absolute", "h"), value: 0.05, sd: 0.05 }, // (0.1 − 0.05) / 0.05 = 1
      { ...level("admissionsPer100", 2015, "a"), value: 17, sd: 2 }, // (16 − 17) / 2 = −0.5
    ];
    const { perTarget, distance } = fitDistance(BY_YEAR, targets, "all");
    expect(perTarget.map((t) => t.id)).toEqual(["g", "h", "a"]);
    expect(perTarget.map((t) => [t.observed, t.sd])).toEqual([
      [0.58, 0.01],
      [0.05, 0.05],
      [17, 2],
    ]);
    expect(perTarget[0].simulated).toBe(0.6);
    expect(perTarget[1].simulated).toBeCloseTo(0.1, 12);
    expect(perTarget[2].simulated).toBe(16);
    expect(perTarget[0].z).toBeCloseTo(2, 9);
    expect(perTarget[1].z).toBeCloseTo(1, 9);
    expect(perTarget[2].z).toBe(-0.5);
    // √((4 + 1 + 0.25) / 3) = √1.75
    expect(distance).toBeCloseTo(Math.sqrt(1.75), 9);
  });

  it("uses the definition of the grassroots share the file gives", () => {
    const target = { ...level("grassrootsShare", 2014), value: 0.33, sd: 0.01 };
    expect(fitDistance(BY_YEAR, [target], "thcChc").distance).toBeCloseTo(2, 9); // |0.35 − 0.33| / 0.01
    expect(fitDistance(BY_YEAR, [target], "all").distance).toBeCloseTo(27, 9); // |0.6 − 0.33| / 0.01
  });

  it("refuses an empty list and unreadable targets rather than scoring NaN", () => {
    expect(() => fitDistance(BY_YEAR, [], "all")).toThrow(TargetValueError);
    expect(() => fitDistance(BY_YEAR, [level("nope", 2014, "n")], "all")).toThrow(/^target "n"/);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Numbers that survive YAML text unchanged (−0 would come back as 0 in some writers). */
const num = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => (x === 0 ? 0 : x));
const spread = fc.double({ min: 1e-6, max: 1e3, noNaN: true });
const text = fc.string({ minLength: 1, maxLength: 30 });

/** Fields any finite value suits, so any prior may move them. */
const UNBOUNDED = [
  "choice.tierConstant.village",
  "choice.tierConstant.township",
  "choice.tierConstant.county",
  "choice.tierConstant.tertiary",
  "choice.tierConstant.outOfRegion",
];

const prior = fc.oneof(
  fc
    .tuple(num, num)
    .filter(([a, b]) => a < b)
    .map(([a, b]) => ({ uniform: [a, b] as [number, number] })),
  fc.tuple(num, spread).map(([m, s]) => ({ normal: [m, s] as [number, number] })),
  fc
    .tuple(fc.double({ min: -5, max: 5, noNaN: true }), spread)
    .map(([m, s]) => ({ lognormal: [m === 0 ? 0 : m, s] as [number, number] })),
);

const validFile: fc.Arbitrary<TargetsFile> = fc
  .record({
    name: text,
    definition: fc.constantFrom("all" as const, "thcChc" as const),
    startYear: fc.integer({ min: 1990, max: 2090 }),
    years: fc.integer({ min: 2, max: 10 }),
    withRun: fc.boolean(),
    ids: fc.uniqueArray(text, { minLength: 1, maxLength: 5 }),
    parameters: fc.uniqueArray(fc.record({ path: fc.constantFrom(...UNBOUNDED), prior }), {
      maxLength: 3,
      selector: (p) => p.path,
    }),
  })
  .chain((f) =>
    fc
      .tuple(
        ...f.ids.map((id) =>
          fc
            .record({
              metric: text,
              value: num,
              sd: spread,
              source: text,
              offset: fc.integer({ min: 0, max: f.years - 2 }),
              kind: fc.constantFrom("level", "absolute", "relative"),
            })
            .map((t) => ({ id, ...t })),
        ),
      )
      .map((targets) => {
        const file: TargetsFile = {
          name: f.name,
          scenario: "scenario.yaml",
          grassrootsDefinition: f.definition,
          targets: targets.map((t) => ({
            id: t.id,
            metric: t.metric,
            ...(t.kind === "level"
              ? { year: f.startYear + t.offset }
              : {
                  change: {
                    from: f.startYear + t.offset,
                    to: f.startYear + t.offset + 1,
                    kind: t.kind as "absolute" | "relative",
                  },
                }),
            value: t.value,
            sd: t.sd,
            source: t.source,
          })),
          parameters: f.parameters,
        };
        if (f.withRun) file.run = { startYear: f.startYear, years: f.years };
        return file;
      }),
  );

/** Values no field of a targets file takes where they are put. */
const wrongKind = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.integer(), { minKeys: 1, maxKeys: 2 }),
);

/** Ways of spoiling one field of a valid file, each refused whatever the rest holds. */
const spoilers: fc.Arbitrary<(f: Record<string, unknown>) => void>[] = [
  fc.oneof(wrongKind, fc.integer(), fc.constant("")).map((v) => (f) => {
    f.name = v;
  }),
  fc.oneof(wrongKind, fc.integer(), fc.constant("")).map((v) => (f) => {
    f.scenario = v;
  }),
  fc
    .oneof(
      wrongKind,
      fc.integer(),
      text.filter((s) => s !== "all" && s !== "thcChc"),
    )
    .map((v) => (f) => {
      f.grassrootsDefinition = v;
    }),
  fc.oneof(wrongKind, text, fc.constant([])).map((v) => (f) => {
    f.targets = v;
  }),
  fc.oneof(wrongKind, text, fc.double({ max: 0, noNaN: true }), fc.constant(Number.NaN)).map((v) => (f) => {
    (f.targets as Record<string, unknown>[])[0].sd = v;
  }),
  fc.oneof(wrongKind, text, fc.constant(Number.POSITIVE_INFINITY)).map((v) => (f) => {
    (f.targets as Record<string, unknown>[])[0].value = v;
  }),
  fc
    .oneof(
      wrongKind,
      text,
      fc.double({ min: 1990.1, max: 2099.9, noNaN: true }).filter((y) => !Number.isInteger(y)),
      fc.integer({ max: 1989 }),
    )
    .map((v) => (f) => {
      const target = (f.targets as Record<string, unknown>[])[0];
      delete target.change;
      target.year = v;
    }),
  fc.oneof(wrongKind, fc.integer(), fc.constant("")).map((v) => (f) => {
    (f.targets as Record<string, unknown>[])[0].source = v;
  }),
  fc
    .oneof(
      wrongKind,
      text,
      fc.tuple(num, num).map(([a]) => ({ uniform: [a, a] })),
    )
    .map((v) => (f) => {
      f.parameters = [{ path: UNBOUNDED[0], prior: v }];
    }),
  fc
    .oneof(
      wrongKind,
      fc.integer(),
      text.filter((s) => !s.includes(".")),
    )
    .map((v) => (f) => {
      f.parameters = [{ path: v, prior: { uniform: [0, 1] } }];
    }),
  fc
    .tuple(
      text.filter((k) => ![...Object.keys(TargetsFileSchema.shape), "__proto__"].includes(k)),
      fc.jsonValue(),
    )
    .map(([k, v]) => (f) => {
      f[k] = v;
    }),
];

describe("properties", () => {
  it("valid targets files round-trip through YAML text and the loader", async () => {
    await fc.assert(
      fc.asyncProperty(validFile, async (file) => {
        const { targets } = await loadTargetsFile(writeTemp(stringify(file)));
        expect(targets).toEqual(file);
      }),
      { numRuns: 100 },
    );
  });

  it("a spoilt field is refused with a ScenarioError, never another exception", async () => {
    await fc.assert(
      fc.asyncProperty(validFile, fc.oneof(...spoilers), async (file, spoil) => {
        const data = structuredClone(file) as unknown as Record<string, unknown>;
        spoil(data);
        const error = await rejection(loadTargetsFile(writeTemp(stringify(data))));
        expect(error).toBeInstanceOf(ScenarioError);
        for (const line of (error as ScenarioError).format().split("\n")) expect(line).not.toBe("");
      }),
      { numRuns: 200 },
    );
  });

  it("any text at all loads or raises a ScenarioError, nothing else", async () => {
    const piece = fc.constantFrom(
      "name: x\n",
      "scenario: scenario.yaml\n",
      "grassrootsDefinition: all\n",
      "targets:\n",
      "  - { id: a, metric: m, year: 2015, value: 1, sd: 1, source: s }\n",
      "parameters:\n",
      "  - { path: choice.tierConstant.county, prior: { uniform: [0, 1] } }\n",
      "  - { path: __proto__.x, prior: { normal: [0, 1] } }\n",
      "run: { startYear: 2015, years: 1 }\n",
      "!!js/function x",
      "&a ",
      "*a",
      "[",
      "{",
      ": ",
      "- ",
      "  ",
      "\n",
      "#",
      '"',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.array(piece, { maxLength: 14 }).map((p) => p.join("")),
        ),
        async (source) => {
          const error = await rejection(loadTargetsFile(writeTemp(source)));
          if (error !== undefined) expect(error).toBeInstanceOf(ScenarioError);
        },
      ),
      { numRuns: 300 },
    );
  });
});
