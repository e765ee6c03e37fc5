import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { YearSummary } from "../models/outcomes/metrics-schema.ts";
import type { Scenario } from "../models/scenario.ts";
import { runScenario } from "../sim/run.ts";
import { loadScenario, scenarioJsonSchema } from "../sim/scenario/loader.ts";
import { timelinePhases } from "../sim/scenario/timeline-phases.ts";

/**
 * The scenario library: the bundled scenarios (one per source policy document, beside the
 * baseline and the examples), the JSON Schema editors check them with, and what each document's
 * levers do to the default city.
 */

const SCENARIOS = join(import.meta.dirname, "..", "scenarios");
const SCHEMA_FILE = join(SCENARIOS, "scenario.schema.json");

/** Scenario files shipped in scenarios/ and scenarios/calibrated/ (targets files aside). */
const BUNDLED = ["", "calibrated"].flatMap((dir) =>
  readdirSync(join(SCENARIOS, dir))
    .filter((f) => f.endsWith(".yaml") && !f.endsWith(".targets.yaml"))
    .map((f) => join(dir, f)),
);

/** The five source documents' scenarios. */
const DOCUMENTS = [
  "wenzhou-2014.yaml",
  "jiujiang-2016.yaml",
  "national-pilot-2015.yaml",
  "xiacheng-2018.yaml",
  "chuxiong-2018.yaml",
];

const readYamlFile = (file: string): unknown => parseYaml(readFileSync(join(SCENARIOS, file), "utf8"));

