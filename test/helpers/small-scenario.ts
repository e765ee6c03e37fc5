import { type Scenario, ScenarioSchema } from "../../models/scenario.ts";

/** A small city for fast statistical tests: 2 districts, 3 counties, few villages. */
export function smallScenario(
  overrides: { population?: number; years?: number; replications?: number; seed?: number } = {},
  extra: object = {},
): Scenario {
  return ScenarioSchema.parse({
    name: "small-test-city",
    run: {
      population: overrides.population ?? 20_000,
      years: overrides.years ?? 1,
      replications: overrides.replications ?? 1,
      seed: overrides.seed ?? 11,
    },
    geography: {
      urbanDistricts: { count: 2, subdistrictsPerDistrict: 3, communitiesPerSubdistrict: 3 },
      counties: { count: 3, townshipsPerCounty: 4, villagesPerTownship: 5 },
    },
    ...extra,
  });
}
