import { z } from "zod";
import { TIER_NAMES } from "./tiers.ts";

/** A number per tier, written as a YAML mapping {village, township, county, tertiary, outOfRegion}. */
export function byTierSchema(
  value: z.ZodNumber,
  defaults: readonly [number, number, number, number, number],
) {
  return z
    .object({
      village: value.default(defaults[0]),
      township: value.default(defaults[1]),
      county: value.default(defaults[2]),
      tertiary: value.default(defaults[3]),
      outOfRegion: value.default(defaults[4]),
    })
    .strict()
    .prefault({});
}
export type ByTierValues = Record<(typeof TIER_NAMES)[number], number>;

export function byTierArray(v: ByTierValues): Float64Array {
  return Float64Array.from(TIER_NAMES.map((t) => v[t]));
}
