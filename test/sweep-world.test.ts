import { serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { buildWorld, type World } from "../models/world.ts";
import {
  REBUILT_WORLD_FIELDS,
  REUSED_WORLD_FIELDS,
  rebaseWorld,
  reuseWorld,
  worldKey,
} from "../sim/pipeline/world-reuse.ts";
import { loadScenario } from "../sim/scenario/loader.ts";

/**
 * World reuse (sim/pipeline/world-reuse.ts): a world rebased onto a scenario that differs only in
 * policy equals the world built from that scenario, field for field; a change to what the heavy
 * parts are built from gives a new world.
 */

/**
 * Field-for-field equality, fast: the structured-clone bytes of both worlds (typed arrays
 * included), top-level fields in one order. On a difference, vitest's deep equality shows it.
 */
function expectSameWorld(actual: World, expected: World, what = ""): void {
  const bytes = (w: World) =>
    serialize(Object.fromEntries(Object.entries(w).sort(([a], [b]) => (a < b ? -1 : 1))));
  if (!bytes(actual).equals(bytes(expected))) expect(actual, what).toEqual(expected);
}

const load = async (...sets: string[]) =>
  (await loadScenario("scenarios/baseline.yaml", { sets: ["run.population=4000", ...sets] })).scenario;

describe("world reuse", () => {
  it("lists every field of World as reused or rebuilt", async () => {
    const world = buildWorld(await load());
    expect([...REUSED_WORLD_FIELDS, ...REBUILT_WORLD_FIELDS].sort()).toEqual(Object.keys(world).sort());
  });

  it.each([
    ["insurance", ["insurance.schemes.ncms.outpatient.gaps.county=15", "insurance.residentSchemes=merged"]],
    ["county insurance rules", ["insurance.counties={schemes.ncms.outpatient.gaps.county: 10}"]],
    ["choice", ["choice.waitMemoryDays=30", "choice.tierConstant.township=0.5"]],
    ["referral and contracting", ["referral.compliance=0.6", "contracting.coverage.all=0.5"]],
    ["payment", ["payment.hospitalStays=perCase"]],
    [
      "episodes",
      ["episodes.kinds.minor.price.outpatient.county=300", "episodes.kinds.complex.usualSource=true"],
    ],
    ["population", ["population.keyGroups.elderlyAge=60", "population.insurance.uninsuredShare=0.1"]],
    ["run", ["run.seed=7", "run.years=3", "run.replications=2"]],
  ])("rebased onto a change of %s, equals the world built from it", async (_, sets) => {
    const base = await load();
    const changed = await load(...sets);
    expect(worldKey(changed)).toBe(worldKey(base));
    const built = buildWorld(base);
    const rebased = reuseWorld(built, changed);
    expect(rebased).not.toBe(built);
    expect(rebased.scenario).toBe(changed);
    expect(rebased.facilities).toBe(built.facilities);
    expectSameWorld(rebased, buildWorld(changed));
  });

  it("builds a new world when what the heavy parts come from changes", async () => {
    const base = await load();
    const built = buildWorld(base);
    for (const set of [
      "facilities.townshipCentre.quality=0.5",
      "alliances.countyCommunities.coverage=1",
      "geography.travel.ruralSpeedKmh=30",
      "run.population=5000",
    ]) {
      const changed = await load(set);
      expect(worldKey(changed), set).not.toBe(worldKey(base));
      const world = reuseWorld(built, changed);
      expect(world.facilities, set).not.toBe(built.facilities);
      expectSameWorld(world, buildWorld(changed), set);
    }
  });

  it("returns the same world for the same scenario, so per-world caches (choice tables) are kept", async () => {
    const built = buildWorld(await load());
    expect(reuseWorld(built, await load())).toBe(built);
    expect(rebaseWorld(built, await load("referral.downward=0.5")).catchment).toBe(built.catchment);
  });
});
