import { type Scenario, ScenarioSchema } from "../../models/scenario.ts";

/**
 * A small city for fast statistical tests: 2 districts, 3 counties, few villages. Its real
 * population is `region` (default: 10 simulated residents' worth each, so that its facilities
 * have a realistic size).
 */
export function smallScenario(
  overrides: {
    population?: number;
    years?: number;
    replications?: number;
    seed?: number;
    region?: number;
  } = {},
  extra: { geography?: object } & Record<string, unknown> = {},
): Scenario {
  const population = overrides.population ?? 20_000;
  const { geography, ...rest } = extra;
  return ScenarioSchema.parse({
    name: "small-test-city",
    run: {
      population,
      years: overrides.years ?? 1,
      replications: overrides.replications ?? 1,
      seed: overrides.seed ?? 11,
    },
    geography: {
      population: overrides.region ?? population * 10,
      urbanDistricts: { count: 2, subdistrictsPerDistrict: 3, communitiesPerSubdistrict: 3 },
      counties: { count: 3, townshipsPerCounty: 4, villagesPerTownship: 5 },
      ...geography,
    },
    ...rest,
  });
}
