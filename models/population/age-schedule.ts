import { z } from "zod";

/**
 * A quantity that varies by age, given as values on age bands that start at `ages`
 * (the last band is open-ended). Used for incidence and prevalence.
 */
export const AgeScheduleSchema = z
  .object({
    ages: z
      .array(z.number().int().min(0).max(120))
      .min(1)
      .describe("Lower bound (years) of each age band; the first must be 0, increasing."),
    values: z.array(z.number().min(0)).min(1).describe("Value on each band."),
  })
  .strict()
  .superRefine((s, ctx) => {
    checkAgeBands(s.ages, ctx);
    if (s.values.length !== s.ages.length)
      ctx.addIssue({
        code: "custom",
        path: ["values"],
        message: `expected ${s.ages.length} values, one per age band, got ${s.values.length}`,
      });
  });
export type AgeSchedule = z.infer<typeof AgeScheduleSchema>;

/** Age bands start at 0 and increase: one issue per offending band. */
export function checkAgeBands(ages: readonly number[], ctx: z.RefinementCtx): void {
  if (ages[0] !== 0)
    ctx.addIssue({ code: "custom", path: ["ages", 0], message: "the first age band must start at 0" });
  for (let i = 1; i < ages.length; i++) {
    if (ages[i] <= ages[i - 1])
      ctx.addIssue({ code: "custom", path: ["ages", i], message: "age bands must increase" });
  }
}

/** The schedule's value at each whole age 0..120, for lookups in the hot loop. */
export function tabulateByAge(s: AgeSchedule): Float64Array {
  const out = new Float64Array(121);
  let band = 0;
  for (let age = 0; age <= 120; age++) {
    while (band + 1 < s.ages.length && s.ages[band + 1] <= age) band++;
    out[age] = s.values[band];
  }
  return out;
}
