/**
 * Reusing a built world for another scenario. Experiments of many runs (sweeps, calibration) run
 * scenarios that differ in a few policy fields; the heavy part of the world — geography,
 * facilities with the alliances' effects, catchments — is built from four parts of the scenario
 * only (`buildWorld` in models/world.ts):
 *
 *   geography           buildGeography(scenario.geography, run.population)
 *   facilities          placeFacilities(scenario.facilities, geography, scale), then
 *                       applyAlliances(scenario.alliances, …) raises members' capability and quality
 *   catchment           buildCatchment(facilities, …, scenario.geography.travel)
 *   alliances           applyAlliances(scenario.alliances, geography, facilities)
 *   regionPopulation, scale, population   geography and run.population
 *
 * The rest is rebuilt from the new scenario: the scenario itself (read by the care pathway for
 * every policy field), the episode tables (episodes.kinds), the insurance tables (insurance and
 * the kinds), the population tables (population) and the wait smoothing (choice.waitMemoryDays).
 * A rebased world is a new object, so what the models cache per world (the choice tables) is
 * built afresh for it. Runs only read a world; the old and the new one share the heavy parts.
 * test/sweep-world.test.ts checks that a rebased world equals a freshly built one and that every
 * field of World is listed here as reused or rebuilt.
 */
import type { Scenario } from "../../models/scenario.ts";
import { buildWorld, policyTables, type World } from "../../models/world.ts";

/** Fields of World taken over from the world being reused. */
export const REUSED_WORLD_FIELDS = [
  "population",
  "geography",
  "facilities",
  "catchment",
  "alliances",
  "regionPopulation",
  "scale",
] as const satisfies readonly (keyof World)[];

/** Fields of World built again from the new scenario. */
export const REBUILT_WORLD_FIELDS = [
  "scenario",
  "kinds",
  "insurance",
  "countyInsurance",
  "populationTables",
  "waitSmoothing",
] as const satisfies readonly (keyof World)[];

/** What the reused fields are built from: equal keys, equal heavy parts. */
export function worldKey(scenario: Scenario): string {
  return JSON.stringify([
    scenario.run.population,
    scenario.geography,
    scenario.facilities,
    scenario.alliances,
  ]);
}

/** `world`'s heavy parts with everything else built from `scenario` (whose worldKey must match). */
export function rebaseWorld(world: World, scenario: Scenario): World {
  const rebuilt: Pick<World, (typeof REBUILT_WORLD_FIELDS)[number]> = policyTables(scenario);
  const reused = Object.fromEntries(REUSED_WORLD_FIELDS.map((f) => [f, world[f]])) as Pick<
    World,
    (typeof REUSED_WORLD_FIELDS)[number]
  >;
  return { ...reused, ...rebuilt };
}

/**
 * The world of `scenario`: `previous` itself when it was built for the same scenario, `previous`
 * rebased when only fields outside its heavy parts differ, else a new one.
 */
export function reuseWorld(previous: World | undefined, scenario: Scenario): World {
  if (!previous) return buildWorld(scenario);
  if (previous.scenario === scenario || JSON.stringify(previous.scenario) === JSON.stringify(scenario))
    return previous;
  return worldKey(previous.scenario) === worldKey(scenario)
    ? rebaseWorld(previous, scenario)
    : buildWorld(scenario);
}