describe("scenarios/scenario.schema.json", () => {
  it("is the schema the loader validates with, so it cannot go stale", () => {
    const checkedIn = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
    expect(
      checkedIn,
      "scenarios/scenario.schema.json is stale: run `npx tsx sim/cli.ts schema > scenarios/scenario.schema.json`",
    ).toEqual(scenarioJsonSchema());
  });

  const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as { $schema: string };
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

  it("is a draft 2020-12 schema, the dialect ajv/dist/2020 checks", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("accepts every bundled scenario as written, `extends` included", () => {
    expect(BUNDLED).toEqual(expect.arrayContaining([...DOCUMENTS, "baseline.yaml"]));
    expect(BUNDLED.some((f) => f.startsWith("calibrated"))).toBe(true);
    for (const file of BUNDLED) {
      const ok = validate(readYamlFile(file));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  // The broken files whose fault is one of shape: a wrong type, an unknown field, a number out of
  // range, a value outside an enum, a required field missing, a list where a mapping belongs.
  // Out of a JSON Schema's reach, and left to the loader: YAML faults that stop parsing before
  // any schema is consulted (syntax-error, duplicate-key), a custom tag (custom-tag: refused by
  // the loader whatever the field; the schema only rejects it here because run.population is a
  // number), a file of comments only (empty: parsed as null); and the cross-field checks of
  // ScenarioSchema's refinements: list lengths that must match their age bands
  // (age-pyramid-length, age-schedule-length), names that must exist elsewhere in the scenario
  // (disease-list-unknown-kind), referral chains that must end (referral-chain-without-end), and
  // dotted paths inside free-form mappings (insurance-county-path, timeline-unchangeable).
  const SHAPE_FAULTS: Record<string, string> = {
    "wrong-type.yaml": "/run/population",
    "unknown-field.yaml": "/run",
    "out-of-range.yaml": "/referral/compliance",
    "bad-enum.yaml": "/insurance/schemes/resident/outpatient/gapUnit",
    "missing-required-field.yaml": "/episodes/kinds/0",
    "not-a-mapping.yaml": "",
  };

  for (const [file, where] of Object.entries(SHAPE_FAULTS))
    it(`rejects invalid/${file} at ${where || "the top level"}`, () => {
      expect(validate(readYamlFile(join("invalid", file)))).toBe(false);
      expect(validate.errors?.map((e) => e.instancePath)).toContain(where);
    });

  it("accepts the cross-field faults, which only the loader can see", () => {
    for (const file of [
      "age-pyramid-length.yaml",
      "disease-list-unknown-kind.yaml",
      "referral-chain-without-end.yaml",
    ])
      expect(validate(readYamlFile(join("invalid", file))), file).toBe(true);
  });
});

describe("every bundled scenario", () => {
  for (const file of BUNDLED)
    it(`${file} loads and runs a tiny world, scored against its own targets`, async () => {
      const { scenario } = await loadScenario(join(SCENARIOS, file), {
        sets: ["run.population=3000", "run.replications=1"],
      });
      // Its own years: a timeline's dates must fall inside the run.
      const { metrics } = await runScenario(scenario, { threads: 1 });
      const written = (readYamlFile(file) as { targets?: string[] }).targets;
      expect(metrics.targets.map((t) => t.id)).toEqual(written ?? scenario.targets);
      expect(metrics.summary.totalVisits).toBeGreaterThan(0);
    }, 60_000);
});

describe("the source documents' scenarios", () => {
  it("open with the editor's schema line, extend the baseline and cite nothing outside the project", () => {
    for (const file of DOCUMENTS) {
      const text = readFileSync(join(SCENARIOS, file), "utf8");
      const lines = text.split("\n");
      expect(lines[0], file).toBe("# yaml-language-server: $schema=./scenario.schema.json");
      expect(text, file).toMatch(/^extends: baseline\.yaml$/m);
      // Nothing outside the project: no seed files, no private notes.
      expect(text, file).not.toMatch(/seed 00|seeds\/|DOMAIN\.md|\.\.\/shared/);
    }
  });
});

/**
 * Directional checks. Each document's levers as they stand after its last dated change, in
 * force for a whole year, against the baseline with the same seed and run (common random
 * numbers: the two runs share every draw the levers do not change). Sizes of the noise, measured
 * on the baseline at this size (10,000 residents, 1 year) over seeds 1–3: grassroots share 59.06%,
 * 58.72%, 59.38% (sd ≈ 0.3 points), out-of-region share 1.14%, 1.22%, 1.18% (sd ≈ 0.04 points);
 * the margins below are several of these sds.
 */
describe("what each document's levers do to the default city", () => {
  const POPULATION = 10_000;
  const SEED = 20150101;

  /** The scenario with its timeline's changes all in force from day 0, for one year. */
  async function inForce(file: string): Promise<Scenario> {
    const { scenario } = await loadScenario(join(SCENARIOS, file));
    const { phases } = timelinePhases(scenario);
    const last = structuredClone(phases[phases.length - 1].scenario);
    return { ...last, timeline: [], run: { ...last.run, population: POPULATION, years: 1, seed: SEED } };
  }

  async function pair(file: string): Promise<{ policy: YearSummary; base: YearSummary }> {
    const policyScenario = await inForce(file);
    const { scenario: baseline } = await loadScenario(join(SCENARIOS, "baseline.yaml"));
    const base = { ...baseline, run: policyScenario.run };
    const [a, b] = await Promise.all([
      runScenario(policyScenario, { threads: 1 }),
      runScenario(base, { threads: 1 }),
    ]);
    return { policy: a.metrics.summary, base: b.metrics.summary };
  }

  it("Wenzhou 温政办〔2014〕135号: the 25-point cut shrinks out-of-region care, alliances raise the grassroots share", async () => {
    const { policy, base } = await pair("wenzhou-2014.yaml");
    expect(policy.visitsShareByTier.outOfRegion).toBeLessThan(base.visitsShareByTier.outOfRegion - 0.002);
    expect(policy.grassrootsShare).toBeGreaterThan(base.grassrootsShare + 0.02);
    expect(base.referralsIntoAllianceShare).toBe(0);
    expect(policy.referralsIntoAllianceShare).toBeGreaterThan(0.5);
  }, 60_000);

  it("Jiujiang 2016: higher grassroots rates and alliances raise grassroots first contact; contracts reach the key populations", async () => {
    const { policy, base } = await pair("jiujiang-2016.yaml");
    expect(policy.grassrootsShare).toBeGreaterThan(base.grassrootsShare + 0.02);
    expect(policy.twoWeekIllnessGrassrootsFirstContact).toBeGreaterThan(
      base.twoWeekIllnessGrassrootsFirstContact + 0.01,
    );
    expect(policy.visitsShareByTier.tertiary).toBeLessThan(base.visitsShareByTier.tertiary);
    expect(policy.contractCoverageKeyPopulations).toBeGreaterThan(base.contractCoverageKeyPopulations + 0.15);
    expect(policy.contractCoverageUrban).toBeGreaterThanOrEqual(0.3);
  }, 60_000);

  it("national pilots 2015: wider gaps, unreferred cuts and alliances move visits from tertiary hospitals to the grassroots", async () => {
    const { policy, base } = await pair("national-pilot-2015.yaml");
    expect(policy.grassrootsShare).toBeGreaterThan(base.grassrootsShare + 0.02);
    expect(policy.visitsShareByTier.tertiary).toBeLessThan(base.visitsShareByTier.tertiary - 0.01);
    expect(policy.contractCoverageUrban).toBeGreaterThanOrEqual(0.3);
  }, 60_000);

  it("Xiacheng 下政办发〔2018〕56号: key populations contracted, referrals kept in the city groups, fewer chronic visits", async () => {
    const { policy, base } = await pair("xiacheng-2018.yaml");
    expect(policy.contractCoverageKeyPopulations).toBeGreaterThan(base.contractCoverageKeyPopulations + 0.15);
    expect(base.referralsIntoAllianceShare).toBe(0);
    expect(policy.referralsIntoAllianceShare).toBeGreaterThan(0.5);
    // Long prescriptions halve holders' chronic follow-ups.
    expect(policy.visitsPerPersonYear).toBeLessThan(base.visitsPerPersonYear - 0.1);
    // City groups only: the districts' grassroots share rises more than the counties'.
    expect(policy.grassrootsShareByPlace.districts - base.grassrootsShareByPlace.districts).toBeGreaterThan(
      policy.grassrootsShareByPlace.counties - base.grassrootsShareByPlace.counties,
    );
  }, 60_000);

  it("Chuxiong 楚卫通〔2018〕66号: the alliance grid keeps referrals inside alliances and raises the grassroots share", async () => {
    const { policy, base } = await pair("chuxiong-2018.yaml");
    expect(base.referralsIntoAllianceShare).toBe(0);
    expect(policy.referralsIntoAllianceShare).toBeGreaterThan(0.5);
    expect(policy.grassrootsShare).toBeGreaterThan(base.grassrootsShare + 0.02);
  }, 60_000);
});
